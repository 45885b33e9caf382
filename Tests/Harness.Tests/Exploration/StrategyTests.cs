using ActorPager.Runtime;

namespace ActorPager.TestKit.Tests.Harness;

/// <summary>The schedule strategies on their own, and the deterministic dispatcher's handling of their choices.</summary>
public sealed class StrategyTests
{
    private static ScheduleCandidate[] Candidates(params string[] ids) => ids.Select(id => new ScheduleCandidate(id, CandidateKind.Actor)).ToArray();

    private static ScheduleCandidate[] Many(int n) => Enumerable.Range(0, n).Select(i => new ScheduleCandidate($"a{i}", CandidateKind.Actor)).ToArray();

    [Fact]
    public void Random_AnyCandidateCount_ChoosesValidIndex()
    {
        var strategy = new RandomStrategy(42);
        for (var step = 0; step < 2_000; step++)
        {
            var n = 1 + (step % 9);
            var choice = strategy.Choose(Many(n), step);
            Assert.InRange(choice, 0, n - 1);
        }
    }

    [Fact]
    public void Random_SameSeed_SameSequence()
    {
        var a = new RandomStrategy(7);
        var b = new RandomStrategy(7);
        var candidates = Many(5);
        Assert.Equal(Enumerable.Range(0, 100).Select(s => a.Choose(candidates, s)), Enumerable.Range(0, 100).Select(s => b.Choose(candidates, s)));
    }

    [Fact]
    public void Random_NeighbouringSeeds_DifferentSequences()
    {
        var candidates = Many(5);
        var a = new RandomStrategy(1);
        var b = new RandomStrategy(2);
        Assert.NotEqual(Enumerable.Range(0, 50).Select(s => a.Choose(candidates, s)), Enumerable.Range(0, 50).Select(s => b.Choose(candidates, s)));
    }

    [Fact]
    public void Random_ThreeCandidates_ChoosesEachOfThem()
    {
        var strategy = new RandomStrategy(3);
        var candidates = Many(3);
        var seen = Enumerable.Range(0, 300).Select(s => strategy.Choose(candidates, s)).ToHashSet();
        Assert.Equal([0, 1, 2], seen.Order());
    }

    [Fact]
    public void Pct_AnyCandidateCount_ChoosesValidIndex()
    {
        var strategy = new PctStrategy(5, depth: 4, maxSteps: 200);
        for (var step = 0; step < 2_000; step++)
        {
            var n = 1 + (step % 7);
            Assert.InRange(strategy.Choose(Many(n), step), 0, n - 1);
        }
    }

    [Fact]
    public void Pct_NoChangePoints_RunsTheSameHighestPriorityCandidateWhateverTheOrder()
    {
        var strategy = new PctStrategy(11, depth: 1, maxSteps: 100);
        var forward = Candidates("a", "b", "c", "d");
        var winner = forward[strategy.Choose(forward, 0)].Id;
        for (var step = 1; step < 50; step++)
        {
            var shuffled = forward.OrderBy(c => (c.Id.GetHashCode(StringComparison.Ordinal) * step) & 0xff).ToArray();
            Assert.Equal(winner, shuffled[strategy.Choose(shuffled, step)].Id);
        }
    }

    [Fact]
    public void Pct_ChangePoint_DemotesTheRunningCandidateToLowest()
    {
        // maxSteps 1: the single change point (depth 2) is step 0.
        var strategy = new PctStrategy(9, depth: 2, maxSteps: 1);
        var candidates = Candidates("a", "b", "c");
        var before = candidates[strategy.Choose(candidates, 0)].Id;
        var after = candidates[strategy.Choose(candidates, 1)].Id;
        Assert.NotEqual(before, after);

        // Demoted below every other: it runs only when it is alone.
        var rest = candidates.Where(c => c.Id != after).ToArray();
        Assert.NotEqual(before, rest[strategy.Choose(rest, 2)].Id);
        Assert.Equal(0, strategy.Choose(Candidates(before), 3));
    }

    [Fact]
    public void Pct_SameSeed_SameChoices()
    {
        var a = new PctStrategy(21, 3, 30);
        var b = new PctStrategy(21, 3, 30);
        var candidates = Many(4);
        Assert.Equal(Enumerable.Range(0, 60).Select(s => a.Choose(candidates, s)), Enumerable.Range(0, 60).Select(s => b.Choose(candidates, s)));
    }

    [Fact]
    public void Pct_DepthZero_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PctStrategy(1, depth: 0, maxSteps: 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PctStrategy(1, depth: 1, maxSteps: 0));
    }

    [Fact]
    public void Step_StrategyChoosesOutOfRange_ThrowsNamingTheStrategy()
    {
        var (system, _) = Ring.Create(1, _ => new FixedStrategy(99));
        var ex = Assert.Throws<InvalidOperationException>(() => system.Deterministic!.Step(advanceTime: false));
        Assert.Contains("fixed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_RecordedPlainActorTrace_ReproducesTheSameHash()
    {
        var (original, _) = Ring.Create(5, seed => new RandomStrategy(seed));
        original.Deterministic!.RunUntilIdle();
        var trace = original.Deterministic.Trace;

        var replay = new ReplayStrategy(trace.Deliveries);
        var (again, _) = Ring.Create(5, _ => replay);
        again.Deterministic!.RunUntilIdle();

        Assert.Equal(trace.Hash, again.Deterministic.Trace.Hash);
        Assert.Equal(trace.Count, replay.Position);
    }

    [Fact]
    public void Replay_TraceNamesAnotherRecipient_ThrowsDiverged()
    {
        var (original, _) = Ring.Create(5, seed => new RandomStrategy(seed));
        original.Deterministic!.RunUntilIdle();
        var altered = original.Deterministic.Trace.Deliveries.ToList();
        altered[3] = altered[3] with { Recipient = "actorpager://ring/user/nobody" };

        var (again, _) = Ring.Create(5, _ => new ReplayStrategy(altered));
        var ex = Assert.Throws<ReplayDivergedException>(() => again.Deterministic!.RunUntilIdle());
        Assert.Contains("nobody", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_TraceTooShort_ThrowsDiverged()
    {
        var (original, _) = Ring.Create(5, seed => new RandomStrategy(seed));
        original.Deterministic!.RunUntilIdle();
        var cut = original.Deterministic.Trace.Deliveries.Take(5).ToList();

        var (again, _) = Ring.Create(5, _ => new ReplayStrategy(cut));
        var ex = Assert.Throws<ReplayDivergedException>(() => again.Deterministic!.RunUntilIdle());
        Assert.Contains("5 choices", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunUntilIdle_SameSeedTwice_SameTraceHash_OtherSeedsDiffer()
    {
        ulong Hash(long seed)
        {
            var (system, _) = Ring.Create(6, s => new RandomStrategy(s), seed);
            system.Deterministic!.RunUntilIdle();
            return system.Deterministic.Trace.Hash;
        }

        Assert.Equal(Hash(3), Hash(3));
        Assert.True(Enumerable.Range(1, 20).Select(s => Hash(s)).Distinct().Count() > 10);
    }

    private sealed class FixedStrategy(int choice) : IScheduleStrategy
    {
        public string Name => "fixed";

        public int Choose(IReadOnlyList<ScheduleCandidate> candidates, long step) => choice;
    }
}

/// <summary>Three plain actors in a ring, each passing a countdown to the next: the harness's smallest workload.</summary>
internal static class Ring
{
    public static (ActorSystem System, IActorRef[] Actors) Create(int hops, Func<long, IScheduleStrategy> strategy, long seed = 1)
    {
        var system = ActorSystem.Create("ring", new ActorSystemSettings
        {
            Dispatcher = DispatcherKind.Deterministic,
            Seed = seed,
            StrategyFactory = strategy,
            LogToStandardError = false,
        });
        var actors = Enumerable.Range(0, 3).Select(i => system.ActorOf(Props.Create(() => new RingActor()), $"r{i}")).ToArray();
        for (var i = 0; i < 3; i++)
        {
            actors[i].Tell(actors[(i + 1) % 3]);
            actors[i].Tell(hops);
        }

        return (system, actors);
    }

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

/// <summary>How a delivery reads in a trace.</summary>
public sealed class DeliveryTextTests
{
    [Fact]
    public void ToString_ExternalEventDescribedOnce_PrintsTheDescriptionOnce()
    {
        var text = new Delivery(9, DeliveryKind.External, "io:#1 getsize 'f'", null, "io:#1 getsize 'f'").ToString();
        Assert.Equal("     9 event   io:#1 getsize 'f'", text);
    }

    [Fact]
    public void ToString_UserMessage_ShowsSenderRecipientAndType()
    {
        Assert.Equal("    26 user    a -> b: GetPages", new Delivery(26, DeliveryKind.User, "b", "a", "GetPages").ToString());
    }
}
