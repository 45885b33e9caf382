using ActorPager.Actors.Pager;
using ActorPager.Harness.Exploration;
using Xunit.Abstractions;

namespace ActorPager.Harness.Tests.Exploration;

/// <summary>
/// The mapped-read races (rules 59-61) exercise what they name: over a few hundred seeds each
/// scenario's mapped reads both return bytes and fall back to a message, and mappings are taken
/// away (unmapped, or unmapped and mapped again) while readers use them. A scenario whose reads
/// never returned, or whose mappings never went, would pass the rules without testing them.
/// </summary>
public sealed class MappedReadRaceTests(ITestOutputHelper output) : ExplorationTestKit(output)
{
    public static TheoryData<string> Scenarios() => new(MappedReadScenarios.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Explore_MappedReadScenario_ReadsReturnAndFallBackWithoutViolation(string scenario)
    {
        int begun = 0, returned = 0, unmapped = 0;
        var explorer = NewExplorer(run =>
        {
            begun += run.MappedReads.Begun;
            returned += run.MappedReads.Returned;
            unmapped += run.MappedReads.Unmapped;
        });

        var result = explorer.Explore(ConformanceScenarios.Named(scenario), () => GenericPager.Instance, ExplorationStrategy.Random, runs: 300);
        Output.WriteLine($"{scenario}: {result.Runs} runs, mapped reads begun {begun}, returned {returned}, fell back {begun - returned}, mappings removed {unmapped}");
        Assert.True(result.Violation is null, result.Violation?.Violation?.ToString());
        Assert.True(returned > 0, $"{scenario}: no mapped read returned bytes");
        Assert.True(begun > returned, $"{scenario}: no mapped read fell back to a message");
        Assert.True(unmapped > 0, $"{scenario}: no mapping was ever removed");
    }
}
