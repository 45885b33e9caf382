using System.Reflection;
using System.Text.RegularExpressions;
using ActorPager.Actors.Tests.Support;
using Xunit.Abstractions;

namespace ActorPager.Actors.Tests;

/// <summary>
/// Which rules of spec/pager-protocol.md §5 have tests: a test counts for rule n when it carries
/// <c>[Rule(n)]</c> or its name contains <c>Rule{n}</c> (followed by a non-digit). Every rule 1-58
/// applies to ActorPager (see <see cref="NotApplicable"/>); this test fails naming any rule left
/// without a test. Run it alone to print the table:
/// <c>dotnet test Tests/Actors.Tests --filter RuleCoverage --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed partial class RuleCoverageTests(ITestOutputHelper output)
{
    /// <summary>
    /// Rules that do not apply, by choice 7 (no address spaces, shadow chains, copy-on-write, pmap,
    /// wiring or swap). None is wholly out of scope: the rules that mention mappings, wiring or
    /// swap also say something about pages and busy state, which is what their tests check.
    /// </summary>
    private static readonly int[] NotApplicable = [];

    [Fact]
    public void RuleCoverage_EveryApplicableRule_HasATest()
    {
        var covered = Coverage();
        foreach (var (rule, tests) in covered.OrderBy(kv => kv.Key))
        {
            output.WriteLine($"rule {rule,2}: {tests.Count,3} tests  {string.Join(", ", tests.Take(4))}{(tests.Count > 4 ? ", ..." : "")}");
        }

        var missing = Enumerable.Range(1, 58).Where(r => !NotApplicable.Contains(r) && !covered.ContainsKey(r)).ToArray();
        Assert.True(missing.Length == 0, $"rules without a test: {string.Join(", ", missing)}");
    }

    [Fact]
    public void RuleCoverage_SuiteSize_AtLeast150Tests()
    {
        var tests = typeof(RuleCoverageTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Sum(m => m.GetCustomAttribute<TheoryAttribute>() is not null
                ? Math.Max(1, m.GetCustomAttributes<InlineDataAttribute>().Count())
                : m.GetCustomAttribute<FactAttribute>() is not null ? 1 : 0);
        Assert.True(tests >= 150, $"the suite has {tests} test cases");
    }

    private static Dictionary<int, List<string>> Coverage()
    {
        var covered = new Dictionary<int, List<string>>();
        foreach (var method in typeof(RuleCoverageTests).Assembly.GetTypes().SelectMany(t => t.GetMethods()))
        {
            if (method.GetCustomAttribute<FactAttribute>() is null)
            {
                continue;
            }

            var rules = method.GetCustomAttributes<RuleAttribute>().SelectMany(a => a.Rules)
                .Concat(RuleInName().Matches(method.Name).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
            foreach (var rule in rules.Distinct())
            {
                if (!covered.TryGetValue(rule, out var list))
                {
                    list = [];
                    covered[rule] = list;
                }

                list.Add($"{method.DeclaringType!.Name}.{method.Name}");
            }
        }

        return covered;
    }

    [GeneratedRegex(@"Rule(\d+)(?!\d)")]
    private static partial Regex RuleInName();
}
