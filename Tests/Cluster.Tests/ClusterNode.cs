using System.Globalization;
using ActorPager.Client;
using ActorPager.Testing;

namespace ActorPager.Cluster.Tests;

/// <summary>
/// One node of a <see cref="TestCluster"/>: its two fixed ports (kept across restarts, so the node
/// comes back at the same cluster address and HTTP address), its current process and every
/// earlier one (for their logs), and clients of its HTTP API.
/// </summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    /// <summary>Every process this node has run, the current one last.</summary>
    private readonly List<ServerProcess> _incarnations = [];

    /// <summary>A node that will listen on <paramref name="nodePort"/> (cluster) and <paramref name="httpPort"/> (HTTP); not started.</summary>
    public ClusterNode(int index, int nodePort, int httpPort)
    {
        Index = index;
        NodePort = nodePort;
        HttpPort = httpPort;
        HttpAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{httpPort}/"));
        AkkaAddress = string.Create(CultureInfo.InvariantCulture, $"akka.tcp://actorpager@127.0.0.1:{nodePort}");

        // Longer than the server's own retrying (15 s, then 503), so an answer is always awaited.
        Http = new HttpClient { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
        Client = new ActorPagerClient(Http);
    }

    /// <summary>The node's position in the cluster (0 is the first seed).</summary>
    public int Index { get; }

    /// <summary>The port of the node's cluster transport.</summary>
    public int NodePort { get; }

    /// <summary>The port of the node's HTTP API.</summary>
    public int HttpPort { get; }

    /// <summary>The node's HTTP API.</summary>
    public Uri HttpAddress { get; }

    /// <summary>The node's cluster address, as <c>stat</c> names an owner.</summary>
    public string AkkaAddress { get; }

    /// <summary>A raw HTTP client of the node (status codes seen as they are).</summary>
    public HttpClient Http { get; }

    /// <summary>The typed client of the node (retries 503s for up to 30 s).</summary>
    public ActorPagerClient Client { get; }

    /// <summary>The node's current process.</summary>
    public ServerProcess Process => _incarnations.Count > 0 ? _incarnations[^1] : throw new InvalidOperationException($"node {Index} was never started");

    /// <summary>How many processes this node has run.</summary>
    public int Incarnations => _incarnations.Count;

    /// <summary>A name for messages: "node 1 (127.0.0.1:40123)".</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"node {Index} (127.0.0.1:{NodePort})");

    /// <summary>The arguments of <c>actorpager serve</c> for this node, seeded at <paramref name="seeds"/>.</summary>
    public string[] ServeArguments(string connectionString, IEnumerable<ClusterNode> seeds)
    {
        List<string> args =
        [
            "serve", "--cluster",
            "--node-host", "127.0.0.1",
            "--node-port", NodePort.ToString(CultureInfo.InvariantCulture),
            "--store", "postgres",
            "--connection", connectionString,
            "--listen", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{HttpPort}"),
        ];
        foreach (var seed in seeds)
        {
            args.Add("--seed");
            args.Add(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{seed.NodePort}"));
        }

        return [.. args];
    }

    /// <summary>Starts a process of this node and waits for its "listening on" line.</summary>
    public async Task StartAsync(string[] args)
    {
        if (_incarnations.Count > 0 && !Process.HasExited)
        {
            throw new InvalidOperationException($"{Name} is still running (pid {Process.Id})");
        }

        _incarnations.Add(await ServerProcess.StartServeAsync(args));
    }

    /// <summary>The last lines of every process's standard output and error, for a failure's report.</summary>
    public string Logs(int lines)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < _incarnations.Count; i++)
        {
            var p = _incarnations[i];
            text.AppendLine(CultureInfo.InvariantCulture, $"===== {Name}, process {i + 1} of {_incarnations.Count} (pid {p.Id}, exited: {p.HasExited}): last {lines} lines of stdout =====");
            text.AppendLine(Tail(p.Output, lines));
            text.AppendLine(CultureInfo.InvariantCulture, $"----- {Name}, process {i + 1}: last {lines} lines of stderr -----");
            text.AppendLine(Tail(p.Error, lines));
        }

        return text.ToString();
    }

    /// <summary>Kills every process of this node still running, and closes the clients.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var p in _incarnations)
        {
            await p.DisposeAsync();
        }

        Client.Dispose();
        Http.Dispose();
    }

    private static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
