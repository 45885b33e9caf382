using System.CommandLine;
using ActorPager.Actors.Pager;
using ActorPager.TestKit.Harness;

namespace ActorPager.Host;

/// <summary><c>actorpager check</c>: explores the conformance scenarios against a pager (or the mutants) and reports broken rules.</summary>
internal static class CheckCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var pager = new Option<string?>("--pager") { Description = "The pager to check, as PATH.dll:Namespace.TypeName (an IPager with a parameterless constructor). Default: the generic pager." };
        var seeds = new Option<int>("--seeds") { Description = "Runs per scenario.", DefaultValueFactory = _ => 1000 };
        var strategy = new Option<string>("--strategy") { Description = "random, pct or exhaustive.", DefaultValueFactory = _ => "random" };
        var mutants = new Option<bool>("--mutants") { Description = "Run the deliberately broken pagers instead: one line per mutant." };
        var html = new Option<string>("--html") { Description = "Directory for the HTML trace of a violation.", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "actorpager-check") };
        var command = new Command("check", "Explore the pager protocol's conformance scenarios under many schedules and check every rule.");
        command.Options.Add(pager);
        command.Options.Add(seeds);
        command.Options.Add(strategy);
        command.Options.Add(mutants);
        command.Options.Add(html);
        command.SetAction(parse =>
        {
            var kind = parse.GetValue(strategy) switch
            {
                "random" => ExplorationStrategy.Random,
                "pct" => ExplorationStrategy.Pct,
                "exhaustive" => ExplorationStrategy.Exhaustive,
                var other => (ExplorationStrategy?)null,
            };
            if (kind is null)
            {
                Console.Error.WriteLine($"check: --strategy must be random, pct or exhaustive, got '{parse.GetValue(strategy)}'");
                return 2;
            }

            var runs = parse.GetValue(seeds);
            if (runs < 1)
            {
                Console.Error.WriteLine($"check: --seeds must be at least 1, got {runs}");
                return 2;
            }

            if (parse.GetValue(mutants))
            {
                var all = true;
                foreach (var outcome in MutantCheck.Run(Math.Min(runs, 500), kind.Value))
                {
                    Console.WriteLine(outcome);
                    all &= outcome.Caught;
                }

                return all ? 0 : 1;
            }

            Func<IPager> factory;
            try
            {
                factory = parse.GetValue(pager) is { } spec ? ConformanceCheck.LoadPager(spec) : () => GenericPager.Instance;
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine($"check: {ex.Message}");
                return 2;
            }

            return ConformanceCheck.Run(factory, runs, kind.Value, parse.GetValue(html)!, Console.Out);
        });
        return command;
    }
}
