using ActorPager.Actors.Pager;

namespace ActorPager.Harness.Exploration;

/// <summary>
/// Makes a failing schedule shorter: replays variations of its list of choices — cut short,
/// with single choices deleted, or set to the first candidate (which also drops injected
/// faults, always offered last) — and keeps each variation that still breaks the same rule.
/// After the script ends a replay always takes the first candidate, so a shorter script means
/// fewer interleavings to read.
/// </summary>
public sealed class Shrinker(Explorer explorer)
{
    /// <summary>Replays tried at most.</summary>
    public int MaxAttempts { get; init; } = 400;

    /// <summary>Shrinks <paramref name="failing"/>; returns the shortest failing run found (the input when nothing shorter breaks the rule).</summary>
    public RunResult Shrink(Scenario scenario, Func<IPager> pager, RunResult failing)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(pager);
        ArgumentNullException.ThrowIfNull(failing);
        var rule = failing.Violation?.Rule ?? throw new ArgumentException("the run to shrink must have a violation", nameof(failing));
        var best = failing;
        var attempts = 0;

        bool Try(List<int> script)
        {
            if (attempts++ >= MaxAttempts)
            {
                return false;
            }

            var run = explorer.Run(scenario, pager(), failing.Seed, ExplorationStrategy.Random, script);
            if (run.Violation?.Rule == rule && run.Violation.Step <= best.Violation!.Step && run.Choices.Count <= best.Choices.Count)
            {
                best = run;
                return true;
            }

            return false;
        }

        // 1. The shortest prefix that still fails (everything after it: first candidate).
        var choices = best.Choices.Take((int)Math.Min(best.Choices.Count, best.Violation!.Step + 1)).ToList();
        for (var length = 0; length < choices.Count && attempts < MaxAttempts; length = Math.Max(length + 1, length * 2))
        {
            if (Try(choices.Take(length).ToList()))
            {
                break;
            }
        }

        // 2. Delete, then zero, single choices, from the end, until a pass changes nothing.
        var changed = true;
        while (changed && attempts < MaxAttempts)
        {
            changed = false;
            var current = Prefix(best);
            for (var i = current.Count - 1; i >= 0 && attempts < MaxAttempts; i--)
            {
                var deleted = current.Where((_, k) => k != i).ToList();
                if (Try(deleted))
                {
                    current = Prefix(best);
                    changed = true;
                    continue;
                }

                if (i < current.Count && current[i] != 0)
                {
                    var zeroed = current.ToList();
                    zeroed[i] = 0;
                    if (Try(zeroed))
                    {
                        current = Prefix(best);
                        changed = true;
                    }
                }
            }
        }

        return best;
    }

    private static List<int> Prefix(RunResult run)
    {
        // Trailing zeros say nothing: a replay takes the first candidate after the script anyway.
        var list = run.Choices.Take((int)Math.Min(run.Choices.Count, run.Violation!.Step + 1)).ToList();
        while (list.Count > 0 && list[^1] == 0)
        {
            list.RemoveAt(list.Count - 1);
        }

        return list;
    }
}
