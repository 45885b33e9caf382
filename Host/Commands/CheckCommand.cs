using System.CommandLine;
using ActorPager.Actors.Pager;
using ActorPager.Harness.Exploration;

namespace ActorPager.Host;

/// <summary><c>actorpager check</c>: explores the conformance scenarios against a pager (or the mutants) and reports broken rules.</summary>
internal static class CheckCommand
{
    /// <summary>Runs per mutant and scenario at most, whatever <c>--seeds</c> says: every mutant is caught well within it.</summary>
    internal const int MutantSeedCap = 500;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var pager = new Option<string?>("--pager") { Description = "The pager to check, as PATH.dll:Namespace.TypeName (an IPager with a parameterless constructor). Default: the generic pager." };
        var seeds = new Option<int>("--seeds") { Description = "Runs per scenario.", DefaultValueFactory = _ => 1000 };
        var strategy = new Option<string>("--strategy") { Description = "random, pct or exhaustive.", DefaultValueFactory = _ => "random" };
        var mutants = new Option<bool>("--mutants") { Description = $"Run the deliberately broken pagers instead: one line per mutant (at most {MutantSeedCap} runs per scenario)." };
        var mutant = new Option<string?>("--mutant") { Description = "Check one deliberately broken pager by name, as --pager does (its report, text and HTML trace)." };
        var html = new Option<string>("--html") { Description = "Directory for the text report and the HTML trace page of a violation (the live view /ui opens it too).", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "actorpager-check") };
        var command = new Command("check", "Explore the pager protocol's conformance scenarios under many schedules and check every rule.");
        command.Options.Add(pager);
        command.Options.Add(seeds);
        command.Options.Add(strategy);
        command.Options.Add(mutants);
        command.Options.Add(mutant);
        command.Options.Add(html);
        command.SetAction(parse => Run(
            parse.GetValue(pager),
            parse.GetValue(seeds),
            parse.GetValue(strategy)!,
            parse.GetValue(mutants),
            parse.GetValue(html)!,
            Console.Out,
            Console.Error,
            parse.GetValue(mutant)));
        return command;
    }

    /// <summary>
    /// What the command does, writing its report to <paramref name="output"/> and argument errors
    /// to <paramref name="error"/>: 0 when no rule broke (every mutant was caught), 1 when one did
    /// (a mutant escaped), 2 for bad arguments.
    /// </summary>
    internal static int Run(string? pager, int seeds, string strategy, bool mutants, string html, TextWriter output, TextWriter error, string? mutant = null)
    {
        ExplorationStrategy? kind = strategy switch
        {
            "random" => ExplorationStrategy.Random,
            "pct" => ExplorationStrategy.Pct,
            "exhaustive" => ExplorationStrategy.Exhaustive,
            _ => null,
        };
        if (kind is null)
        {
            error.WriteLine($"check: --strategy must be random, pct or exhaustive, got '{strategy}'");
            return 2;
        }

        if (seeds < 1)
        {
            error.WriteLine($"check: --seeds must be at least 1, got {seeds}");
            return 2;
        }

        if (mutant is not null && (pager is not null || mutants))
        {
            error.WriteLine("check: --mutant checks one mutant; give it without --pager and --mutants");
            return 2;
        }

        if (mutants)
        {
            var all = true;
            foreach (var outcome in MutantCheck.Run(Math.Min(seeds, MutantSeedCap), kind.Value))
            {
                output.WriteLine(outcome);
                all &= outcome.Caught;
            }

            return all ? 0 : 1;
        }

        Func<IPager> factory;
        try
        {
            factory = mutant is not null
                ? Mutants.All.FirstOrDefault(m => m.Name == mutant)?.Create ?? throw new ArgumentException($"--mutant: no mutant '{mutant}'; the mutants are {string.Join(", ", Mutants.All.Select(m => m.Name))}")
                : pager is { } spec ? ConformanceCheck.LoadPager(spec) : () => GenericPager.Instance;
        }
        catch (ArgumentException ex)
        {
            error.WriteLine($"check: {ex.Message}");
            return 2;
        }

        return ConformanceCheck.Run(factory, seeds, kind.Value, html, output);
    }
}
