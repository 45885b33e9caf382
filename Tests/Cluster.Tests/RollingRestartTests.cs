using System.Diagnostics;
using Xunit.Abstractions;

namespace ActorPager.Cluster.Tests;

/// <summary>
/// A rolling restart loses nothing. Four writers send sync writes to twenty files
/// (<see cref="WriteLoad"/>, raw HTTP, every status counted). Each node in turn is taken out of
/// the writers' targets, its requests in flight are let finish, and it gets SIGTERM: it must leave
/// gracefully (dirty pages synced, shards handed off to the others, exit code 0). It is started
/// again on the same ports, seeded at the two running nodes, and must serve again and take part
/// (acknowledge load writes) before the next node goes. Meanwhile the other nodes answer only 200,
/// or 503 while a file moves (no other 5xx, no dropped connection). At the end every file, read
/// through each node and in PostgreSQL, holds its last acknowledged version or one sent after it
/// (<see cref="FileHistory"/>).
/// </summary>
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    /// <summary>How long a step (a node's requests in flight, its rejoining, its first writes) may take on a loaded machine.</summary>
    private static readonly TimeSpan StepDeadline = TimeSpan.FromSeconds(90);

    [ClusterFact]
    public Task SigtermEachNodeInTurn_UnderSyncWriteLoad_GracefulExitsNoAcknowledgedWriteLostNo5xxBut503() => ClusterRun.RunAsync(output, async cluster =>
    {
        var load = new WriteLoad(cluster.Nodes, "rolling", writers: 4, files: 20);
        load.Start();
        try
        {
            await load.UntilAsync(() => load.Files.All(f => f.AcknowledgedCount >= 2), StepDeadline, "every file acknowledged twice");
            foreach (var node in cluster.Nodes)
            {
                load.Targets = [.. cluster.Nodes.Where(n => n != node)];
                await load.UntilAsync(() => load.InFlight.GetValueOrDefault(node.Index) == 0, StepDeadline, $"the writes in flight to {node.Name} to be answered before its SIGTERM");

                var clock = Stopwatch.StartNew();
                var acknowledged = load.Files.Sum(f => f.AcknowledgedCount);
                var code = await node.Process.TerminateAsync();
                var stopped = clock.Elapsed;
                Assert.True(code == 0, $"{node.Name} exited with code {code} after SIGTERM; expected 0 (a graceful leave). Its last output: {node.Logs(40)}");

                await cluster.RestartAsync(node);
                var serving = clock.Elapsed;
                var before = load.AcknowledgedBy.GetValueOrDefault(node.Index);
                load.Targets = cluster.Nodes;
                await load.UntilAsync(() => load.AcknowledgedBy.GetValueOrDefault(node.Index) >= before + 10, StepDeadline, $"the restarted {node.Name} to acknowledge ten load writes");
                output.WriteLine($"cluster: {node.Name} left in {stopped.TotalSeconds:0.0} s (exit code 0), served again {(serving - stopped).TotalSeconds:0.0} s later; {load.Files.Sum(f => f.AcknowledgedCount) - acknowledged} writes acknowledged by the cluster meanwhile");
            }

            // After the last restart, every file takes writes again.
            var restarted = Stopwatch.GetTimestamp();
            await load.UntilAsync(() => load.Files.All(f => f.LastAcknowledgedAt > restarted), StepDeadline, "a write acknowledged for every file after the last restart");
        }
        finally
        {
            await load.StopAsync();
        }

        output.WriteLine($"cluster: {load.Files.Sum(f => f.AcknowledgedCount)} writes acknowledged; answers: {load.Summary()}");
        var wrong = new List<string>();
        foreach (var node in cluster.Nodes)
        {
            wrong.AddRange(await Pages.CheckAsync(node, load.Files));
        }

        wrong.AddRange(await Pages.CheckStoredAsync(cluster.Database, load.Files));
        Assert.True(wrong.Count == 0, $"{wrong.Count} pages do not hold their last acknowledged write (or one sent after it):{Environment.NewLine}{string.Join(Environment.NewLine, wrong)}");
        Assert.True(load.Unexpected.Count == 0 && load.ServerErrorsOtherThan503 == 0,
            $"expected only 200 or 503 answers and no dropped connection during the rolling restart; got:{Environment.NewLine}{string.Join(Environment.NewLine, load.Unexpected)}");
    });
}
