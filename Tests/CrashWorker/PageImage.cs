using System.Buffers.Binary;

namespace ActorPager.CrashWorker;

/// <summary>What a page of the crash test's file holds.</summary>
internal enum PageImageKind
{
    /// <summary>All zeros: never written (its old contents before the first write).</summary>
    Zero,

    /// <summary>A whole image of one write: right page index, checksum and fill.</summary>
    Valid,

    /// <summary>Anything else: a torn, mixed or misplaced page.</summary>
    Torn,
}

/// <summary>
/// The 4 KiB page images of the crash test, shared by the worker (which writes them) and the
/// test (which checks them). An image is: magic, page index, generation, a fill derived from
/// (page index, generation), and an FNV-1a checksum of everything before it. A page that holds
/// parts of two writes fails the fill or the checksum, so it is seen as torn.
/// </summary>
internal static class PageImage
{
    /// <summary>Bytes per page.</summary>
    public const int Size = 4096;

    /// <summary>Pages in the crash test's file: few, so that pages are overwritten often.</summary>
    public const int Pages = 64;

    /// <summary>"APCRASH1", little-endian.</summary>
    private const ulong Magic = 0x3148_5341_5243_5041;

    /// <summary>Where the checksum starts.</summary>
    private const int ChecksumOffset = Size - sizeof(ulong);

    /// <summary>The generation of a write made by worker run <paramref name="epoch"/>: later runs always write later generations.</summary>
    public static long Generation(int epoch, long counter) => ((long)epoch << 32) | counter;

    /// <summary>Fills <paramref name="page"/> with the image of (<paramref name="pageIndex"/>, <paramref name="generation"/>).</summary>
    public static void Write(Span<byte> page, long pageIndex, long generation)
    {
        if (page.Length != Size)
        {
            throw new ArgumentException($"a page image is {Size} bytes, not {page.Length}", nameof(page));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(page, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(page[8..], pageIndex);
        BinaryPrimitives.WriteInt64LittleEndian(page[16..], generation);
        var state = Seed(pageIndex, generation);
        for (var at = 24; at < ChecksumOffset; at += sizeof(ulong))
        {
            BinaryPrimitives.WriteUInt64LittleEndian(page[at..], Next(ref state));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(page[ChecksumOffset..], Checksum(page[..ChecksumOffset]));
    }

    /// <summary>Classifies what <paramref name="page"/> holds, expecting page <paramref name="pageIndex"/>; the generation is set for a valid image.</summary>
    public static PageImageKind Classify(ReadOnlySpan<byte> page, long pageIndex, out long generation)
    {
        generation = 0;
        if (page.Length != Size)
        {
            return PageImageKind.Torn;
        }

        if (!page.ContainsAnyExcept((byte)0))
        {
            return PageImageKind.Zero;
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(page) != Magic
            || BinaryPrimitives.ReadInt64LittleEndian(page[8..]) != pageIndex
            || BinaryPrimitives.ReadUInt64LittleEndian(page[ChecksumOffset..]) != Checksum(page[..ChecksumOffset]))
        {
            return PageImageKind.Torn;
        }

        var stored = BinaryPrimitives.ReadInt64LittleEndian(page[16..]);
        var state = Seed(pageIndex, stored);
        for (var at = 24; at < ChecksumOffset; at += sizeof(ulong))
        {
            if (BinaryPrimitives.ReadUInt64LittleEndian(page[at..]) != Next(ref state))
            {
                return PageImageKind.Torn;
            }
        }

        generation = stored;
        return PageImageKind.Valid;
    }

    /// <summary>The fill's starting state.</summary>
    private static ulong Seed(long pageIndex, long generation) => ((ulong)pageIndex * 0x9E37_79B9_7F4A_7C15) ^ (ulong)generation ^ 0xD1B5_4A32_D192_ED03;

    /// <summary>splitmix64.</summary>
    private static ulong Next(ref ulong state)
    {
        var z = state += 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return z ^ (z >> 31);
    }

    /// <summary>FNV-1a, 64 bits.</summary>
    private static ulong Checksum(ReadOnlySpan<byte> bytes)
    {
        var hash = 0xCBF2_9CE4_8422_2325UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 0x0000_0100_0000_01B3UL;
        }

        return hash;
    }
}
