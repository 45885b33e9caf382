using System.Globalization;
using System.Text.RegularExpressions;
using ActorPager.Host;
using ActorPager.Host.Tests;
using OpenQA.Selenium;

namespace ActorPager.Ui.Tests;

/// <summary>The trace of a mutant's violation, as <c>actorpager check</c> writes it, opened in the live view and as its own page.</summary>
public sealed partial class TraceViewTests
{
    [BrowserFact]
    public async Task Trace_OfAMutant_OpensInTheLiveViewAndAsItsOwnPageWithTheViolatingStepHighlighted()
    {
        // check --mutant free-twice: the first scenario catches it at seed 1 (rule 15), shrinks it, writes the report and the page.
        var dir = Path.Combine(Path.GetTempPath(), "actorpager-ui-trace-" + Guid.NewGuid().ToString("N"));
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CheckCommand.Run(null, 50, "random", false, dir, output, error, mutant: "free-twice");
        var report = output.ToString();
        Assert.True(code == 1, report + error);
        var html = HtmlLine().Match(report).Groups["file"].Value;
        var original = long.Parse(StepLine().Match(report).Groups["step"].Value, CultureInfo.InvariantCulture) - 1;
        var shrunk = long.Parse(ShrunkLine().Match(report).Groups["to"].Value, CultureInfo.InvariantCulture) - 1;
        Assert.True(File.Exists(html), report);
        Assert.True(File.Exists(Path.ChangeExtension(html, ".txt")), report);

        try
        {
            await LiveViewTests.WithServerAsync(null, (server, browser) =>
            {
                OpenTrace(browser, server, html);
                browser.WaitFor("the trace to load", d => d.FindElement(By.Id("trace")).GetDomAttribute("data-loaded") == "true");
                AssertHighlighted(browser, original, shrunk);

                browser.Screenshot("trace");

                // The button takes the keyboard's focus to the violating row.
                browser.Driver.FindElement(By.CssSelector("#trace-shrunk button")).Click();
                Assert.Equal(shrunk.ToString(CultureInfo.InvariantCulture), browser.Driver.SwitchTo().ActiveElement().GetDomAttribute("data-step"));
                browser.Screenshot("trace-step");

                // The same file, opened by itself (no server): the same view.
                browser.Driver.Navigate().GoToUrl(new Uri(html));
                browser.WaitFor("the page's trace", d => d.FindElement(By.Id("trace")).GetDomAttribute("data-loaded") == "true");
                AssertHighlighted(browser, original, shrunk);
                return Task.CompletedTask;
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [BrowserFact]
    public async Task Trace_AFileThatIsNoTrace_SaysSo()
    {
        var file = Path.Combine(Path.GetTempPath(), "actorpager-ui-not-a-trace-" + Guid.NewGuid().ToString("N") + ".html");
        await File.WriteAllTextAsync(file, "<html><body>hello</body></html>");
        try
        {
            await LiveViewTests.WithServerAsync(null, (server, browser) =>
            {
                OpenTrace(browser, server, file);
                var message = browser.WaitFor("the error", d => d.FindElement(By.CssSelector("#trace .trace-error")));
                Assert.Contains("is not a trace written by actorpager check: it has no trace data", message.Text, StringComparison.Ordinal);
                return Task.CompletedTask;
            });
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Opens the live view's Trace tab and chooses <paramref name="file"/> in its file input.</summary>
    private static void OpenTrace(Browser browser, InProcessServer server, string file)
    {
        LiveViewTests.Open(browser, server, null);
        browser.ById("tab-trace").Click();
        browser.ById("trace-file").SendKeys(file);
    }

    private static void AssertHighlighted(Browser browser, long original, long shrunk)
    {
        foreach (var (pane, step) in new[] { ("trace-original", original), ("trace-shrunk", shrunk) })
        {
            var bad = Assert.Single(browser.Driver.FindElements(By.CssSelector($"#{pane} tr.bad")));
            Assert.Equal(step.ToString(CultureInfo.InvariantCulture), bad.GetDomAttribute("data-step"));
            Assert.Contains("VIOLATION", bad.Text, StringComparison.Ordinal);

            // One column per actor: a header per actor after "step" and "kind", one cell each in every row.
            var columns = browser.Driver.FindElements(By.CssSelector($"#{pane} thead th")).Count;
            Assert.True(columns > 4, $"{pane} has {columns} columns");
            Assert.Equal(columns, bad.FindElements(By.TagName("td")).Count);
            Assert.Equal(step + 1, browser.Driver.FindElements(By.CssSelector($"#{pane} tbody tr")).Count);
        }
    }

    [GeneratedRegex(@"html: (?<file>\S+\.html)")]
    private static partial Regex HtmlLine();

    [GeneratedRegex(@"rule 15 broken at step (?<step>\d+)")]
    private static partial Regex StepLine();

    [GeneratedRegex(@"shrunk from \d+ to (?<to>\d+) deliveries")]
    private static partial Regex ShrunkLine();
}
