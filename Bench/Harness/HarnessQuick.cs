using System.Diagnostics;
using ActorPager.Actors.Pager;
using ActorPager.Harness.Dispatch;
using ActorPager.Harness.Exploration;
using Akka.Actor;

namespace ActorPager.Bench.Harness;

/// <summary>
/// The concurrency harness's quick mode (issue 11, requirement 8), single-threaded: whole
/// schedules per second on Akka.NET with the deterministic dispatcher. <c>harness.explore</c>: a
/// sender that makes a ring of three actors, tells each its neighbour and passes a countdown of
/// 20 into it (21 ring messages), a fresh actor tree per seed on one reused actor system, the
/// random strategy choosing every delivery, then the tree stopped. <c>harness.pager-scenario</c>:
/// <see cref="Explorer.Run"/> of the read-write-sync conformance scenario (pager start, three
/// clients, store I/O, reply and fault choices, every monitor) on the explorer's one system.
/// Each figure is the median of <see cref="Rounds"/> timed rounds after a warm-up.
/// </summary>
internal static class HarnessQuick
{
    private const int Rounds = 5;
    private const int Countdown = 20;
    private static readonly TimeSpan _roundTime = TimeSpan.FromSeconds(2);

    [QuickArea("harness")]
    private static void Run()
    {
        var ring = DeterministicSystem.Create("bench-ring");
        try
        {
            var handled = new int[1];
            long ringSteps = 0, ringRuns = 0;
            var explore = Measure(seed =>
            {
                ringSteps += RingRun(ring, seed, handled);
                ringRuns++;
            });
            Detail($"explore: {explore.Rounds}; {Countdown + 1} ring messages and {(double)ringSteps / ringRuns:0} steps per schedule (stopping the tree not counted)");
            QuickAreas.Report("harness.explore", "schedules/s", explore.Median);
        }
        finally
        {
            ring.Terminate();
        }

        var scenario = ConformanceScenarios.Named("read-write-sync");
        using var explorer = new Explorer();
        long steps = 0, runs = 0;
        var pager = Measure(seed =>
        {
            var run = explorer.Run(scenario, GenericPager.Instance, seed, ExplorationStrategy.Random, null);
            if (run.Violation is not null)
            {
                throw new InvalidOperationException($"the generic pager broke a rule: {run.Violation}");
            }

            steps += run.Steps;
            runs++;
        });
        Detail($"pager-scenario: {pager.Rounds}; {(double)steps / runs:0} steps per schedule");
        QuickAreas.Report("harness.pager-scenario", "schedules/s", pager.Median);
    }

    /// <summary>One schedule of the ring: a fresh tree on the reused system, random choices from the seed, run until idle, stopped; returns the steps of the run.</summary>
    private static long RingRun(DeterministicSystem system, long seed, int[] handled)
    {
        system.BeginRun(seed, new RandomStrategy(seed));
        handled[0] = 0;
        system.Home.ActorOf(Props.CreateBy(new SenderProducer(handled)), "sender");
        system.Dispatcher.RunUntilIdle();
        if (handled[0] != Countdown + 1)
        {
            throw new InvalidOperationException($"seed {seed}: the ring handled {handled[0]} of {Countdown + 1} messages");
        }

        var steps = system.Dispatcher.StepCount;
        system.EndRun();
        return steps;
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
        int[] collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var paused = GC.GetTotalPauseDuration();
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

        paused = GC.GetTotalPauseDuration() - paused;
        var gcs = $"{GC.CollectionCount(0) - collections[0]}/{GC.CollectionCount(1) - collections[1]}/{GC.CollectionCount(2) - collections[2]}";
        jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted;
        workItems = ThreadPool.CompletedWorkItemCount - workItems;
        const int Sampled = 200;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Sampled; i++)
        {
            run(seed++);
        }

        var bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / Sampled;
        var sorted = rates.Order().ToArray();
        return (sorted[Rounds / 2], string.Join(", ", rates.Select(x => x.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))
            + $" schedules/s per round; {bytes / 1024.0:0.#} KiB allocated per schedule on the driving thread; during the timed rounds {jitted} methods jitted, {workItems} thread-pool work items, gen0/1/2 collections {gcs}, {paused.TotalMilliseconds:0} ms paused for GC");
    }

    private static void Detail(string text) => Console.Error.WriteLine("harness: " + text);

    /// <summary>Makes the sender without an expression tree (Akka's Props.Create would compile one per schedule).</summary>
    private sealed class SenderProducer(int[] handled) : IIndirectActorProducer
    {
        public Type ActorType => typeof(SenderActor);

        public ActorBase Produce() => new SenderActor(handled);

        public void Release(ActorBase actor)
        {
        }
    }

    /// <summary>Makes the ring as its children, tells each its neighbour and starts the countdown.</summary>
    private sealed class SenderActor(int[] handled) : UntypedActor
    {
        protected override void PreStart()
        {
            var ring = new IActorRef[3];
            for (var i = 0; i < ring.Length; i++)
            {
                ring[i] = Context.ActorOf(Props.CreateBy(new RingProducer(handled)), "r" + i);
            }

            for (var i = 0; i < ring.Length; i++)
            {
                ring[i].Tell(ring[(i + 1) % ring.Length], Self);
            }

            ring[0].Tell(Countdown, Self);
        }

        protected override void OnReceive(object message) => Unhandled(message);
    }

    private sealed class RingProducer(int[] handled) : IIndirectActorProducer
    {
        public Type ActorType => typeof(RingActor);

        public ActorBase Produce() => new RingActor(handled);

        public void Release(ActorBase actor)
        {
        }
    }

    /// <summary>Passes a countdown on to its neighbour until it reaches zero.</summary>
    private sealed class RingActor(int[] handled) : UntypedActor
    {
        private IActorRef _next = ActorRefs.Nobody;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case IActorRef next:
                    _next = next;
                    break;
                case int n:
                    handled[0]++;
                    if (n > 0)
                    {
                        _next.Tell(n - 1, Self);
                    }

                    break;
            }
        }
    }
}
