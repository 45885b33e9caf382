using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ActorPager.Service.Ui;

/// <summary>
/// The live view in the browser: <c>GET /ui</c> serves the page (static files embedded in this
/// assembly from the repository's <c>ui/</c> folder), <c>GET /v1/events</c> the server-sent events
/// it draws (<see cref="LiveFeed"/>). The static files hold no data and need no token (a browser's
/// navigation cannot send one); the events, like every API route, need the bearer token, which the
/// page sends in the Authorization header of a streaming fetch.
/// </summary>
internal static class UiRoutes
{
    /// <summary>The prefix of the page's files.</summary>
    public const string Prefix = "/ui";

    /// <summary>The embedded files by name, with their content types.</summary>
    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType)> Assets = LoadAssets();

    /// <summary>
    /// Only the page's own files, no inline script, nothing from elsewhere; the page reaches its
    /// own server only (connect-src 'self').
    /// </summary>
    private const string ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>The names of the embedded files (index.html, ui.css, ui.js, trace.js).</summary>
    public static IEnumerable<string> AssetNames => Assets.Keys;

    /// <summary>Whether <paramref name="path"/> is one of the page's static files (served without a token).</summary>
    public static bool IsUiPath(PathString path) =>
        path.Equals(Prefix, StringComparison.Ordinal) || path.StartsWithSegments(Prefix, StringComparison.Ordinal);

    /// <summary>Marks a request that is an event stream: the latency histograms leave it out.</summary>
    internal static readonly object StreamItem = new();

    /// <summary>Maps <c>/ui</c>, <c>/ui/{file}</c> and <c>/v1/events</c>.</summary>
    public static void Map(WebApplication app, PageServer server, LiveFeed feed)
    {
        app.Map(Prefix, context => ServeAsync(context, "index.html"));
        app.Map(Prefix + "/{**name}", context => ServeAsync(context, context.Request.RouteValues["name"] as string is { Length: > 0 } name ? name : "index.html"));
        app.Map("/v1/events", context => EventsAsync(context, server, feed));
    }

    private static async Task ServeAsync(HttpContext context, string name)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.Headers.Allow = "GET, HEAD";
            await Problems.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, $"{context.Request.Method} is not allowed on {context.Request.Path}; use GET").ConfigureAwait(false);
            return;
        }

        if (!Assets.TryGetValue(name, out var asset))
        {
            await Problems.WriteAsync(context, StatusCodes.Status404NotFound, $"the live view has no file \"{name}\"; it has {string.Join(", ", Assets.Keys.Order(StringComparer.Ordinal))}").ConfigureAwait(false);
            return;
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache";
        context.Response.ContentType = asset.ContentType;
        context.Response.ContentLength = asset.Bytes.Length;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(asset.Bytes, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>GET /v1/events[?file=PATH]</c>: a text/event-stream of <c>snapshot</c>, <c>cluster</c> and
    /// (for <c>file</c>) <c>pages</c> events, until the client goes or the server stops.
    /// </summary>
    private static async Task EventsAsync(HttpContext context, PageServer server, LiveFeed feed)
    {
        // A stream lasts as long as its page stays open: that is no request latency.
        context.Items[StreamItem] = true;
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.Headers.Allow = "GET";
            await Problems.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, $"{context.Request.Method} is not allowed on {context.Request.Path}; use GET").ConfigureAwait(false);
            return;
        }

        string? file = null;
        var query = context.Request.Query;
        foreach (var key in query.Keys)
        {
            if (key != "file")
            {
                await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, $"/v1/events takes one parameter, file=PATH (the file whose page map to send), not \"{key}\"").ConfigureAwait(false);
                return;
            }
        }

        if (query.TryGetValue("file", out var fileText))
        {
            if (fileText.Count != 1)
            {
                await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "file: give one file").ConfigureAwait(false);
                return;
            }

            if (RequestParsing.CheckPath(fileText.ToString(), out var path) is { } bad)
            {
                await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, $"file: {bad}").ConfigureAwait(false);
                return;
            }

            file = path;
        }

        if (feed.Subscribe(file) is not { } subscriber)
        {
            await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "the server is stopping").ConfigureAwait(false);
            return;
        }

        try
        {
            var response = context.Response;
            response.ContentType = "text/event-stream; charset=utf-8";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";

            // A first comment line, so the client knows at once that the stream is open.
            await response.WriteAsync($": actorpager events, every {server.Settings.EventsInterval.TotalMilliseconds:0} ms\n\n", context.RequestAborted).ConfigureAwait(false);
            await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            await foreach (var frame in subscriber.Frames.ReadAllAsync(context.RequestAborted).ConfigureAwait(false))
            {
                await response.WriteAsync(frame, context.RequestAborted).ConfigureAwait(false);
                await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The page went away.
        }
        finally
        {
            feed.Unsubscribe(subscriber);
        }
    }

    private static FrozenDictionary<string, (byte[] Bytes, string ContentType)> LoadAssets()
    {
        const string ResourcePrefix = "ui/";
        var assembly = typeof(UiRoutes).Assembly;
        var assets = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[ResourcePrefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                _ => "application/octet-stream",
            };
            assets[name] = (copy.ToArray(), type);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
