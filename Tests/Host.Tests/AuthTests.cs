using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ActorPager.Client;
using ActorPager.Service;

namespace ActorPager.Host.Tests;

/// <summary>The bearer token: every route but /healthz needs it when one is configured.</summary>
public sealed class AuthTests(TokenServer fixture) : IClassFixture<TokenServer>
{
    public static TheoryData<string, string, string?, string> Refused => new()
    {
        // method, url, Authorization header, detail fragment
        { "GET", "/v1/files/auth/a", null, "requires a token" },
        { "PUT", "/v1/files/auth/a?offset=0", null, "requires a token" },
        { "GET", "/v1/objects", null, "requires a token" },
        { "GET", "/metrics", null, "requires a token" },
        { "GET", "/v1/files/auth/a", "Bearer wrong", "not valid" },
        { "GET", "/v1/files/auth/a", "Bearer s3cre", "not valid" },
        { "GET", "/v1/files/auth/a", "Bearer s3cret2", "not valid" },
        { "GET", "/v1/files/auth/a", "Basic czNjcmV0", "not valid" },
        { "GET", "/v1/files/auth/a", "s3cret", "not valid" },
        { "GET", "/no/such/route", null, "requires a token" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Request_WithoutTheToken_Answers401WithAProblem(string method, string url, string? authorization, string detail)
    {
        using var http = new HttpClient { BaseAddress = fixture.Inner.Address };
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (method == "PUT")
        {
            request.Content = new ByteArrayContent([1, 2, 3]);
        }

        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(fixture.Inner.DataDirectory, "auth", "a")));
    }

    [Fact]
    public async Task Healthz_WithoutTheToken_AnswersOk()
    {
        using var http = new HttpClient { BaseAddress = fixture.Inner.Address };
        Assert.Equal("ok\n", await http.GetStringAsync("/healthz"));
    }

    [Fact]
    public async Task Request_WithTheToken_IsServed()
    {
        using var http = new HttpClient { BaseAddress = fixture.Inner.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenServer.Token);
        using var put = await http.PutAsync("/v1/files/auth/ok?offset=0", new ByteArrayContent("yes"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("yes", await http.GetStringAsync("/v1/files/auth/ok"));
        Assert.Contains("actorpager_hits_total", await http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_WithTheToken_IsServedAndWithoutIsRefused()
    {
        await fixture.Inner.Client.WriteAsync("auth/client", 0, "c"u8.ToArray());
        using var anonymous = new ActorPagerClient(fixture.Inner.Address);
        var e = await Assert.ThrowsAsync<ActorPagerException>(() => anonymous.StatAsync("auth/client"));
        Assert.Equal(HttpStatusCode.Unauthorized, e.Status);
    }

    [Fact]
    public async Task Serve_NonLoopbackWithoutToken_IsRefused()
    {
        var e = Assert.Throws<ServeException>(() => PageServer.Create(new ServeOptions { Listen = "0.0.0.0:0", Store = "memory" }, TextWriter.Null));
        Assert.Contains("not a loopback address, without a token", e.Message, StringComparison.Ordinal);
        await using var allowed = PageServer.Create(new ServeOptions { Listen = "0.0.0.0:0", Store = "memory", Token = "t" }, TextWriter.Null);
        Assert.Equal("t", allowed.Settings.Token);
    }
}
