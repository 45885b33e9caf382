using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using ActorPager.Client;

namespace ActorPager.Cluster.Tests;

/// <summary>
/// A client load of sync writes: <c>writers</c> concurrent writers over <c>files</c> files, file i
/// written only by writer i mod writers, so each file's writes never overlap in time and its
/// <see cref="FileHistory"/> defines what it must hold. Each write is a new page-sized
/// <see cref="PageVersion"/> at offset 0, sent by raw HTTP to the next node among
/// <see cref="Targets"/> (round robin) so every status is seen and counted. A 503 (which the
/// server answers only after its own retries) is sent again at once, to the next target, for up to
/// <see cref="RetryUnavailableFor"/>; any other answer, or a transport error, ends the version
/// unacknowledged and the writer moves on to the file's next version.
/// </summary>
internal sealed class WriteLoad
{
    /// <summary>How long one version is sent again while it is answered 503.</summary>
    public static readonly TimeSpan RetryUnavailableFor = TimeSpan.FromSeconds(60);

    /// <summary>A pause between one writer's writes, so the load leaves the two cores some room (it paces, it does not synchronise).</summary>
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);

    /// <summary>How many writers run.</summary>
    private readonly int _writers;

    /// <summary>The tag of every version written.</summary>
    private readonly string _tag;

    /// <summary>Answers counted by "node N: status".</summary>
    private readonly ConcurrentDictionary<string, int> _statuses = new();

    /// <summary>Answers neither 200 nor 503, and transport errors, described.</summary>
    private readonly ConcurrentQueue<string> _unexpected = new();

    /// <summary>Cancelled to stop the writers between writes.</summary>
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Completed at the next answer (<see cref="Answered"/>).</summary>
    private TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The nodes writes go to now; replaced whole, read once per request.</summary>
    private volatile ClusterNode[] _targets;

    /// <summary>Every writer, once started.</summary>
    private Task? _running;

    /// <summary>The round robin's counter over the targets.</summary>
    private int _next;

    /// <summary>A load of <paramref name="writers"/> writers over <paramref name="files"/> files named <c>PREFIX/file-NN.bin</c>, sent to <paramref name="targets"/>; not started.</summary>
    public WriteLoad(IEnumerable<ClusterNode> targets, string prefix, int writers, int files, string tag = "load")
    {
        _targets = [.. targets];
        _writers = writers;
        _tag = tag;
        Files = [.. Enumerable.Range(0, files).Select(i => new FileHistory(string.Create(CultureInfo.InvariantCulture, $"{prefix}/file-{i:D2}.bin")))];
    }

    /// <summary>Every file's history, by index.</summary>
    public IReadOnlyList<FileHistory> Files { get; }

    /// <summary>The nodes writes go to; a node about to be stopped is taken out, a node back in service put in.</summary>
    public IReadOnlyCollection<ClusterNode> Targets
    {
        get => _targets;
        set => _targets = [.. value];
    }

    /// <summary>Requests sent to a node and not answered yet, by node index.</summary>
    public ConcurrentDictionary<int, int> InFlight { get; } = new();

    /// <summary>Acknowledged writes, by the index of the node that answered 200.</summary>
    public ConcurrentDictionary<int, int> AcknowledgedBy { get; } = new();

    /// <summary>Answers by "node N: status" (or "node N: transport error"), for the report.</summary>
    public IReadOnlyDictionary<string, int> Statuses => _statuses;

    /// <summary>Every answer that was neither 200 nor 503, and every transport error: when, from which node, what.</summary>
    public IReadOnlyCollection<string> Unexpected => _unexpected;

    /// <summary>Answers with status <paramref name="status"/> from any node.</summary>
    public int Count(HttpStatusCode status) => _statuses.Where(s => s.Key.EndsWith(": " + (int)status, StringComparison.Ordinal)).Sum(s => s.Value);

    /// <summary>Answers 5xx other than 503, from any node.</summary>
    public int ServerErrorsOtherThan503 => _statuses.Where(s => Status(s.Key) is >= 500 and not 503).Sum(s => s.Value);

    /// <summary>Starts the writers.</summary>
    public void Start() => _running = Task.WhenAll(Enumerable.Range(0, _writers).Select(w => Task.Run(() => WriterAsync(w))));

    /// <summary>Stops the writers after their current write (answered, not cancelled) and waits for them.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }

        _stop.Dispose();
    }

    /// <summary>Checks <paramref name="condition"/> after every answer the load gets until it holds; fails after <paramref name="deadline"/> saying what it waited for and what the load saw.</summary>
    public async Task UntilAsync(Func<bool> condition, TimeSpan deadline, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            // Taken before the check, so an answer between the check and the wait is not missed.
            var answered = Volatile.Read(ref _answered).Task;
            if (condition())
            {
                return;
            }

            var left = deadline - clock.Elapsed;
            try
            {
                await answered.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"waited {deadline.TotalSeconds:0} s for {what}; answers so far: {Summary()}; unexpected: {string.Join(" | ", _unexpected.Take(10))}");
            }
        }
    }

    /// <summary>Wakes every <see cref="UntilAsync"/> waiting: the load's counters changed.</summary>
    private void Answered() =>
        Interlocked.Exchange(ref _answered, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>The counts as one line: "node 0: 200=123 503=4; node 1: ...".</summary>
    public string Summary() => string.Join("; ", _statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"));

    private static int Status(string key) => int.TryParse(key.AsSpan(key.LastIndexOf(' ') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var status) ? status : -1;

    private async Task WriterAsync(int writer)
    {
        var mine = Files.Where((_, i) => i % _writers == writer).ToArray();

        // A rate, not a wait for anything: at most one write per writer per tick.
        using var pace = new PeriodicTimer(Pace);
        for (var round = 0; !_stop.IsCancellationRequested; round++)
        {
            var file = mine[round % mine.Length];
            var version = file.Next(_tag);
            if (await SendAsync(version))
            {
                file.Acknowledged(version);
            }

            Answered();
            try
            {
                await pace.WaitForNextTickAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends one version until it is acknowledged (true), or answered neither 200 nor 503, or 503 for too long (false).</summary>
    private async Task<bool> SendAsync(PageVersion version)
    {
        var bytes = version.ToBytes();
        var uri = new Uri(ActorPagerClient.FileUri(version.File, null) + "?offset=0&sync=true", UriKind.Relative);
        var deadline = DateTime.UtcNow + RetryUnavailableFor;
        while (true)
        {
            var targets = _targets;
            var node = targets[(int)((uint)Interlocked.Increment(ref _next) % (uint)targets.Length)];
            InFlight.AddOrUpdate(node.Index, 1, (_, n) => n + 1);
            try
            {
                using var content = new ByteArrayContent(bytes);
                using var response = await node.Http.PutAsync(uri, content);
                var status = (int)response.StatusCode;
                _statuses.AddOrUpdate($"node {node.Index}: {status}", 1, (_, n) => n + 1);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    AcknowledgedBy.AddOrUpdate(node.Index, 1, (_, n) => n + 1);
                    return true;
                }

                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    _unexpected.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {node.Name}: PUT {version} answered {status}: {await response.Content.ReadAsStringAsync()}");
                    return false;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                _statuses.AddOrUpdate($"node {node.Index}: transport error", 1, (_, n) => n + 1);
                _unexpected.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {node.Name}: PUT {version} failed: {e.GetType().Name}: {e.Message}");
                return false;
            }
            finally
            {
                InFlight.AddOrUpdate(node.Index, 0, (_, n) => n - 1);
                Answered();
            }

            // A 503 comes after the server's own retries (its request-timeout): send again at
            // once, to the next target.
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
        }
    }
}
