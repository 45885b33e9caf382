using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using ActorPager.Testing;

namespace ActorPager.Bench.Cluster;

/// <summary>
/// Quick mode of the cluster (issue 12): real <c>actorpager serve</c> processes on one
/// PostgreSQL server (ACTORPAGER_BENCH_POSTGRES or ACTORPAGER_TEST_POSTGRES; each run makes its
/// own databases and drops them). Four figures:
/// <list type="bullet">
/// <item><c>cluster.read remote/local</c>: 4 KiB reads of files owned by node 0 through node 1 (routed to the owner) against through node 0 itself.</item>
/// <item><c>cluster.failover seconds</c>: kill -9 of a file's owner to the first right answer for that file through a survivor; the median of three.</item>
/// <item><c>cluster.syncwrite 3nodes/1node</c>: 4 KiB sync writes over 64 files, spread over the three nodes, against one node without --cluster on its own database.</item>
/// <item><c>cluster.persist akka/single</c>: journal events/s through Akka.Persistence.Sql's batching against one INSERT + COMMIT per event (in process, <see cref="JournalBench"/>).</item>
/// </list>
/// The details (rounds, latencies, each failover, the machine's load and CPU use, the nodes'
/// warnings) go to stderr, as in the other areas.
/// </summary>
internal static class ClusterQuick
{
    private const int Nodes = 3;
    private const int Readers = 8;
    private const int ReadFiles = 4;
    private const int ReadPages = 64;
    private const int Writers = 16;
    private const int WriteFiles = 64;
    private const int WritePages = 16;
    private const int Failovers = 3;
    private const int FailoverBytes = 16 * 1024;

    /// <summary>
    /// The largest PUT the setup sends: a write through a non-owner travels as one Akka.Remote
    /// message, and Akka.Remote drops any over its maximum-frame-size (128,000 bytes by default).
    /// </summary>
    private const int SetupChunk = 64 * 1024;
    private static readonly TimeSpan ReadSlice = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan WriteSlice = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan FailoverCap = TimeSpan.FromSeconds(60);

    /// <summary>Prints the four <c>bench: cluster.*</c> lines.</summary>
    [QuickArea("cluster")]
    public static void Run() => RunAsync().GetAwaiter().GetResult();

    private static async Task RunAsync()
    {
        var server = BenchDatabase.ServerConnectionString()
            ?? throw new QuickAreaSkippedException($"the cluster benchmark needs a PostgreSQL server: set {string.Join(" or ", BenchDatabase.Variables)} to an Npgsql connection string (for example: eval \"$(bash .ci/postgres.sh)\")");
        if (!File.Exists(ServerProcess.Dll))
        {
            throw new InvalidOperationException($"{ServerProcess.Dll} is missing: Bench references Host, so a build puts it beside the benchmark");
        }

        var total = Stopwatch.StartNew();
        Console.Error.WriteLine($"cluster quick: {BenchSupport.LoadNote()}");

        double persist;
        await using (var journalDb = await BenchDatabase.CreateAsync(server, "journal"))
        {
            var rounds = await JournalBench.RunAsync(journalDb.ConnectionString, rounds: 2);
            var ratios = rounds.Select(r => r.PersistAllAsync / r.RawSingle).ToArray();
            persist = BenchSupport.Median(ratios);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cluster.persist: PersistAllAsync(1000) {Mean(rounds, r => r.PersistAllAsync):F0} ev/s, PersistAll(100) {Mean(rounds, r => r.PersistAll):F0} ev/s, raw single {Mean(rounds, r => r.RawSingle):F0} ev/s, raw batch-100 {Mean(rounds, r => r.RawBatch):F0} ev/s; akka/single per round {string.Join(", ", ratios.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))}; PersistAll/single {BenchSupport.Median([.. rounds.Select(r => r.PersistAll / r.RawSingle)]):F2}"));
        }

        Console.Error.WriteLine($"cluster quick: starting {Nodes} cluster nodes and one single node ({BenchSupport.LoadNote()})");
        double read, syncWrite, failover;
        var logs = BenchSupport.NewTempDirectory("cluster-logs");
        await using (var clusterDb = await BenchDatabase.CreateAsync(server, "cluster"))
        await using (var singleDb = await BenchDatabase.CreateAsync(server, "single"))
        {
            var cluster = await BenchNodes.StartClusterAsync(clusterDb.ConnectionString, Nodes);
            BenchNodes? single = null;
            try
            {
                single = await BenchNodes.StartSingleAsync(singleDb.ConnectionString);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cluster quick: nodes up after {total.Elapsed.TotalSeconds:F0}s; {BenchSupport.LoadNote()}"));
                read = await ReadAsync(cluster, clusterDb, single);
                syncWrite = await SyncWriteAsync(cluster, clusterDb, single, singleDb);
                failover = await FailoverAsync(cluster);
            }
            finally
            {
                Report(cluster, logs, "cluster");
                await cluster.DisposeAsync();
                if (single is not null)
                {
                    Report(single, logs, "single");
                    await single.DisposeAsync();
                }
            }
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cluster quick: {total.Elapsed.TotalSeconds:F0}s in all; {BenchSupport.LoadNote()}; node logs in {logs}"));
        QuickAreas.Report("cluster.read", "remote/local", read);
        QuickAreas.Report("cluster.failover", "seconds", failover);
        QuickAreas.Report("cluster.syncwrite", "3nodes/1node", syncWrite);
        QuickAreas.Report("cluster.persist", "akka/single", persist);
    }

    /// <summary>
    /// What the nodes cost doing nothing (heartbeats, gossip, timers): their CPU and the
    /// server's write transactions over a few idle seconds, once they have served the read
    /// rounds (so JIT compilation is mostly behind them). Sets <see cref="Measured.ClusterIdleCores"/>
    /// and <see cref="Measured.SingleIdleCores"/>, which the CPU per request is given net of.
    /// </summary>
    private static async Task IdleAsync(BenchNodes cluster, BenchDatabase clusterDb, BenchNodes single)
    {
        var span = TimeSpan.FromSeconds(4);
        var (clusterCpu, singleCpu) = (cluster.CpuSeconds(), single.CpuSeconds());
        var writes = await clusterDb.NextTransactionIdAsync();
        await Task.Delay(span);
        (clusterCpu, singleCpu) = (cluster.CpuSeconds() - clusterCpu, single.CpuSeconds() - singleCpu);
        writes = await clusterDb.NextTransactionIdAsync() - writes;
        Measured.ClusterIdleCores = clusterCpu / span.TotalSeconds;
        Measured.SingleIdleCores = singleCpu / span.TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cluster quick: idle for {span.TotalSeconds:F0}s: the {cluster.Count} cluster nodes used {Measured.ClusterIdleCores:P1} of a core, the single node {Measured.SingleIdleCores:P1}; the database server did {writes} write transactions"));
    }

    /// <summary>Reads of files node 0 owns: through node 1 (a non-owner) over through node 0, alternating rounds.</summary>
    private static async Task<double> ReadAsync(BenchNodes cluster, BenchDatabase clusterDb, BenchNodes single)
    {
        var files = new List<string>();
        using var setup = HttpLoad.NewClient(cluster.Http(1), 4, TimeSpan.FromSeconds(60));
        for (var i = 0; files.Count < ReadFiles; i++)
        {
            if (i >= 64)
            {
                throw new InvalidOperationException($"fewer than {ReadFiles} of 64 new files landed on node 0 ({cluster.AkkaAddress(0)}); the shards are not spread");
            }

            var file = string.Create(CultureInfo.InvariantCulture, $"read/{i}.bin");
            await PutAsync(setup, file, 0, Bytes(i, ReadPages * HttpLoad.PageSize));
            var owner = await OwnerAsync(setup, file);
            if (cluster.IndexOf(owner) == 0)
            {
                files.Add(file);
            }
        }

        using var local = new HttpLoad([cluster.Http(0)], Readers);
        using var remote = new HttpLoad([cluster.Http(1)], Readers);
        Console.Error.WriteLine($"cluster.read: {Readers} readers of 4 KiB pages of {files.Count} files owned by node 0 ({string.Join(' ', files)}), {ReadSlice.TotalSeconds:F0}s rounds");
        await local.RunAsync("warm-up local", files, ReadPages, Readers, write: false, sync: false, TimeSpan.FromSeconds(1));
        await remote.RunAsync("warm-up remote", files, ReadPages, Readers, write: false, sync: false, TimeSpan.FromSeconds(1));
        var localResult = new Measured();
        var remoteResult = new Measured();
        for (var round = 1; round <= 2; round++)
        {
            await localResult.RoundAsync(cluster, null, () => local.RunAsync($"cluster.read local (node 0) {round}/2", files, ReadPages, Readers, write: false, sync: false, ReadSlice));
            await remoteResult.RoundAsync(cluster, null, () => remote.RunAsync($"cluster.read remote (node 1) {round}/2", files, ReadPages, Readers, write: false, sync: false, ReadSlice));
        }

        await IdleAsync(cluster, clusterDb, single);
        Console.Error.WriteLine($"cluster.read: local {localResult.Summary()}");
        Console.Error.WriteLine($"cluster.read: remote {remoteResult.Summary()}");
        return remoteResult.Load.PerSecond / localResult.Load.PerSecond;
    }

    /// <summary>Sync writes over many files: spread over the cluster's three nodes, over one single node; alternating rounds.</summary>
    private static async Task<double> SyncWriteAsync(BenchNodes cluster, BenchDatabase clusterDb, BenchNodes single, BenchDatabase singleDb)
    {
        var files = Enumerable.Range(0, WriteFiles).Select(i => string.Create(CultureInfo.InvariantCulture, $"sync/{i}.bin")).ToArray();
        var endpoints = Enumerable.Range(0, cluster.Count).Select(cluster.Http).ToArray();

        // Make every file on both (its entity started, its first generation journaled), and see where the cluster put them.
        var owners = new int[cluster.Count];
        using (var setup = HttpLoad.NewClient(endpoints[0], 8, TimeSpan.FromSeconds(60)))
        using (var setupSingle = HttpLoad.NewClient(single.Http(0), 8, TimeSpan.FromSeconds(60)))
        {
            await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (file, _) =>
            {
                var body = Bytes(file.GetHashCode(StringComparison.Ordinal), WritePages * HttpLoad.PageSize);
                await PutAsync(setup, file, 0, body);
                await PutAsync(setupSingle, file, 0, body);
                var owner = cluster.IndexOf(await OwnerAsync(setup, file));
                if (owner >= 0)
                {
                    Interlocked.Increment(ref owners[owner]);
                }
            });
        }

        using var three = new HttpLoad(endpoints, Writers);
        using var one = new HttpLoad([single.Http(0)], Writers);
        Console.Error.WriteLine($"cluster.syncwrite: {Writers} writers of 4 KiB sync writes over {WriteFiles} files ({WritePages} pages each), {WriteSlice.TotalSeconds:F0}s rounds; the cluster's files per node: {string.Join(' ', owners)}");
        await three.RunAsync("warm-up 3 nodes", files, WritePages, Writers, write: true, sync: true, TimeSpan.FromSeconds(2));
        await one.RunAsync("warm-up 1 node", files, WritePages, Writers, write: true, sync: true, TimeSpan.FromSeconds(2));
        var threeResult = new Measured();
        var oneResult = new Measured();
        for (var round = 1; round <= 2; round++)
        {
            await threeResult.RoundAsync(cluster, clusterDb, () => three.RunAsync($"cluster.syncwrite 3 nodes {round}/2", files, WritePages, Writers, write: true, sync: true, WriteSlice));
            await oneResult.RoundAsync(single, singleDb, () => one.RunAsync($"cluster.syncwrite 1 node {round}/2", files, WritePages, Writers, write: true, sync: true, WriteSlice));
        }

        Console.Error.WriteLine($"cluster.syncwrite: 3 nodes {threeResult.Summary()}");
        Console.Error.WriteLine($"cluster.syncwrite: 1 node {oneResult.Summary()}");
        return threeResult.Load.PerSecond / oneResult.Load.PerSecond;
    }

    /// <summary>
    /// Kills (SIGKILL) the owner of a file and reads that file through node 0 until the right
    /// bytes come back; the victim is node 1, then 2, then 1 again (started again in between).
    /// Node 0 is never killed: it is the only seed, so once restarted it would form a cluster of its own.
    /// </summary>
    private static async Task<double> FailoverAsync(BenchNodes cluster)
    {
        var seconds = new List<double>();
        using var setup = HttpLoad.NewClient(cluster.Http(0), 4, TimeSpan.FromSeconds(60));
        for (var run = 0; run < Failovers; run++)
        {
            var victim = 1 + (run % 2);

            // A file the victim owns: shards not yet used go to the node with the fewest, so a
            // restarted node gets new files' shards.
            string? file = null;
            byte[]? expected = null;
            for (var i = 0; file is null; i++)
            {
                if (i >= 64)
                {
                    throw new InvalidOperationException($"none of 64 new files landed on node {victim} ({cluster.AkkaAddress(victim)})");
                }

                var candidate = string.Create(CultureInfo.InvariantCulture, $"failover/{run}-{i}.bin");
                var bytes = Bytes((run * 1000) + i, FailoverBytes);
                await PutAsync(setup, candidate, 0, bytes);
                if (cluster.IndexOf(await OwnerAsync(setup, candidate)) == victim)
                {
                    (file, expected) = (candidate, bytes);
                }
            }

            // Read once through the survivor, so the routing to the old owner is warm.
            if (!await ReadsRightAsync(setup, file, expected!, CancellationToken.None))
            {
                throw new InvalidOperationException($"{file} did not read back before the kill");
            }

            var killedAt = DateTime.UtcNow;
            var took = await KillAndProbeAsync(cluster, victim, file, expected!);
            seconds.Add(took);

            // Where the time went, from the leader's log: failure detection, the split brain
            // resolver's decision, the removal; after it the file's shard is allocated again and
            // its entity recovers on a survivor.
            var victimAddress = cluster.AkkaAddress(victim);
            string Since(string text) => cluster.LeaderLogTime(text, killedAt.AddSeconds(-1)) is { } t
                ? string.Create(CultureInfo.InvariantCulture, $"{(t - killedAt).TotalSeconds:F1}s")
                : "?";
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  cluster.failover {run + 1}/{Failovers}: killed node {victim} at {killedAt:HH:mm:ss.fff}, {file} answered right through node 0 after {took:F2}s; the leader marked it unreachable after {Since($"UNREACHABLE [Member(address = {victimAddress}")}, downed it after {Since($"is downing [{victimAddress}]")}, removed it after {Since($"Leader is removing unreachable node [{victimAddress}]")}"));
            if (run + 1 < Failovers)
            {
                var restart = Stopwatch.StartNew();
                await cluster.RestartAsync(victim);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  node {victim} started again and Up in {restart.Elapsed.TotalSeconds:F1}s"));
            }
        }

        Console.Error.WriteLine($"cluster.failover: {string.Join(", ", seconds.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))} s; median reported");
        return BenchSupport.Median(seconds);
    }

    /// <summary>
    /// SIGKILL, then a probe every 100 ms (each on its own, with a 3 s time-out, so a request
    /// stuck on the dead owner does not hold the next back); seconds from the kill to the first
    /// probe that returned the right bytes, or <see cref="FailoverCap"/> when none did.
    /// </summary>
    private static async Task<double> KillAndProbeAsync(BenchNodes cluster, int victim, string file, byte[] expected)
    {
        using var probe = HttpLoad.NewClient(cluster.Http(0), 64, Timeout.InfiniteTimeSpan);
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        await cluster.KillAsync(victim);
        var firstRight = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probes = new List<Task>();
        var failures = 0;
        while (!firstRight.Task.IsCompleted && clock.Elapsed < FailoverCap)
        {
            probes.Add(Task.Run(async () =>
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                try
                {
                    if (await ReadsRightAsync(probe, file, expected, timeout.Token))
                    {
                        firstRight.TrySetResult(clock.Elapsed.TotalSeconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    Interlocked.Increment(ref failures);
                }
            }));
            await Task.WhenAny(firstRight.Task, Task.Delay(100));
        }

        await stop.CancelAsync();
        await Task.WhenAll(probes);
        Console.Error.WriteLine($"    {probes.Count} probes, {failures} failed or timed out");
        return firstRight.Task.IsCompleted ? await firstRight.Task : FailoverCap.TotalSeconds;
    }

    private static async Task<bool> ReadsRightAsync(HttpClient client, string file, byte[] expected, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/files/{file}") { Headers = { Range = new RangeHeaderValue(0, expected.Length - 1) } };
        using var response = await client.SendAsync(request, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        return response.IsSuccessStatusCode && bytes.AsSpan().SequenceEqual(expected);
    }

    /// <summary>
    /// Writes <paramref name="body"/> at <paramref name="offset"/> with sync, in pieces of at most
    /// <see cref="SetupChunk"/> bytes, and tries a piece again after a 503 (a file's first request
    /// on a loaded machine can outlast the node's request-timeout while its entity starts).
    /// </summary>
    private static async Task PutAsync(HttpClient client, string file, long offset, byte[] body)
    {
        for (var at = 0; at < body.Length; at += SetupChunk)
        {
            var piece = body.AsMemory(at, Math.Min(SetupChunk, body.Length - at));
            for (var attempt = 1; ; attempt++)
            {
                using var response = await client.PutAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"/v1/files/{file}?offset={offset + at}&sync=true"), UriKind.Relative), new ReadOnlyMemoryContent(piece));
                if (response.IsSuccessStatusCode)
                {
                    break;
                }

                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt >= 4)
                {
                    throw new InvalidOperationException($"PUT {file} through {client.BaseAddress}: {(int)response.StatusCode} {text}");
                }

                Console.Error.WriteLine($"  PUT {file} through {client.BaseAddress}: 503 ({text}); trying again");
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>The file's owner as <c>stat</c> names it (tried again after a 503, as <see cref="PutAsync"/>).</summary>
    private static async Task<string?> OwnerAsync(HttpClient client, string file)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await client.GetAsync(new Uri($"/v1/files/{file}/stat", UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                using var json = JsonDocument.Parse(text);
                return json.RootElement.TryGetProperty("owner", out var owner) ? owner.GetString() : null;
            }

            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt >= 4)
            {
                throw new InvalidOperationException($"stat {file} through {client.BaseAddress}: {(int)response.StatusCode} {text}");
            }

            Console.Error.WriteLine($"  stat {file} through {client.BaseAddress}: 503 ({text}); trying again");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static byte[] Bytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static double Mean<T>(IEnumerable<T> items, Func<T, double> value) => items.Select(value).Average();

    /// <summary>
    /// Timed rounds of one side of a comparison, with what they cost: the nodes' CPU time per
    /// request, how busy the machine was, and (for writes) the database server's write
    /// transactions (<see cref="BenchDatabase.NextTransactionIdAsync"/>) per request.
    /// </summary>
    private sealed class Measured
    {
        private double _nodeCpu;
        private double _seconds;
        private bool _cluster;
        private double _busy;
        private long _transactions;
        private int _rounds;

        /// <summary>Cores the three cluster nodes use when idle (<see cref="IdleAsync"/>).</summary>
        public static double ClusterIdleCores { get; set; }

        /// <summary>Cores the single node uses when idle.</summary>
        public static double SingleIdleCores { get; set; }

        /// <summary>The requests and latencies of every round.</summary>
        public LoadResult Load { get; } = new();

        /// <summary>Runs one round, sampling the nodes' CPU, the machine and the server's write transactions around it.</summary>
        public async Task RoundAsync(BenchNodes nodes, BenchDatabase? database, Func<Task<LoadResult>> round)
        {
            var transactions = database is null ? 0 : await database.NextTransactionIdAsync();
            var cpu = nodes.CpuSeconds();
            var machine = CpuSample.Take();
            var watch = Stopwatch.StartNew();
            var result = await round();
            _nodeCpu += nodes.CpuSeconds() - cpu;
            _seconds += watch.Elapsed.TotalSeconds;
            _cluster = nodes.IsCluster;
            _busy += machine.BusySince();
            _rounds++;
            Load.Add(result);
            if (database is not null)
            {
                _transactions += await database.NextTransactionIdAsync() - transactions;
            }
        }

        /// <summary>One line: rate, latencies, costs (net of the idle cost measured so far).</summary>
        public string Summary() => string.Create(CultureInfo.InvariantCulture,
            $"{Load.Summary()}, nodes' cpu {_nodeCpu * 1e6 / Math.Max(1, Load.Count):F0} us/request ({(_nodeCpu - ((_cluster ? ClusterIdleCores : SingleIdleCores) * _seconds)) * 1e6 / Math.Max(1, Load.Count):F0} less the idle cost), machine cpu busy {_busy / Math.Max(1, _rounds):P0}")
            + (_transactions > 0 ? string.Create(CultureInfo.InvariantCulture, $", {_transactions} write transactions ({(double)_transactions / Math.Max(1, Load.Count):F2} per request)") : string.Empty);
    }

    /// <summary>The nodes' warnings and errors, counted and the distinct messages shown (the full logs saved).</summary>
    private static void Report(BenchNodes nodes, string logs, string prefix)
    {
        nodes.SaveLogs(logs, prefix);
        var problems = nodes.Problems().ToList();
        Console.Error.WriteLine($"cluster quick: {prefix} nodes logged {problems.Count(p => p.Level == "warn")} warnings, {problems.Count(p => p.Level != "warn")} errors");
        foreach (var group in problems.GroupBy(p => (p.Level, Message: Shorten(p.Message))).OrderByDescending(g => g.Count()).Take(12))
        {
            Console.Error.WriteLine($"  {group.Count(),4} x {group.Key.Level} ({string.Join(", ", group.Select(p => p.Node).Distinct())}): {group.Key.Message}");
        }
    }

    /// <summary>A log message without its timestamp and thread, cut to a line.</summary>
    private static string Shorten(string message)
    {
        // "[WARNING][12/02/2026 07:18:49.496Z][Thread 0003][source] text": drop the time and thread.
        var parts = message.Split(']');
        var text = parts.Length >= 4 && message.StartsWith('[') ? $"{parts[0]}]{string.Join(']', parts.Skip(3))}" : message;
        return text.Length > 200 ? text[..200] + "..." : text;
    }
}
