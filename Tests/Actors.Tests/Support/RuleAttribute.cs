namespace ActorPager.Actors.Tests.Support;

/// <summary>
/// Names the rule(s) of spec/pager-protocol.md §5 a test checks. <see cref="RuleCoverageTests"/>
/// reads these attributes (and method names containing <c>Rule&lt;n&gt;</c>) to list which rules
/// have tests.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class RuleAttribute : Attribute
{
    /// <summary>Marks a test as checking the given rules.</summary>
    public RuleAttribute(params int[] rules) => Rules = rules;

    /// <summary>The rule numbers.</summary>
    public IReadOnlyList<int> Rules { get; }
}
