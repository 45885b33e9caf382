namespace ActorPager.Actors.Vm;

/// <summary>
/// The pmap of one VM object: its pages that a client may read without sending a message, as a
/// process reads a mapped, valid page with no call into the VM system.
/// </summary>
/// <remarks>
/// <para>
/// Only the object's actor maps and unmaps (pmap_enter, pmap_remove_all). It maps a page once it is
/// resident, fully valid and unbusied after a fault or a read, and unmaps it before anything can
/// change its bytes or take its frame: before it exclusive-busies, writes, zeroes, invalidates or
/// frees it, before a truncate, and when the object dies. A page shared-busied for putpages stays
/// mapped: mappings are read-only, and putpages only reads the frame (pmap_remove_write).
/// </para>
/// <para>
/// Readers detect a racing unmap with a sequence number per frame (a seqlock). Every unmap
/// increments the frame's generation in <see cref="PhysicalMemory"/> before the frame's bytes can
/// change; a mapping names the frame and the generation it was made at. A reader checks the
/// generation before copying and again, behind a full fence, after copying every page: if none
/// moved, no page was unmapped while it copied, so its bytes are the pages' bytes at that moment,
/// all pages at once. Otherwise it falls back to a <c>Read</c> message, which the object answers in
/// one turn. A mapping keeps the low 32 bits of the generation: a reader could only be fooled if
/// one frame were unmapped exactly 2^32 times while it copied one page.
/// </para>
/// </remarks>
internal sealed class PageMap
{
    /// <summary>Most pages one mapped read copies; a longer read goes through the object.</summary>
    internal const int MaxPagesPerRead = 256;

    private readonly PhysicalMemory _memory;
    private readonly int _pageSize;

    /// <summary>Per page index: 0 when unmapped, else the generation's low 32 bits over frame + 1. Replaced, never shrunk, when it grows.</summary>
    private long[] _entries = new long[16];

    /// <summary>The object's size as readers see it; -1 while no mapped read may run (the object is dead or gone).</summary>
    private long _size = -1;

    private int _count;

    /// <summary>A map over frames of <paramref name="memory"/>, with no page mapped and no mapped reads until <see cref="PublishSize"/>.</summary>
    public PageMap(PhysicalMemory memory)
    {
        _memory = memory;
        _pageSize = memory.PageSize;
    }

    // ---- the object's side: its actor only ----

    /// <summary>Pages mapped now.</summary>
    internal int Count => _count;

    /// <summary>The size readers use now, or -1 when closed.</summary>
    internal long PublishedSize => Volatile.Read(ref _size);

    /// <summary>Sets the size readers bound their reads by. A shrink is published after the pages past it were unmapped.</summary>
    internal void PublishSize(long size) => Volatile.Write(ref _size, size);

    /// <summary>Whether <paramref name="pindex"/> is mapped.</summary>
    internal bool IsMapped(long pindex) => pindex < _entries.Length && _entries[pindex] != 0;

    /// <summary>pmap_enter: maps <paramref name="pindex"/> to <paramref name="frame"/>, whose bytes must now be the page's, complete.</summary>
    internal void Enter(long pindex, int frame)
    {
        var entries = _entries;
        if (pindex >= entries.Length)
        {
            var grown = new long[Math.Max(pindex + 1, (long)entries.Length * 2)];
            entries.CopyTo(grown, 0);

            // Readers holding the old array may see entries unmapped since; their generations moved.
            Volatile.Write(ref _entries, grown);
            entries = grown;
        }

        if (entries[pindex] != 0)
        {
            return;
        }

        var generation = (uint)Volatile.Read(ref _memory.MapGeneration(frame));
        Volatile.Write(ref entries[pindex], ((long)generation << 32) | (uint)(frame + 1));
        _count++;
    }

    /// <summary>pmap_remove_all: unmaps <paramref name="pindex"/> if mapped. A reader copying it now sees the generation move and falls back.</summary>
    internal void Remove(long pindex)
    {
        var entries = _entries;
        if (pindex >= entries.Length || entries[pindex] == 0)
        {
            return;
        }

        var frame = (int)(uint)entries[pindex] - 1;
        Volatile.Write(ref entries[pindex], 0);

        // A full fence: the frame's bytes are changed only after this is visible.
        Interlocked.Increment(ref _memory.MapGeneration(frame));
        _count--;
    }

    /// <summary>Unmaps every page and stops mapped reads: the object is dead or stopping.</summary>
    internal void Close()
    {
        Volatile.Write(ref _size, -1);
        var entries = _entries;
        for (long p = 0; p < entries.Length && _count > 0; p++)
        {
            Remove(p);
        }
    }

    /// <summary>Every mapping: the frame and generation it names, and whether that generation is still the frame's (for monitors).</summary>
    internal IEnumerable<(long PIndex, int Frame, uint Generation, bool Current)> Entries()
    {
        var entries = _entries;
        for (long p = 0; p < entries.Length; p++)
        {
            var entry = entries[p];
            if (entry != 0)
            {
                yield return (p, (int)(uint)entry - 1, (uint)(entry >> 32), Current(entry));
            }
        }
    }

    // ---- readers' side: any thread ----

    /// <summary>
    /// Reads [<paramref name="offset"/>, offset + destination.Length) clipped to the size, when
    /// every page of it is mapped and none is unmapped meanwhile; false (and nothing to use in
    /// <paramref name="destination"/>) otherwise: then ask the object.
    /// </summary>
    internal bool TryRead(long offset, Span<byte> destination, out int bytes)
    {
        bytes = 0;
        if (!TryBound(offset, destination.Length, out var size, out var end, out var first, out var count))
        {
            return false;
        }

        var entries = Volatile.Read(ref _entries);
        Span<long> pinned = stackalloc long[count];
        for (var i = 0; i < count; i++)
        {
            if (!TryPin(entries, first + i, out pinned[i]))
            {
                return false;
            }

            CopyPage(pinned[i], first + i, offset, end, 0, _pageSize, destination);
        }

        if (!Validate(pinned, size))
        {
            return false;
        }

        bytes = (int)(end - offset);
        return true;
    }

    /// <summary>
    /// <see cref="TryRead"/> in steps, for the concurrency harness: <paramref name="step"/> runs
    /// between reading the size, pinning each page, copying each half page and validating, so
    /// the deterministic dispatcher can run the object's turns in between. -1 means fall back.
    /// </summary>
    internal async Task<int> ReadSteppedAsync(long offset, Memory<byte> destination, Func<Task> step)
    {
        if (!TryBound(offset, destination.Length, out var size, out var end, out var first, out var count))
        {
            return -1;
        }

        var pinned = new long[count];
        var half = _pageSize / 2;
        for (var i = 0; i < count; i++)
        {
            await step().ConfigureAwait(false);
            if (!TryPin(Volatile.Read(ref _entries), first + i, out pinned[i]))
            {
                return -1;
            }

            CopyPage(pinned[i], first + i, offset, end, 0, half, destination.Span);
            await step().ConfigureAwait(false);
            CopyPage(pinned[i], first + i, offset, end, half, _pageSize, destination.Span);
        }

        await step().ConfigureAwait(false);
        return Validate(pinned, size) ? (int)(end - offset) : -1;
    }

    /// <summary>The pages a read covers, within the published size and <see cref="MaxPagesPerRead"/>; false when it cannot be mapped.</summary>
    private bool TryBound(long offset, int length, out long size, out long end, out long first, out int count)
    {
        size = Volatile.Read(ref _size);
        end = first = count = 0;
        if (size < 0 || offset < 0 || length == 0)
        {
            return false;
        }

        end = Math.Min(offset + length, size);
        if (end <= offset)
        {
            // At or past EOF: the object answers (a short read is no hot path).
            return false;
        }

        first = offset / _pageSize;
        var pages = ((end - 1) / _pageSize) - first + 1;
        count = (int)Math.Min(pages, MaxPagesPerRead + 1L);
        return pages <= MaxPagesPerRead;
    }

    /// <summary>The mapping of <paramref name="pindex"/> if it is mapped and current now.</summary>
    private bool TryPin(long[] entries, long pindex, out long entry)
    {
        entry = pindex < entries.Length ? Volatile.Read(ref entries[pindex]) : 0;
        return entry != 0 && Current(entry);
    }

    private bool Current(long entry) =>
        (uint)Volatile.Read(ref _memory.MapGeneration((int)(uint)entry - 1)) == (uint)(entry >> 32);

    /// <summary>Copies bytes [<paramref name="from"/>, <paramref name="to"/>) of page <paramref name="pindex"/> that fall in [offset, end).</summary>
    private void CopyPage(long entry, long pindex, long offset, long end, int from, int to, Span<byte> destination)
    {
        var pageStart = pindex * _pageSize;
        var start = Math.Max(pageStart + from, offset);
        var stop = Math.Min(pageStart + to, end);
        if (stop > start)
        {
            _memory.FrameSpan((int)(uint)entry - 1).Slice((int)(start - pageStart), (int)(stop - start)).CopyTo(destination[(int)(start - offset)..]);
        }
    }

    /// <summary>After the copies: every pinned page still mapped at its generation and the size unchanged; then each frame is marked referenced.</summary>
    private bool Validate(ReadOnlySpan<long> pinned, long size)
    {
        // The copies' loads complete before the generations are read again (the seqlock's read barrier).
        Interlocked.MemoryBarrier();
        foreach (var entry in pinned)
        {
            if (!Current(entry))
            {
                return false;
            }
        }

        if (Volatile.Read(ref _size) != size)
        {
            return false;
        }

        foreach (var entry in pinned)
        {
            _memory.Reference((int)(uint)entry - 1);
        }

        return true;
    }
}
