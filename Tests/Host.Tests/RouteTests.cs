using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ActorPager.Client;

namespace ActorPager.Host.Tests;

/// <summary>Every route over real HTTP on loopback, against an in-process server without a token.</summary>
public sealed class RouteTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    private HttpClient Http => server.Http;

    private static string NewPath() => "routes/" + Guid.NewGuid().ToString("N") + ".bin";

    private async Task PutAsync(string path, long offset, byte[] bytes, bool sync = false)
    {
        using var response = await Http.PutAsync($"/v1/files/{path}?offset={offset}{(sync ? "&sync=true" : "")}", new ByteArrayContent(bytes));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Put_ThenGet_ReturnsTheBytes()
    {
        var path = NewPath();
        using var response = await Http.PutAsync($"/v1/files/{path}?offset=0", new ByteArrayContent("hello pager"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(11, json.RootElement.GetProperty("written").GetInt64());
        Assert.False(json.RootElement.GetProperty("durable").GetBoolean());
        Assert.Equal("hello pager", await Http.GetStringAsync($"/v1/files/{path}"));
    }

    [Fact]
    public async Task Get_OffsetAndLength_ReturnsTheSlice()
    {
        var path = NewPath();
        await PutAsync(path, 0, "0123456789"u8.ToArray());
        Assert.Equal("345", await Http.GetStringAsync($"/v1/files/{path}?offset=3&length=3"));
    }

    [Fact]
    public async Task Get_RangeHeader_Answers206WithContentRange()
    {
        var path = NewPath();
        await PutAsync(path, 0, "0123456789"u8.ToArray());
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/files/{path}");
        request.Headers.Range = new RangeHeaderValue(2, 5);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("2345", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, response.Content.Headers.ContentRange!.From);
        Assert.Equal(5, response.Content.Headers.ContentRange!.To);
    }

    [Fact]
    public async Task Get_SuffixRange_ReturnsTheLastBytes()
    {
        var path = NewPath();
        await PutAsync(path, 0, "0123456789"u8.ToArray());
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/files/{path}");
        request.Headers.TryAddWithoutValidation("Range", "bytes=-3");
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("789", await response.Content.ReadAsStringAsync());
        Assert.Equal("bytes 7-9/10", response.Content.Headers.GetValues("Content-Range").Single());
    }

    [Fact]
    public async Task Get_RangeStartingPastTheEnd_Answers416()
    {
        var path = NewPath();
        await PutAsync(path, 0, "0123"u8.ToArray());
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/files/{path}");
        request.Headers.Range = new RangeHeaderValue(100, 200);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("bytes */4", response.Content.Headers.GetValues("Content-Range").Single());
    }

    [Fact]
    public async Task Get_RangePastTheEnd_ReturnsWhatExists()
    {
        var path = NewPath();
        await PutAsync(path, 0, "0123456789"u8.ToArray());
        Assert.Equal("89", await Http.GetStringAsync($"/v1/files/{path}?offset=8&length=4096"));
        Assert.Equal(string.Empty, await Http.GetStringAsync($"/v1/files/{path}?offset=50&length=10"));
    }

    [Fact]
    public async Task Get_Hole_ReadsAsZeros()
    {
        var path = NewPath();
        await PutAsync(path, 3 * 4096, [1, 2, 3]);
        var bytes = await Http.GetByteArrayAsync($"/v1/files/{path}?offset=0&length=8192");
        Assert.Equal(8192, bytes.Length);
        Assert.All(bytes, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task Get_FileNeverWritten_ReadsEmpty()
    {
        using var response = await Http.GetAsync($"/v1/files/{NewPath()}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Put_Sync_AnswersDurableWithTheBytesInTheStore()
    {
        var path = NewPath();
        using var response = await Http.PutAsync($"/v1/files/{path}?offset=0&sync=true", new ByteArrayContent("durable"u8.ToArray()));
        var result = await response.Content.ReadFromJsonAsync<WriteResult>();
        Assert.Equal(new WriteResult(7, true), result);
        Assert.Equal("durable", await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, path)));
    }

    [Fact]
    public async Task Sync_WritesEveryDirtyPage()
    {
        var path = NewPath();
        await PutAsync(path, 0, new byte[3 * 4096]);
        Assert.Equal(3, (await server.Client.StatAsync(path)).Dirty);
        using var response = await Http.PostAsync($"/v1/files/{path}/sync", null);
        var result = await response.Content.ReadFromJsonAsync<SyncResult>();
        Assert.True(result!.Ok);
        Assert.Equal(3, result.PagesWritten);
        Assert.Equal(0, (await server.Client.StatAsync(path)).Dirty);
    }

    [Fact]
    public async Task Truncate_ShrinksTheFile()
    {
        var path = NewPath();
        await PutAsync(path, 0, new byte[10000]);
        using var response = await Http.PostAsync($"/v1/files/{path}/truncate?size=100", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(100, (await response.Content.ReadFromJsonAsync<TruncateResult>())!.Size);
        Assert.Equal(100, (await Http.GetByteArrayAsync($"/v1/files/{path}")).Length);
    }

    [Fact]
    public async Task Stat_ReportsSizeResidentDirtyBusyAndPip()
    {
        var path = NewPath();
        await PutAsync(path, 0, new byte[5000]);
        using var json = JsonDocument.Parse(await Http.GetStringAsync($"/v1/files/{path}/stat"));
        var root = json.RootElement;
        Assert.Equal(5000, root.GetProperty("size").GetInt64());
        Assert.Equal(2, root.GetProperty("resident").GetInt32());
        Assert.Equal(2, root.GetProperty("dirty").GetInt32());
        Assert.Equal(0, root.GetProperty("busy").GetInt32());
        Assert.Equal(0, root.GetProperty("pip").GetInt32());
    }

    [Fact]
    public async Task Pages_ReportsEachPagesMasksAndQueue()
    {
        var path = NewPath();
        await PutAsync(path, 4096, new byte[512]);
        var pages = await Http.GetFromJsonAsync<PageInfo[]>($"/v1/files/{path}/pages?first=0&count=3");
        Assert.Equal(3, pages!.Length);
        Assert.Equal(0, pages[0].Dirty);
        Assert.True(pages[1].Resident);
        Assert.Equal(1, pages[1].Dirty);
        Assert.Equal("none", pages[1].Busy);
        Assert.NotEqual("none", pages[1].Queue);
        Assert.False(pages[2].Resident); // past EOF
    }

    [Fact]
    public async Task Objects_ListsTheVmObjectsOfOpenFiles()
    {
        var path = NewPath();
        await PutAsync(path, 0, new byte[4096]);
        var objects = await Http.GetFromJsonAsync<ObjectInfo[]>("/v1/objects");
        var mine = Assert.Single(objects!, o => o.Path == path);
        Assert.Equal("files", mine.Mount);
        Assert.Equal(4096, mine.Size);
        Assert.Equal(1, mine.Resident);
        Assert.NotNull(mine.Object);
        Assert.Contains("vnode", mine.Vnode, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Objects_Paged_EachPageAtMostTheLimitInOrderWithALinkToTheNextUntilTheLast()
    {
        var dir = "paged-" + Guid.NewGuid().ToString("N");
        var paths = Enumerable.Range(0, 5).Select(i => $"{dir}/{i}.bin").ToList();
        foreach (var path in paths)
        {
            await PutAsync(path, 0, new byte[10]);
        }

        var seen = new List<ObjectInfo>();
        var uri = "/v1/objects?limit=2";
        var pages = 0;
        while (uri is not null)
        {
            using var response = await Http.GetAsync(uri);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.Content.ReadFromJsonAsync<ObjectInfo[]>())!;
            Assert.InRange(page.Length, 1, 2);
            seen.AddRange(page);
            pages++;
            var link = response.Headers.TryGetValues("Link", out var links) ? links.Single() : null;
            uri = link is null ? null : link[(link.IndexOf('<', StringComparison.Ordinal) + 1)..link.IndexOf('>', StringComparison.Ordinal)];
            Assert.True(link is null || link.EndsWith("rel=\"next\"", StringComparison.Ordinal), link);
        }

        // Other tests share the server: every object is listed once, in (mount, path) order.
        var keys = seen.Select(o => (o.Mount, o.Path)).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(keys.OrderBy(k => k.Mount, StringComparer.Ordinal).ThenBy(k => k.Path, StringComparer.Ordinal), keys);
        Assert.Equal(paths, seen.Where(o => o.Path.StartsWith(dir, StringComparison.Ordinal)).Select(o => o.Path));
        Assert.Equal((seen.Count + 1) / 2, pages);
        Assert.Equal(keys, (await server.Client.ObjectsAsync(pageSize: 3)).Select(o => (o.Mount, o.Path)).Where(keys.Contains));
    }

    [Theory]
    [InlineData("limit=0", "limit: expected 1 to 10000 objects")]
    [InlineData("limit=10001", "limit: expected 1 to 10000 objects")]
    [InlineData("limit=ten", "limit: expected 1 to 10000 objects")]
    [InlineData("after=!!", "is not a cursor from a Link header")]
    [InlineData("after=bm8tbnVs", "is not a cursor from a Link header")]
    public async Task Objects_BadPaging_400NamingTheParameter(string query, string problem)
    {
        using var response = await Http.GetAsync("/v1/objects?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(problem, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_SingleNode_NotEnabledAndListsTheFilesThisNodeOwnsWithTheirGeneration()
    {
        var path = NewPath();
        await PutAsync(path, 0, new byte[100]);
        var cluster = await Http.GetFromJsonAsync<ClusterInfo>("/v1/cluster");
        Assert.False(cluster!.Enabled);
        Assert.Equal("local", cluster.Self);
        Assert.Empty(cluster.Members);
        var mine = Assert.Single(cluster.Files, f => f.Path == path);
        Assert.Equal("local", mine.Owner);
        Assert.True(mine.Generation >= 1, $"generation {mine.Generation}");

        var stat = await Http.GetFromJsonAsync<FileStat>($"/v1/files/{path}/stat");
        Assert.Equal(("local", mine.Generation), (stat!.Owner, stat.Generation));
    }

    [Fact]
    public async Task Healthz_AnswersOk()
    {
        Assert.Equal("ok\n", await Http.GetStringAsync("/healthz"));
    }

    [Fact]
    public async Task Metrics_PrometheusTextHasCountersGaugesAndHistograms()
    {
        var path = NewPath();
        await PutAsync(path, 0, new byte[8192], sync: true);
        _ = await Http.GetByteArrayAsync($"/v1/files/{path}");
        using var response = await Http.GetAsync("/metrics");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        foreach (var name in new[]
        {
            "actorpager_faults_total", "actorpager_hits_total", "actorpager_getpages_calls_total", "actorpager_getpages_pages_total",
            "actorpager_putpages_calls_total", "actorpager_putpages_pages_total", "actorpager_putpages_rtvals_total{status=\"OK\"}",
            "actorpager_free_frames", "actorpager_dirty_pages", "actorpager_busy_pages", "actorpager_vm_objects", "actorpager_resident_pages",
            "actorpager_queue_pages{queue=\"active\"}", "actorpager_queue_pages{queue=\"laundry\"}", "actorpager_getpages_refused_total",
            "actorpager_mailbox_depth{actor=\"pagedaemon\"}",
            "actorpager_http_request_duration_seconds_bucket{route=\"read\",le=\"0.001\"}", "actorpager_http_request_duration_seconds_count{route=\"write\"}",
        })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }

        var putpages = text.Split('\n').Single(l => l.StartsWith("actorpager_putpages_pages_total ", StringComparison.Ordinal));
        Assert.True(long.Parse(putpages.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 2, putpages);
    }

    [Fact]
    public async Task Path_WithEscapedSlash_NamesTheSameFile()
    {
        var path = NewPath();
        await PutAsync(path, 0, "x"u8.ToArray());
        Assert.Equal("x", await Http.GetStringAsync($"/v1/files/{path.Replace("/", "%2F", StringComparison.Ordinal)}"));
    }

    [Fact]
    public async Task Client_RoundTripsEveryOperation()
    {
        var client = server.Client;
        var path = NewPath();
        Assert.Equal(new WriteResult(5, false), await client.WriteAsync(path, 0, Encoding.ASCII.GetBytes("abcde")));
        Assert.Equal(new WriteResult(2, true), await client.WriteAsync(path, 5, new MemoryStream("fg"u8.ToArray()), sync: true));
        Assert.Equal("cdefg", Encoding.ASCII.GetString(await client.ReadAsync(path, 2)));
        Assert.Equal("bc", Encoding.ASCII.GetString(await client.ReadAsync(path, 1, 2)));
        Assert.Equal(7, (await client.StatAsync(path)).Size);
        Assert.True((await client.SyncAsync(path)).Ok);
        Assert.Equal(3, (await client.TruncateAsync(path, 3)).Size);
        Assert.Single(await client.PagesAsync(path, 0, 1));
        Assert.Contains(await client.ObjectsAsync(), o => o.Path == path);
        Assert.Contains("actorpager_faults_total", await client.MetricsAsync(), StringComparison.Ordinal);
        Assert.True(await client.IsHealthyAsync());
    }

    [Fact]
    public async Task Client_RefusedRequest_ThrowsWithTheProblemDetail()
    {
        var e = await Assert.ThrowsAsync<ActorPagerException>(() => server.Client.TruncateAsync(NewPath(), -5));
        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
        Assert.Contains("size", e.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentWrites_ToSeparatePages_AllLand()
    {
        var path = NewPath();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => server.Client.WriteAsync(path, i * 4096L, Enumerable.Repeat((byte)(i + 1), 4096).ToArray())));
        var bytes = await server.Client.ReadAsync(path, 0, 16 * 4096);
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal((byte)(i + 1), bytes[i * 4096]);
            Assert.Equal((byte)(i + 1), bytes[(i * 4096) + 4095]);
        }
    }
}
