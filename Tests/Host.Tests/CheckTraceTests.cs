using System.Text.Json;
using System.Text.RegularExpressions;

namespace ActorPager.Host.Tests;

/// <summary><c>actorpager check --mutant NAME</c>: the report, and the text and HTML trace written beside each other.</summary>
public sealed partial class CheckTraceTests
{
    [Fact]
    public void Run_Mutant_WritesTheTextReportAndTheTracePageWithBothRuns()
    {
        var dir = Path.Combine(Path.GetTempPath(), "actorpager-check-trace-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = CheckCommand.Run(null, 50, "random", false, dir, output, error, mutant: "unbusy-reqpage");
            var report = output.ToString();
            Assert.True(code == 1, report + error);
            var html = Assert.Single(Directory.GetFiles(dir, "*.html"));
            var text = Assert.Single(Directory.GetFiles(dir, "*.txt"));
            Assert.Equal(Path.ChangeExtension(html, ".txt"), text);
            Assert.Contains($"html: {html}", report, StringComparison.Ordinal);
            Assert.Contains($"text: {text}", report, StringComparison.Ordinal);
            Assert.Contains("shrunk:", File.ReadAllText(text), StringComparison.Ordinal);

            // The page carries its data inline, both runs, the violating step of each one before its end.
            var data = TraceData().Match(File.ReadAllText(html));
            Assert.True(data.Success, "no trace data in the page");
            using var json = JsonDocument.Parse(data.Groups["json"].Value);
            var root = json.RootElement;
            Assert.Equal("actorpager-trace/1", root.GetProperty("format").GetString());
            Assert.Equal("unbusy-reqpage", root.GetProperty("pager").GetString());
            foreach (var run in new[] { root.GetProperty("original"), root.GetProperty("shrunk") })
            {
                Assert.Equal(15, run.GetProperty("rule").GetInt32());
                var deliveries = run.GetProperty("deliveries").GetArrayLength();
                Assert.Equal(run.GetProperty("step").GetInt64() - 1, run.GetProperty("badStep").GetInt64());
                Assert.Equal(deliveries - 1, run.GetProperty("badStep").GetInt64());
                var actors = run.GetProperty("actors").EnumerateArray().Select(a => a.GetString()).ToHashSet();
                Assert.All(run.GetProperty("deliveries").EnumerateArray(), d => Assert.Contains(d.GetProperty("to").GetString(), actors));
            }

            Assert.True(root.GetProperty("shrunk").GetProperty("step").GetInt64() <= root.GetProperty("original").GetProperty("step").GetInt64());
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void Run_UnknownMutant_ExitsTwoListingTheMutants()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, CheckCommand.Run(null, 10, "random", false, Path.GetTempPath(), output, error, mutant: "no-such"));
        Assert.Contains("check: --mutant: no mutant 'no-such'; the mutants are forget-unbusy-neighbour, unbusy-reqpage", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MutantWithPager_ExitsTwo()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, CheckCommand.Run("x.dll:A", 10, "random", false, Path.GetTempPath(), output, error, mutant: "free-twice"));
        Assert.Contains("--mutant checks one mutant; give it without --pager and --mutants", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MutantWithMutants_ExitsTwoWithoutRunningAnyMutant()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, CheckCommand.Run(null, 10, "random", true, Path.GetTempPath(), output, error, mutant: "free-twice"));
        Assert.Contains("--mutant checks one mutant; give it without --pager and --mutants", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }

    [GeneratedRegex("<script type=\"application/json\" id=\"trace-data\">(?<json>.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex TraceData();
}
