using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace ActorPager.Bench;

/// <summary>
/// Concurrent HTTP loops against one or more endpoints for a fixed time: 4 KiB reads (a Range
/// header) or 4 KiB writes (PUT at an offset, optionally sync), of random pages of random files.
/// Worker <c>w</c> talks to endpoint <c>w % endpoints</c>. A file's path is the prefix and its
/// name: <c>/v1/files/NAME</c> for <c>actorpager serve</c>, anything else for a peer.
/// </summary>
internal sealed class HttpLoad : IDisposable
{
    /// <summary>Bytes per request.</summary>
    public const int PageSize = 4096;

    private readonly HttpClient[] _clients;

    /// <summary>What comes before a file's name in its path.</summary>
    private readonly string _prefix;

    /// <summary>One connection pool per endpoint, <paramref name="connections"/> connections each; files at <paramref name="prefix"/>NAME.</summary>
    public HttpLoad(IReadOnlyList<Uri> endpoints, int connections, string prefix = "/v1/files/")
    {
        _clients = [.. endpoints.Select(e => NewClient(e, connections, TimeSpan.FromSeconds(30)))];
        _prefix = prefix;
    }

    /// <summary>A client of <paramref name="address"/>'s authority with its own connection pool.</summary>
    public static HttpClient NewClient(Uri address, int connections, TimeSpan timeout) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false })
        {
            BaseAddress = new Uri(address.GetLeftPart(UriPartial.Authority)),
            Timeout = timeout,
        };

    /// <summary>
    /// Runs <paramref name="workers"/> loops for <paramref name="duration"/>: each picks a file of
    /// <paramref name="files"/> and a page below <paramref name="pages"/> and reads it (or writes it,
    /// with <c>sync=true</c> when <paramref name="sync"/>). Any failed request fails the run.
    /// </summary>
    public async Task<LoadResult> RunAsync(string name, IReadOnlyList<string> files, int pages, int workers, bool write, bool sync, TimeSpan duration)
    {
        var latencies = new List<long>[workers];
        long done = 0;
        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var loops = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            var mine = latencies[w] = new List<long>(16384);
            var client = _clients[w % _clients.Length];
            var seed = w;
            loops[w] = Task.Run(async () =>
            {
                var random = new Random(seed);
                var body = new byte[PageSize];
                random.NextBytes(body);
                while (Stopwatch.GetTimestamp() < stopAt)
                {
                    var file = files[random.Next(files.Count)];
                    var offset = (long)random.Next(pages) * PageSize;
                    using var request = write
                        ? new HttpRequestMessage(HttpMethod.Put, string.Create(CultureInfo.InvariantCulture, $"{_prefix}{file}?offset={offset}{(sync ? "&sync=true" : string.Empty)}")) { Content = new ByteArrayContent(body) }
                        : new HttpRequestMessage(HttpMethod.Get, _prefix + file) { Headers = { Range = new RangeHeaderValue(offset, offset + PageSize - 1) } };
                    var t0 = Stopwatch.GetTimestamp();
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                    var bytes = await response.Content.ReadAsByteArrayAsync();
                    var t1 = Stopwatch.GetTimestamp();
                    if (!response.IsSuccessStatusCode || (!write && bytes.Length != PageSize))
                    {
                        throw new InvalidOperationException($"{name}: {request.Method} {request.RequestUri} through {client.BaseAddress}: {(int)response.StatusCode} with {bytes.Length} bytes: {System.Text.Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(bytes.Length, 300)))}");
                    }

                    mine.Add(t1 - t0);
                    Interlocked.Increment(ref done);
                }
            });
        }

        var all = Task.WhenAll(loops);
        while (await Task.WhenAny(all, Task.Delay(500)) != all)
        {
            Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r  {name}: {Interlocked.Read(ref done)} requests, {Stopwatch.GetElapsedTime(started).TotalSeconds:F1}s   "));
        }

        await all;
        var elapsed = Stopwatch.GetElapsedTime(started);
        Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r  {name}: {done} requests in {elapsed.TotalSeconds:F1}s, {done / elapsed.TotalSeconds:F0}/s          \n"));
        var result = new LoadResult();
        result.Add([.. latencies.SelectMany(l => l)], elapsed);
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }
}
