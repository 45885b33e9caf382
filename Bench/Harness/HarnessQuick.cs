using System.Diagnostics;
using ActorPager.Actors.Pager;
using ActorPager.Runtime;
using ActorPager.TestKit.Harness;

namespace ActorPager.Bench.Harness;

/// <summary>
/// The concurrency harness's quick mode (issue 7, requirement 8), single-threaded: whole
/// schedules per second. <c>harness.explore</c>: three plain actors in a ring, each passing a
/// countdown on, 21 user messages plus their creation, on a fresh deterministic system per seed.
/// <c>harness.pager-scenario</c>: <see cref="Explorer.Run"/> of the read-write-sync conformance
/// scenario (pager system start, three clients, store I/O and fault choices, every monitor).
/// Each figure is the median of <see cref="Rounds"/> timed rounds after a warm-up.
/// </summary>
internal static class HarnessQuick
{
    private const int Rounds = 5;
    private const int Hops = 5;
    private static readonly TimeSpan _roundTime = TimeSpan.FromSeconds(2);

    [QuickArea("harness")]
    private static void Run()
    {
        var explore = Measure(RingRun);
        Detail($"explore: {explore.Rounds}; {RingMessages} user messages per run");
        QuickAreas.Report("harness.explore", "schedules/s", explore.Median);

        var scenario = ConformanceScenarios.Named("read-write-sync");
        var explorer = new Explorer();
        var pager = Measure(seed =>
        {
            var run = explorer.Run(scenario, GenericPager.Instance, seed, ExplorationStrategy.Random, null);
            if (run.Violation is not null)
            {
                throw new InvalidOperationException($"the generic pager broke a rule: {run.Violation}");
            }
        });
        Detail($"pager-scenario: {pager.Rounds}");
        QuickAreas.Report("harness.pager-scenario", "schedules/s", pager.Median);
    }

    private static long RingMessages { get; set; }

    /// <summary>One schedule of the ring: a fresh system, random choices from the seed, run until idle.</summary>
    private static void RingRun(long seed)
    {
        var system = ActorSystem.Create("ring", new ActorSystemSettings
        {
            Dispatcher = DispatcherKind.Deterministic,
            Seed = seed,
            Strategy = "random",
            LogToStandardError = false,
        });
        var actors = new IActorRef[3];
        for (var i = 0; i < 3; i++)
        {
            actors[i] = system.ActorOf(Props.Create(() => new RingActor()), "r" + i);
        }

        for (var i = 0; i < 3; i++)
        {
            actors[i].Tell(actors[(i + 1) % 3]);
            actors[i].Tell(Hops);
        }

        system.Deterministic!.RunUntilIdle();
        RingMessages = 3 * (2 + Hops);
    }

    private static (double Median, string Rounds) Measure(Action<long> run)
    {
        long seed = 1;
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < _roundTime)
        {
            run(seed++);
        }

        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var workItems = ThreadPool.CompletedWorkItemCount;
        var timers = Timer.ActiveCount;
        var rates = new double[Rounds];
        for (var r = 0; r < Rounds; r++)
        {
            var n = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < _roundTime)
            {
                run(seed++);
                n++;
            }

            rates[r] = n / clock.Elapsed.TotalSeconds;
        }

        jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted;
        workItems = ThreadPool.CompletedWorkItemCount - workItems;
        timers = Timer.ActiveCount - timers;
        const int Sampled = 200;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Sampled; i++)
        {
            run(seed++);
        }

        var bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / Sampled;
        var sorted = rates.Order().ToArray();
        return (sorted[Rounds / 2], string.Join(", ", rates.Select(x => x.ToString("F0", System.Globalization.CultureInfo.InvariantCulture))) + $" schedules/s per round; {bytes / 1024.0:0.#} KiB allocated per schedule; {jitted} methods jitted, {workItems} thread-pool work items, {timers} more active timers during the timed rounds");
    }

    private static void Detail(string text) => Console.Error.WriteLine("harness: " + text);

    private sealed class RingActor : ReceiveActor
    {
        private IActorRef? _next;

        public RingActor()
        {
            Receive<IActorRef>(next => _next = next);
            Receive<int>(n =>
            {
                if (n > 0)
                {
                    _next!.Tell(n - 1, Self);
                }
            });
        }
    }
}
