using ActorPager.Actors.Pager;
using ActorPager.Harness.Exploration;
using Xunit.Abstractions;

namespace ActorPager.Harness.Tests.Exploration;

/// <summary>The generic pager breaks no rule in any conformance scenario, under random and PCT schedules.</summary>
public sealed class GenericPagerConformanceTests(ITestOutputHelper output) : ExplorationTestKit(output)
{
    public static TheoryData<string> Scenarios() => new(ConformanceScenarios.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Explore_GenericPager_RandomSeeds_NoViolation(string scenario)
    {
        var result = Explorer.Explore(ConformanceScenarios.Named(scenario), () => GenericPager.Instance, ExplorationStrategy.Random, runs: 300);
        Output.WriteLine($"{scenario}: {result.Runs} runs, {result.DistinctTraces} distinct schedules");
        Assert.True(result.Violation is null, result.Violation?.Violation?.ToString() + "\n" + string.Join("\n", result.Violation?.Violation?.Trace.TakeLast(40) ?? []));
        Assert.True(result.DistinctTraces > 50, $"{scenario}: only {result.DistinctTraces} distinct schedules in 300 runs");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Explore_GenericPager_PctSeeds_NoViolation(string scenario)
    {
        var result = Explorer.Explore(ConformanceScenarios.Named(scenario), () => GenericPager.Instance, ExplorationStrategy.Pct, runs: 200);
        Assert.True(result.Violation is null, result.Violation?.Violation?.ToString());
    }
}
