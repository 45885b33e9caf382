namespace ActorPager.Harness.Exploration;

/// <summary>Runs every mutant against the conformance scenarios: each must be caught within the seed budget.</summary>
public static class MutantCheck
{
    /// <summary>The result for one mutant.</summary>
    /// <param name="Name">The mutant.</param>
    /// <param name="Caught">Whether a violation was found.</param>
    /// <param name="Seeds">Runs made until caught (or in all, when not).</param>
    /// <param name="Rule">The rule reported (or the rule the mutant breaks, when not caught).</param>
    /// <param name="ExpectedRule">The rule the mutant was written to break.</param>
    /// <param name="Violation">The violation found.</param>
    public sealed record Outcome(string Name, bool Caught, int Seeds, int Rule, int ExpectedRule, Violation? Violation)
    {
        /// <summary>The line <c>actorpager check --mutants</c> prints.</summary>
        public override string ToString() => $"{Name} caught {(Caught ? "yes" : "no")} seeds={Seeds} rule={Rule}";
    }

    /// <summary>Explores each mutant with <paramref name="strategy"/>, up to <paramref name="seedsPerScenario"/> runs per scenario, on <paramref name="explorer"/> (or one of its own, disposed when the enumeration ends).</summary>
    public static IEnumerable<Outcome> Run(int seedsPerScenario = 500, ExplorationStrategy strategy = ExplorationStrategy.Random, Explorer? explorer = null)
    {
        var own = explorer is null ? new Explorer() : null;
        explorer ??= own!;
        try
        {
            foreach (var mutant in Mutants.All)
            {
                var seeds = 0;
                Outcome? outcome = null;
                foreach (var scenario in ConformanceScenarios.All)
                {
                    var result = explorer.Explore(scenario, mutant.Create, strategy, seedsPerScenario);
                    seeds += result.Runs;
                    if (result.Violation?.Violation is { } violation)
                    {
                        outcome = new Outcome(mutant.Name, true, seeds, violation.Rule, mutant.Rule, violation);
                        break;
                    }
                }

                yield return outcome ?? new Outcome(mutant.Name, false, seeds, mutant.Rule, mutant.Rule, null);
            }
        }
        finally
        {
            own?.Dispose();
        }
    }
}
