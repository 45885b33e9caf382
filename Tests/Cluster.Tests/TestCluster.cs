using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorPager.Client;

namespace ActorPager.Cluster.Tests;

/// <summary>
/// Three <c>actorpager serve --cluster</c> processes on 127.0.0.1 over one fresh PostgreSQL
/// database: node 0 seeds at itself (it forms the cluster), the others at node 0. A restarted node
/// seeds at the nodes still running, so it rejoins their cluster instead of forming a new one.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    /// <summary>How long a cluster may take to serve through every node; generous, the machine may be loaded.</summary>
    public static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(120);

    /// <summary>The database every node shares.</summary>
    private readonly TestDatabase _database;

    /// <summary>Held from the start until disposed: no other test cluster runs on the machine meanwhile.</summary>
    private ClusterTestLock? _machine;

    private TestCluster(TestDatabase database, IReadOnlyList<ClusterNode> nodes)
    {
        _database = database;
        Nodes = nodes;
    }

    /// <summary>The nodes, by index.</summary>
    public IReadOnlyList<ClusterNode> Nodes { get; }

    /// <summary>The database the nodes share.</summary>
    public TestDatabase Database => _database;

    /// <summary>A cluster of <paramref name="size"/> nodes on free ports, not started.</summary>
    public static TestCluster Create(TestDatabase database, int size = 3)
    {
        // All ports taken from the kernel at once, held until all are known, so none repeats.
        var listeners = Enumerable.Range(0, 2 * size).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
            return new TestCluster(database, [.. Enumerable.Range(0, size).Select(i => new ClusterNode(i, ports[2 * i], ports[(2 * i) + 1]))]);
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    /// <summary>
    /// Starts every node at once (node 0 forms the cluster, the others keep asking it to join until
    /// it answers) and waits until a write and a read through every node succeed.
    /// </summary>
    public async Task StartAsync()
    {
        _machine ??= await ClusterTestLock.AcquireAsync();
        var clock = Stopwatch.StartNew();
        var first = Nodes[0];
        await Task.WhenAll(Nodes.Select(n => n.StartAsync(n.ServeArguments(_database.ConnectionString, [first]))));
        var listening = clock.Elapsed;
        await Task.WhenAll(Nodes.Select(n => WaitUntilServingAsync(n, StartDeadline)));
        StartTimes = string.Create(CultureInfo.InvariantCulture, $"every node listening after {listening.TotalSeconds:0.0} s, serving after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>How long <see cref="StartAsync"/> took, for the test's output.</summary>
    public string StartTimes { get; private set; } = "not started";

    /// <summary>Starts <paramref name="node"/> again (same ports), seeded at every other node, and waits until it serves.</summary>
    public async Task RestartAsync(ClusterNode node)
    {
        await node.StartAsync(node.ServeArguments(_database.ConnectionString, Nodes.Where(n => n != node)));
        await WaitUntilServingAsync(node, StartDeadline);
    }

    /// <summary>
    /// Polls a sync write and a read of a probe file (its own per node and attempt) through
    /// <paramref name="node"/> until both succeed with the same bytes; fails after <paramref name="deadline"/>
    /// with the last answer. A node serves once its shard region reaches the cluster's coordinator.
    /// </summary>
    public static async Task WaitUntilServingAsync(ClusterNode node, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        var last = "nothing tried";
        var probe = string.Create(CultureInfo.InvariantCulture, $"probe/node-{node.Index}-{node.Incarnations}");
        var bytes = new PageVersion(probe, 0, 1, "probe").ToBytes();
        while (clock.Elapsed < deadline)
        {
            if (node.Process.HasExited)
            {
                throw new InvalidOperationException($"{node.Name} exited while waiting for it to serve; last answer: {last}");
            }

            try
            {
                using var content = new ByteArrayContent(bytes);
                using var put = await node.Http.PutAsync(new Uri(ActorPagerClient.FileUri(probe, null) + "?offset=0&sync=true", UriKind.Relative), content);
                if (put.StatusCode == HttpStatusCode.OK)
                {
                    using var get = await node.Http.GetAsync(new Uri(ActorPagerClient.FileUri(probe, null) + "?offset=0", UriKind.Relative));
                    var read = await get.Content.ReadAsByteArrayAsync();
                    if (get.StatusCode == HttpStatusCode.OK && read.AsSpan().SequenceEqual(bytes))
                    {
                        return;
                    }

                    last = $"write 200, read {(int)get.StatusCode} with {read.Length} bytes";
                }
                else
                {
                    last = $"write {(int)put.StatusCode}: {await put.Content.ReadAsStringAsync()}";
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = $"{e.GetType().Name}: {e.Message}";
            }

            // No pause: the node has said it listens, and while the cluster forms it holds each
            // request until a shard answers (or its request-timeout passes).
        }

        throw new TimeoutException($"{node.Name} did not serve a write and a read within {deadline.TotalSeconds:0} s; last answer: {last}");
    }

    /// <summary>The node whose cluster address is <paramref name="owner"/> (as <c>stat</c> gives it).</summary>
    public ClusterNode NodeOf(string? owner) =>
        Nodes.FirstOrDefault(n => n.AkkaAddress == owner)
        ?? throw new InvalidOperationException($"stat named owner '{owner}', which is none of the nodes {string.Join(", ", Nodes.Select(n => n.AkkaAddress))}");

    /// <summary>Every node's recent logs, for a failure's report.</summary>
    public string Logs(int lines = 150) => string.Join(Environment.NewLine, Nodes.Select(n => n.Logs(lines)));

    /// <summary>Kills every node's processes, then lets the next test cluster start.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }

        _machine?.Dispose();
    }
}
