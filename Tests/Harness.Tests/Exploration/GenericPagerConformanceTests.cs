using ActorPager.Actors.Pager;
using ActorPager.TestKit.Harness;
using Xunit.Abstractions;

namespace ActorPager.TestKit.Tests.Harness;

public sealed class GenericPagerConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Scenarios() => new(ConformanceScenarios.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Explore_GenericPager_RandomSeeds_NoViolation(string scenario)
    {
        var result = new Explorer().Explore(ConformanceScenarios.Named(scenario), () => GenericPager.Instance, ExplorationStrategy.Random, runs: 300);
        output.WriteLine($"{scenario}: {result.Runs} runs, {result.DistinctTraces} distinct schedules");
        Assert.True(result.Violation is null, result.Violation?.Violation?.ToString() + "\n" + string.Join("\n", result.Violation?.Violation?.Trace.TakeLast(40) ?? []));
        Assert.True(result.DistinctTraces > 50, $"{scenario}: only {result.DistinctTraces} distinct schedules in 300 runs");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Explore_GenericPager_PctSeeds_NoViolation(string scenario)
    {
        var result = new Explorer().Explore(ConformanceScenarios.Named(scenario), () => GenericPager.Instance, ExplorationStrategy.Pct, runs: 200);
        Assert.True(result.Violation is null, result.Violation?.Violation?.ToString());
    }
}
