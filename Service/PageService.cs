using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ActorPager.Actors;
using ActorPager.Client;
using ActorPager.Messages;
using ActorPager.Storage;
using Akka.Actor;
using Microsoft.AspNetCore.Http;

namespace ActorPager.Service;

/// <summary>
/// The page service: the pager node behind the HTTP API, and the API's request handlers. One
/// mount (<see cref="HttpSettings.Mount"/>) holds the configured store; files are opened on
/// first use and kept in <see cref="Files"/>.
/// </summary>
internal sealed partial class PageService
{
    /// <summary>How long the operator views (/v1/objects, /metrics) wait for each actor.</summary>
    private static readonly TimeSpan ViewTimeout = TimeSpan.FromSeconds(5);

    /// <summary>SHA-256 of the token, compared in constant time; null when no token is set.</summary>
    private readonly byte[]? _tokenHash;

    /// <summary>The shutdown sync, started by the first call of <see cref="SyncAllAsync"/>; every caller awaits the same one.</summary>
    private readonly Lazy<Task<SyncSummary>> _sync;

    public PageService(PagerSystem pager, IPageStore store, HttpSettings settings, IFileService? files = null)
    {
        Pager = pager;
        Store = store;
        Settings = settings;
        Files = files ?? new FileTable(pager, settings.Mount);
        _sync = new Lazy<Task<SyncSummary>>(SyncOnceAsync);
        _tokenHash = settings.Token.Length > 0 ? SHA256.HashData(Encoding.UTF8.GetBytes(settings.Token)) : null;
    }

    /// <summary>The pager node.</summary>
    public PagerSystem Pager { get; }

    /// <summary>The store behind the mount.</summary>
    public IPageStore Store { get; }

    /// <summary>The HTTP settings.</summary>
    public HttpSettings Settings { get; }

    /// <summary>The open files.</summary>
    public IFileService Files { get; }

    /// <summary>Latency histograms per route.</summary>
    public RequestHistograms Histograms { get; } = new();

    /// <summary>This node's name in answers (its cluster address, or "local").</summary>
    public string NodeName { get; init; } = "local";

    /// <summary>The Retry-After of a 503 that a hand-off or failover caused, in seconds.</summary>
    public string RetryAfterSeconds { get; init; } = "1";

    /// <summary>Written to by <see cref="SyncAllAsync"/> when a file's sync fails (stdout for the program).</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;

    /// <summary>Where the read and write handlers rent the buffers they lend to VM objects (tests give their own, to see which buffer goes where).</summary>
    public ArrayPool<byte> Buffers { get; init; } = ArrayPool<byte>.Shared;

    /// <summary>Whether <paramref name="authorization"/> carries the configured token; always true without one.</summary>
    public bool Authorized(string? authorization)
    {
        if (_tokenHash is null)
        {
            return true;
        }

        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hash first so the comparison takes the same time whatever the presented token's length.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _tokenHash);
    }

    /// <summary>
    /// The first half of a graceful shutdown, after the server has stopped taking requests and
    /// finished those in flight, and before the actors stop: refuses new opens, then syncs every
    /// open file (every dirty page through synchronous putpages, then a store flush) and releases
    /// it. Runs once; every later call returns the same task, so the host's stop and Akka's
    /// CoordinatedShutdown can both ask for it, whichever comes first.
    /// </summary>
    public Task<SyncSummary> SyncAllAsync() => _sync.Value;

    private async Task<SyncSummary> SyncOnceAsync()
    {
        var (files, pages, errors) = await Files.SyncAndCloseAllAsync().ConfigureAwait(false);
        foreach (var error in errors)
        {
            await Log.WriteLineAsync($"actorpager: sync failed: {error}").ConfigureAwait(false);
        }

        return new SyncSummary(files, pages, errors.Count);
    }

    // ---- /v1/files/{**rest} ----

    /// <summary>Every method on <c>/v1/files/{**rest}</c>: the reserved last segment picks the operation.</summary>
    public async Task HandleFileAsync(HttpContext context)
    {
        var rest = context.Request.RouteValues["rest"] as string;
        var (pathPart, route) = RequestParsing.SplitFileRoute(rest ?? string.Empty, context.Request.Method);
        context.Items[RouteItem] = route;
        if (route == RouteKind.Other)
        {
            context.Response.Headers.Allow = "GET, PUT, POST";
            await Problems.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, HttpMethods.IsPost(context.Request.Method)
                ? "POST on a file needs an operation: /v1/files/{path}/sync or /v1/files/{path}/truncate?size=N"
                : $"{context.Request.Method} is not allowed on /v1/files: GET reads (or .../stat, .../pages), PUT writes, POST .../sync or .../truncate").ConfigureAwait(false);
            return;
        }

        if (RequestParsing.CheckPath(pathPart, out var path) is { } bad)
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, bad).ConfigureAwait(false);
            return;
        }

        try
        {
            await (route switch
            {
                RouteKind.Read => ReadAsync(context, path),
                RouteKind.Write => WriteAsync(context, path),
                RouteKind.Sync => SyncAsync(context, path),
                RouteKind.Truncate => TruncateAsync(context, path),
                RouteKind.Stat => StatAsync(context, path),
                _ => PagesAsync(context, path),
            }).ConfigureAwait(false);
        }
        catch (PagerException e) when (e.FailedObjectFile is not null)
        {
            // The file's VM object failed under this request and its dirty pages are lost: a
            // server error that names the file. The next request opens the file again.
            Files.Forget(path);
            await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, $"{path}: {e.Message}").ConfigureAwait(false);
        }
        catch (PagerException e)
        {
            await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, e.Message).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or TimeoutException)
        {
            await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"the pager did not answer in time: {e.Message}").ConfigureAwait(false);
        }
        catch (Cluster.FileUnavailableException e)
        {
            // A hand-off or a failover outlasted the request: the client tries again (docs/cluster.md).
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
            await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, e.Message).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "the service is shutting down").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// 413 for a body the handler will not read to its end. The rest of it is still on the
    /// connection, so the server closes it after the response, and says so: a client that pooled
    /// the connection would otherwise send its next request into a socket being closed.
    /// </summary>
    private static Task TooLargeAsync(HttpContext context, string detail)
    {
        context.Response.Headers.Connection = "close";
        return Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, detail);
    }

    private async Task ReadAsync(HttpContext context, string path)
    {
        var query = context.Request.Query;
        var range = context.Request.Headers.Range.ToString();
        long offset;
        long? length = null;
        long? suffix = null;
        if (range.Length > 0)
        {
            if (query.ContainsKey("offset") || query.ContainsKey("length"))
            {
                await Problems.WriteAsync(context, 400, "give either a Range header or offset/length in the query, not both").ConfigureAwait(false);
                return;
            }

            if (RequestParsing.Range(range, out var start, out length) is { } badRange)
            {
                await Problems.WriteAsync(context, 400, badRange).ConfigureAwait(false);
                return;
            }

            offset = start ?? 0;
            if (start is null)
            {
                (suffix, length) = (length, null);
            }
        }
        else
        {
            var badOffset = RequestParsing.Number(query, "offset", 0, out offset);
            var badLength = RequestParsing.Number(query, "length", -1, out var n);
            if ((badOffset ?? badLength) is { } bad)
            {
                await Problems.WriteAsync(context, 400, bad).ConfigureAwait(false);
                return;
            }

            length = query.ContainsKey("length") ? n : null;
        }

        if (length > Settings.MaxReadLength)
        {
            await Problems.WriteAsync(context, 400, $"length {length} is more than one read may return ({Settings.MaxReadLength} bytes, actorpager.http.max-read-length)").ConfigureAwait(false);
            return;
        }

        long? size = null;
        if (length is null)
        {
            // To EOF (or the last `suffix` bytes): the size decides the length.
            size = (await Files.StatAsync(path).ConfigureAwait(false)).Size;
            if (suffix is { } s)
            {
                offset = Math.Max(0, size.Value - s);
            }

            length = Math.Max(0, size.Value - offset);
            if (length > Settings.MaxReadLength)
            {
                await Problems.WriteAsync(context, 400, $"the file has {length} bytes from offset {offset}, more than one read may return ({Settings.MaxReadLength} bytes); give a length or a Range").ConfigureAwait(false);
                return;
            }
        }

        // Lent to the VM object, which copies the pages into it: back to the pool only once it answered (LentBuffer).
        using var buffer = new LentBuffer(Buffers, (int)Math.Max(1, length.Value));
        var bytes = length == 0 ? ReadOnlyMemory<byte>.Empty : await Files.ReadAsync(path, offset, buffer, (int)length.Value).ConfigureAwait(false);
        var read = bytes.Length;
        var response = context.Response;
        response.ContentType = "application/octet-stream";
        if (range.Length > 0)
        {
            if (read == 0)
            {
                size ??= (await Files.StatAsync(path).ConfigureAwait(false)).Size;
                response.Headers.ContentRange = $"bytes */{size}";
                await Problems.WriteAsync(context, StatusCodes.Status416RangeNotSatisfiable, $"the range starts at {offset}, at or past the end of the file ({size} bytes)").ConfigureAwait(false);
                return;
            }

            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {offset}-{offset + read - 1}/{(size is { } known ? known.ToString(CultureInfo.InvariantCulture) : "*")}");
        }

        response.Headers.AcceptRanges = "bytes";
        response.ContentLength = read;
        await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task WriteAsync(HttpContext context, string path)
    {
        var query = context.Request.Query;
        var badOffset = RequestParsing.Number(query, "offset", null, out var offset);
        var badSync = RequestParsing.Flag(query, "sync", out var sync);
        if ((badOffset ?? badSync) is { } bad)
        {
            await Problems.WriteAsync(context, 400, bad).ConfigureAwait(false);
            return;
        }

        var declared = context.Request.ContentLength;
        if (declared > Settings.MaxBodySize)
        {
            await TooLargeAsync(context, $"the body has {declared} bytes; a write takes at most {Settings.MaxBodySize} (actorpager.http.max-body-size)").ConfigureAwait(false);
            return;
        }

        var capacity = (int)(declared ?? Math.Min(Settings.MaxBodySize + 1, 64 * 1024));
        // Lent to the VM object, which copies from it: back to the pool only once it answered (LentBuffer).
        using var buffer = new LentBuffer(Buffers, Math.Max(1, capacity));
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Array.Length)
                {
                    if (length > Settings.MaxBodySize)
                    {
                        await TooLargeAsync(context, $"the body is longer than a write takes ({Settings.MaxBodySize} bytes, actorpager.http.max-body-size)").ConfigureAwait(false);
                        return;
                    }

                    buffer.Grow(length, (int)Math.Min(Settings.MaxBodySize + 1, (long)buffer.Array.Length * 2));
                }

                var n = await context.Request.Body.ReadAsync(buffer.Array.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                length += n;
            }

            if (length > Settings.MaxBodySize)
            {
                await TooLargeAsync(context, $"the body is longer than a write takes ({Settings.MaxBodySize} bytes, actorpager.http.max-body-size)").ConfigureAwait(false);
                return;
            }

            if (length == 0)
            {
                await Problems.WriteAsync(context, 400, "the body is empty: send the bytes to write").ConfigureAwait(false);
                return;
            }

            if (offset > Settings.MaxFileSize - length)
            {
                await Problems.WriteAsync(context, 400, $"a write of {length} bytes at offset {offset} would end past the largest file size ({Settings.MaxFileSize} bytes, actorpager.http.max-file-size)").ConfigureAwait(false);
                return;
            }

            var (written, durable) = await Files.WriteAsync(path, offset, buffer, length, sync).ConfigureAwait(false);
            await context.Response.WriteAsJsonAsync(new WriteResult(written, durable), ApiJson.Options, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own body limit, or a malformed chunked body.
            await Problems.WriteAsync(context, e.StatusCode, $"the body could not be read: {e.Message}").ConfigureAwait(false);
        }
    }

    private async Task SyncAsync(HttpContext context, string path)
    {
        var reply = await Files.SyncAsync(path).ConfigureAwait(false);
        if (!reply.Ok)
        {
            await Problems.WriteAsync(context, 500, $"sync of {path} failed after {reply.PagesWritten} pages: {reply.Error}").ConfigureAwait(false);
            return;
        }

        await context.Response.WriteAsJsonAsync(reply, ApiJson.Options).ConfigureAwait(false);
    }

    private async Task TruncateAsync(HttpContext context, string path)
    {
        if (RequestParsing.Number(context.Request.Query, "size", null, out var size) is { } bad)
        {
            await Problems.WriteAsync(context, 400, bad).ConfigureAwait(false);
            return;
        }

        if (size > Settings.MaxFileSize)
        {
            await Problems.WriteAsync(context, 400, $"size {size} is past the largest file size ({Settings.MaxFileSize} bytes, actorpager.http.max-file-size)").ConfigureAwait(false);
            return;
        }

        await Files.TruncateAsync(path, size).ConfigureAwait(false);
        await context.Response.WriteAsJsonAsync(new TruncateResult(size), ApiJson.Options).ConfigureAwait(false);
    }

    private async Task StatAsync(HttpContext context, string path)
    {
        var stat = await Files.StatAsync(path).ConfigureAwait(false);
        await context.Response.WriteAsJsonAsync(stat, ApiJson.Options).ConfigureAwait(false);
    }

    private async Task PagesAsync(HttpContext context, string path)
    {
        var query = context.Request.Query;
        var badFirst = RequestParsing.Number(query, "first", 0, out var first);
        var badCount = RequestParsing.Number(query, "count", 64, out var count);
        if ((badFirst ?? badCount) is { } bad)
        {
            await Problems.WriteAsync(context, 400, bad).ConfigureAwait(false);
            return;
        }

        if (count > Settings.MaxPageStates)
        {
            await Problems.WriteAsync(context, 400, $"count {count} is more than one request may ask for ({Settings.MaxPageStates} pages)").ConfigureAwait(false);
            return;
        }

        var pages = await Files.PagesAsync(path, first, (int)count).ConfigureAwait(false);
        await context.Response.WriteAsJsonAsync(pages, ApiJson.Options).ConfigureAwait(false);
    }

    // ---- operator views ----

    /// <summary>The page of <c>GET /v1/objects</c> when the request names no limit.</summary>
    public const int ObjectsPageDefault = 1000;

    /// <summary>The largest page of <c>GET /v1/objects</c>.</summary>
    public const int ObjectsPageMax = 10_000;

    /// <summary>
    /// One page of the VM objects of every mount, in (mount, path) order: the vnodes after
    /// <paramref name="after"/> (a cursor from an earlier page, or null for the first), at most
    /// <paramref name="limit"/>. Each mount is asked once for its vnodes; only the page's vnodes and
    /// objects are asked for their state, so a page costs the same however many files are open.
    /// </summary>
    /// <returns>The page, and the cursor of the next one (null after the last).</returns>
    /// <exception cref="FormatException"><paramref name="after"/> is not a cursor this server made.</exception>
    public async Task<(List<ObjectInfo> Page, string? Next)> ObjectsPageAsync(string? after, int limit)
    {
        var start = after is null ? default : ObjectsCursor.Decode(after);
        var entries = new List<(string Mount, MountProtocol.VnodeEntry Vnode)>();
        foreach (var (name, mount) in Pager.Mounts)
        {
            if (await mount.Ask<object>(MountProtocol.ListVnodes.Instance, ViewTimeout).ConfigureAwait(false) is MountProtocol.VnodeList list)
            {
                foreach (var vnode in list.Vnodes)
                {
                    if (after is null || ObjectsCursor.Compare((name, vnode.Path), start) > 0)
                    {
                        entries.Add((name, vnode));
                    }
                }
            }
        }

        entries.Sort((a, b) => ObjectsCursor.Compare((a.Mount, a.Vnode.Path), (b.Mount, b.Vnode.Path)));
        var count = Math.Min(limit, entries.Count);
        var result = new List<ObjectInfo>(count);
        for (var i = 0; i < count; i++)
        {
            var (name, vnode) = entries[i];
            var reply = await vnode.Vnode.Ask<object>(new VnodeProtocol.GetVObject(), ViewTimeout).ConfigureAwait(false);
            if (reply is not VnodeProtocol.VObjectReply { Object: { } vmObject })
            {
                result.Add(new ObjectInfo(name, vnode.Path, vnode.Vnode.Path.ToString(), null, vnode.Uses, 0, 0, 0, 0, 0, 0, null, NodeName));
                continue;
            }

            if (await vmObject.Ask<object>(VmObjectProtocol.GetStat.Instance, ViewTimeout).ConfigureAwait(false) is VmObjectProtocol.ObjectStat s)
            {
                result.Add(new ObjectInfo(name, vnode.Path, vnode.Vnode.Path.ToString(), vmObject.Path.ToString(), vnode.Uses, s.SizeBytes, s.Resident, s.Dirty, s.Busy, s.Pip, s.RefCount, Mailboxes.Depth(vmObject), NodeName));
            }
        }

        var next = entries.Count > count ? ObjectsCursor.Encode(entries[count - 1].Mount, entries[count - 1].Vnode.Path) : null;
        return (result, next);
    }

    /// <summary>The key under which a handler records its <see cref="RouteKind"/> in <see cref="HttpContext.Items"/>.</summary>
    public static readonly object RouteItem = new();
}

/// <summary>
/// The cursor of <c>GET /v1/objects</c>: the (mount, path) of the last vnode of a page, as
/// base64url of "mount NUL path". Opaque to clients; they pass back what the Link header gave.
/// </summary>
internal static class ObjectsCursor
{
    /// <summary>The cursor after (<paramref name="mount"/>, <paramref name="path"/>).</summary>
    public static string Encode(string mount, string path) =>
        Microsoft.AspNetCore.WebUtilities.Base64UrlTextEncoder.Encode(System.Text.Encoding.UTF8.GetBytes(mount + "\0" + path));

    /// <summary>The (mount, path) a cursor names.</summary>
    /// <exception cref="FormatException">Not a cursor of this server.</exception>
    public static (string Mount, string Path) Decode(string cursor)
    {
        string text;
        try
        {
            text = System.Text.Encoding.UTF8.GetString(Microsoft.AspNetCore.WebUtilities.Base64UrlTextEncoder.Decode(cursor));
        }
        catch (FormatException)
        {
            throw new FormatException($"after: \"{cursor}\" is not a cursor from a Link header of /v1/objects");
        }

        var nul = text.IndexOf('\0', StringComparison.Ordinal);
        return nul < 0
            ? throw new FormatException($"after: \"{cursor}\" is not a cursor from a Link header of /v1/objects")
            : (text[..nul], text[(nul + 1)..]);
    }

    /// <summary>Orders vnodes by mount, then path (ordinal).</summary>
    public static int Compare((string Mount, string Path) a, (string Mount, string Path) b)
    {
        var byMount = string.CompareOrdinal(a.Mount, b.Mount);
        return byMount != 0 ? byMount : string.CompareOrdinal(a.Path, b.Path);
    }
}
