using System.Globalization;
using ActorPager.CrashWorker;

namespace ActorPager.Durability.Tests;

/// <summary>
/// What a crash run knows of one file of <see cref="PageImage.Pages"/> pages: the writes begun and
/// acknowledged, and what the checks after each kill found. <see cref="Check"/> classifies every
/// page of the file as the store holds it and counts what is lost, torn or regressed. Shared by
/// the crash runs of the worker (<see cref="CrashRun"/>) and of the server
/// (<see cref="ServeCrashRun"/>). Thread-safe: the server's writers record their writes
/// concurrently.
/// </summary>
/// <param name="label">How the log lines name the file: the store kind, and the file when a run has several.</param>
/// <param name="log">Where a finding is reported.</param>
internal sealed class PageLedger(string label, Action<string> log)
{
    /// <summary>Guards every field: writers record concurrently.</summary>
    private readonly Lock _lock = new();

    /// <summary>The last acknowledged generation per page, 0 for none.</summary>
    private readonly long[] _acked = new long[PageImage.Pages];

    /// <summary>The newest generation a check found per page.</summary>
    private readonly long[] _seen = new long[PageImage.Pages];

    /// <summary>What the last check found per page, as the worker reports it: a generation, "zero" or "torn".</summary>
    private readonly string[] _state = Enumerable.Repeat("zero", PageImage.Pages).ToArray();

    /// <summary>Every (page, generation) whose write was begun.</summary>
    private readonly HashSet<(int Page, long Generation)> _begun = [];

    private long _acknowledged;
    private long _lost;
    private long _torn;
    private long _regressed;
    private long _mismatched;
    private long _unackedSeen;

    /// <summary>Page writes acknowledged as durable.</summary>
    public long Acknowledged => Read(ref _acknowledged);

    /// <summary>Checks that found a page older than its last acknowledged write (or not a valid image).</summary>
    public long Lost => Read(ref _lost);

    /// <summary>Checks that found a page that is neither all zeros nor a whole image of a write that was begun.</summary>
    public long Torn => Read(ref _torn);

    /// <summary>Checks that found a page older than a check before had seen it.</summary>
    public long Regressed => Read(ref _regressed);

    /// <summary>Pages that the victim, restarted, read differently from the store.</summary>
    public long Mismatched => Read(ref _mismatched);

    /// <summary>Checks that found the image of a write that was begun but not acknowledged (the kill came mid-write).</summary>
    public long UnackedSeen => Read(ref _unackedSeen);

    /// <summary>A write of pages [<paramref name="first"/>, first + <paramref name="count"/>) with <paramref name="generation"/> begins.</summary>
    public void Begin(int first, int count, long generation)
    {
        lock (_lock)
        {
            for (var p = first; p < first + count; p++)
            {
                _begun.Add((p, generation));
            }
        }
    }

    /// <summary>The write of <paramref name="page"/> with <paramref name="generation"/> was acknowledged as durable.</summary>
    public void Ack(int page, long generation)
    {
        lock (_lock)
        {
            _acked[page] = Math.Max(_acked[page], generation);
            _acknowledged++;
        }
    }

    /// <summary>What the last check found in <paramref name="page"/>: a generation, "zero" or "torn".</summary>
    public string StateOf(int page)
    {
        lock (_lock)
        {
            return _state[page];
        }
    }

    /// <summary>The victim read a page differently from the store: counted, and <paramref name="message"/> logged.</summary>
    public void Mismatch(string message)
    {
        lock (_lock)
        {
            _mismatched++;
        }

        log(message);
    }

    /// <summary>
    /// Checks every page of <paramref name="image"/>, the file as the store holds it after kill
    /// <paramref name="kill"/> (zeros past its end): counts and logs what is lost, torn or regressed.
    /// </summary>
    public void Check(int kill, ReadOnlySpan<byte> image)
    {
        lock (_lock)
        {
            for (var page = 0; page < PageImage.Pages; page++)
            {
                var kindFound = PageImage.Classify(image.Slice(page * PageImage.Size, PageImage.Size), page, out var generation);
                var isTorn = kindFound == PageImageKind.Torn || (kindFound == PageImageKind.Valid && !_begun.Contains((page, generation)));
                if (isTorn)
                {
                    _torn++;
                    log($"{label}: after kill {kill} page {page} is torn ({kindFound}, generation {generation})");
                }

                var current = kindFound == PageImageKind.Valid && !isTorn ? generation : 0;
                if (_acked[page] > current)
                {
                    _lost++;
                    log($"{label}: after kill {kill} page {page} holds generation {current}, acknowledged {_acked[page]}");
                }

                if (current < _seen[page])
                {
                    _regressed++;
                    log($"{label}: after kill {kill} page {page} holds generation {current}, an earlier check found {_seen[page]}");
                }

                if (current > _acked[page] && current > _seen[page])
                {
                    _unackedSeen++;
                }

                _seen[page] = Math.Max(_seen[page], current);
                _state[page] = isTorn ? "torn" : kindFound == PageImageKind.Zero ? "zero" : generation.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>Reads a counter under the lock.</summary>
    private long Read(ref long counter)
    {
        lock (_lock)
        {
            return counter;
        }
    }
}
