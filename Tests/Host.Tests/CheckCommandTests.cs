using System.Text.RegularExpressions;
using ActorPager.Actors.Pager;
using ActorPager.Harness.Exploration;
using ActorPager.Messages;

namespace ActorPager.Host.Tests;

/// <summary><c>actorpager check</c>: the conformance scenarios against a pager, the mutants, and its argument errors.</summary>
public sealed partial class CheckCommandTests
{
    private static (int Code, string Out, string Err) Check(string? pager = null, int seeds = 20, string strategy = "random", bool mutants = false, string? html = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CheckCommand.Run(pager, seeds, strategy, mutants, html ?? Path.Combine(Path.GetTempPath(), "actorpager-check-unused"), output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("random")]
    [InlineData("pct")]
    [InlineData("exhaustive")]
    public void Run_GenericPager_ExitsZeroWithOneCleanLinePerScenario(string strategy)
    {
        var (code, output, error) = Check(seeds: 20, strategy: strategy);
        Assert.True(code == 0, output + error);
        var lines = output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ConformanceScenarios.All.Select(s => $"{s.Name}: 20 runs ({strategy}), "), lines.Select(l => l[..(l.IndexOf(')', StringComparison.Ordinal) + 3)]));
        Assert.All(lines, l => Assert.EndsWith("distinct schedules, no rule broken", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Run_Mutants_OneCaughtLinePerMutantForItsRule()
    {
        var (code, output, _) = Check(seeds: 10_000, mutants: true);
        Assert.True(code == 0, output);
        var lines = output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Mutants.All.Count, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var match = MutantLine().Match(lines[i]);
            Assert.True(match.Success, lines[i]);
            Assert.Equal(Mutants.All[i].Name, match.Groups["name"].Value);
            Assert.Equal(Mutants.All[i].Rule, int.Parse(match.Groups["rule"].Value, System.Globalization.CultureInfo.InvariantCulture));

            // --seeds is capped per mutant and scenario.
            Assert.InRange(int.Parse(match.Groups["seeds"].Value, System.Globalization.CultureInfo.InvariantCulture), 1, CheckCommand.MutantSeedCap * ConformanceScenarios.All.Count);
        }
    }

    [Fact]
    public void Run_BrokenPagerFromAnAssembly_ExitsOneWithReplayShrinkAndHtml()
    {
        var dir = Path.Combine(Path.GetTempPath(), "actorpager-check-host-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var spec = typeof(SampleBrokenPager).Assembly.Location + ":" + typeof(SampleBrokenPager).FullName;
            var (code, output, _) = Check(pager: spec, seeds: 200, html: dir);
            Assert.True(code == 1, output);
            Assert.Contains("VIOLATION", output, StringComparison.Ordinal);
            Assert.Contains("rule 26 broken", output, StringComparison.Ordinal);
            Assert.Contains("reproduced exactly", output, StringComparison.Ordinal);
            var file = Assert.Single(Directory.GetFiles(dir, "*.html"));
            Assert.Contains($"html: {file}", output, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData(null, 10, "sideways", "--strategy must be random, pct or exhaustive, got 'sideways'")]
    [InlineData(null, 0, "random", "--seeds must be at least 1, got 0")]
    [InlineData("no-colon.dll", 10, "random", "--pager expects PATH.dll:Namespace.TypeName")]
    [InlineData("/nonexistent/pager.dll:A.B", 10, "random", "--pager: no file /nonexistent/pager.dll")]
    public void Run_BadArguments_ExitsTwoSayingWhy(string? pager, int seeds, string strategy, string why)
    {
        var (code, output, error) = Check(pager: pager, seeds: seeds, strategy: strategy);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("check: ", error, StringComparison.Ordinal);
        Assert.Contains(why, error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^(?<name>[a-z0-9-]+) caught yes seeds=(?<seeds>\d+) rule=(?<rule>\d+)$")]
    private static partial Regex MutantLine();
}

/// <summary>The generic pager, except that putpages answers OK without undirtying (rule 26).</summary>
public sealed class SampleBrokenPager : IPager
{
    /// <inheritdoc />
    public string Name => "sample-broken";

    /// <inheritdoc />
    public void GetPages(VnodeProtocol.GetPages request, PagerCall call) => GenericPager.Instance.GetPages(request, call);

    /// <inheritdoc />
    public void PutPages(VnodeProtocol.PutPages request, PagerCall call)
    {
        // Answer as the generic pager would for a synchronous write of the pages as they are, but
        // leave them dirty: OK without undirty breaks rule 26.
        call.Reply(new VnodeProtocol.PutPagesReply(request.RequestId, request.Pages.Select(_ => PagerStatus.Ok).ToArray(), []));
    }
}
