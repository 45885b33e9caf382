using System.Text.Json;
using System.Threading.Channels;
using ActorPager.Service.Cluster;

namespace ActorPager.Service.Ui;

/// <summary>
/// The one producer behind <c>GET /v1/events</c>: while at least one page listens, it takes a
/// snapshot every <see cref="HttpSettings.EventsInterval"/> (counters and gauges, which ask no
/// actor, and one page of <c>/v1/objects</c>), the cluster report, and the page map of each file
/// some page shows (once per file, however many pages show it), and hands the same frames to every
/// subscriber. With no subscriber it does nothing.
/// </summary>
internal sealed class LiveFeed
{
    /// <summary>How many VM objects a snapshot lists (the first in (mount, path) order).</summary>
    public const int FileLimit = 200;

    /// <summary>How long the cluster report waits for each member's answer.</summary>
    private static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The JSON options of the frames (the API's).</summary>
    private static readonly JsonSerializerOptions Json = ApiJson.Options;

    private readonly PageServer _server;

    /// <summary>Guards <see cref="_subscribers"/>, <see cref="_running"/>, the last frames and <see cref="_closed"/>.</summary>
    private readonly Lock _lock = new();

    /// <summary>The pages listening now.</summary>
    private readonly List<Subscriber> _subscribers = [];

    /// <summary>Stops the loops once the last subscriber left; null while none runs.</summary>
    private CancellationTokenSource? _running;

    /// <summary>The last snapshot frame, sent to a new subscriber at once.</summary>
    private string? _lastSnapshot;

    /// <summary>The last cluster frame, sent to a new subscriber at once.</summary>
    private string? _lastCluster;

    /// <summary>Set at shutdown: every stream ends and no new one starts.</summary>
    private bool _closed;

    public LiveFeed(PageServer server)
    {
        _server = server;
    }

    /// <summary>Subscribers now (for tests).</summary>
    public int Subscribers
    {
        get
        {
            lock (_lock)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Adds a page listening for updates, showing the page map of <paramref name="file"/> (or none); null once the server is stopping.</summary>
    public Subscriber? Subscribe(string? file)
    {
        var subscriber = new Subscriber(file);
        lock (_lock)
        {
            if (_closed)
            {
                return null;
            }

            _subscribers.Add(subscriber);
            if (_lastSnapshot is { } snapshot)
            {
                subscriber.Send(snapshot);
            }

            if (_lastCluster is { } cluster)
            {
                subscriber.LastCluster = cluster;
                subscriber.Send(cluster);
            }

            if (_running is null)
            {
                _running = new CancellationTokenSource();
                var stop = _running.Token;
                _ = Task.Run(() => RunAsync(stop), CancellationToken.None);
            }
        }

        return subscriber;
    }

    /// <summary>Removes a page; the loops stop with the last one.</summary>
    public void Unsubscribe(Subscriber subscriber)
    {
        CancellationTokenSource? stop = null;
        lock (_lock)
        {
            _subscribers.Remove(subscriber);
            if (_subscribers.Count == 0)
            {
                (stop, _running) = (_running, null);
                _lastSnapshot = null;
                _lastCluster = null;
            }
        }

        subscriber.Complete();
        stop?.Cancel();
        stop?.Dispose();
    }

    /// <summary>At shutdown: ends every stream (so Kestrel's graceful stop does not wait for them) and refuses new ones.</summary>
    public void Close()
    {
        Subscriber[] all;
        lock (_lock)
        {
            _closed = true;
            all = [.. _subscribers];
        }

        foreach (var s in all)
        {
            Unsubscribe(s);
        }
    }

    /// <summary>The two loops: the snapshot and page maps every interval; the cluster report, which may wait for members, beside it.</summary>
    private async Task RunAsync(CancellationToken stop)
    {
        await Task.WhenAll(LoopAsync(TickAsync, stop), LoopAsync(ClusterTickAsync, stop)).ConfigureAwait(false);
    }

    private async Task LoopAsync(Func<Task> tick, CancellationToken stop)
    {
        var interval = _server.Settings.EventsInterval;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await tick().ConfigureAwait(false);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // Any failure while the loop should run, a cancellation from inside the tick too
                // (its own time-out): the loop must live on, or open pages would hear nothing again.
                // A tick that failed (the actor system stopping, say) says so to every page and tries again next time.
                Broadcast(Frame("problem", new { detail = $"{e.GetType().Name}: {e.Message}" }), null);
            }

            try
            {
                await Task.Delay(interval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task TickAsync()
    {
        var service = _server.Service;
        var pager = service.Pager;
        var m = pager.Metrics;
        var rtvals = Enum.GetValues<Messages.PagerStatus>().ToDictionary(s => s.ToString().ToUpperInvariant(), m.Rtvals);
        var counters = new LiveCounters(m.Faults, m.Hits, m.GetPagesCalls, m.PutPagesCalls, rtvals);
        var g = pager.Memory.Gauges;
        var gauges = new LiveGauges(pager.Memory.FrameCount, pager.Memory.FreeCount, g.Objects, g.DirtyPages, g.BusyPages, g.Pip);
        IReadOnlyList<Client.ObjectInfo> objects = [];
        var more = false;
        string? objectsError = null;
        try
        {
            var (page, next) = await service.ObjectsPageAsync(null, FileLimit).ConfigureAwait(false);
            (objects, more) = (page, next is not null);
        }
        catch (Exception e) when (e is Akka.Actor.AskTimeoutException or TimeoutException)
        {
            objectsError = $"the pager did not answer in time: {e.Message}";
        }

        var snapshot = Frame("snapshot", new LiveSnapshot(DateTimeOffset.UtcNow, service.NodeName, counters, gauges, objects, more, objectsError));
        lock (_lock)
        {
            _lastSnapshot = snapshot;
        }

        Broadcast(snapshot, null);

        string[] files;
        lock (_lock)
        {
            files = [.. _subscribers.Select(s => s.File).OfType<string>().Distinct(StringComparer.Ordinal)];
        }

        foreach (var file in files)
        {
            var frame = Frame("pages", await PageMapAsync(service, file).ConfigureAwait(false));
            Broadcast(frame, file);
        }
    }

    private async Task ClusterTickAsync()
    {
        var owners = _server.Owners;
        if (owners is null)
        {
            return;
        }

        var report = await ClusterView.ReportAsync(_server.Service.Pager.System, _server.Cluster.Enabled ? _server.Files : null, owners, _server.Cluster.Enabled, ClusterTimeout).ConfigureAwait(false);
        var frame = Frame("cluster", report);
        lock (_lock)
        {
            _lastCluster = frame;
            foreach (var s in _subscribers)
            {
                if (s.LastCluster != frame)
                {
                    s.LastCluster = frame;
                    s.Send(frame);
                }
            }
        }
    }

    /// <summary>The page map of <paramref name="path"/>: its stat, then the states of its pages (up to max-page-states).</summary>
    private async Task<LivePageMap> PageMapAsync(PageService service, string path)
    {
        try
        {
            var stat = await service.Files.StatAsync(path).ConfigureAwait(false);
            var count = (int)Math.Min(stat.SizePages, _server.Settings.MaxPageStates);
            var pages = count == 0 ? [] : await service.Files.PagesAsync(path, 0, count).ConfigureAwait(false);
            return new LivePageMap(path, stat.Size, stat.SizePages, stat.Owner ?? service.NodeName, stat.Generation, [.. pages.Select(PageCells.From)], null);
        }
        catch (Exception e) when (e is Actors.PagerException or Akka.Actor.AskTimeoutException or TimeoutException or FileUnavailableException or ObjectDisposedException)
        {
            return new LivePageMap(path, 0, 0, null, 0, [], e.Message);
        }
    }

    /// <summary>Sends <paramref name="frame"/> to every subscriber (null <paramref name="file"/>), or, for a page map, to those showing <paramref name="file"/> that were not sent the same map last.</summary>
    private void Broadcast(string frame, string? file)
    {
        lock (_lock)
        {
            foreach (var s in _subscribers)
            {
                if (file is null)
                {
                    s.Send(frame);
                }
                else if (s.File == file && s.LastPages != frame)
                {
                    s.LastPages = frame;
                    s.Send(frame);
                }
            }
        }
    }

    /// <summary>One server-sent event: <c>event: NAME</c>, then the JSON on one data line.</summary>
    private static string Frame<T>(string name, T data) => $"event: {name}\ndata: {JsonSerializer.Serialize(data, Json)}\n\n";

    /// <summary>One page listening: a short queue of frames (the oldest dropped when it reads too slowly) and what it was sent last.</summary>
    internal sealed class Subscriber
    {
        /// <summary>The frames not yet written to the page; a slow page loses the oldest.</summary>
        private readonly Channel<string> _frames = Channel.CreateBounded<string>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public Subscriber(string? file)
        {
            File = file;
        }

        /// <summary>The file whose page map the page shows, or null.</summary>
        public string? File { get; }

        /// <summary>The page map frame sent last (guarded by the feed's lock).</summary>
        public string? LastPages { get; set; }

        /// <summary>The cluster frame sent last (guarded by the feed's lock).</summary>
        public string? LastCluster { get; set; }

        /// <summary>The frames to write, in order; completes when the feed ends the stream.</summary>
        public ChannelReader<string> Frames => _frames.Reader;

        /// <summary>Queues a frame.</summary>
        public void Send(string frame) => _frames.Writer.TryWrite(frame);

        /// <summary>Ends the stream.</summary>
        public void Complete() => _frames.Writer.TryComplete();
    }
}
