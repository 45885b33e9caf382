using System.Diagnostics;
using System.Net;
using ActorPager.Client;
using Xunit.Abstractions;

namespace ActorPager.Cluster.Tests;

/// <summary>
/// A node killed with SIGKILL loses no acknowledged write. Four writers send sync writes to thirty
/// files through all three nodes (<see cref="WriteLoad"/>: each file written by one writer, one
/// write at a time, each write a distinct page-sized version); the node owning the most files (as
/// <c>stat</c> names it) is killed -9 in the middle. Its files move to the survivors: each answers
/// again from a survivor (the time from the kill to the first successful read of one of them is
/// printed as <c>cluster: failover seconds=N</c>), with a new owner and a higher generation, and
/// takes new acknowledged writes. Then every file, read through each survivor and in PostgreSQL,
/// holds its last acknowledged version or one sent after it (<see cref="FileHistory"/>), and
/// no survivor answered a 5xx other than 503 or dropped a connection.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    /// <summary>How long the killed node's files may take to answer from a survivor; the product aims at about 10 s.</summary>
    private static readonly TimeSpan FailoverDeadline = TimeSpan.FromSeconds(90);

    [ClusterFact]
    public Task KillOwner_UnderSyncWriteLoad_EveryAcknowledgedWriteReadsBackFromSurvivors() => ClusterRun.RunAsync(output, async cluster =>
    {
        var load = new WriteLoad(cluster.Nodes, "failover", writers: 4, files: 30);
        var before = new Dictionary<string, FileStat>();
        ClusterNode victim;
        load.Start();
        try
        {
            // Every file written twice, so each has an owner to find and a history behind its last write.
            await load.UntilAsync(() => load.Files.All(f => f.AcknowledgedCount >= 2), TimeSpan.FromSeconds(90), "every file acknowledged twice");

            foreach (var file in load.Files)
            {
                before[file.File] = await cluster.Nodes[0].Client.StatAsync(file.File);
            }

            victim = before.Values.GroupBy(s => s.Owner).OrderByDescending(g => g.Count()).Select(g => cluster.NodeOf(g.Key)).First();
            var survivors = cluster.Nodes.Where(n => n != victim).ToArray();
            var affected = load.Files.Where(f => before[f.File].Owner == victim.AkkaAddress).ToArray();
            output.WriteLine($"cluster: killing {victim.Name}, owner of {affected.Length} of {load.Files.Count} files; {load.Files.Sum(f => f.AcknowledgedCount)} writes acknowledged so far");

            // Writes still in flight to the victim fail (unacknowledged); from now on the writers use the survivors.
            load.Targets = survivors;
            var killed = Stopwatch.StartNew();
            var killedAt = Stopwatch.GetTimestamp();
            await victim.Process.KillAsync();

            // A reader per affected file (at most five), each through a survivor, until it answers 200.
            var probes = affected.Take(5).Select((f, i) => FirstReadAsync(survivors[i % survivors.Length], f.File, killed)).ToArray();
            var answered = await Task.WhenAll(probes);
            output.WriteLine($"cluster: failover seconds={answered.Min().TotalSeconds:0.0}");
            output.WriteLine($"cluster: the {probes.Length} probed files answered after {string.Join(", ", answered.Select(a => a.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))} s");

            // The killed node's files take new acknowledged writes.
            await load.UntilAsync(() => affected.All(f => f.LastAcknowledgedAt > killedAt), TimeSpan.FromSeconds(60), "a write acknowledged after the kill for each of the killed node's files");
        }
        finally
        {
            await load.StopAsync();
        }

        output.WriteLine($"cluster: {load.Files.Sum(f => f.AcknowledgedCount)} writes acknowledged; answers: {load.Summary()}");
        var survivorsAfter = cluster.Nodes.Where(n => n != victim).ToArray();
        Assert.True(survivorsAfter.All(n => !n.Process.HasExited), $"a survivor exited: {string.Join(", ", survivorsAfter.Where(n => n.Process.HasExited).Select(n => n.Name))}");

        var wrong = new List<string>();
        foreach (var node in survivorsAfter)
        {
            wrong.AddRange(await Pages.CheckAsync(node, load.Files));
        }

        wrong.AddRange(await Pages.CheckStoredAsync(cluster.Database, load.Files));
        Assert.True(wrong.Count == 0, $"{wrong.Count} pages do not hold their last acknowledged write (or one sent after it):{Environment.NewLine}{string.Join(Environment.NewLine, wrong)}");

        // Every file is owned by a survivor; the killed node's files at a higher generation than before.
        foreach (var file in load.Files)
        {
            var stat = await survivorsAfter[0].Client.StatAsync(file.File);
            var was = before[file.File];
            Assert.True(survivorsAfter.Any(n => n.AkkaAddress == stat.Owner) && (was.Owner != victim.AkkaAddress || stat.Generation > was.Generation),
                $"{file.File}: owned by {was.Owner} at generation {was.Generation} before the kill of {victim.Name}, by {stat.Owner} at generation {stat.Generation} after; expected a survivor, and for the killed node's files a higher generation");
        }

        var unexpected = load.Unexpected.Where(u => !u.Contains(victim.Name, StringComparison.Ordinal)).ToList();
        Assert.True(unexpected.Count == 0 && load.ServerErrorsOtherThan503 == 0,
            $"expected the survivors to answer only 200 or 503 and keep their connections; got:{Environment.NewLine}{string.Join(Environment.NewLine, unexpected)}");
    });

    /// <summary>Reads <paramref name="file"/> through <paramref name="node"/> (raw HTTP, nothing retried for us) until it answers 200; the time since the kill.</summary>
    private static async Task<TimeSpan> FirstReadAsync(ClusterNode node, string file, Stopwatch sinceKill)
    {
        var last = "nothing";
        var uri = new Uri(ActorPagerClient.FileUri(file, null) + "?offset=0&length=4096", UriKind.Relative);
        while (sinceKill.Elapsed < FailoverDeadline)
        {
            try
            {
                using var response = await node.Http.GetAsync(uri);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return sinceKill.Elapsed;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    throw new InvalidOperationException($"a read of {file} through {node.Name} after the kill answered {last}; expected 200, or 503 while the file moves");
                }
            }
            catch (TaskCanceledException e)
            {
                last = $"timed out: {e.Message}";
            }

            // No pause: the survivor holds each read until the file's new owner answers (or its
            // request-timeout passes), so the first right answer is seen when it happens.
        }

        throw new TimeoutException($"{file}, owned by the killed node, did not answer a read through {node.Name} within {FailoverDeadline.TotalSeconds:0} s of the kill; last answer: {last}");
    }
}
