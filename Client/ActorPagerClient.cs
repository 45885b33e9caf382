using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ActorPager.Client;

/// <summary>
/// A typed client of <c>actorpager serve</c>'s HTTP API (docs/service.md). Thread-safe; one
/// instance can serve a whole program. Every failed call throws <see cref="ActorPagerException"/>
/// carrying the server's problem detail and status.
/// </summary>
/// <example>
/// <code>
/// using var client = new ActorPagerClient(new Uri("http://127.0.0.1:5080"), token: null);
/// await client.WriteAsync("logs/app.log", 0, "hello"u8.ToArray(), sync: true);
/// byte[] bytes = await client.ReadAsync("logs/app.log", 0, 5);
/// </code>
/// </example>
public sealed class ActorPagerClient : IDisposable
{
    /// <summary>The serializer settings of the API: camelCase names, as ASP.NET Core writes them.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The HTTP client the calls go through.</summary>
    private readonly HttpClient _http;

    /// <summary>Whether <see cref="Dispose"/> disposes <see cref="_http"/>.</summary>
    private readonly bool _ownsHttp;

    /// <summary>Creates a client of the server at <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">The server, for example <c>http://127.0.0.1:5080</c>.</param>
    /// <param name="token">The bearer token, when the server requires one.</param>
    public ActorPagerClient(Uri baseAddress, string? token = null)
        : this(new HttpClient { BaseAddress = baseAddress ?? throw new ArgumentNullException(nameof(baseAddress)) }, token, ownsHttp: true)
    {
    }

    /// <summary>Creates a client over an existing <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is the server; the caller keeps ownership of it.</summary>
    /// <param name="http">The HTTP client.</param>
    /// <param name="token">The bearer token, when the server requires one.</param>
    public ActorPagerClient(HttpClient http, string? token = null)
        : this(http, token, ownsHttp: false)
    {
    }

    private ActorPagerClient(HttpClient http, string? token, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("the HttpClient needs a BaseAddress (the server's address)", nameof(http));
        }

        _http = http;
        _ownsHttp = ownsHttp;
        Token = string.IsNullOrEmpty(token) ? null : token;
    }

    /// <summary>The bearer token sent with every request, or null.</summary>
    public string? Token { get; }

    /// <summary>
    /// How long a request answered 503 Service Unavailable (a file moving to another node, a
    /// failover) keeps being sent again, each time after the server's Retry-After. Default 30 s;
    /// <see cref="TimeSpan.Zero"/> turns retrying off.
    /// </summary>
    public TimeSpan RetryUnavailableFor { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads bytes [<paramref name="offset"/>, offset + <paramref name="length"/>) of <paramref name="path"/>; fewer at EOF, holes as zeros. Without a length, to EOF (up to the server's limit).</summary>
    /// <exception cref="ActorPagerException">The server refused or failed the read.</exception>
    public async Task<byte[]> ReadAsync(string path, long offset = 0, long? length = null, CancellationToken cancellationToken = default)
    {
        var query = length is { } n ? $"?offset={Num(offset)}&length={Num(n)}" : $"?offset={Num(offset)}";
        using var response = await SendAsync(HttpMethod.Get, FileUri(path, null) + query, null, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> of <paramref name="path"/>, extending the file as needed; with <paramref name="sync"/>, answers only once the pages are durable.</summary>
    /// <exception cref="ActorPagerException">The server refused or failed the write.</exception>
    public async Task<WriteResult> WriteAsync(string path, long offset, ReadOnlyMemory<byte> data, bool sync = false, CancellationToken cancellationToken = default)
    {
        using var content = new ReadOnlyMemoryContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await WriteAsync(path, offset, content, sync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the rest of <paramref name="data"/> at <paramref name="offset"/> of <paramref name="path"/>; with <paramref name="sync"/>, answers only once the pages are durable.</summary>
    /// <exception cref="ActorPagerException">The server refused or failed the write.</exception>
    public async Task<WriteResult> WriteAsync(string path, long offset, Stream data, bool sync = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var content = new StreamContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await WriteAsync(path, offset, content, sync, cancellationToken, resendable: data.CanSeek).ConfigureAwait(false);
    }

    /// <summary>fsync: writes every dirty page of <paramref name="path"/> with synchronous putpages and flushes the store.</summary>
    /// <exception cref="ActorPagerException">The server refused or failed the sync.</exception>
    public Task<SyncResult> SyncAsync(string path, CancellationToken cancellationToken = default) =>
        GetJsonAsync<SyncResult>(HttpMethod.Post, FileUri(path, "sync"), cancellationToken);

    /// <summary>Truncates or extends <paramref name="path"/> to <paramref name="size"/> bytes.</summary>
    /// <exception cref="ActorPagerException">The server refused or failed the truncate.</exception>
    public Task<TruncateResult> TruncateAsync(string path, long size, CancellationToken cancellationToken = default) =>
        GetJsonAsync<TruncateResult>(HttpMethod.Post, FileUri(path, "truncate") + "?size=" + Num(size), cancellationToken);

    /// <summary>The VM object counters of <paramref name="path"/>.</summary>
    /// <exception cref="ActorPagerException">The server refused or failed the request.</exception>
    public Task<FileStat> StatAsync(string path, CancellationToken cancellationToken = default) =>
        GetJsonAsync<FileStat>(HttpMethod.Get, FileUri(path, "stat"), cancellationToken);

    /// <summary>The states of pages [<paramref name="first"/>, first + <paramref name="count"/>) of <paramref name="path"/>.</summary>
    /// <exception cref="ActorPagerException">The server refused or failed the request.</exception>
    public async Task<IReadOnlyList<PageInfo>> PagesAsync(string path, long first, int count, CancellationToken cancellationToken = default) =>
        await GetJsonAsync<PageInfo[]>(HttpMethod.Get, FileUri(path, "pages") + $"?first={Num(first)}&count={Num(count)}", cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Every VM object of every mount, as VOP_GETVOBJECT finds it, in (mount, path) order: the
    /// server answers in pages (<c>?limit=</c>, 1000 by default) and this follows each page's
    /// <c>Link: rel="next"</c> until the last.
    /// </summary>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <exception cref="ActorPagerException">The server refused or failed a request.</exception>
    public Task<IReadOnlyList<ObjectInfo>> ObjectsAsync(CancellationToken cancellationToken = default) =>
        ObjectsAsync("v1/objects", cancellationToken);

    /// <summary>As <see cref="ObjectsAsync(CancellationToken)"/>, asking for <paramref name="pageSize"/> objects per request.</summary>
    /// <param name="pageSize">Objects per request, 1 to 10,000.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <exception cref="ActorPagerException">The server refused or failed a request.</exception>
    public Task<IReadOnlyList<ObjectInfo>> ObjectsAsync(int pageSize, CancellationToken cancellationToken = default) =>
        ObjectsAsync("v1/objects?limit=" + Num(pageSize), cancellationToken);

    private async Task<IReadOnlyList<ObjectInfo>> ObjectsAsync(string first, CancellationToken cancellationToken)
    {
        var all = new List<ObjectInfo>();
        string? uri = first;
        while (uri is not null)
        {
            using var response = await SendAsync(HttpMethod.Get, uri, null, cancellationToken).ConfigureAwait(false);
            all.AddRange(await ReadJsonAsync<ObjectInfo[]>(response, cancellationToken).ConfigureAwait(false));
            uri = NextLink(response);
        }

        return all;
    }

    /// <summary>The relative URI of a <c>Link: &lt;/v1/...&gt;; rel="next"</c> header, or null.</summary>
    private static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        foreach (var link in links)
        {
            var open = link.IndexOf('<', StringComparison.Ordinal);
            var close = link.IndexOf('>', StringComparison.Ordinal);
            if (open >= 0 && close > open && link.AsSpan(close).Contains("rel=\"next\"", StringComparison.Ordinal))
            {
                return link[(open + 1)..close].TrimStart('/');
            }
        }

        return null;
    }

    /// <summary>The cluster as the server sees it: members, shards per node, each file's owner and generation (<c>GET /v1/cluster</c>).</summary>
    /// <exception cref="ActorPagerException">The server refused or failed the request.</exception>
    public Task<ClusterInfo> ClusterAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<ClusterInfo>(HttpMethod.Get, "v1/cluster", cancellationToken);

    /// <summary>The Prometheus text of <c>/metrics</c>.</summary>
    /// <exception cref="ActorPagerException">The server refused or failed the request.</exception>
    public async Task<string> MetricsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "metrics", null, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when <c>/healthz</c> answers 200; false when it answers anything else or cannot be reached.</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri("healthz", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>The relative URI of <paramref name="path"/>'s file route, each segment escaped, with an optional trailing operation segment.</summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public static string FileUri(string path, string? operation)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var builder = new StringBuilder("v1/files/");
        var segments = path.Split('/');

        // A "." or ".." segment would be removed by URI normalisation before it is sent, naming
        // another file. Joined with %2F instead, it reaches the server, which refuses it.
        var separator = Array.Exists(segments, s => s is "." or "..") ? "%2F" : "/";
        for (var i = 0; i < segments.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(separator);
            }

            builder.Append(Uri.EscapeDataString(segments[i]));
        }

        if (operation is not null)
        {
            builder.Append('/').Append(operation);
        }

        return builder.ToString();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private async Task<WriteResult> WriteAsync(string path, long offset, HttpContent content, bool sync, CancellationToken cancellationToken, bool resendable = true)
    {
        var uri = FileUri(path, null) + $"?offset={Num(offset)}" + (sync ? "&sync=true" : string.Empty);
        using var response = await SendAsync(HttpMethod.Put, uri, content, cancellationToken, resendable).ConfigureAwait(false);
        return await ReadJsonAsync<WriteResult>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> GetJsonAsync<T>(HttpMethod method, string uri, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, uri, null, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false)
        ?? throw new ActorPagerException($"{response.RequestMessage?.RequestUri}: the server answered an empty body");

    /// <summary>
    /// Sends a request with the token; a non-success answer becomes an <see cref="ActorPagerException"/>
    /// with the problem's detail. A 503 (a cluster moving the file to another owner, docs/cluster.md)
    /// is sent again after its Retry-After until <see cref="RetryUnavailableFor"/> has passed, when
    /// the body can be sent again (bytes, or a seekable stream).
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string uri, HttpContent? content, CancellationToken cancellationToken, bool resendable = true)
    {
        var deadline = DateTime.UtcNow + RetryUnavailableFor;
        while (true)
        {
            var response = await SendOnceAsync(method, uri, content, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || !resendable)
            {
                return await CheckAsync(response, cancellationToken).ConfigureAwait(false);
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            wait = wait < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : wait;
            if (DateTime.UtcNow + wait > deadline)
            {
                return await CheckAsync(response, cancellationToken).ConfigureAwait(false);
            }

            response.Dispose();
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, string uri, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(uri, UriKind.Relative)) { Content = content };
        if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ActorPagerException($"{method} {_http.BaseAddress}{uri}: {e.Message}", e);
        }
    }

    private static async Task<HttpResponseMessage> CheckAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            string? title = null, detail = null;
            try
            {
                using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                if (problem.RootElement.ValueKind == JsonValueKind.Object)
                {
                    title = problem.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
                    detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
                }
            }
            catch (JsonException)
            {
                // Not a problem document (a proxy's page, an empty body): the status says enough.
            }

            throw new ActorPagerException(response.StatusCode, title ?? response.ReasonPhrase, detail);
        }
    }
}
