using ActorPager.Actors.Pager;
using ActorPager.Harness.Exploration;
using Xunit.Abstractions;

namespace ActorPager.Harness.Tests.Exploration;

/// <summary>
/// The 10,000-seed run, opt-in: set <c>ACTORPAGER_HARNESS_SEEDS</c> (for example to
/// 10000) to explore that many seeds per conformance scenario. Unset, the test returns at once so
/// CI stays quick (the CI-sized runs are in <see cref="GenericPagerConformanceTests"/>).
/// </summary>
public sealed class BigRunTests(ITestOutputHelper output) : ExplorationTestKit(output)
{
    [Fact]
    public void Explore_GenericPager_SeedsFromEnvironment_NoViolation()
    {
        var setting = Environment.GetEnvironmentVariable("ACTORPAGER_HARNESS_SEEDS");
        if (string.IsNullOrWhiteSpace(setting))
        {
            Output.WriteLine("ACTORPAGER_HARNESS_SEEDS is not set: the big run is skipped");
            return;
        }

        Assert.True(int.TryParse(setting, out var seeds) && seeds > 0, $"ACTORPAGER_HARNESS_SEEDS must be a positive number, got '{setting}'");
        foreach (var scenario in ConformanceScenarios.All)
        {
            var result = Explorer.Explore(scenario, () => GenericPager.Instance, ExplorationStrategy.Random, seeds);
            Output.WriteLine($"{scenario.Name}: {result.Runs} runs, {result.DistinctTraces} distinct schedules");
            Assert.True(result.Violation is null, result.Violation?.Violation?.ToString());
        }
    }
}
