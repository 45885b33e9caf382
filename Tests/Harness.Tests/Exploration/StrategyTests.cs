using ActorPager.Harness.Dispatch;
using ActorPager.TestKit;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorPager.Harness.Tests.Exploration;

/// <summary>The schedule strategies on their own, and the deterministic dispatcher's handling of their choices.</summary>
public sealed class StrategyTests(ITestOutputHelper output) : DeterministicTestKit(output)
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
        BeginRun(1, new FixedStrategy(99));
        var ex = Assert.Throws<InvalidOperationException>(() => Spawn(Props.Create(() => new RingActor(new int[1])), "r0"));
        Assert.Contains("strategy fixed chose candidate 99 of 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_TraceNamesAnotherRecipient_ThrowsDivergedNamingIt()
    {
        var trace = RingTrace(new RandomStrategy(5)).ToList();
        trace[^3] = trace[^3] with { Recipient = "/user/run/nobody" };

        var ex = Assert.Throws<ReplayDivergedException>(() => RingTrace(new ReplayStrategy(trace)));
        Assert.Contains("/user/run/nobody", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_TraceTooShort_ThrowsDivergedSayingHowLong()
    {
        var cut = RingTrace(new RandomStrategy(5)).Take(5).ToList();

        var ex = Assert.Throws<ReplayDivergedException>(() => RingTrace(new ReplayStrategy(cut)));
        Assert.Contains("5 choices", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Three ring actors pass a countdown of 5 under <paramref name="strategy"/>; the trace of the run.</summary>
    private IReadOnlyList<Delivery> RingTrace(IScheduleStrategy strategy)
    {
        BeginRun(1, strategy);
        var actors = Enumerable.Range(0, 3).Select(i => Spawn(Props.Create(() => new RingActor(new int[1])), $"r{i}")).ToArray();
        for (var i = 0; i < 3; i++)
        {
            actors[i].Tell(actors[(i + 1) % 3]);
        }

        actors[0].Tell(5);
        Settle();
        return [.. Dispatcher.Trace.Deliveries];
    }

    private sealed class FixedStrategy(int choice) : IScheduleStrategy
    {
        public string Name => "fixed";

        public int Choose(IReadOnlyList<ScheduleCandidate> candidates, long step) => choice;
    }
}

/// <summary>How a delivery reads in a trace.</summary>
public sealed class DeliveryTextTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
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
