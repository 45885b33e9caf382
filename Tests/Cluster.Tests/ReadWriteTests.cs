using System.Diagnostics;
using Xunit.Abstractions;

namespace ActorPager.Cluster.Tests;

/// <summary>
/// Any node answers any file. Three nodes over one PostgreSQL database; twelve files, each
/// two and a half pages of distinct bytes, are written (sync) through node 0 and read back through
/// nodes 1 and 2: the same bytes, and the same bytes in the store's tables. <c>stat</c> through
/// every node names the same owner and generation for a file, the owners are cluster members, and
/// the files are spread over at least two owners, so the reads really crossed nodes.
/// </summary>
public sealed class ReadWriteTests(ITestOutputHelper output)
{
    [ClusterFact]
    public Task WriteThroughOneNode_ReadThroughTheOthers_SameBytesFromSeveralOwners() => ClusterRun.RunAsync(output, async cluster =>
    {
        var clock = Stopwatch.StartNew();
        var files = Enumerable.Range(0, 12).Select(i => $"rw/file-{i:D2}.bin").ToArray();
        var contents = files.ToDictionary(f => f, f => (byte[])[
            .. new PageVersion(f, 0, 1, "rw").ToBytes(),
            .. new PageVersion(f, 1, 1, "rw").ToBytes(),
            .. new PageVersion(f, 2, 1, "rw").ToBytes().AsSpan(0, PageVersion.Size / 2)]);
        foreach (var file in files)
        {
            var result = await cluster.Nodes[0].Client.WriteAsync(file, 0, contents[file], sync: true);
            Assert.True(result.Durable && result.Written == contents[file].Length, $"a sync write of {contents[file].Length} bytes of {file} through node 0 answered written={result.Written}, durable={result.Durable}");
        }

        foreach (var reader in cluster.Nodes.Skip(1))
        {
            foreach (var file in files)
            {
                var read = await reader.Client.ReadAsync(file);
                Assert.True(Pages.Difference(contents[file], read) is null, $"{file} written through node 0, read through {reader.Name}: {Pages.Difference(contents[file], read)}");
            }
        }

        foreach (var file in files)
        {
            var rows = await cluster.Database.ReadPagesAsync(file);
            byte[] stored = [.. rows.OrderBy(r => r.Key).SelectMany(r => r.Value)];
            var size = await cluster.Database.ReadSizeAsync(file);
            Assert.True(size == contents[file].Length, $"{file}: the store's files table says size {size}, expected {contents[file].Length}");
            Assert.True(Pages.Difference(contents[file], stored.AsSpan(0, Math.Min(stored.Length, contents[file].Length))) is null && rows.Count == 3,
                $"{file} in PostgreSQL ({rows.Count} rows, expected 3): {Pages.Difference(contents[file], stored.AsSpan(0, Math.Min(stored.Length, contents[file].Length)))}");
        }

        var owners = new Dictionary<string, string>();
        foreach (var file in files)
        {
            var stats = new List<(ClusterNode Node, string? Owner, long Generation)>();
            foreach (var node in cluster.Nodes)
            {
                var stat = await node.Client.StatAsync(file);
                stats.Add((node, stat.Owner, stat.Generation));
            }

            Assert.True(stats.All(s => s.Owner == stats[0].Owner && s.Generation == stats[0].Generation),
                $"{file}: every node should name the same owner and generation; they said {string.Join(", ", stats.Select(s => $"{s.Node.Name}: {s.Owner} generation {s.Generation}"))}");
            Assert.True(stats[0].Generation >= 1, $"{file}: generation {stats[0].Generation}, expected at least 1 once owned");
            owners[file] = cluster.NodeOf(stats[0].Owner).Name;
        }

        // A large body and a large read cross the network in one message each (Akka.Remote's default
        // frame is 128,000 bytes): 1 MiB through every node, read back through every other.
        var big = new byte[1 << 20];
        new Random(12).NextBytes(big);
        foreach (var writer in cluster.Nodes)
        {
            var result = await writer.Client.WriteAsync("rw/big.bin", 0, big, sync: true);
            Assert.True(result.Durable && result.Written == big.Length, $"a sync write of 1 MiB through {writer.Name} answered written={result.Written}, durable={result.Durable}");
            foreach (var reader in cluster.Nodes.Where(n => n != writer))
            {
                var read = await reader.Client.ReadAsync("rw/big.bin");
                Assert.True(read.AsSpan().SequenceEqual(big), $"1 MiB written through {writer.Name}, read through {reader.Name}: {read.Length} bytes, {(read.Length == big.Length ? "different" : "a different length")}");
            }

            big[writer.Index] ^= 0xff;
        }

        var distinct = owners.Values.Distinct().Count();
        output.WriteLine($"cluster: {files.Length} files owned by {distinct} nodes ({string.Join(", ", owners.GroupBy(o => o.Value).Select(g => $"{g.Key}: {g.Count()}"))}); {clock.Elapsed.TotalSeconds:0.0} s after the cluster served");
        Assert.True(distinct >= 2, $"expected the {files.Length} files to be owned by at least two nodes, so reads cross nodes; all are owned by {owners.Values.First()}");
    });
}
