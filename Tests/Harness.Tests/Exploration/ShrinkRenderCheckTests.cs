using System.Text.RegularExpressions;
using System.Xml.Linq;
using ActorPager.Actors.Pager;
using ActorPager.Harness.Dispatch;
using ActorPager.Harness.Exploration;
using Xunit.Abstractions;

namespace ActorPager.Harness.Tests.Exploration;

/// <summary>The shrinker, the text and HTML renderers, and what <c>actorpager check</c> runs.</summary>
public sealed partial class ShrinkRenderCheckTests(ITestOutputHelper output) : ExplorationTestKit(output)
{
    private static readonly XNamespace _svg = "http://www.w3.org/2000/svg";
    private static readonly Scenario _readWriteSync = ConformanceScenarios.Named("read-write-sync");

    private static Mutants.Mutant Mutant(string name) => Mutants.All.Single(m => m.Name == name);

    private RunResult FindViolation(Scenario scenario, string mutant, int runs = 300) =>
        Explorer.Explore(scenario, Mutant(mutant).Create, ExplorationStrategy.Random, runs).Violation
        ?? throw new InvalidOperationException($"{mutant} not caught");

    private static bool HasFault(Violation v) => v.Trace.Any(d => d.Kind == DeliveryKind.External && d.Recipient.StartsWith("io-fail:", StringComparison.Ordinal));

    private static XDocument ParseHtml(string html)
    {
        Assert.StartsWith("<!DOCTYPE html>\n", html, StringComparison.Ordinal);
        return XDocument.Parse(html["<!DOCTYPE html>\n".Length..]);
    }

    [Theory]
    [InlineData("read-write-sync", "ok-without-valid-bits")]
    [InlineData("async-clean", "pend-without-pip-release")]
    [InlineData("read-write-sync", "forget-unbusy-neighbour")]
    public void Shrink_MutantViolation_NoLongerAndSameRule(string scenario, string mutant)
    {
        var s = ConformanceScenarios.Named(scenario);
        var failing = FindViolation(s, mutant);
        var shrunk = new Shrinker(Explorer).Shrink(s, Mutant(mutant).Create, failing);
        Output.WriteLine($"{failing.Violation!.Step} -> {shrunk.Violation!.Step} steps");
        Assert.Equal(failing.Violation.Rule, shrunk.Violation.Rule);
        Assert.True(shrunk.Violation.Step <= failing.Violation.Step);
        Assert.True(shrunk.Choices.Count <= failing.Choices.Count);
    }

    [Fact]
    public void Shrink_ShrunkRun_ReplaysToTheSameViolation()
    {
        var failing = FindViolation(_readWriteSync, "short-rtvals");
        var explorer = Explorer;
        var shrunk = new Shrinker(explorer).Shrink(_readWriteSync, Mutant("short-rtvals").Create, failing);
        var replay = explorer.Run(_readWriteSync, Mutant("short-rtvals").Create(), shrunk.Seed, ExplorationStrategy.Random, shrunk.Choices);
        Assert.Equal(shrunk.TraceHash, replay.TraceHash);
        Assert.Equal(shrunk.Violation!.Rule, replay.Violation!.Rule);
    }

    [Fact]
    public void Shrink_FaultNotNeededForTheViolation_IsRemoved()
    {
        // unbusy-reqpage breaks rule 15 on any OK getpages; find a run that also injected a store fault.
        var mutant = Mutant("unbusy-reqpage");
        var explorer = Explorer;
        RunResult? failing = null;
        for (var seed = 1; seed <= 400 && failing is null; seed++)
        {
            var run = explorer.Run(_readWriteSync, mutant.Create(), seed, ExplorationStrategy.Random, null);
            if (run.Violation is { Rule: 15 } v && HasFault(v))
            {
                failing = run;
            }
        }

        Assert.NotNull(failing);
        var shrunk = new Shrinker(explorer).Shrink(_readWriteSync, mutant.Create, failing);
        Assert.Equal(15, shrunk.Violation!.Rule);
        Assert.False(HasFault(shrunk.Violation), TraceRenderer.ToText(shrunk.Violation));
    }

    [Fact]
    public void Shrink_FaultNeededForTheViolation_IsKept()
    {
        // ok-after-failed-write breaks rule 32 only when a write fails.
        var failing = Explorer.Explore(new SyncWriteScenario(faultBudget: 1), Mutant("ok-after-failed-write").Create, ExplorationStrategy.Random, 300).Violation!;
        var shrunk = new Shrinker(Explorer).Shrink(new SyncWriteScenario(faultBudget: 1), Mutant("ok-after-failed-write").Create, failing);
        Assert.Equal(32, shrunk.Violation!.Rule);
        Assert.True(HasFault(shrunk.Violation));
    }

    [Fact]
    public void Shrink_NoAttemptsAllowed_ReturnsTheInput()
    {
        var failing = FindViolation(_readWriteSync, "ok-without-valid-bits");
        var shrunk = new Shrinker(Explorer) { MaxAttempts = 0 }.Shrink(_readWriteSync, Mutant("ok-without-valid-bits").Create, failing);
        Assert.Same(failing, shrunk);
    }

    [Fact]
    public void Shrink_RunWithoutViolation_Throws()
    {
        var clean = Explorer.Run(_readWriteSync, GenericPager.Instance, 1, ExplorationStrategy.Random, null);
        Assert.Throws<ArgumentException>(() => new Shrinker(Explorer).Shrink(_readWriteSync, () => GenericPager.Instance, clean));
    }

    [Fact]
    public void ToText_Violation_HeaderThenOneMarkedLine()
    {
        var v = FindViolation(_readWriteSync, "ok-without-valid-bits").Violation!;
        var lines = TraceRenderer.ToText(v).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(v.ToString(), lines[0]);
        Assert.Equal(v.Trace.Count + 1, lines.Length);
        var marked = lines.Where(l => l.StartsWith(">> ", StringComparison.Ordinal)).ToArray();
        Assert.Single(marked);
        Assert.Equal(lines[^1], marked[0]);
        Assert.Contains($"{v.Step - 1} ", marked[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_Violation_IsWellFormedXhtmlWithTitleAndViolation()
    {
        var v = FindViolation(_readWriteSync, "ok-without-valid-bits").Violation!;
        var doc = ParseHtml(TraceRenderer.ToHtml(v, "generic <&> \"title\""));
        XNamespace h = "http://www.w3.org/1999/xhtml";
        Assert.Equal("generic <&> \"title\"", doc.Root!.Element(h + "head")!.Element(h + "title")!.Value);
        Assert.Equal(v.ToString(), doc.Descendants(h + "p").Single(p => (string?)p.Attribute("class") == "violation").Value);
        Assert.Single(doc.Descendants(_svg + "svg"));
    }

    [Fact]
    public void ToHtml_Violation_OneLanePerActorAndOneArrowPerDelivery()
    {
        var v = FindViolation(ConformanceScenarios.Named("async-clean"), "pend-without-pip-release").Violation!;
        var doc = ParseHtml(TraceRenderer.ToHtml(v, "t"));
        var lanes = doc.Descendants(_svg + "line").Where(l => (string?)l.Attribute("class") == "lane").Count();
        var heads = doc.Descendants(_svg + "text").Where(t => (string?)t.Attribute("class") == "head").Select(t => t.Value).ToList();
        Assert.Equal(lanes, heads.Count);
        Assert.Equal(heads.Count, heads.Distinct().Count());
        Assert.Contains("disk", heads);
        Assert.Contains(heads, l => l.EndsWith("object-1", StringComparison.Ordinal));

        // Each delivery is a line (an arrow between lanes) or a circle (a self-delivery), with a label.
        var marks = doc.Descendants(_svg + "line").Count(l => (string?)l.Attribute("class") != "lane") + doc.Descendants(_svg + "circle").Count();
        Assert.Equal(v.Trace.Count, marks);
        var labels = doc.Descendants(_svg + "text").Where(t => ((string?)t.Attribute("class"))?.StartsWith("label", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(v.Trace.Count, labels.Count);
    }

    [Fact]
    public void ToHtml_Violation_MarksOnlyTheViolatingStepBad()
    {
        var v = FindViolation(_readWriteSync, "short-rtvals").Violation!;
        var doc = ParseHtml(TraceRenderer.ToHtml(v, "t"));
        var bad = doc.Descendants().Where(e => ((string?)e.Attribute("class"))?.Split(' ').Contains("bad") == true).ToList();
        Assert.NotEmpty(bad);
        var label = Assert.Single(bad, e => e.Name == _svg + "text");
        Assert.StartsWith($"{v.Step - 1}: ", label.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_Violation_NoExternalResources()
    {
        var v = FindViolation(_readWriteSync, "short-rtvals").Violation!;
        var html = TraceRenderer.ToHtml(v, "t");
        Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPager_NoColon_ThrowsExplainingTheForm()
    {
        var ex = Assert.Throws<ArgumentException>(() => ConformanceCheck.LoadPager("pager.dll"));
        Assert.Contains("PATH.dll:Namespace.TypeName", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPager_MissingFile_ThrowsNamingTheFile()
    {
        var ex = Assert.Throws<ArgumentException>(() => ConformanceCheck.LoadPager("/nonexistent/pager.dll:A.B"));
        Assert.Contains("no file /nonexistent/pager.dll", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPager_UnknownType_ThrowsNamingTheType()
    {
        var ex = Assert.Throws<ArgumentException>(() => ConformanceCheck.LoadPager(typeof(SampleGenericPager).Assembly.Location + ":No.Such.Pager"));
        Assert.Contains("has no type No.Such.Pager", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPager_TypeNotAPager_ThrowsSayingWhatItMustBe()
    {
        var ex = Assert.Throws<ArgumentException>(() => ConformanceCheck.LoadPager(typeof(NotAPager).Assembly.Location + ":" + typeof(NotAPager).FullName));
        Assert.Contains("must implement", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPager_PublicPagerInTestAssembly_MakesIt()
    {
        var factory = ConformanceCheck.LoadPager(typeof(SampleGenericPager).Assembly.Location + ":" + typeof(SampleGenericPager).FullName);
        Assert.Equal("sample-generic", factory().Name);
    }

    [Fact]
    public void Run_DocumentedSamplePagerLoadedByPath_ReturnsZero()
    {
        var factory = ConformanceCheck.LoadPager(typeof(QuotaPager).Assembly.Location + ":" + typeof(QuotaPager).FullName);
        Assert.Equal(0, ConformanceCheck.Run(factory, 50, ExplorationStrategy.Random, Path.Combine(Path.GetTempPath(), "unused"), new StringWriter(), Explorer));
    }

    [Fact]
    public void Run_GenericPager_ReturnsZeroAndOneLinePerScenario()
    {
        var text = new StringWriter();
        var code = ConformanceCheck.Run(() => GenericPager.Instance, 20, ExplorationStrategy.Random, Path.Combine(Path.GetTempPath(), "unused"), text, Explorer);
        Assert.Equal(0, code);
        var lines = text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ConformanceScenarios.All.Count, lines.Length);
        Assert.All(lines, l => Assert.EndsWith("no rule broken", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Run_BrokenPager_ReturnsOneAndWritesReplayShrinkAndHtml()
    {
        var dir = Path.Combine(Path.GetTempPath(), "actorpager-check-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var text = new StringWriter();
            var code = ConformanceCheck.Run(() => new SampleBrokenPager(), 200, ExplorationStrategy.Random, dir, text, Explorer);
            Output.WriteLine(text.ToString());
            Assert.Equal(1, code);
            var report = text.ToString();
            Assert.Contains("VIOLATION", report, StringComparison.Ordinal);
            Assert.Contains("rule 26 broken", report, StringComparison.Ordinal);
            Assert.Contains("reproduced exactly", report, StringComparison.Ordinal);
            Assert.Matches(@"shrunk from \d+ to \d+ deliveries", report);
            var file = Assert.Single(Directory.GetFiles(dir, "*.html"));
            Assert.Contains($"html: {file}", report, StringComparison.Ordinal);
            Assert.Contains("sample-broken", Path.GetFileName(file), StringComparison.Ordinal);
            ParseHtml(File.ReadAllText(file));
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
    public void Run_ExhaustiveBrokenPager_ReplaysByScript()
    {
        var dir = Path.Combine(Path.GetTempPath(), "actorpager-check-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var text = new StringWriter();
            Assert.Equal(1, ConformanceCheck.Run(() => new SampleBrokenPager(), 300, ExplorationStrategy.Exhaustive, dir, text, Explorer));
            Assert.Contains("reproduced exactly", text.ToString(), StringComparison.Ordinal);
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
    public void MutantOutcome_ToString_IsTheCheckLine()
    {
        Assert.Equal("free-twice caught yes seeds=12 rule=15", new MutantCheck.Outcome("free-twice", true, 12, 15, 15, null).ToString());
        Assert.Equal("x caught no seeds=2000 rule=7", new MutantCheck.Outcome("x", false, 2000, 7, 7, null).ToString());
    }

    [Fact]
    public void MutantCheck_Run_OneMatchingLinePerMutantEachCaughtForItsRule()
    {
        var outcomes = MutantCheck.Run(seedsPerScenario: 300, explorer: Explorer).ToList();
        Assert.Equal(Mutants.All.Select(m => m.Name), outcomes.Select(o => o.Name));
        foreach (var o in outcomes)
        {
            Assert.Matches(CheckLine(), o.ToString());
            Assert.True(o.Caught, o.ToString());
            Assert.Equal(o.ExpectedRule, o.Rule);
        }
    }

    [GeneratedRegex(@"^[a-z0-9-]+ caught (yes|no) seeds=\d+ rule=\d+$")]
    private static partial Regex CheckLine();
}
