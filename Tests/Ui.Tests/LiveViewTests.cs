using System.Globalization;
using ActorPager.Host.Tests;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;

namespace ActorPager.Ui.Tests;

/// <summary>
/// The live view (/ui) in a real browser against a page server in this process: the page map
/// follows writes and syncs, the keyboard reaches it, a wrong token and a stopped server say so,
/// the counters are charted. Each test saves a screenshot under TestResults/ui/.
/// </summary>
public sealed class LiveViewTests
{
    [BrowserFact]
    public async Task FilesView_WriteThroughTheApi_PageMapShowsDirtyPagesThenCleanMappedOnes()
    {
        await WithServerAsync(TokenServer.Token, async (server, browser) =>
        {
            Open(browser, server, TokenServer.Token);

            // Three pages written through the API, not synced: dirty in the cache.
            await server.Client.WriteAsync("ui/map.bin", 0, new byte[3 * 4096 - 100]);
            var row = browser.WaitFor("the file's row", d => d.FindElement(By.CssSelector("#files tr[data-path='ui/map.bin']")));
            browser.WaitFor("the row to show 3 resident pages", _ => row.FindElements(By.TagName("td"))[2].Text == "3");
            browser.Screenshot("files");
            row.Click();
            WaitForStates(browser, "dirty", 3);
            Assert.Equal("Page map of ui/map.bin", browser.ById("pagemap-title").Text);
            Assert.Contains("dirty (3)", browser.ById("legend").Text, StringComparison.Ordinal);
            browser.Screenshot("pagemap");

            // A sync writes them back: the same map redraws them clean, and mapped (the writes
            // mapped them: clients read them with no message, docs/pager.md).
            await server.Client.SyncAsync("ui/map.bin");
            WaitForStates(browser, "mapped", 3);
            Assert.Empty(browser.Driver.FindElements(By.CssSelector("#pagemap-grid [data-state='dirty']")));

            // Each cell says its state in a letter and in words, not by colour alone.
            var cell = browser.Driver.FindElement(By.CssSelector("#pagemap-grid [data-state='mapped']"));
            Assert.Equal("M", cell.Text);
            Assert.StartsWith("page 0: mapped", cell.GetDomAttribute("aria-label"), StringComparison.Ordinal);
        });
    }

    [BrowserFact]
    public async Task Keyboard_TabToAFileRowAndEnter_OpensItsPageMap()
    {
        await WithServerAsync(null, async (server, browser) =>
        {
            await server.Client.WriteAsync("kb/one.txt", 0, new byte[5000]);
            Open(browser, server, null);
            browser.WaitFor("the file's row", d => d.FindElement(By.CssSelector("#files tr[data-path='kb/one.txt']")));

            // From the top of the page, Tab until the row has the focus: links, the token form, the views, then the rows.
            var reached = false;
            for (var i = 0; i < 30 && !reached; i++)
            {
                new Actions(browser.Driver).SendKeys(Keys.Tab).Perform();
                reached = browser.Driver.SwitchTo().ActiveElement().GetDomAttribute("data-path") == "kb/one.txt";
            }

            Assert.True(reached, "30 presses of Tab never reached the file's row");
            new Actions(browser.Driver).SendKeys(Keys.Enter).Perform();
            WaitForStates(browser, "dirty", 2);
            Assert.Equal("pagemap-title", browser.Driver.SwitchTo().ActiveElement().GetDomAttribute("id"));
            Assert.Equal("Page map of kb/one.txt", browser.ById("pagemap-title").Text);
        });
    }

    [BrowserFact]
    public async Task Token_WrongThenRight_SaysItWasRefusedThenGoesLive()
    {
        await WithServerAsync(TokenServer.Token, async (server, browser) =>
        {
            browser.Driver.Navigate().GoToUrl(new Uri(server.Address, "/ui"));
            var message = browser.WaitFor("the 'needs a token' message", d => Shown(d, "token"))!;
            Assert.Contains("This server needs a token (401 Unauthorized", message.Text, StringComparison.Ordinal);

            EnterToken(browser, "not-the-token");
            message = browser.WaitFor("the 'refused' message", d => Shown(d, "token") is { } m && m.Text.Contains("refused", StringComparison.Ordinal) ? m : null)!;
            Assert.Contains("The server refused the token (401 Unauthorized: the token is not valid)", message.Text, StringComparison.Ordinal);
            Assert.Equal("token", browser.Driver.SwitchTo().ActiveElement().GetDomAttribute("id"));
            browser.Screenshot("token");

            EnterToken(browser, TokenServer.Token);
            browser.WaitFor("the message to go and the view to be live", d => !d.FindElement(By.Id("message")).Displayed && d.FindElement(By.Id("status")).Text.StartsWith("live", StringComparison.Ordinal));
            Assert.Equal(TokenServer.Token, browser.Driver.ExecuteScript("return sessionStorage.getItem('actorpager.token')"));
        });
    }

    [BrowserFact]
    public async Task ServerStopped_ShowsThatItCannotReachTheServer()
    {
        var server = new InProcessServer();
        await server.InitializeAsync();
        var stopped = false;
        try
        {
            using var browser = Browser.Start();
            Open(browser, server, null);
            var address = server.Address;
            await server.DisposeAsync();
            stopped = true;
            var message = browser.WaitFor("the 'cannot reach' message", d => Shown(d, "gone"))!;
            Assert.Contains($"Cannot reach the server at {address.Authority}", message.Text, StringComparison.Ordinal);
            Assert.Equal("disconnected", browser.ById("status").Text);
            browser.Screenshot("gone");
        }
        finally
        {
            if (!stopped)
            {
                await server.DisposeAsync();
            }
        }
    }

    [BrowserFact]
    public async Task Counters_AfterFaultsAndSyncWrites_ChartsTheirTotals()
    {
        await WithServerAsync(null, async (server, browser) =>
        {
            Open(browser, server, null);
            browser.ById("tab-counters").Click();
            // A partial last page is read before it is written (a fault and a getpages); the sync write's putpages answers OK.
            await server.Client.WriteAsync("counters/a", 0, new byte[5000], sync: true);
            foreach (var chart in new[] { "faults", "getpages", "putpages", "rtvals" })
            {
                browser.WaitFor($"the {chart} chart to count", d => Total(d, chart) > 0);
            }

            // Hits count faults on resident pages (an HTTP read of cached pages asks no fault): charted, whatever the count.
            Assert.StartsWith("hits: ", browser.Driver.FindElement(By.CssSelector("[data-chart='hits'] figcaption")).Text, StringComparison.Ordinal);

            // The rtvals chart draws one line per status; a sync write's pages were OK.
            Assert.Contains("OK ", browser.Driver.FindElement(By.CssSelector("[data-chart='rtvals'] .chart-legend")).Text, StringComparison.Ordinal);
            browser.WaitFor("a drawn line", d => d.FindElements(By.CssSelector("[data-chart='putpages'] polyline")).Count == 1);
            browser.Screenshot("counters");
        });
    }

    /// <summary>Runs <paramref name="test"/> with a page server in this process (requiring <paramref name="token"/>, when one) and a browser; stops both after.</summary>
    internal static async Task WithServerAsync(string? token, Func<InProcessServer, Browser, Task> test)
    {
        var server = new InProcessServer(token);
        await server.InitializeAsync();
        try
        {
            using var browser = Browser.Start();
            await test(server, browser);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Opens /ui, gives the token (when one), and waits until the stream is live.</summary>
    internal static void Open(Browser browser, InProcessServer server, string? token)
    {
        browser.Driver.Navigate().GoToUrl(new Uri(server.Address, "/ui"));
        if (token is not null)
        {
            browser.WaitFor("the token prompt", d => Shown(d, "token"));
            EnterToken(browser, token);
        }

        browser.WaitFor("the view to be live", d => d.FindElement(By.Id("status")).Text.StartsWith("live", StringComparison.Ordinal));
    }

    private static void EnterToken(Browser browser, string token)
    {
        var input = browser.ById("token");
        input.Clear();
        input.SendKeys(token + Keys.Enter);
    }

    /// <summary>The message box, when it shows a message of <paramref name="kind"/>.</summary>
    private static IWebElement? Shown(IWebDriver driver, string kind)
    {
        var message = driver.FindElement(By.Id("message"));
        return message.Displayed && message.GetDomAttribute("data-kind") == kind ? message : null;
    }

    private static void WaitForStates(Browser browser, string state, int count) =>
        browser.WaitFor($"{count} pages {state} in the page map", d =>
            d.FindElements(By.CssSelector("#pagemap-grid .cell")).Count == count
            && d.FindElements(By.CssSelector($"#pagemap-grid [data-state='{state}']")).Count == count);

    private static long Total(IWebDriver driver, string chart) =>
        long.Parse(driver.FindElement(By.CssSelector($"[data-chart='{chart}']")).GetDomAttribute("data-total") ?? "0", CultureInfo.InvariantCulture);
}
