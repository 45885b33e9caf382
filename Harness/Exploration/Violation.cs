using System.Globalization;
using ActorPager.Harness.Dispatch;

namespace ActorPager.Harness.Exploration;

/// <summary>A rule of spec/pager-protocol.md broken in one run.</summary>
/// <param name="Rule">The rule's number (choice 9, the deadlock rule, is reported as rule 7; an actor failure that carries no rule, or a client failure, as 0).</param>
/// <param name="Description">What happened, in words.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Strategy">The strategy that chose the schedule (<c>replay</c> for a scripted run).</param>
/// <param name="Step">The step at which it was seen.</param>
/// <param name="Trace">The deliveries up to that step.</param>
/// <param name="TraceHash">The trace's hash.</param>
public sealed record Violation(int Rule, string Description, long Seed, string Strategy, long Step, IReadOnlyList<Delivery> Trace, ulong TraceHash)
{
    /// <summary>One line: rule, seed, strategy, step and what happened.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"rule {Rule} broken at step {Step} (seed {Seed}, strategy {Strategy}, trace {TraceHash:x16}): {Description}");
}
