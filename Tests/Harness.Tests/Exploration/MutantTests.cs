using ActorPager.Harness.Exploration;
using Xunit.Abstractions;

namespace ActorPager.Harness.Tests.Exploration;

/// <summary>Every mutant pager is caught, for the rule it was written to break.</summary>
public sealed class MutantTests(ITestOutputHelper output) : ExplorationTestKit(output)
{
    public static TheoryData<string> MutantNames() => new(Mutants.All.Select(m => m.Name));

    [Fact]
    public void Mutants_AtLeastTenDistinctRules()
    {
        Assert.True(Mutants.All.Count >= 10);
        Assert.True(Mutants.All.Select(m => m.Rule).Distinct().Count() >= 10, "the mutants must break at least 10 different rules");
    }

    [Theory]
    [MemberData(nameof(MutantNames))]
    public void Explore_Mutant_IsCaughtWithinSeedBudget(string name)
    {
        var mutant = Mutants.All.Single(m => m.Name == name);
        var explorer = Explorer;
        var seeds = 0;
        Violation? found = null;
        foreach (var scenario in ConformanceScenarios.All)
        {
            var result = explorer.Explore(scenario, mutant.Create, ExplorationStrategy.Random, 500);
            seeds += result.Runs;
            found = result.Violation?.Violation;
            if (found is not null)
            {
                break;
            }
        }

        Output.WriteLine(found?.ToString() ?? "not caught");
        Assert.True(found is not null, $"{name} was not caught in {seeds} runs");
        Assert.Equal(mutant.Rule, found!.Rule);
    }
}
