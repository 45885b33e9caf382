using System.Globalization;
using ActorPager.CrashWorker;
using ActorPager.Storage;

namespace ActorPager.Durability.Tests;

/// <summary>The totals of a crash run.</summary>
/// <param name="Kind">The store kind.</param>
/// <param name="Kills">Worker runs ended by SIGKILL.</param>
/// <param name="Acknowledged">Page writes the workers acknowledged as durable.</param>
/// <param name="Lost">Checks that found a page older than its last acknowledged write (or not a valid image).</param>
/// <param name="Torn">Checks that found a page that is neither all zeros nor a whole image of a write that was begun.</param>
/// <param name="Regressed">Checks that found a page older than a check before had seen it.</param>
/// <param name="Mismatched">Pages that the restarted worker read through the pager differently from the store.</param>
/// <param name="UnackedSeen">Checks that found the image of a write that was begun but not acknowledged (the kill came mid-write).</param>
internal sealed record CrashResult(string Kind, int Kills, long Acknowledged, long Lost, long Torn, long Regressed, long Mismatched, long UnackedSeen)
{
    /// <summary>The line the issue asks for.</summary>
    public string Line => $"crash: store={Kind} kills={Kills} acknowledged={Acknowledged} lost={Lost} torn={Torn}";

    /// <summary>Restarts of the server after which the checks through it ran (server runs only; null for worker runs).</summary>
    public int? RestartsChecked { get; init; }

    /// <summary>Checks after a restart that found a file's generation not greater than before the kill (server runs only).</summary>
    public long Stale { get; init; }

    /// <summary>503 answers the client sent again (server runs only): reported, not a finding.</summary>
    public long Unavailable { get; init; }

    /// <summary>How the kills fell, in words (server runs only).</summary>
    public string? Moments { get; init; }

    /// <summary>Whether the run found nothing wrong.</summary>
    public bool Passed => Lost == 0 && Torn == 0 && Regressed == 0 && Mismatched == 0 && Stale == 0;
}

/// <summary>
/// The crash test's driver: starts the worker on one store again and again, kills it with SIGKILL
/// at a moment drawn from a seeded random source, and after each kill opens the store directly
/// (not through the pager) and checks every page against what the worker acknowledged.
/// </summary>
/// <remarks>
/// The moment of a kill: right after the start (during startup or recovery), after the K-th
/// acknowledgement (the next write is usually in flight), or after the K-th "write" line (the
/// write has just begun), K drawn from 1 to 40. The test waits for lines, never for time.
/// </remarks>
internal sealed class CrashRun(string kind, IReadOnlyList<string> storeArguments, Func<IPageStore> openStore, int seed, Action<string> log)
{
    /// <summary>The longest a worker may go without a line before the run fails as stuck.</summary>
    private static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(120);

    /// <summary>The exit code .NET reports for a process ended by SIGKILL (128 + 9).</summary>
    private const int KilledExitCode = 137;

    /// <summary>The file the workers write.</summary>
    private const string FileName = "crash/pages.bin";

    /// <summary>Kills per store: 50, or ACTORPAGER_CRASH_KILLS.</summary>
    public static int Kills =>
        int.TryParse(Environment.GetEnvironmentVariable("ACTORPAGER_CRASH_KILLS"), NumberStyles.None, CultureInfo.InvariantCulture, out var kills) && kills > 0 ? kills : 50;

    /// <summary>Runs <paramref name="kills"/> worker lives and checks the store after each.</summary>
    public async Task<CrashResult> RunAsync(int kills)
    {
        var random = new Random(seed);
        var ledger = new PageLedger(kind, log);
        for (var epoch = 1; epoch <= kills; epoch++)
        {
            var mode = random.Next(20);
            var target = random.Next(1, 41);
            var (lines, exitedEarly, stderr) = await LiveAsync(epoch, random.Next(), mode, target).ConfigureAwait(false);
            if (exitedEarly is { } code)
            {
                throw new InvalidOperationException($"{kind}: worker run {epoch} exited by itself with code {code} before the kill; stderr:\n{stderr}\nlast lines:\n{string.Join('\n', lines.TakeLast(10))}");
            }

            foreach (var line in lines)
            {
                var parts = line.Split(' ');
                switch (parts[0])
                {
                    case "page" when parts.Length == 3:
                        var page = int.Parse(parts[1], CultureInfo.InvariantCulture);
                        if (parts[2] != ledger.StateOf(page))
                        {
                            ledger.Mismatch($"{kind}: run {epoch}: the pager read page {page} as {parts[2]}, the store held {ledger.StateOf(page)}");
                        }

                        break;
                    case "write" when parts.Length == 4:
                        ledger.Begin(int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture));
                        break;
                    case "ack" when parts.Length == 3:
                        ledger.Ack(int.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
                        break;
                    case "ready":
                        break;
                    default:
                        throw new InvalidOperationException($"{kind}: worker run {epoch} printed an unknown line '{line}'");
                }
            }

            // The check: the store opened directly, as a restarted program would find it.
            var image = new byte[PageImage.Pages * PageImage.Size];
            await using (var store = openStore())
            {
                var read = await store.ReadAsync(FileName, 0, image).ConfigureAwait(false);
                if (read.Status == StoreStatus.Error)
                {
                    throw new InvalidOperationException($"{kind}: reading the store after kill {epoch} failed: {read}");
                }
            }

            ledger.Check(epoch, image);
        }

        return new CrashResult(kind, kills, ledger.Acknowledged, ledger.Lost, ledger.Torn, ledger.Regressed, ledger.Mismatched, ledger.UnackedSeen);
    }

    /// <summary>One worker life: start, read lines until the kill moment, SIGKILL, read what is left.</summary>
    private async Task<(List<string> Lines, int? ExitedEarly, string Stderr)> LiveAsync(int epoch, int workerSeed, int mode, int target)
    {
        var lines = new List<string>();
        using var worker = WorkerProcess.Start([kind, .. storeArguments.Take(1), FileName, workerSeed.ToString(CultureInfo.InvariantCulture), epoch.ToString(CultureInfo.InvariantCulture), .. storeArguments.Skip(1)]);
        if (mode != 0)
        {
            // Mode 1-9: after the K-th ack; 10-19: after the K-th write line. Mode 0: at once.
            var prefix = mode < 10 ? "ack " : "write ";
            var count = 0;
            using var stuck = new CancellationTokenSource(StuckAfter);
            while (count < target)
            {
                string? line;
                try
                {
                    line = await worker.ReadLineAsync(stuck.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    throw new InvalidOperationException($"{kind}: worker run {epoch} printed nothing for {StuckAfter.TotalSeconds} s (after {lines.Count} lines); stderr:\n{worker.Stderr}");
                }

                if (line is null)
                {
                    await worker.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                    return (lines, worker.ExitCode, worker.Stderr);
                }

                lines.Add(line);
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    count++;
                }
            }
        }

        await worker.KillAsync().ConfigureAwait(false);
        if (worker.ExitCode != KilledExitCode)
        {
            // It died of something else between its last line and the kill.
            return (lines, worker.ExitCode, worker.Stderr);
        }

        // Everything the worker printed before it died is still in the pipe.
        while (await worker.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } rest)
        {
            lines.Add(rest);
        }

        return (lines, null, worker.Stderr);
    }
}
