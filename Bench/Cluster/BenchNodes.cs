using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorPager.Testing;

namespace ActorPager.Bench.Cluster;

/// <summary>
/// <c>actorpager serve</c> processes for the cluster benchmark: three cluster nodes on one
/// PostgreSQL database (node 0 is the seed and, having the lowest transport port, the leader),
/// or one plain node. Nodes can be killed (SIGKILL) and started again on the same ports; the
/// output of every incarnation is kept for <see cref="Problems"/>.
/// </summary>
internal sealed class BenchNodes : IAsyncDisposable
{
    /// <summary>Linux's USER_HZ, the unit of /proc/PID/stat's times: 100 on every common build.</summary>
    private const int ClockTicks = 100;

    private readonly string _connection;
    private readonly int[] _nodePorts;
    private readonly ServerProcess?[] _nodes;
    private readonly List<(string Name, string Output)> _finished = [];

    private BenchNodes(string connection, int[] nodePorts)
    {
        _connection = connection;
        _nodePorts = nodePorts;
        _nodes = new ServerProcess?[Math.Max(1, nodePorts.Length)];
    }

    /// <summary>Nodes in this set.</summary>
    public int Count => _nodes.Length;

    /// <summary>True for a cluster, false for one plain node.</summary>
    public bool IsCluster => _nodePorts.Length > 0;

    /// <summary>Starts a cluster of <paramref name="count"/> nodes and waits until the leader has moved all of them to Up.</summary>
    public static async Task<BenchNodes> StartClusterAsync(string connection, int count)
    {
        var ports = FreePorts(count);
        var nodes = new BenchNodes(connection, ports);
        try
        {
            // The seed forms the cluster; the others join it, in parallel.
            await nodes.StartAsync(0);
            await Task.WhenAll(Enumerable.Range(1, count - 1).Select(nodes.StartAsync));
            for (var i = 0; i < count; i++)
            {
                await nodes.WaitUpAsync(i, 1);
            }

            // Up is not yet registered with the shard coordinator: give the regions a moment,
            // so the first files' shards are spread over all nodes.
            await Task.Delay(TimeSpan.FromSeconds(2));
            return nodes;
        }
        catch
        {
            await nodes.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one node without <c>--cluster</c>.</summary>
    public static async Task<BenchNodes> StartSingleAsync(string connection)
    {
        var nodes = new BenchNodes(connection, []);
        try
        {
            await nodes.StartAsync(0);
            return nodes;
        }
        catch
        {
            await nodes.DisposeAsync();
            throw;
        }
    }

    /// <summary>The HTTP address of node <paramref name="i"/> (running).</summary>
    public Uri Http(int i) => (_nodes[i] ?? throw new InvalidOperationException($"node {i} is not running")).Address;

    /// <summary>The Akka address of node <paramref name="i"/>, as <c>stat</c> names an owner.</summary>
    public string AkkaAddress(int i) => string.Create(CultureInfo.InvariantCulture, $"akka.tcp://actorpager@127.0.0.1:{_nodePorts[i]}");

    /// <summary>The index of the node whose Akka address is <paramref name="owner"/>, or -1.</summary>
    public int IndexOf(string? owner) => Array.FindIndex(_nodePorts, p => owner == string.Create(CultureInfo.InvariantCulture, $"akka.tcp://actorpager@127.0.0.1:{p}"));

    /// <summary>CPU seconds (user and system) the running nodes have used, from /proc/PID/stat; 0 where it cannot be read.</summary>
    public double CpuSeconds()
    {
        double total = 0;
        foreach (var node in _nodes)
        {
            if (node is null)
            {
                continue;
            }

            try
            {
                // Fields after the command name "(...)": state is the 3rd field, utime the 14th, stime the 15th.
                var stat = File.ReadAllText($"/proc/{node.Id.ToString(CultureInfo.InvariantCulture)}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / (double)ClockTicks;
            }
            catch (IOException)
            {
            }
        }

        return total;
    }

    /// <summary>SIGKILL to node <paramref name="i"/>; returns once it has exited.</summary>
    public async Task KillAsync(int i)
    {
        var node = _nodes[i] ?? throw new InvalidOperationException($"node {i} is not running");
        await node.KillAsync();
        _finished.Add(($"node {i} (killed)", node.Output + node.Error));
        await node.DisposeAsync();
        _nodes[i] = null;
    }

    /// <summary>Starts node <paramref name="i"/> again on its ports and waits until the leader has moved the new incarnation to Up.</summary>
    public async Task RestartAsync(int i)
    {
        var before = UpCount(i);
        await StartAsync(i);
        await WaitUpAsync(i, before + 1);
    }

    /// <summary>
    /// Warnings and errors the nodes logged (Microsoft.Extensions.Logging's <c>warn:</c>,
    /// <c>fail:</c> and <c>crit:</c> entries, each with its message line), per node and incarnation.
    /// </summary>
    public IEnumerable<(string Node, string Level, string Message)> Problems()
    {
        foreach (var (name, output) in Outputs())
        {
            var lines = output.Split('\n');
            for (var l = 0; l < lines.Length; l++)
            {
                var line = lines[l].TrimEnd('\r');
                var level = line.StartsWith("warn:", StringComparison.Ordinal) ? "warn"
                    : line.StartsWith("fail:", StringComparison.Ordinal) ? "fail"
                    : line.StartsWith("crit:", StringComparison.Ordinal) ? "crit"
                    : null;
                if (level is not null)
                {
                    var message = l + 1 < lines.Length ? lines[l + 1].Trim() : string.Empty;
                    yield return (name, level, message);
                }
            }
        }
    }

    /// <summary>Writes every node's output (all incarnations) under <paramref name="directory"/>.</summary>
    public void SaveLogs(string directory, string prefix)
    {
        Directory.CreateDirectory(directory);
        var k = 0;
        foreach (var (name, output) in Outputs())
        {
            File.WriteAllText(Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{prefix}-{k++}-{name.Replace(' ', '-').Replace("(", string.Empty, StringComparison.Ordinal).Replace(")", string.Empty, StringComparison.Ordinal)}.log")), output, Encoding.UTF8);
        }
    }

    /// <summary>The output of every incarnation: the killed ones, then the running ones.</summary>
    private IEnumerable<(string Name, string Output)> Outputs() =>
        _finished.Concat(_nodes.Select((n, i) => (Name: IsCluster ? $"node {i}" : "single node", Output: n is null ? string.Empty : n.Output + n.Error)));

    /// <summary>Kills whatever still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _nodes.Length; i++)
        {
            if (_nodes[i] is { } node)
            {
                await node.DisposeAsync();
            }
        }
    }

    private async Task StartAsync(int i)
    {
        string[] args = IsCluster
            ? ["serve", "--cluster", "--node-port", _nodePorts[i].ToString(CultureInfo.InvariantCulture), "--seed", $"127.0.0.1:{_nodePorts[0].ToString(CultureInfo.InvariantCulture)}",
                "--store", "postgres", "--connection", _connection, "--listen", "127.0.0.1:0"]
            : ["serve", "--store", "postgres", "--connection", _connection, "--listen", "127.0.0.1:0"];
        _nodes[i] = await ServerProcess.StartServeAsync(args);
    }

    /// <summary>
    /// The time (UTC) of the last line of the leader's (node 0's) Akka log that contains
    /// <paramref name="text"/> and was logged at or after <paramref name="since"/>, or null.
    /// Akka stamps its lines <c>[LEVEL][MM/dd/yyyy HH:mm:ss.fffZ]</c>.
    /// </summary>
    public DateTime? LeaderLogTime(string text, DateTime since)
    {
        DateTime? found = null;
        foreach (var line in (_nodes[0]?.Output ?? string.Empty).Split('\n'))
        {
            var at = line.IndexOf("][", StringComparison.Ordinal);
            var end = at < 0 ? -1 : line.IndexOf(']', at + 2);
            if (end > at && line.Contains(text, StringComparison.Ordinal)
                && DateTime.TryParseExact(line[(at + 2)..end], "MM/dd/yyyy HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
                && time >= since)
            {
                found = time;
            }
        }

        return found;
    }

    /// <summary>How many incarnations of node <paramref name="i"/> the leader (node 0) has moved to Up.</summary>
    private int UpCount(int i)
    {
        var leader = _nodes[0] ?? throw new InvalidOperationException("the leader (node 0) is not running");
        var marker = $"Leader is moving node [{AkkaAddress(i)}] to [Up]";
        var output = leader.Output;
        var count = 0;
        for (var at = output.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = output.IndexOf(marker, at + marker.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private async Task WaitUpAsync(int i, int incarnations)
    {
        var deadline = DateTime.UtcNow + ServerProcess.Patience;
        while (UpCount(i) < incarnations)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"node {i} ({AkkaAddress(i)}) was not moved to Up within {ServerProcess.Patience}; the leader's output: {_nodes[0]?.Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary><paramref name="count"/> free TCP ports on loopback, ascending (so node 0, the seed, is also the leader).</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).Order()];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
