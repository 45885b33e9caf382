using System.Diagnostics;
using System.Globalization;
using System.Net;
using ActorPager.Client;
using Xunit.Abstractions;

namespace ActorPager.Cluster.Tests;

/// <summary>
/// A paused owner's late writes never reach the store (fencing). Twelve files are written (sync)
/// through node 0; the node owning the most of them gets an unsynced write of each of its files
/// (dirty pages only it holds) and is frozen with SIGSTOP, as in a long GC pause or a VM stall.
/// Sync writes of one more page to every file are sent to it while it is frozen (they wait in its
/// socket). Once a survivor's <c>stat</c> shows each of its files with another owner at a higher
/// generation, a survivor writes every file again (sync); then the frozen node is resumed with
/// SIGCONT and gets more sync writes, and reads. It may write its dirty pages and the queued
/// writes with its old generation, be downed and exit: all of that must be refused by the store.
/// Afterwards, through each survivor and in PostgreSQL's tables: page 0 of every file holds the
/// survivor's acknowledged write (never the stale owner's unsynced one); each page the resumed node
/// was asked to write holds that write if it answered 200, and otherwise that write or zeros
/// (<see cref="FileHistory"/>); the store's fence of each moved file is at least its new
/// generation. A 503 from the resumed node, or its exit, is fine; a 200 for a write that is not in
/// the final content fails the test.
/// </summary>
public sealed class PausedOwnerTests(ITestOutputHelper output)
{
    /// <summary>How long the files of the frozen node may take to move to a survivor.</summary>
    private static readonly TimeSpan MoveDeadline = TimeSpan.FromSeconds(90);

    [ClusterFact]
    public Task PauseOwner_FilesMoveAndAreWrittenElsewhere_ResumedOwnersLateWritesNeverReachTheStore() => ClusterRun.RunAsync(output, async cluster =>
    {
        var page0 = Enumerable.Range(0, 12).Select(i => new FileHistory($"paused/file-{i:D2}.bin", 0)).ToArray();
        foreach (var file in page0)
        {
            var version = file.Next("first");
            await cluster.Nodes[0].Client.WriteAsync(file.File, 0, version.ToBytes(), sync: true);
            file.Acknowledged(version);
        }

        var before = new Dictionary<string, FileStat>();
        foreach (var file in page0)
        {
            before[file.File] = await cluster.Nodes[0].Client.StatAsync(file.File);
        }

        var victim = before.Values.GroupBy(s => s.Owner).OrderByDescending(g => g.Count()).Select(g => cluster.NodeOf(g.Key)).First();
        var survivors = cluster.Nodes.Where(n => n != victim).ToArray();
        var affected = page0.Where(f => before[f.File].Owner == victim.AkkaAddress).ToArray();

        // Dirty pages only the victim holds: written, answered, not synced.
        foreach (var file in affected)
        {
            var version = file.Next("unsynced-on-paused-owner");
            var result = await victim.Client.WriteAsync(file.File, 0, version.ToBytes(), sync: false);
            Assert.False(result.Durable, $"an unsynced write of {file.File} through its owner {victim.Name} answered durable=true; expected its pages left dirty");
            file.Acknowledged(version);
        }

        output.WriteLine($"cluster: pausing {victim.Name} (pid {victim.Process.Id}), owner of {affected.Length} of {page0.Length} files, each with an unsynced write");
        await victim.Process.PauseAsync();
        var paused = Stopwatch.StartNew();

        // Sync writes of page 1 sent to the frozen node: they wait in its socket until it resumes.
        using var late = new HttpClient { BaseAddress = victim.HttpAddress, Timeout = TimeSpan.FromSeconds(120) };
        var page1 = page0.Select(f => new FileHistory(f.File, 1)).ToArray();
        var whilePaused = page1.Select(h => LateWriteAsync(late, h, "late-sent-while-paused")).ToArray();

        // Each of its files has moved: a survivor's stat names another owner, at a higher generation.
        foreach (var file in affected)
        {
            var moved = await MovedAsync(survivors[0], victim, file.File, before[file.File].Generation);
            output.WriteLine($"cluster: {file.File} moved to {cluster.NodeOf(moved.Owner).Name} at generation {moved.Generation} ({paused.Elapsed.TotalSeconds:0.0} s after the pause)");
            var fence = await cluster.Database.ReadFenceAsync(file.File);
            Assert.True(fence >= moved.Generation, $"{file.File}: the store's fence is {fence?.ToString(CultureInfo.InvariantCulture) ?? "absent"}; expected at least the new owner's generation {moved.Generation}");
        }

        foreach (var file in page0)
        {
            var version = file.Next("survivor-after-move");
            var result = await survivors[0].Client.WriteAsync(file.File, 0, version.ToBytes(), sync: true);
            Assert.True(result.Durable, $"a sync write of {file.File} through {survivors[0].Name} answered durable=false");
            file.Acknowledged(version);
        }

        await victim.Process.ContinueAsync();
        output.WriteLine($"cluster: resumed {victim.Name} after {paused.Elapsed.TotalSeconds:0.0} s");
        var page2 = page0.Select(f => new FileHistory(f.File, 2)).ToArray();
        var afterResume = page2.Select(h => LateWriteAsync(late, h, "late-sent-after-resume")).ToArray();
        var reads = affected.Select(f => LateReadAsync(late, f.File)).ToArray();
        var answers = await Task.WhenAll([.. whilePaused, .. afterResume, .. reads]);
        output.WriteLine($"cluster: the resumed node answered: {string.Join("; ", answers.GroupBy(a => a).Select(g => $"{g.Key} x{g.Count()}"))}");

        // It was downed while frozen: it may stop by itself. Then nothing more can come from it.
        var exited = await victim.Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var fencedLines = victim.Process.Output.Split('\n').Count(l => l.Contains("the store fenced a write", StringComparison.Ordinal));
        output.WriteLine($"cluster: the resumed node {(exited ? "exited by itself" : "was still running 30 s after its answers, and is killed now")}; its log shows {fencedLines} writes refused by the store's fence");
        if (!exited)
        {
            await victim.Process.KillAsync();
        }

        var histories = page0.Concat(page1).Concat(page2).ToArray();
        var wrong = new List<string>();
        foreach (var node in survivors)
        {
            wrong.AddRange(await Pages.CheckAsync(node, histories));
        }

        wrong.AddRange(await Pages.CheckStoredAsync(cluster.Database, histories));
        if (wrong.Count > 0)
        {
            // What each side believes, for whoever reads the failure: the survivors' owner and
            // generation of each moved file against the store's fence and rows.
            foreach (var file in affected)
            {
                var stats = new List<string>();
                foreach (var node in survivors)
                {
                    var stat = await node.Client.StatAsync(file.File);
                    stats.Add($"{node.Name} says owner {stat.Owner} generation {stat.Generation} size {stat.Size}");
                }

                var rows = await cluster.Database.ReadPagesAsync(file.File);
                output.WriteLine($"cluster: {file.File}: {string.Join("; ", stats)}; PostgreSQL: fence {await cluster.Database.ReadFenceAsync(file.File)}, size {await cluster.Database.ReadSizeAsync(file.File)}, pages {string.Join(", ", rows.OrderBy(r => r.Key).Select(r => $"{r.Key}: {PageVersion.Parse(r.Value)}"))}");
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} pages are not what the acknowledged writes left (a stale owner's write reached the store, or an acknowledged write is missing):{Environment.NewLine}{string.Join(Environment.NewLine, wrong)}");
    });

    /// <summary>A sync write of the next version of <paramref name="history"/>'s page through the paused node; its answer, for the report.</summary>
    private static async Task<string> LateWriteAsync(HttpClient victim, FileHistory history, string tag)
    {
        var version = history.Next(tag);
        try
        {
            using var content = new ByteArrayContent(version.ToBytes());
            using var response = await victim.PutAsync(new Uri(ActorPagerClient.FileUri(history.File, null) + $"?offset={history.Page * PageVersion.Size}&sync=true", UriKind.Relative), content);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                history.Acknowledged(version);
            }

            return $"PUT ({tag}) {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return $"PUT ({tag}) {e.GetType().Name}";
        }
    }

    /// <summary>A read of page 0 through the resumed node; its answer, for the report (a stale owner may answer what it still holds).</summary>
    private static async Task<string> LateReadAsync(HttpClient victim, string file)
    {
        try
        {
            using var response = await victim.GetAsync(new Uri(ActorPagerClient.FileUri(file, null) + "?offset=0&length=4096", UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"GET {(int)response.StatusCode}";
            }

            var content = PageVersion.Parse(await response.Content.ReadAsByteArrayAsync());
            return $"GET 200 {content.Version?.Tag ?? content.ToString()}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return $"GET {e.GetType().Name}";
        }
    }

    /// <summary>Polls <paramref name="file"/>'s stat through <paramref name="survivor"/> until another node than <paramref name="victim"/> owns it at a generation above <paramref name="generation"/>.</summary>
    private static async Task<FileStat> MovedAsync(ClusterNode survivor, ClusterNode victim, string file, long generation)
    {
        var clock = Stopwatch.StartNew();
        var last = "nothing";
        while (clock.Elapsed < MoveDeadline)
        {
            try
            {
                var stat = await survivor.Client.StatAsync(file);
                if (stat.Owner != victim.AkkaAddress && stat.Generation > generation)
                {
                    return stat;
                }

                last = $"owner {stat.Owner} at generation {stat.Generation}";
            }
            catch (ActorPagerException e)
            {
                last = e.Message;
            }

            // No pause: while the file is moving, the survivor holds each stat until the owner
            // answers (or its request-timeout passes), so every attempt waits on the cluster itself.
        }

        throw new TimeoutException($"{file} did not move off the paused {victim.Name} (owner at generation {generation}) within {MoveDeadline.TotalSeconds:0} s; last stat through {survivor.Name}: {last}");
    }
}
