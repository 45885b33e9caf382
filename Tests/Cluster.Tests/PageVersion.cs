using System.Globalization;
using System.Text;

namespace ActorPager.Cluster.Tests;

/// <summary>
/// One version of one page of a test file: a page-sized block that says which file, page, sequence
/// number and tag it is (a text header) followed by bytes derived from that header, so a read
/// tells the versions apart and a torn or misplaced page shows as garbage.
/// </summary>
/// <param name="File">The file's path.</param>
/// <param name="Page">The page's index in the file.</param>
/// <param name="Seq">The version's sequence number (1, 2, ... per file and page).</param>
/// <param name="Tag">What wrote it (e.g. "load", "late-while-paused").</param>
internal sealed record PageVersion(string File, long Page, long Seq, string Tag)
{
    /// <summary>The page size of the store (reference.conf: actorpager.storage.row-size).</summary>
    public const int Size = 4096;

    /// <summary>The header's first word: what marks a page as a test version.</summary>
    private const string Magic = "actorpager-cluster-test";

    /// <summary>The page's bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Magic} file={File} page={Page} seq={Seq} tag={Tag}\n"));
        header.CopyTo(bytes, 0);

        // xorshift64 seeded by the header's FNV-1a hash: the rest differs between any two versions.
        ulong state = 14695981039346656037UL;
        foreach (var b in header)
        {
            state = (state ^ b) * 1099511628211UL;
        }

        for (var i = header.Length; i < Size; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            bytes[i] = (byte)state;
        }

        return bytes;
    }

    /// <summary>What a page read back holds: zeros, a version (checked byte for byte), or garbage.</summary>
    public static PageContent Parse(ReadOnlySpan<byte> page)
    {
        if (!page.ContainsAnyExcept((byte)0))
        {
            return PageContent.Zeros;
        }

        var end = page[..Math.Min(page.Length, 512)].IndexOf((byte)'\n');
        var header = end < 0 ? string.Empty : Encoding.ASCII.GetString(page[..end]);
        var fields = header.Split(' ');
        if (fields.Length == 5 && fields[0] == Magic
            && fields[1].StartsWith("file=", StringComparison.Ordinal)
            && fields[2].StartsWith("page=", StringComparison.Ordinal) && long.TryParse(fields[2].AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && fields[3].StartsWith("seq=", StringComparison.Ordinal) && long.TryParse(fields[3].AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            && fields[4].StartsWith("tag=", StringComparison.Ordinal))
        {
            var version = new PageVersion(fields[1][5..], index, seq, fields[4][4..]);
            if (page.SequenceEqual(version.ToBytes()))
            {
                return new PageContent(version, null);
            }

            return new PageContent(null, $"a page that starts like {version} but differs from it (torn or mixed), {page.Length} bytes");
        }

        return new PageContent(null, $"{page.Length} bytes that are no version, starting {Convert.ToHexString(page[..Math.Min(page.Length, 32)])}");
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File} page {Page} seq {Seq} ({Tag})");
}

/// <summary>What a page holds: zeros (never written), a version, or something else (<see cref="Garbage"/> says what).</summary>
/// <param name="Version">The version, when the page is one.</param>
/// <param name="Garbage">What the page holds when it is neither zeros nor a version.</param>
internal sealed record PageContent(PageVersion? Version, string? Garbage)
{
    /// <summary>A page of zeros (a hole, or past EOF).</summary>
    public static readonly PageContent Zeros = new(null, null);

    /// <summary>True for a page of zeros.</summary>
    public bool IsZeros => Version is null && Garbage is null;

    /// <inheritdoc/>
    public override string ToString() => Version?.ToString() ?? Garbage ?? "zeros";
}
