using ActorPager.Runtime;

namespace ActorPager.TestKit.Harness;

/// <summary>A rule of spec/pager-protocol.md broken in one run.</summary>
/// <param name="Rule">The rule's number (choice 9, the deadlock rule, is reported as rule 7; an actor crash as 0).</param>
/// <param name="Description">What happened, in words.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Strategy">The strategy that chose the schedule.</param>
/// <param name="Step">The step at which it was seen.</param>
/// <param name="Trace">The deliveries up to that step.</param>
/// <param name="TraceHash">The trace's hash.</param>
public sealed record Violation(int Rule, string Description, long Seed, string Strategy, long Step, IReadOnlyList<Delivery> Trace, ulong TraceHash)
{
    /// <summary>One line: rule, seed, strategy, step and what happened.</summary>
    public override string ToString() => $"rule {Rule} broken at step {Step} (seed {Seed}, strategy {Strategy}, trace {TraceHash:x16}): {Description}";
}

/// <summary>Thrown inside a run by a monitor to stop it at the violating step.</summary>
internal sealed class RuleViolatedException(int rule, string description) : Exception($"rule {rule}: {description}")
{
    public int Rule { get; } = rule;

    public string Description { get; } = description;
}
