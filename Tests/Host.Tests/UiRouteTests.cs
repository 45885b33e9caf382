using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ActorPager.Service;
using ActorPager.Service.Ui;
using Microsoft.Extensions.Configuration;

namespace ActorPager.Host.Tests;

/// <summary>The live view's routes over HTTP: the page's static files, and the event stream with its token, its errors and its events.</summary>
public sealed class UiRouteTests(TokenServer fixture) : IClassFixture<TokenServer>
{
    private InProcessServer Server => fixture.Inner;

    [Theory]
    [InlineData("/ui", "text/html")]
    [InlineData("/ui/", "text/html")]
    [InlineData("/ui/index.html", "text/html")]
    [InlineData("/ui/ui.js", "text/javascript")]
    [InlineData("/ui/trace.js", "text/javascript")]
    [InlineData("/ui/ui.css", "text/css")]
    public async Task Ui_WithoutTheToken_ServesThePageUnderAStrictContentPolicy(string url, string type)
    {
        using var http = new HttpClient { BaseAddress = Server.Address };
        using var response = await http.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Ui_UnknownFile_Answers404ProblemNamingTheFiles()
    {
        using var response = await Server.Http.GetAsync(new Uri("/ui/secret.txt", UriKind.Relative));
        await AssertProblemAsync(response, HttpStatusCode.NotFound, "the live view has no file \"secret.txt\"; it has index.html, trace.js, ui.css, ui.js");
    }

    [Fact]
    public async Task Ui_Post_Answers405()
    {
        using var response = await Server.Http.PostAsync(new Uri("/ui", UriKind.Relative), new StringContent("x"));
        await AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed, "POST is not allowed on /ui; use GET");
    }

    [Theory]
    [InlineData(null, "this server requires a token")]
    [InlineData("Bearer wrong", "the token is not valid")]
    public async Task Events_WithoutTheRightToken_Answers401Problem(string? authorization, string detail)
    {
        using var http = new HttpClient { BaseAddress = Server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await http.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, detail);
    }

    [Theory]
    [InlineData("/v1/events?file=../x", "file: file path: file name '../x' contains a '..' segment")]
    [InlineData("/v1/events?file=a&file=b", "file: give one file")]
    [InlineData("/v1/events?files=a", "/v1/events takes one parameter, file=PATH")]
    public async Task Events_BadQuery_Answers400Problem(string url, string detail)
    {
        using var response = await Server.Http.GetAsync(new Uri(url, UriKind.Relative));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task Events_AFileWrittenThenSynced_StreamsSnapshotsAndItsPageMapDirtyThenCleanAndMapped()
    {
        var path = "events/" + Guid.NewGuid().ToString("N");
        await Server.Client.WriteAsync(path, 0, new byte[(2 * 4096) - 10]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await Server.Http.GetAsync(new Uri($"/v1/events?file={Uri.EscapeDataString(path)}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        var sawSnapshot = false;
        var synced = false;
        await foreach (var (name, data) in ReadEventsAsync(stream, timeout.Token))
        {
            if (name == "snapshot" && data.GetProperty("objects").EnumerateArray().Any(o => o.GetProperty("path").GetString() == path))
            {
                sawSnapshot = true;
                Assert.True(data.GetProperty("counters").GetProperty("faults").GetInt64() > 0);
                Assert.Equal(6, data.GetProperty("counters").GetProperty("rtvals").EnumerateObject().Count());
            }

            if (name != "pages" || data.GetProperty("path").GetString() != path)
            {
                continue;
            }

            var states = data.GetProperty("pages").EnumerateArray().Select(p => p.GetProperty("state").GetString()).ToArray();
            if (!synced && states.SequenceEqual(["dirty", "dirty"]))
            {
                await Server.Client.SyncAsync(path);
                synced = true;
            }
            else if (synced && states.SequenceEqual(["mapped", "mapped"]))
            {
                // Clean, and mapped: the write mapped the pages it copied into (docs/pager.md).
                Assert.All(data.GetProperty("pages").EnumerateArray(), p => Assert.True(p.GetProperty("mapped").GetBoolean()));
                Assert.True(sawSnapshot, "a page map came, but no snapshot listing the file");
                return;
            }
        }

        Assert.Fail("the stream ended before the page map showed the file dirty, then clean and mapped");
    }

    [Fact]
    public async Task Events_TwoPagesListening_ShareOneProducerThatForgetsThemWhenTheyGo()
    {
        var feed = Server.Server.Feed;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // The class's other tests share this server: a stream one of them dropped is counted until
        // the server sees it close. Wait for those to go, then count exactly.
        Assert.True(SpinWait.SpinUntil(() => feed.Subscribers == 0, TimeSpan.FromSeconds(30)), $"{feed.Subscribers} streams of earlier tests still open");
        var first = await Server.Http.GetAsync(new Uri("/v1/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var second = await Server.Http.GetAsync(new Uri("/v1/events?file=shared", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(2, feed.Subscribers);
        first.Dispose();
        second.Dispose();
        Assert.True(SpinWait.SpinUntil(() => feed.Subscribers == 0, TimeSpan.FromSeconds(30)), $"{feed.Subscribers} subscribers left after both pages went");
    }

    [Fact]
    public async Task Events_AStreamThatEnded_IsNotARequestInTheLatencyHistograms()
    {
        var feed = Server.Server.Feed;
        Assert.True(SpinWait.SpinUntil(() => feed.Subscribers == 0, TimeSpan.FromSeconds(30)), $"{feed.Subscribers} streams of earlier tests still open");
        var before = OtherCount(Server.Server.Service.Histograms);
        using (var stream = await Server.Http.GetAsync(new Uri("/v1/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, stream.StatusCode);
        }

        Assert.True(SpinWait.SpinUntil(() => feed.Subscribers == 0, TimeSpan.FromSeconds(30)), "the stream never closed");
        Assert.Equal(before, OtherCount(Server.Server.Service.Histograms));
    }

    /// <summary>The count of requests the histograms put under route "other".</summary>
    private static string OtherCount(RequestHistograms histograms)
    {
        var text = new System.Text.StringBuilder();
        histograms.Render(text);
        return text.ToString().Split('\n').Single(l => l.StartsWith("actorpager_http_request_duration_seconds_count{route=\"other\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Events_ServerStops_EndsTheStreamWithoutWaitingForTheShutdownTimeout()
    {
        // A shutdown timeout far longer than the test waits: the stream must end because the feed closes it, not because Kestrel gave up.
        var config = Path.Combine(Path.GetTempPath(), "actorpager-ui-stop-" + Guid.NewGuid().ToString("N") + ".conf");
        await File.WriteAllTextAsync(config, "actorpager.http.shutdown-timeout = 10m\n");
        var server = new InProcessServer(null, config);
        await server.InitializeAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            using var response = await server.Http.GetAsync(new Uri("/v1/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            var stopping = server.Server.StopAsync();
            await foreach (var _ in ReadEventsAsync(stream, timeout.Token))
            {
                // Events until the stream ends.
            }

            await stopping.WaitAsync(timeout.Token);
        }
        finally
        {
            await server.DisposeAsync();
            File.Delete(config);
        }
    }

    [Theory]
    [InlineData(false, 0, 0, "none", "not-resident")]
    [InlineData(true, 255, 0, "none", "clean")]
    [InlineData(true, 255, 3, "none", "dirty")]
    [InlineData(true, 255, 0, "exclusive", "busy")]
    [InlineData(true, 0, 0, "exclusive", "in-flight")]
    [InlineData(true, 255, 255, "shared(1)", "in-flight")]
    public void Classify_PageState_GivesTheMapsState(bool resident, int valid, int dirty, string busy, string state) =>
        Assert.Equal(state, PageCells.Classify(resident, valid, dirty, busy, mapped: false));

    [Fact]
    public void Classify_MappedCleanPage_IsMappedButDirtyWins()
    {
        Assert.Equal("mapped", PageCells.Classify(true, 255, 0, "none", mapped: true));
        Assert.Equal("dirty", PageCells.Classify(true, 255, 1, "none", mapped: true));
    }

    [Fact]
    public void EventsInterval_BelowAHundredMilliseconds_IsRefusedNamingTheSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["actorpager:http:events-interval"] = "10ms" }).Build();
        var e = Assert.Throws<Actors.ConfigException>(() => HttpSettings.From(configuration));
        Assert.Contains("actorpager.http.events-interval: expected at least 100ms", e.Message, StringComparison.Ordinal);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(detail, json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The server-sent events of <paramref name="stream"/>: each event's name and its JSON data, until the stream ends.</summary>
    private static async IAsyncEnumerable<(string Name, JsonElement Data)> ReadEventsAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellation)
    {
        using var reader = new StreamReader(stream);
        var name = "message";
        while (await reader.ReadLineAsync(cancellation) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                using var json = JsonDocument.Parse(line["data: ".Length..]);
                yield return (name, json.RootElement.Clone());
                name = "message";
            }
        }
    }
}
