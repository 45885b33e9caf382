namespace ActorPager.Harness.Exploration;

/// <summary>Thrown inside a run by a monitor, to stop it at the step that broke <see cref="Rule"/>.</summary>
internal sealed class RuleViolatedException(int rule, string description) : Exception($"rule {rule}: {description}")
{
    /// <summary>The rule's number in spec/pager-protocol.md.</summary>
    public int Rule { get; } = rule;

    /// <summary>What was seen.</summary>
    public string Description { get; } = description;
}
