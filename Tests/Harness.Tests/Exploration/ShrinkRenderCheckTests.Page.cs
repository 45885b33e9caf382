using System.Text.Json;
using System.Xml.Linq;
using ActorPager.Harness.Exploration;

namespace ActorPager.Harness.Tests.Exploration;

/// <summary>The trace page <c>check</c> writes (<see cref="TraceRenderer.ToPage"/>) and its JSON.</summary>
public sealed partial class ShrinkRenderCheckTests
{
    private const string HostileTitle = "t </script><script>alert(1)</script> & \"q\"";

    [Fact]
    public void ToPage_Violation_IsWellFormedXhtmlCarryingTheTraceWhateverTheTitle()
    {
        var v = FindViolation(_readWriteSync, "short-rtvals").Violation!;
        var doc = ParseHtml(TraceRenderer.ToPage(v, v, HostileTitle, "short-rtvals", "read-write-sync"));
        XNamespace h = "http://www.w3.org/1999/xhtml";
        Assert.Equal(HostileTitle, doc.Root!.Element(h + "head")!.Element(h + "title")!.Value);
        var scripts = doc.Descendants(h + "script").ToList();
        Assert.Equal(2, scripts.Count);
        using var json = JsonDocument.Parse(scripts.Single(s => (string?)s.Attribute("id") == "trace-data").Value);
        Assert.Equal(HostileTitle, json.RootElement.GetProperty("title").GetString());
        Assert.Contains("window.ActorPagerTrace", scripts.Single(s => s.Attribute("id") is null).Value, StringComparison.Ordinal);
    }

    [Fact]
    public void ToPage_Violation_NoExternalResources()
    {
        var v = FindViolation(_readWriteSync, "short-rtvals").Violation!;
        var html = TraceRenderer.ToPage(v, v, "t", "p", "s");
        Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "https?://"));
    }

    [Fact]
    public void ToJson_OriginalAndShrunk_EachDeliveryBetweenItsActorsAndTheViolatingStepLast()
    {
        var found = FindViolation(ConformanceScenarios.Named("async-clean"), "pend-without-pip-release");
        var shrunk = new Shrinker(Explorer).Shrink(ConformanceScenarios.Named("async-clean"), Mutant("pend-without-pip-release").Create, found).Violation!;
        using var json = JsonDocument.Parse(TraceRenderer.ToJson(found.Violation!, shrunk, "t", "pend-without-pip-release", "async-clean"));
        Assert.Equal(TraceRenderer.TraceFormat, json.RootElement.GetProperty("format").GetString());
        foreach (var (name, v) in new[] { ("original", found.Violation!), ("shrunk", shrunk) })
        {
            var run = json.RootElement.GetProperty(name);
            Assert.Equal(v.ToString(), run.GetProperty("violation").GetString());
            Assert.Equal(v.Step - 1, run.GetProperty("badStep").GetInt64());
            var actors = run.GetProperty("actors").EnumerateArray().Select(a => a.GetString()!).ToList();
            Assert.Equal(actors.Count, actors.Distinct().Count());
            Assert.Contains("disk", actors);
            var deliveries = run.GetProperty("deliveries").EnumerateArray().ToList();
            Assert.Equal(v.Trace.Count, deliveries.Count);
            Assert.All(deliveries, d =>
            {
                Assert.Contains(d.GetProperty("from").GetString(), actors);
                Assert.Contains(d.GetProperty("to").GetString(), actors);
            });
            Assert.Equal(v.Step - 1, deliveries[^1].GetProperty("step").GetInt64());
        }
    }
}
