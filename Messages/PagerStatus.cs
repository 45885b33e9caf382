namespace ActorPager.Messages;

/// <summary>
/// A pager's answer for one page (rtvals[i]) or for a whole request: FreeBSD's <c>VM_PAGER_*</c>
/// codes, with their kernel values. Expected outcomes are values, not exceptions.
/// </summary>
public enum PagerStatus : byte
{
    /// <summary>VM_PAGER_OK: the page was read, or written (or was clean).</summary>
    Ok = 0,

    /// <summary>VM_PAGER_BAD: out of range — a page wholly past EOF, a doomed vnode, no mount.</summary>
    Bad = 1,

    /// <summary>VM_PAGER_FAIL: in range but the pager does not have the data (a hole); a fault zero-fills.</summary>
    Fail = 2,

    /// <summary>VM_PAGER_PEND: the write was started and will be finished by a completion.</summary>
    Pend = 3,

    /// <summary>VM_PAGER_ERROR: an I/O error on existing data; the page stays dirty.</summary>
    Error = 4,

    /// <summary>VM_PAGER_AGAIN: not handled this time (or written only in part); try again.</summary>
    Again = 5,
}

/// <summary>VM_PAGER_PUT_* flags of a putpages request.</summary>
[Flags]
public enum PutFlags
{
    /// <summary>Asynchronous: the generic pager answers <see cref="PagerStatus.Pend"/> and completes later.</summary>
    None = 0,

    /// <summary>VM_PAGER_PUT_SYNC: write synchronously and durably; never answer Pend (rule 28).</summary>
    Sync = 1,

    /// <summary>VM_PAGER_PUT_INVAL: invalidate after writing; implies a synchronous write.</summary>
    Invalidate = 2,

    /// <summary>VM_PAGER_PUT_NOREUSE: the pages will not be reused soon.</summary>
    NoReuse = 4,

    /// <summary>VM_PAGER_CLUSTER_OK: the filesystem may delay the write to cluster it.</summary>
    ClusterOk = 8,
}

/// <summary>Page and block geometry shared by every actor (hocon: <c>actorpager.vm</c>).</summary>
public static class PageGeometry
{
    /// <summary>DEV_BSIZE: the unit of valid and dirty bits, 512 bytes.</summary>
    public const int BlockSize = 512;

    /// <summary>The default page size, 4 KiB (8 blocks, so one byte of valid bits and one of dirty bits).</summary>
    public const int DefaultPageSize = 4096;

    /// <summary>The largest page size whose block masks fit a byte: 8 blocks of 512 bytes.</summary>
    public const int MaxBlocksPerPage = 8;

    /// <summary>Masks with every block bit set for a page of <paramref name="pageSize"/> bytes.</summary>
    public static byte FullMask(int pageSize) => (byte)((1 << (pageSize / BlockSize)) - 1);

    /// <summary>The mask of blocks overlapping the byte range [<paramref name="start"/>, <paramref name="end"/>) of a page.</summary>
    public static byte BlockMask(int start, int end)
    {
        if (end <= start)
        {
            return 0;
        }

        var first = start / BlockSize;
        var last = (end - 1) / BlockSize;
        return (byte)(((1 << (last + 1)) - 1) & ~((1 << first) - 1));
    }
}
