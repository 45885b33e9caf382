using System.Diagnostics;
using System.Globalization;
using System.Net;
using ActorPager.Client;
using ActorPager.CrashWorker;
using ActorPager.Storage;
using ActorPager.Testing;

namespace ActorPager.Durability.Tests;

/// <summary>
/// The crash test with the server as its victim: starts <c>actorpager serve --data DIR --store
/// KIND</c> (with its journal, <c>actorpager-journal.db</c> in DIR) again and again, writes page
/// images over HTTP with <c>PUT ...?sync=true</c> from a few concurrent writers, kills the server
/// with SIGKILL at a moment drawn from a seeded random source, and after each kill opens the
/// store directly (the server is dead: nothing else has it open) and checks every page against
/// what the server acknowledged, as <see cref="CrashRun"/> does for the worker.
/// </summary>
/// <remarks>
/// <para>
/// Two files of <see cref="PageImage.Pages"/> pages, two writers per file, each writer the only
/// one to write its half of the file's pages: a page's writes are then ordered (one writer, one
/// request at a time), so its last acknowledged generation is the one the store must hold at
/// least. Each writer writes one page in three alone, the others as runs of 2-16 pages, with a
/// generation that only grows (server life &lt;&lt; 32 | write number).
/// </para>
/// <para>
/// The moment of a kill: at start-up (once every writer's first request has gone out, so the
/// files' entities are recovering their journals and taking the files over), after the K-th
/// answer, or once the K-th request's body has gone out (mid-request), K from 1 to 40. The test
/// waits for these signals, never for time.
/// </para>
/// <para>
/// After each restart, before writing (not at start-up kills, whose first requests must be the
/// writes), the run checks through the server that each file's generation (stat) is strictly
/// greater than any seen before the kill (the journal survived and recorded a new take-over),
/// and that the bytes the server reads equal those the store held after the kill. A last restart
/// after the last kill runs these checks once more.
/// </para>
/// </remarks>
internal sealed class ServeCrashRun(string storeKind, string dataDirectory, Func<IPageStore> openStore, int seed, Action<string> log)
{
    /// <summary>The longest the run waits for a signal (the kill moment, the writers' end) before it fails as stuck; a request gives up after HttpClient's 100 s.</summary>
    private static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(120);

    /// <summary>
    /// How long the client keeps sending a request the server answered 503 (its "retry"
    /// answer, after its Retry-After), as <see cref="ActorPagerClient"/> does by default for
    /// 30 s. Longer here: on a single node a 503 comes when a file's entity did not answer within
    /// the pager's ask time-out (60 s), which the first request after a restart (the first journal
    /// recovery of the process) can outlast on a machine loaded many times over. Each such answer
    /// is counted and reported; it is not a finding of this test, whose checks stay as they are.
    /// </summary>
    private static readonly TimeSpan RetryUnavailableFor = TimeSpan.FromMinutes(3);

    /// <summary>The files the writers write.</summary>
    private static readonly string[] Files = ["crash/a.bin", "crash/b.bin"];

    /// <summary>The exit code .NET reports for a process ended by SIGKILL (128 + 9).</summary>
    private const int KilledExitCode = 137;

    /// <summary>Writers per file; each owns an equal run of the file's pages.</summary>
    private const int WritersPerFile = 2;

    /// <summary>
    /// Kills per store: 20, or ACTORPAGER_SERVE_CRASH_KILLS. Fewer than the worker's 50
    /// (<see cref="CrashRun.Kills"/>) because each life restarts the server (the process, the
    /// host, the actor system and the first journal recovery): about 3 s a life on the 2-core
    /// development machine, several times that when it is loaded, so that the Durability
    /// project stays within a few minutes.
    /// </summary>
    public static int Kills =>
        int.TryParse(Environment.GetEnvironmentVariable("ACTORPAGER_SERVE_CRASH_KILLS"), NumberStyles.None, CultureInfo.InvariantCulture, out var kills) && kills > 0 ? kills : 20;

    /// <summary>What the run knows of each file's pages.</summary>
    private readonly PageLedger[] _ledgers = Array.ConvertAll(Files, file => new PageLedger($"serve-{storeKind} {file}", log));

    /// <summary>The newest generation stat showed, per file.</summary>
    private readonly long[] _generations = new long[Files.Length];

    /// <summary>Each file as the store held it after the last kill (up to its end).</summary>
    private readonly byte[][] _stored = Array.ConvertAll(Files, _ => Array.Empty<byte>());

    /// <summary>When a life's kill comes.</summary>
    private enum Moment
    {
        /// <summary>Once every writer's first request has gone out: the files' entities are recovering and taking over.</summary>
        Start,

        /// <summary>After the K-th answer (the next requests are usually in flight).</summary>
        Answer,

        /// <summary>Once the K-th request's body has gone out, before its answer.</summary>
        Sent,
    }

    /// <summary>The kind the result line names: serve-directory, serve-sqlite.</summary>
    private string Kind => "serve-" + storeKind;

    /// <summary>503 answers the client sent again (see <see cref="RetryUnavailableFor"/>).</summary>
    private long _unavailable;

    /// <summary>The last kill, as a failure message names it.</summary>
    private string LastKill { get; set; } = "no kill yet";

    /// <summary>Runs <paramref name="kills"/> server lives, checks the store after each kill and the server after each restart.</summary>
    public async Task<CrashResult> RunAsync(int kills)
    {
        var random = new Random(seed);
        long stale = 0;
        var restartsChecked = 0;
        int atStart = 0, afterAnswer = 0, midRequest = 0;
        for (var life = 1; life <= kills; life++)
        {
            // Mode 0-1: at start-up; 2-5: after the K-th answer; 6-9: once the K-th body is out.
            var mode = random.Next(10);
            var target = random.Next(1, 41);
            var writersSeed = random.Next();
            var moment = mode < 2 ? Moment.Start : mode < 6 ? Moment.Answer : Moment.Sent;
            switch (moment)
            {
                case Moment.Start:
                    atStart++;
                    break;
                case Moment.Answer:
                    afterAnswer++;
                    break;
                default:
                    midRequest++;
                    break;
            }

            await using (var server = await ServerProcess.StartAsync(dataDirectory, "--store", storeKind).ConfigureAwait(false))
            {
                using var http = NewHttpClient(server, life);
                using var client = new ActorPagerClient(http) { RetryUnavailableFor = RetryUnavailableFor };
                if (moment != Moment.Start)
                {
                    stale += await CheckThroughServerAsync(server, client, life).ConfigureAwait(false);
                    restartsChecked++;
                }

                var signal = new KillSignal(moment, moment == Moment.Start ? Files.Length * WritersPerFile : target);
                await LiveAsync(server, client, life, writersSeed, signal).ConfigureAwait(false);
                LastKill = $"kill {life} at {signal}";
            }

            // The check: the store opened directly, as the restarted server will find it.
            await using (var store = openStore())
            {
                for (var f = 0; f < Files.Length; f++)
                {
                    var image = new byte[PageImage.Pages * PageImage.Size];
                    var read = await store.ReadAsync(Files[f], 0, image).ConfigureAwait(false);
                    if (read.Status == StoreStatus.Error)
                    {
                        throw new InvalidOperationException($"{Kind}: reading {Files[f]} from the store after kill {life} failed: {read}");
                    }

                    _ledgers[f].Check(life, image);
                    _stored[f] = image[..(int)read.Bytes];
                }
            }
        }

        // The checks through the server after the last kill.
        await using (var last = await ServerProcess.StartAsync(dataDirectory, "--store", storeKind).ConfigureAwait(false))
        {
            using var http = NewHttpClient(last, kills + 1);
            using var client = new ActorPagerClient(http) { RetryUnavailableFor = RetryUnavailableFor };
            stale += await CheckThroughServerAsync(last, client, kills + 1).ConfigureAwait(false);
            restartsChecked++;
        }

        return new CrashResult(
            Kind,
            kills,
            _ledgers.Sum(l => l.Acknowledged),
            _ledgers.Sum(l => l.Lost),
            _ledgers.Sum(l => l.Torn),
            _ledgers.Sum(l => l.Regressed),
            _ledgers.Sum(l => l.Mismatched),
            _ledgers.Sum(l => l.UnackedSeen))
        {
            RestartsChecked = restartsChecked,
            Unavailable = Interlocked.Read(ref _unavailable),
            Stale = stale,
            Moments = $"{atStart} at start-up, {afterAnswer} after an answer, {midRequest} mid-request",
        };
    }

    /// <summary>An HTTP client of <paramref name="server"/> that reports every 503 answer before the typed client sends the request again.</summary>
    private HttpClient NewHttpClient(ServerProcess server, int life) =>
        new(new UnavailableReporter(answer =>
        {
            Interlocked.Increment(ref _unavailable);
            log($"{Kind}: life {life} (after {LastKill}): {answer}; sent again{Logs(server, line => line.Contains("recover", StringComparison.OrdinalIgnoreCase) || line.Contains("giving the file up", StringComparison.Ordinal) || line.Contains("fail", StringComparison.OrdinalIgnoreCase))}");
        }))
        { BaseAddress = server.Address };

    /// <summary>The server's last lines on stdout and stderr (those <paramref name="keep"/> keeps, when given), for a message.</summary>
    private static string Logs(ServerProcess server, Func<string, bool>? keep = null)
    {
        string Tail(string text) => string.Join('\n', text.Split('\n').Where(keep ?? (_ => true)).TakeLast(60));
        return $"\nserver {server.Id} stdout (last lines):\n{Tail(server.Output)}\nserver stderr (last lines):\n{Tail(server.Error)}";
    }

    /// <summary>The bytes of <paramref name="page"/> in <paramref name="file"/>: a whole page, fewer at its end, none past it.</summary>
    private static byte[] PageOf(byte[] file, int page) =>
        file.AsSpan(Math.Min(file.Length, page * PageImage.Size), Math.Clamp(file.Length - (page * PageImage.Size), 0, PageImage.Size)).ToArray();

    /// <summary>What a page holds, in the words of the log.</summary>
    private static string Describe(byte[] page, int index) =>
        page.Length == 0 ? "absent (past the end)"
        : page.Length < PageImage.Size ? $"{page.Length} bytes (the end of the file)"
        : PageImage.Classify(page, index, out var generation) switch
        {
            PageImageKind.Valid => $"generation {generation}",
            PageImageKind.Zero => "zero",
            _ => "torn",
        };

    /// <summary>
    /// Checks (a) each file's generation is strictly greater than any stat showed before and (b)
    /// the bytes the server reads equal what the store held after the kill; mismatches go to the
    /// ledgers. Returns how many files showed no newer generation.
    /// </summary>
    private async Task<long> CheckThroughServerAsync(ServerProcess server, ActorPagerClient client, int life)
    {
        long stale = 0;
        for (var f = 0; f < Files.Length; f++)
        {
            FileStat stat;
            byte[] bytes;
            try
            {
                stat = await client.StatAsync(Files[f]).ConfigureAwait(false);
                bytes = await client.ReadAsync(Files[f], 0, PageImage.Pages * PageImage.Size).ConfigureAwait(false);
            }
            catch (ActorPagerException e)
            {
                throw new InvalidOperationException($"{Kind} {Files[f]}: restart {life} (after {LastKill}): the server failed a stat or read: {e.Message}{Logs(server)}", e);
            }


            if (stat.Generation <= _generations[f])
            {
                stale++;
                log($"{Kind} {Files[f]}: restart {life}: stat shows generation {stat.Generation}, not greater than {_generations[f]} before the kill");
            }

            _generations[f] = Math.Max(_generations[f], stat.Generation);
            if (bytes.Length != _stored[f].Length)
            {
                _ledgers[f].Mismatch($"{Kind} {Files[f]}: restart {life}: the server read {bytes.Length} bytes, the store held {_stored[f].Length}");
            }

            for (var page = 0; page * PageImage.Size < Math.Max(bytes.Length, _stored[f].Length); page++)
            {
                var fromServer = PageOf(bytes, page);
                var fromStore = PageOf(_stored[f], page);
                if (!fromServer.AsSpan().SequenceEqual(fromStore))
                {
                    _ledgers[f].Mismatch($"{Kind} {Files[f]}: restart {life}: the server read page {page} as {Describe(fromServer, page)}, the store held {Describe(fromStore, page)}");
                }
            }
        }

        return stale;
    }

    /// <summary>One server life from its first write: the writers write until the kill moment, SIGKILL, the writers' last answers.</summary>
    private async Task LiveAsync(ServerProcess server, ActorPagerClient client, int life, int writersSeed, KillSignal signal)
    {
        var seeds = new Random(writersSeed);
        var writers = new Task[Files.Length * WritersPerFile];
        for (var w = 0; w < writers.Length; w++)
        {
            var writer = w;
            var writerSeed = seeds.Next();
            writers[w] = Task.Run(() => WriteAsync(client, life, writer, writerSeed, signal));
        }

        var all = Task.WhenAll(writers);
        try
        {
            await Task.WhenAny(signal.Reached, all).WaitAsync(StuckAfter).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"{Kind}: life {life}: no kill moment within {StuckAfter.TotalSeconds} s ({signal}){Logs(server)}");
        }

        if (signal.Failure is { } early)
        {
            throw new InvalidOperationException($"{Kind}: life {life}: before the kill, {early}{Logs(server)}");
        }

        if (server.HasExited)
        {
            throw new InvalidOperationException($"{Kind}: life {life}: the server exited by itself with code {server.ExitCode} before the kill{Logs(server)}");
        }

        signal.Kill();
        await server.KillAsync().ConfigureAwait(false);
        if (server.ExitCode != KilledExitCode)
        {
            throw new InvalidOperationException($"{Kind}: life {life}: the server exited with code {server.ExitCode}, not by the kill{Logs(server)}");
        }

        try
        {
            await all.WaitAsync(StuckAfter).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"{Kind}: life {life}: the writers did not end within {StuckAfter.TotalSeconds} s of the kill{Logs(server)}");
        }

        if (signal.Failure is { } late)
        {
            throw new InvalidOperationException($"{Kind}: life {life}: {late}{Logs(server)}");
        }
    }

    /// <summary>
    /// One writer: the only one to write its run of pages of its file, one request at a time,
    /// until the kill. Every write is begun in the ledger before its request and acknowledged
    /// once the server answered it durable.
    /// </summary>
    private async Task WriteAsync(ActorPagerClient client, int life, int writer, int writerSeed, KillSignal signal)
    {
        var f = writer / WritersPerFile;
        var span = PageImage.Pages / WritersPerFile;
        var low = writer % WritersPerFile * span;
        var random = new Random(writerSeed);
        var buffer = new byte[16 * PageImage.Size];
        var first = true;
        while (!signal.Killed)
        {
            // One page in three alone, else a run of 2-16 pages, inside this writer's pages.
            var page = low + random.Next(span);
            var count = random.Next(3) == 0 ? 1 : random.Next(2, 17);
            count = Math.Min(count, low + span - page);
            var generation = PageImage.Generation(life, signal.NextWrite());
            for (var i = 0; i < count; i++)
            {
                PageImage.Write(buffer.AsSpan(i * PageImage.Size, PageImage.Size), page + i, generation);
            }

            _ledgers[f].Begin(page, count, generation);
            var isFirst = first;
            first = false;
            WriteResult result;
            try
            {
                using var body = new BodyStream(buffer.AsMemory(0, count * PageImage.Size), () => signal.Sent(isFirst));
                result = await client.WriteAsync(Files[f], (long)page * PageImage.Size, body, sync: true).ConfigureAwait(false);
            }
            catch (ActorPagerException e) when (signal.Killed && e.InnerException is HttpRequestException)
            {
                return; // the kill closed the connection: this write was begun, never acknowledged
            }
            catch (Exception e)
            {
                // An error answer, a connection lost before the kill, a request that timed out.
                signal.Fail($"writer {writer}: PUT {Files[f]} pages {page}+{count} (generation {generation}) failed: {e.GetType().Name}: {e.Message}");
                return;
            }

            if (result.Written != count * PageImage.Size || !result.Durable)
            {
                signal.Fail($"writer {writer}: PUT {Files[f]} pages {page}+{count} (generation {generation}) answered written={result.Written} durable={result.Durable}");
                return;
            }

            for (var i = 0; i < count; i++)
            {
                _ledgers[f].Ack(page + i, generation);
            }

            signal.Answered();
        }
    }

    /// <summary>
    /// The kill moment of one life, and what the writers share: the write counter, the kill flag,
    /// the first failure. Reached once <c>target</c> answers came (<see cref="Moment.Answer"/>),
    /// <c>target</c> bodies went out (<see cref="Moment.Sent"/>) or <c>target</c> writers' first
    /// bodies went out (<see cref="Moment.Start"/>), or on a failure.
    /// </summary>
    private sealed class KillSignal(Moment moment, int target)
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _writes;
        private int _answers;
        private int _sent;
        private int _firstsSent;
        private int _killed;
        private string? _failure;

        /// <summary>Completes at the kill moment, or on a failure.</summary>
        public Task Reached => _reached.Task;

        /// <summary>True once the server is about to be killed: a connection that fails from now on was cut by the kill.</summary>
        public bool Killed => Volatile.Read(ref _killed) != 0;

        /// <summary>The first failure of a writer, or null.</summary>
        public string? Failure => Volatile.Read(ref _failure);

        /// <summary>The next write number of this life, shared by its writers.</summary>
        public long NextWrite() => Interlocked.Increment(ref _writes);

        /// <summary>A request's body went out; <paramref name="first"/> for a writer's first.</summary>
        public void Sent(bool first)
        {
            var sent = Interlocked.Increment(ref _sent);
            var firsts = first ? Interlocked.Increment(ref _firstsSent) : Volatile.Read(ref _firstsSent);
            if ((moment == Moment.Sent && sent >= target) || (moment == Moment.Start && firsts >= target))
            {
                _reached.TrySetResult();
            }
        }

        /// <summary>A request was answered durable.</summary>
        public void Answered()
        {
            if (Interlocked.Increment(ref _answers) >= target && moment == Moment.Answer)
            {
                _reached.TrySetResult();
            }
        }

        /// <summary>The server is killed now.</summary>
        public void Kill() => Volatile.Write(ref _killed, 1);

        /// <summary>A writer failed: the first failure is kept, and the driver woken.</summary>
        public void Fail(string failure)
        {
            Interlocked.CompareExchange(ref _failure, failure, null);
            _reached.TrySetResult();
        }

        /// <inheritdoc/>
        public override string ToString() => $"moment {moment}, target {target}: {Volatile.Read(ref _answers)} answers, {Volatile.Read(ref _sent)} bodies sent, {Volatile.Read(ref _firstsSent)} first bodies";
    }

    /// <summary>Reports each 503 answer (with its detail and how long it took) and passes it on to the typed client, which sends the request again.</summary>
    private sealed class UnavailableReporter(Action<string> report) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
                var detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                report($"{request.Method} {request.RequestUri?.PathAndQuery} answered 503 after {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s: {detail}");
            }

            return response;
        }
    }

    /// <summary>
    /// A request body that says when it has gone out: a seekable read-only stream over the page
    /// images (so the request has a Content-Length) that calls <c>onSent</c> at the read that
    /// finds its end, which comes after the HTTP handler has written every byte before it.
    /// </summary>
    private sealed class BodyStream(ReadOnlyMemory<byte> bytes, Action onSent) : Stream
    {
        private int _position;
        private bool _signalled;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position
        {
            get => _position;
            set => _position = (int)Math.Clamp(value, 0, bytes.Length);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, bytes.Length - _position);
            bytes.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            if (n == 0 && buffer.Length > 0 && !_signalled)
            {
                _signalled = true;
                onSent();
            }

            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => bytes.Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
