using System.Globalization;

namespace ActorPager.Cluster.Tests;

/// <summary>Reading test pages back, through a node or from the store's tables, and saying how two byte ranges differ.</summary>
internal static class Pages
{
    /// <summary>Page <paramref name="page"/> of <paramref name="file"/> read through <paramref name="node"/> (typed client: 503s retried), zero-padded past EOF.</summary>
    public static async Task<PageContent> ReadAsync(ClusterNode node, string file, long page)
    {
        var bytes = await node.Client.ReadAsync(file, page * PageVersion.Size, PageVersion.Size);
        var padded = new byte[PageVersion.Size];
        bytes.CopyTo(padded, 0);
        return PageVersion.Parse(padded);
    }

    /// <summary>Page <paramref name="page"/> of <paramref name="file"/> as the store's pages table holds it (zeros when it has no row).</summary>
    public static async Task<PageContent> ReadStoredAsync(TestDatabase database, string file, long page)
    {
        var rows = await database.ReadPagesAsync(file);
        return rows.TryGetValue(page, out var row) ? PageVersion.Parse(row) : PageContent.Zeros;
    }

    /// <summary>Checks every history's page through <paramref name="node"/>; returns what is wrong, one line each.</summary>
    public static async Task<List<string>> CheckAsync(ClusterNode node, IEnumerable<FileHistory> files)
    {
        var wrong = new List<string>();
        foreach (var file in files)
        {
            if (file.Check(await ReadAsync(node, file.File, file.Page)) is { } problem)
            {
                wrong.Add($"read through {node.Name}: {problem}");
            }
        }

        return wrong;
    }

    /// <summary>Checks every history's page in the store's tables; returns what is wrong, one line each.</summary>
    public static async Task<List<string>> CheckStoredAsync(TestDatabase database, IEnumerable<FileHistory> files)
    {
        var wrong = new List<string>();
        foreach (var file in files)
        {
            if (file.Check(await ReadStoredAsync(database, file.File, file.Page)) is { } problem)
            {
                wrong.Add($"in PostgreSQL: {problem}");
            }
        }

        return wrong;
    }

    /// <summary>Null when the two are equal; else their lengths and the first offset where they differ.</summary>
    public static string? Difference(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        var at = expected.CommonPrefixLength(actual);
        if (at == expected.Length && at == actual.Length)
        {
            return null;
        }

        var want = at < expected.Length ? "0x" + expected[at].ToString("X2", CultureInfo.InvariantCulture) : "end";
        var got = at < actual.Length ? "0x" + actual[at].ToString("X2", CultureInfo.InvariantCulture) : "end";
        return string.Create(CultureInfo.InvariantCulture, $"expected {expected.Length} bytes, got {actual.Length}; first difference at offset {at}: expected {want}, got {got}");
    }
}
