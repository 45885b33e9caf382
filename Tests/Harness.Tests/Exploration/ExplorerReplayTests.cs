using ActorPager.Actors.Pager;
using ActorPager.Harness.Dispatch;
using ActorPager.Harness.Exploration;
using Xunit.Abstractions;

namespace ActorPager.Harness.Tests.Exploration;

/// <summary>Explorer runs: same seed same run, scripted replay, exhaustive enumeration, and stuck runs.</summary>
public sealed class ExplorerReplayTests(ITestOutputHelper output) : ExplorationTestKit(output)
{
    private static readonly Scenario _readWriteSync = ConformanceScenarios.Named("read-write-sync");

    private static Mutants.Mutant Mutant(string name) => Mutants.All.Single(m => m.Name == name);

    [Theory]
    [InlineData(ExplorationStrategy.Random)]
    [InlineData(ExplorationStrategy.Pct)]
    public void Run_SameSeedTwice_SameTraceHashAndChoices(ExplorationStrategy strategy)
    {
        var explorer = Explorer;
        var a = explorer.Run(_readWriteSync, GenericPager.Instance, 17, strategy, null);
        var b = explorer.Run(_readWriteSync, GenericPager.Instance, 17, strategy, null);
        Assert.Null(a.Violation);
        Assert.Equal(a.TraceHash, b.TraceHash);
        Assert.Equal(a.Steps, b.Steps);
        Assert.Equal(a.Choices, b.Choices);
    }

    [Fact]
    public void Run_OnTheKitsThread_NoDeliveryHasTheTestActorAsSender()
    {
        // Akka.TestKit makes its test actor the test thread's implicit sender; a Tell from the
        // scenario (destroy-race closes a file: Deallocate and Release with no explicit sender)
        // must not pick it up, or the trace would depend on who drives the run.
        Assert.NotNull(Akka.Actor.Internal.InternalCurrentActorCellKeeper.Current);
        var senders = new HashSet<string>();
        Dispatcher.Delivered += d => senders.Add(d.Sender ?? "-");
        var run = Explorer.Run(ConformanceScenarios.Named("destroy-race"), GenericPager.Instance, 23, ExplorationStrategy.Random, null);
        Assert.Null(run.Violation);
        Assert.DoesNotContain(senders, s => s.StartsWith("/system/", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_SameSeedOnTheKitsSystemAndOnAnExplorersOwn_SameTrace()
    {
        var scenario = ConformanceScenarios.Named("destroy-race");
        var onKit = Explorer.Run(scenario, GenericPager.Instance, 23, ExplorationStrategy.Random, null);
        using var own = new Explorer();
        var onOwn = own.Run(scenario, GenericPager.Instance, 23, ExplorationStrategy.Random, null);
        Assert.Equal(onKit.TraceHash, onOwn.TraceHash);
        Assert.Equal(onKit.Choices, onOwn.Choices);
    }

    [Fact]
    public void Run_SameSeedAfterOtherRuns_SameTrace()
    {
        var first = Explorer.Run(_readWriteSync, GenericPager.Instance, 3, ExplorationStrategy.Random, null);
        for (var seed = 4; seed < 10; seed++)
        {
            Explorer.Run(_readWriteSync, GenericPager.Instance, seed, ExplorationStrategy.Random, null);
        }

        var again = Explorer.Run(_readWriteSync, GenericPager.Instance, 3, ExplorationStrategy.Random, null);
        Assert.Equal(first.TraceHash, again.TraceHash);
    }

    [Fact]
    public void Run_DifferentSeeds_DifferentSchedules()
    {
        var explorer = Explorer;
        var hashes = Enumerable.Range(1, 20).Select(s => explorer.Run(_readWriteSync, GenericPager.Instance, s, ExplorationStrategy.Random, null).TraceHash).Distinct().Count();
        Assert.True(hashes >= 15, $"only {hashes} distinct schedules in 20 seeds");
    }

    [Fact]
    public void Run_MutantSameSeed_SameViolationAtSameStep()
    {
        var mutant = Mutant("ok-without-valid-bits");
        var explorer = Explorer;
        var found = explorer.Explore(_readWriteSync, mutant.Create, ExplorationStrategy.Random, 100).Violation!;
        var again = explorer.Run(_readWriteSync, mutant.Create(), found.Seed, ExplorationStrategy.Random, null);
        Assert.NotNull(again.Violation);
        Assert.Equal(found.Violation!.Rule, again.Violation.Rule);
        Assert.Equal(found.Violation.Step, again.Violation.Step);
        Assert.Equal(found.TraceHash, again.TraceHash);
        Assert.Equal(found.Violation.Description, again.Violation.Description);
    }

    [Fact]
    public void Run_ScriptOfRecordedChoices_ReproducesTheRun()
    {
        var explorer = Explorer;
        var original = explorer.Run(_readWriteSync, GenericPager.Instance, 5, ExplorationStrategy.Random, null);
        var replay = explorer.Run(_readWriteSync, GenericPager.Instance, 999, ExplorationStrategy.Random, original.Choices);
        Assert.Equal(original.TraceHash, replay.TraceHash);
        Assert.Equal(original.Choices, replay.Choices);
    }

    [Fact]
    public void Run_ScriptOfMutantViolation_ReproducesViolationAsReplay()
    {
        var mutant = Mutant("never-complete-pend");
        var explorer = Explorer;
        var found = explorer.Explore(ConformanceScenarios.Named("async-clean"), mutant.Create, ExplorationStrategy.Random, 100).Violation!;
        var replay = explorer.Run(ConformanceScenarios.Named("async-clean"), mutant.Create(), found.Seed, ExplorationStrategy.Random, found.Choices);
        Assert.Equal(found.TraceHash, replay.TraceHash);
        Assert.Equal(33, replay.Violation!.Rule);
        Assert.Equal("replay", replay.Violation.Strategy);
    }

    [Fact]
    public void Run_EmptyScript_AlwaysTakesFirstCandidate()
    {
        var explorer = Explorer;
        var run = explorer.Run(_readWriteSync, GenericPager.Instance, 1, ExplorationStrategy.Random, []);
        Assert.Null(run.Violation);
        Assert.All(run.Choices, c => Assert.Equal(0, c));
    }

    [Fact]
    public void Run_ScriptIndexTooLarge_IsClampedToLastCandidate()
    {
        var explorer = Explorer;
        var run = explorer.Run(_readWriteSync, GenericPager.Instance, 1, ExplorationStrategy.Random, Enumerable.Repeat(1_000, 30).ToArray());
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(run.Counts[i] - 1, run.Choices[i]);
        }
    }

    [Fact]
    public void Run_Violation_CarriesRuleSeedStrategyStepAndTrace()
    {
        var mutant = Mutant("short-rtvals");
        var found = Explorer.Explore(_readWriteSync, mutant.Create, ExplorationStrategy.Pct, 200).Violation!.Violation!;
        Assert.Equal(23, found.Rule);
        Assert.Equal("pct", found.Strategy);
        Assert.Equal(found.Step, found.Trace.Count);
        Assert.Equal(found.Trace[^1].Step, found.Step - 1);
        var text = found.ToString();
        Assert.Contains($"rule 23 broken at step {found.Step}", text, StringComparison.Ordinal);
        Assert.Contains($"seed {found.Seed}", text, StringComparison.Ordinal);
        Assert.Contains("strategy pct", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Explore_ExhaustiveTinyScenario_EachScheduleExactlyOnceAndStops()
    {
        var hashes = new List<ulong>();
        using var explorer = new Explorer(Deterministic) { RunCompleted = r => hashes.Add(r.TraceHash) };
        var result = explorer.Explore(new StartupOnlyScenario(), () => GenericPager.Instance, ExplorationStrategy.Exhaustive, 100_000);
        Output.WriteLine($"{result.Runs} schedules");
        Assert.Null(result.Violation);
        Assert.True(result.Runs < 100_000, "the enumeration did not stop by itself");
        Assert.True(result.Runs > 1);
        Assert.Equal(result.Runs, hashes.Count);
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
        Assert.Equal(result.Runs, result.DistinctTraces);
    }

    [Fact]
    public void Explore_ExhaustiveTinyScenario_CoversEveryRandomSchedule()
    {
        var exhaustive = new HashSet<ulong>();
        NewExplorer(r => exhaustive.Add(r.TraceHash)).Explore(new StartupOnlyScenario(), () => GenericPager.Instance, ExplorationStrategy.Exhaustive, 100_000);
        var random = new HashSet<ulong>();
        NewExplorer(r => random.Add(r.TraceHash)).Explore(new StartupOnlyScenario(), () => GenericPager.Instance, ExplorationStrategy.Random, 300);
        Assert.Subset(exhaustive, random);
        Assert.True(random.Count > exhaustive.Count / 2, $"300 random runs saw {random.Count} of {exhaustive.Count} schedules");
    }

    [Fact]
    public void Explore_ExhaustiveBudgetSmallerThanSpace_StopsAtBudget()
    {
        var result = Explorer.Explore(_readWriteSync, () => GenericPager.Instance, ExplorationStrategy.Exhaustive, 25);
        Assert.Equal(25, result.Runs);
        Assert.Equal(25, result.DistinctTraces);
    }

    [Fact]
    public void Explore_ExhaustiveMutant_FindsItsRule()
    {
        var result = Explorer.Explore(new TinyReadScenario(), Mutant("ok-without-valid-bits").Create, ExplorationStrategy.Exhaustive, 1_000);
        Assert.Equal(17, result.Violation?.Violation?.Rule);
    }

    [Fact]
    public void Run_PagerNeverAnswersGetPages_ReportsNoProgressWithWaitForChain()
    {
        var run = Explorer.Run(new TinyReadScenario(), new SilentGetPager(), 1, ExplorationStrategy.Random, null);
        Output.WriteLine(run.Violation?.ToString() ?? "none");
        Assert.NotNull(run.Violation);
        Assert.Equal(7, run.Violation.Rule);
        Assert.Contains("no progress", run.Violation.Description, StringComparison.Ordinal);
        Assert.Contains("wait-for:", run.Violation.Description, StringComparison.Ordinal);
        Assert.Matches(@"object-\d+ -> \S*vnode-\d+ \(1 paging requests unanswered\)", run.Violation.Description);
    }

    [Fact]
    public void Run_PagerNeverAnswersPutPagesDuringFsync_ReportsTheVnodeObjectCycle()
    {
        var run = Explorer.Run(new SyncWriteScenario(), new SilentPutPager(), 1, ExplorationStrategy.Random, null);
        Output.WriteLine(run.Violation?.ToString() ?? "none");
        Assert.Equal(7, run.Violation?.Rule);
        Assert.Matches(@"deadlock cycle: \S*(vnode-1 -> \S*vnode-1/object-1 -> \S*vnode-1|object-1 -> \S*vnode-1 -> \S*object-1);", run.Violation!.Description);
        Assert.Contains("waiting for its object", run.Violation.Description, StringComparison.Ordinal);
        Assert.Contains("paging requests unanswered", run.Violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MaxStepsTooSmall_ReportsLivelock()
    {
        var run = NewExplorer(maxSteps: 10).Run(_readWriteSync, GenericPager.Instance, 1, ExplorationStrategy.Random, null);
        Assert.Equal(7, run.Violation?.Rule);
        Assert.Contains("did not finish within 10 steps", run.Violation!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ActorBusyForeverAfterTheClientsFinished_ReportsLivelock()
    {
        var run = NewExplorer(maxSteps: 1_000).Run(new BusyAfterClientsScenario(), GenericPager.Instance, 1, ExplorationStrategy.Random, null);
        Assert.Equal(7, run.Violation?.Rule);
        Assert.Contains("did not finish within 1000 steps", run.Violation!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ScenarioThrowsInStart_ThrowsAndTheNextRunOnTheSystemWorks()
    {
        Assert.Throws<InvalidOperationException>(() => Explorer.Run(new ThrowingScenario(), GenericPager.Instance, 1, ExplorationStrategy.Random, null));

        var next = Explorer.Run(_readWriteSync, GenericPager.Instance, 1, ExplorationStrategy.Random, null);
        Assert.True(next.Violation is null, next.Violation?.ToString());
    }

    /// <summary>No client; an actor of the scenario's own tells itself a message forever.</summary>
    private sealed class BusyAfterClientsScenario : Scenario
    {
        public override string Name => "busy-after-clients";

        public override IReadOnlyList<Task> Start(ScenarioContext context)
        {
            var echo = context.Home.ActorOf(Akka.Actor.Props.Create(() => new SelfPinger()), "pinger");
            echo.Tell("ping", Akka.Actor.ActorRefs.NoSender);
            return [];
        }
    }

    private sealed class SelfPinger : Akka.Actor.UntypedActor
    {
        protected override void OnReceive(object message) => Self.Tell(message, Self);
    }

    /// <summary>Starts the pager, opens nothing, and throws.</summary>
    private sealed class ThrowingScenario : Scenario
    {
        public override string Name => "throwing";

        public override IReadOnlyList<Task> Start(ScenarioContext context) => throw new InvalidOperationException("the scenario is broken");
    }

    [Fact]
    public void DescribeWaitFor_TwoActorCycle_NamesTheCycle()
    {
        var text = Explorer.DescribeWaitFor([("a", "b", "a waits for b"), ("b", "a", "b waits for a")]);
        Assert.StartsWith("deadlock cycle: a -> b -> a;", text, StringComparison.Ordinal);
        Assert.Contains("a -> b (a waits for b)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeWaitFor_CycleBehindATail_NamesOnlyTheCycle()
    {
        var text = Explorer.DescribeWaitFor([("x", "a", "x waits"), ("a", "b", "1"), ("b", "c", "2"), ("c", "a", "3")]);
        Assert.StartsWith("deadlock cycle: a -> b -> c -> a;", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeWaitFor_ChainWithoutCycle_ListsEdgesOnly()
    {
        var text = Explorer.DescribeWaitFor([("object-1", "vnode-1", "1 paging requests unanswered")]);
        Assert.Equal("wait-for: object-1 -> vnode-1 (1 paging requests unanswered)", text);
    }

    [Fact]
    public void DescribeWaitFor_NoEdges_SaysARequestWasLost()
    {
        Assert.Contains("a request was lost", Explorer.DescribeWaitFor([]), StringComparison.Ordinal);
    }
}

/// <summary>How the explorer reads the rule of an actor's failure: from the exception's type, never from its text.</summary>
public sealed class ActorFailureRuleTests(ITestOutputHelper output) : ExplorationTestKit(output)
{
    /// <summary>Fails with the exception it is given on any message.</summary>
    private sealed class Failing(Func<Exception> error) : Akka.Actor.UntypedActor
    {
        protected override void OnReceive(object message) => throw error();
    }

    /// <summary>One actor of the scenario's own that fails on its first message.</summary>
    private sealed class FailingActorScenario(Func<Exception> error) : Scenario
    {
        public override string Name => "failing-actor";

        public override int FaultBudget => 0;

        public override IReadOnlyList<Task> Start(ScenarioContext context)
        {
            var actor = context.Home.ActorOf(Akka.Actor.Props.Create(() => new Failing(error)), "failing");
            return [context.Ask(actor, "go")];
        }
    }

    [Fact]
    public void Run_ActorFailsWithProtocolViolation_ReportsItsRule()
    {
        var run = Explorer.Run(new FailingActorScenario(() => new Actors.ProtocolViolationException(11, "pip released twice")), GenericPager.Instance, 1, ExplorationStrategy.Random, null);
        Output.WriteLine(run.Violation?.ToString() ?? "none");
        Assert.Equal(11, run.Violation?.Rule);
        Assert.Contains("an actor failed: ", run.Violation!.Description, StringComparison.Ordinal);
        Assert.Contains("pip released twice (rule 11)", run.Violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ActorFailsWithRuleOnlyInItsText_ReportsRuleZero()
    {
        var run = Explorer.Run(new FailingActorScenario(() => new InvalidOperationException("pip went negative (rule 10)")), GenericPager.Instance, 1, ExplorationStrategy.Random, null);
        Output.WriteLine(run.Violation?.ToString() ?? "none");
        Assert.Equal(0, run.Violation?.Rule);
        Assert.Contains("pip went negative (rule 10)", run.Violation!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ActorFailsWithWrappedProtocolViolation_ReportsItsRule()
    {
        var run = Explorer.Run(new FailingActorScenario(() => new InvalidOperationException("outer", new Actors.ProtocolViolationException(33, "second completion"))), GenericPager.Instance, 1, ExplorationStrategy.Random, null);
        Assert.Equal(33, run.Violation?.Rule);
    }
}

/// <summary>PCT's change points must fall inside the runs the explorer makes, or PCT never changes a priority.</summary>
public sealed class PctRunLengthTests(ITestOutputHelper output) : ExplorationTestKit(output)
{
    [Fact]
    public void CreateStrategy_Pct_ChangePointsFallInsideTheirConformanceRun()
    {
        var explorer = Explorer;
        var scenario = ConformanceScenarios.Named("read-write-sync");
        int inside = 0, all = 0;
        for (var seed = 1; seed <= 50; seed++)
        {
            var pct = Assert.IsType<PctStrategy>(explorer.CreateStrategy(seed, ExplorationStrategy.Pct));
            Assert.Equal(explorer.PctDepth - 1, pct.ChangePoints.Count);
            var steps = explorer.Run(scenario, GenericPager.Instance, seed, ExplorationStrategy.Pct, null).Steps;
            inside += pct.ChangePoints.Count(p => p < steps);
            all += pct.ChangePoints.Count;
        }

        Assert.True(inside >= all * 3 / 4, $"only {inside} of {all} change points fall inside their run");
    }

    [Fact]
    public void CreateStrategy_PctRunLength_BoundsTheChangePoints()
    {
        using var explorer = new Explorer(Deterministic) { PctDepth = 5, PctRunLength = 10 };
        for (var seed = 1; seed <= 50; seed++)
        {
            var pct = Assert.IsType<PctStrategy>(explorer.CreateStrategy(seed, ExplorationStrategy.Pct));
            Assert.All(pct.ChangePoints, p => Assert.InRange(p, 0, 9));
        }
    }
}
