using ActorPager.Cluster.Tests;
using OpenQA.Selenium;

namespace ActorPager.Ui.Tests;

/// <summary>The live view of a three-node cluster (PostgreSQL): members, shards, owners; a killed node turns red.</summary>
public sealed class ClusterViewTests
{
    /// <summary>The failure detector, the split brain resolver and a loaded machine: a dead node is marked within this.</summary>
    private static readonly TimeSpan FailoverPatience = TimeSpan.FromSeconds(60);

    [BrowserClusterFact]
    public async Task Cluster_NodeKilled_IsMarkedDownWhileTheOthersStayUp()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var cluster = TestCluster.Create(database);
        await cluster.StartAsync();
        var viewer = cluster.Nodes[0];
        var victim = cluster.Nodes[2];
        var put = await viewer.Http.PutAsync(new Uri("/v1/files/ui/owned.txt?offset=0&sync=true", UriKind.Relative), new ByteArrayContent("owned"u8.ToArray()));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());

        using var browser = Browser.Start();
        browser.Driver.Navigate().GoToUrl(new Uri(viewer.HttpAddress, "/ui"));
        browser.WaitFor("the view to be live", d => d.FindElement(By.Id("status")).Text.StartsWith("live", StringComparison.Ordinal));
        browser.ById("tab-cluster").Click();
        foreach (var node in cluster.Nodes)
        {
            browser.WaitFor($"{node.Name} Up", d => d.FindElement(By.CssSelector($"#members tr[data-address='{node.AkkaAddress}']")).GetDomAttribute("data-state") == "up");
        }

        // Every file with its owner and generation; shards per node.
        var owned = browser.WaitFor("the file's owner", d => d.FindElement(By.CssSelector("#owners tr[data-path='ui/owned.txt']")));
        var cells = owned.FindElements(By.TagName("td"));
        Assert.Contains(cells[1].Text, cluster.Nodes.Select(n => n.AkkaAddress[(n.AkkaAddress.IndexOf('@', StringComparison.Ordinal) + 1)..]));
        Assert.True(long.Parse(cells[2].Text, System.Globalization.CultureInfo.InvariantCulture) >= 1, cells[2].Text);
        browser.WaitFor("shards on the nodes", d => d.FindElements(By.CssSelector("#members tbody tr")).Sum(r => int.Parse(r.FindElements(By.TagName("td"))[2].Text, System.Globalization.CultureInfo.InvariantCulture)) > 0);
        browser.Screenshot("cluster");

        await victim.Process.KillAsync();
        var row = By.CssSelector($"#members tr[data-address='{victim.AkkaAddress}']");
        browser.WaitFor(FailoverPatience, $"{victim.Name} marked down", d => d.FindElement(row).GetDomAttribute("data-state") == "down");
        Assert.StartsWith("DOWN", browser.Driver.FindElement(row).FindElements(By.TagName("td"))[1].Text, StringComparison.Ordinal);
        Assert.Equal("up", browser.Driver.FindElement(By.CssSelector($"#members tr[data-address='{cluster.Nodes[1].AkkaAddress}']")).GetDomAttribute("data-state"));
        browser.Screenshot("cluster-down");
    }
}
