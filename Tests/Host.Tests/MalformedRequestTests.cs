using System.Net;
using System.Text.Json;

namespace ActorPager.Host.Tests;

/// <summary>A server whose write limit is small (64 KiB), with a sentinel file that no malformed request may change.</summary>
public sealed class MalformedServer : IAsyncLifetime
{
    public const string Sentinel = "malformed/sentinel";

    public static readonly byte[] SentinelBytes = "the sentinel's bytes, written once"u8.ToArray();

    private readonly string _config = Path.Combine(Path.GetTempPath(), $"actorpager-malformed-{Guid.NewGuid():N}.conf");

    public MalformedServer()
    {
        File.WriteAllText(_config, "actorpager.http.max-body-size = 64KiB\nactorpager.http.max-read-length = 1MiB\n");
        Inner = new InProcessServer(null, _config);
    }

    public InProcessServer Inner { get; }

    public async Task InitializeAsync()
    {
        await Inner.InitializeAsync();
        await Inner.Client.WriteAsync(Sentinel, 0, SentinelBytes, sync: true);
    }

    public async Task DisposeAsync()
    {
        await Inner.DisposeAsync();
        File.Delete(_config);
    }
}

/// <summary>Malformed requests: each answered with its 4xx and a problem saying what was wrong; the server keeps serving and nothing changes.</summary>
public sealed class MalformedRequestTests(MalformedServer fixture) : IClassFixture<MalformedServer>
{
    private const string Victim = "/v1/files/malformed/victim";

    public static TheoryData<string, string, string?, int, int, string> Cases => new()
    {
        // method, url, Range header, body bytes, status, detail fragment
        { "GET", Victim + "?offset=-1", null, 0, 400, "offset: -1 is negative" },
        { "GET", Victim + "?offset=abc", null, 0, 400, "\"abc\" is not a whole number" },
        { "GET", Victim + "?offset=9223372036854775808", null, 0, 400, "too large" },
        { "GET", Victim + "?offset=", null, 0, 400, "is not a whole number" },
        { "GET", Victim + "?offset=1&offset=2", null, 0, 400, "given 2 times" },
        { "GET", Victim + "?length=-1", null, 0, 400, "length: -1 is negative" },
        { "GET", Victim + "?length=99999999999", null, 0, 400, "max-read-length" },
        { "GET", Victim + "?length=1e3", null, 0, 400, "not a whole number" },
        { "PUT", Victim + "?offset=-1", null, 10, 400, "offset: -1 is negative" },
        { "PUT", Victim + "?offset=abc", null, 10, 400, "not a whole number" },
        { "PUT", Victim, null, 10, 400, "'offset' is required" },
        { "PUT", Victim + "?offset=0&sync=maybe", null, 10, 400, "not true or false" },
        { "PUT", Victim + "?offset=0", null, 0, 400, "the body is empty" },
        { "PUT", Victim + "?offset=1099511627776", null, 10, 400, "largest file size" },
        { "PUT", Victim + "?offset=0", null, 65 * 1024, 413, "at most 65536" },
        { "POST", Victim + "/truncate", null, 0, 400, "'size' is required" },
        { "POST", Victim + "/truncate?size=-1", null, 0, 400, "size: -1 is negative" },
        { "POST", Victim + "/truncate?size=x", null, 0, 400, "\"x\" is not a whole number" },
        { "POST", Victim + "/truncate?size=1125899906842624", null, 0, 400, "largest file size" },
        { "GET", Victim + "/pages?count=5000", null, 0, 400, "more than one request may ask for" },
        { "GET", Victim + "/pages?count=-1", null, 0, 400, "count: -1 is negative" },
        { "GET", Victim + "/pages?first=-3", null, 0, 400, "first: -3 is negative" },
        { "GET", "/v1/files/malformed%2F..%2F..%2Fetc%2Fpasswd", null, 0, 400, "'..' segment" },
        { "PUT", "/v1/files/malformed%2F..%2Fescape?offset=0", null, 10, 400, "'..' segment" },
        { "GET", "/v1/files//etc/passwd", null, 0, 400, "absolute path" },
        { "GET", "/v1/files/", null, 0, 400, "the file path is empty" },
        { "GET", "/v1/files/malformed/a%5Cb", null, 0, 400, "backslash" },
        { "GET", "/v1/files/malformed/.%2Fvictim", null, 0, 400, "'.' segment" },
        { "GET", "/v1/files/malformed/a%01b", null, 0, 400, "control character" },
        { "GET", "/v1/files/" + new string('a', 1100), null, 0, 400, "the limit is 1024" },
        { "DELETE", Victim, null, 0, 405, "DELETE is not allowed" },
        { "PATCH", Victim, null, 10, 405, "PATCH is not allowed" },
        { "POST", Victim, null, 10, 405, "POST on a file needs an operation" },
        { "PUT", "/v1/objects", null, 10, 405, "use GET" },
        { "POST", "/metrics", null, 0, 405, "use GET" },
        { "DELETE", "/healthz", null, 0, 405, "use GET" },
        { "GET", "/v2/files/x", null, 0, 404, "no route GET /v2/files/x" },
        { "GET", "/", null, 0, 404, "no route" },
        { "GET", Victim, "bytes=abc", 0, 400, "has no '-'" },
        { "GET", Victim, "bytes=5-2", 0, 400, "comes before the first" },
        { "GET", Victim, "bytes=0-1,4-5", 0, 400, "several ranges" },
        { "GET", Victim, "items=0-1", 0, 400, "not a byte range" },
        { "GET", Victim, "bytes=-0", 0, 400, "not a valid suffix range" },
        { "GET", Victim, "bytes=x-5", 0, 400, "is not a byte position" },
        { "GET", Victim + "?offset=0", "bytes=0-5", 0, 400, "either a Range header or offset/length" },
        { "GET", Victim, "bytes=0-99999999", 0, 400, "max-read-length" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_Malformed_AnswersItsProblemAndChangesNothing(string method, string url, string? range, int bodyBytes, int status, string detail)
    {
        var http = fixture.Inner.Http;
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        if (bodyBytes > 0 || method is "PUT")
        {
            request.Content = new ByteArrayContent(new byte[bodyBytes]);
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{method} {url}: expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A body the server refused unread is left on the connection: the server closes it, and says so.
        Assert.Equal(status == 413, response.Headers.ConnectionClose == true);

        // The server keeps serving, and nothing changed.
        Assert.Equal(MalformedServer.SentinelBytes, await fixture.Inner.Client.ReadAsync(MalformedServer.Sentinel));
        Assert.False(File.Exists(Path.Combine(fixture.Inner.DataDirectory, "malformed", "victim")), "a malformed request created the victim file");
        Assert.False(File.Exists(Path.Combine(fixture.Inner.DataDirectory, "escape")));
    }

    [Fact]
    public async Task Request_NulInPath_IsRefusedWith400()
    {
        // Kestrel itself refuses a decoded NUL in the path before the API sees the request, so the
        // answer is its bare 400; the store's name rules refuse it too (FileNames.Check).
        using var response = await fixture.Inner.Http.GetAsync("/v1/files/malformed/a%00b");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(MalformedServer.SentinelBytes, await fixture.Inner.Client.ReadAsync(MalformedServer.Sentinel));
    }
}
