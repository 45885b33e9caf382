using ActorPager.Actors.Pager;
using ActorPager.TestKit.Harness;
using Xunit.Abstractions;

namespace ActorPager.TestKit.Tests.Harness;

/// <summary>Explorer runs: same seed same run, scripted replay, exhaustive enumeration, and stuck runs.</summary>
public sealed class ExplorerReplayTests(ITestOutputHelper output)
{
    private static readonly Scenario _readWriteSync = ConformanceScenarios.Named("read-write-sync");

    private static Mutants.Mutant Mutant(string name) => Mutants.All.Single(m => m.Name == name);

    [Theory]
    [InlineData(ExplorationStrategy.Random)]
    [InlineData(ExplorationStrategy.Pct)]
    public void Run_SameSeedTwice_SameTraceHashAndChoices(ExplorationStrategy strategy)
    {
        var explorer = new Explorer();
        var a = explorer.Run(_readWriteSync, GenericPager.Instance, 17, strategy, null);
        var b = explorer.Run(_readWriteSync, GenericPager.Instance, 17, strategy, null);
        Assert.Null(a.Violation);
        Assert.Equal(a.TraceHash, b.TraceHash);
        Assert.Equal(a.Steps, b.Steps);
        Assert.Equal(a.Choices, b.Choices);
    }

    [Fact]
    public void Run_DifferentSeeds_DifferentSchedules()
    {
        var explorer = new Explorer();
        var hashes = Enumerable.Range(1, 20).Select(s => explorer.Run(_readWriteSync, GenericPager.Instance, s, ExplorationStrategy.Random, null).TraceHash).Distinct().Count();
        Assert.True(hashes >= 15, $"only {hashes} distinct schedules in 20 seeds");
    }

    [Fact]
    public void Run_MutantSameSeed_SameViolationAtSameStep()
    {
        var mutant = Mutant("ok-without-valid-bits");
        var explorer = new Explorer();
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
        var explorer = new Explorer();
        var original = explorer.Run(_readWriteSync, GenericPager.Instance, 5, ExplorationStrategy.Random, null);
        var replay = explorer.Run(_readWriteSync, GenericPager.Instance, 999, ExplorationStrategy.Random, original.Choices);
        Assert.Equal(original.TraceHash, replay.TraceHash);
        Assert.Equal(original.Choices, replay.Choices);
    }

    [Fact]
    public void Run_ScriptOfMutantViolation_ReproducesViolationAsReplay()
    {
        var mutant = Mutant("never-complete-pend");
        var explorer = new Explorer();
        var found = explorer.Explore(ConformanceScenarios.Named("async-clean"), mutant.Create, ExplorationStrategy.Random, 100).Violation!;
        var replay = explorer.Run(ConformanceScenarios.Named("async-clean"), mutant.Create(), found.Seed, ExplorationStrategy.Random, found.Choices);
        Assert.Equal(found.TraceHash, replay.TraceHash);
        Assert.Equal(33, replay.Violation!.Rule);
        Assert.Equal("replay", replay.Violation.Strategy);
    }

    [Fact]
    public void Run_EmptyScript_AlwaysTakesFirstCandidate()
    {
        var explorer = new Explorer();
        var run = explorer.Run(_readWriteSync, GenericPager.Instance, 1, ExplorationStrategy.Random, []);
        Assert.Null(run.Violation);
        Assert.All(run.Choices, c => Assert.Equal(0, c));
    }

    [Fact]
    public void Run_ScriptIndexTooLarge_IsClampedToLastCandidate()
    {
        var explorer = new Explorer();
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
        var found = new Explorer().Explore(_readWriteSync, mutant.Create, ExplorationStrategy.Pct, 200).Violation!.Violation!;
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
        var explorer = new Explorer { RunCompleted = r => hashes.Add(r.TraceHash) };
        var result = explorer.Explore(new StartupOnlyScenario(), () => GenericPager.Instance, ExplorationStrategy.Exhaustive, 100_000);
        output.WriteLine($"{result.Runs} schedules");
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
        new Explorer { RunCompleted = r => exhaustive.Add(r.TraceHash) }.Explore(new StartupOnlyScenario(), () => GenericPager.Instance, ExplorationStrategy.Exhaustive, 100_000);
        var random = new HashSet<ulong>();
        new Explorer { RunCompleted = r => random.Add(r.TraceHash) }.Explore(new StartupOnlyScenario(), () => GenericPager.Instance, ExplorationStrategy.Random, 300);
        Assert.Subset(exhaustive, random);
        Assert.True(random.Count > exhaustive.Count / 2, $"300 random runs saw {random.Count} of {exhaustive.Count} schedules");
    }

    [Fact]
    public void Explore_ExhaustiveBudgetSmallerThanSpace_StopsAtBudget()
    {
        var result = new Explorer().Explore(_readWriteSync, () => GenericPager.Instance, ExplorationStrategy.Exhaustive, 25);
        Assert.Equal(25, result.Runs);
        Assert.Equal(25, result.DistinctTraces);
    }

    [Fact]
    public void Explore_ExhaustiveMutant_FindsItsRule()
    {
        var result = new Explorer().Explore(new TinyReadScenario(), Mutant("ok-without-valid-bits").Create, ExplorationStrategy.Exhaustive, 1_000);
        Assert.Equal(17, result.Violation?.Violation?.Rule);
    }

    [Fact]
    public void Run_PagerNeverAnswersGetPages_ReportsNoProgressWithWaitForChain()
    {
        var run = new Explorer().Run(new TinyReadScenario(), new SilentGetPager(), 1, ExplorationStrategy.Random, null);
        output.WriteLine(run.Violation?.ToString() ?? "none");
        Assert.NotNull(run.Violation);
        Assert.Equal(7, run.Violation.Rule);
        Assert.Contains("no progress", run.Violation.Description, StringComparison.Ordinal);
        Assert.Contains("wait-for:", run.Violation.Description, StringComparison.Ordinal);
        Assert.Matches(@"object-\d+ -> \S*vnode-\d+ \(1 paging requests unanswered\)", run.Violation.Description);
    }

    [Fact]
    public void Run_PagerNeverAnswersPutPagesDuringFsync_ReportsTheVnodeObjectCycle()
    {
        var run = new Explorer().Run(new SyncWriteScenario(), new SilentPutPager(), 1, ExplorationStrategy.Random, null);
        output.WriteLine(run.Violation?.ToString() ?? "none");
        Assert.Equal(7, run.Violation?.Rule);
        Assert.Matches(@"deadlock cycle: \S*(vnode-1 -> \S*vnode-1/object-1 -> \S*vnode-1|object-1 -> \S*vnode-1 -> \S*object-1);", run.Violation!.Description);
        Assert.Contains("waiting for its object", run.Violation.Description, StringComparison.Ordinal);
        Assert.Contains("paging requests unanswered", run.Violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MaxStepsTooSmall_ReportsLivelock()
    {
        var run = new Explorer { MaxSteps = 10 }.Run(_readWriteSync, GenericPager.Instance, 1, ExplorationStrategy.Random, null);
        Assert.Equal(7, run.Violation?.Rule);
        Assert.Contains("did not finish within 10 steps", run.Violation!.Description, StringComparison.Ordinal);
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

/// <summary>How the explorer reads the rule an actor's error cites.</summary>
public sealed class RuleInTests
{
    [Theory]
    [InlineData("object-1: pip went negative (-1) after releasing 2 (rule 10)", 10)]
    [InlineData("object-1: completion for unknown putpages 7 (rule 33: exactly one completion)", 33)]
    [InlineData("putpages 3 answered 2 rtvals for 1 pages (rule 23) while cleaning", 23)]
    [InlineData("an error that cites no rule", 0)]
    [InlineData("a broken citation (rule x)", 0)]
    public void RuleIn_ErrorMessage_ReturnsTheCitedRule(string message, int rule)
    {
        Assert.Equal(rule, Explorer.RuleIn(message));
    }
}

/// <summary>PCT's change points must fall inside the runs the explorer makes, or PCT never changes a priority.</summary>
public sealed class PctRunLengthTests
{
    [Fact]
    public void CreateStrategy_Pct_ChangePointsFallInsideTheirConformanceRun()
    {
        var explorer = new Explorer();
        var scenario = ConformanceScenarios.Named("read-write-sync");
        int inside = 0, all = 0;
        for (var seed = 1; seed <= 50; seed++)
        {
            var pct = Assert.IsType<Runtime.PctStrategy>(explorer.CreateStrategy(seed, ExplorationStrategy.Pct));
            Assert.Equal(explorer.PctDepth - 1, pct.ChangePoints.Count);
            var steps = explorer.Run(scenario, Actors.Pager.GenericPager.Instance, seed, ExplorationStrategy.Pct, null).Steps;
            inside += pct.ChangePoints.Count(p => p < steps);
            all += pct.ChangePoints.Count;
        }

        Assert.True(inside >= all * 3 / 4, $"only {inside} of {all} change points fall inside their run");
    }

    [Fact]
    public void CreateStrategy_PctRunLength_BoundsTheChangePoints()
    {
        var explorer = new Explorer { PctDepth = 5, PctRunLength = 10 };
        for (var seed = 1; seed <= 50; seed++)
        {
            var pct = Assert.IsType<Runtime.PctStrategy>(explorer.CreateStrategy(seed, ExplorationStrategy.Pct));
            Assert.All(pct.ChangePoints, p => Assert.InRange(p, 0, 9));
        }
    }
}
