using System.Collections.Concurrent;
using ActorPager.Actors;
using ActorPager.Client;

namespace ActorPager.Service;

/// <summary>
/// The files the service has open, by path: each is opened (lookup, VOP_CREATEVOBJECT, a
/// reference) on first use and kept open until shutdown, so later requests go straight to the
/// VM object.
/// </summary>
internal sealed class FileTable(PagerSystem pager, string mount) : IFileService
{
    /// <summary>Open (or opening) files; a failed open is removed so the next request retries.</summary>
    private readonly ConcurrentDictionary<string, Lazy<Task<PagerFile>>> _files = new(StringComparer.Ordinal);

    /// <summary>Set once shutdown starts: no more opens.</summary>
    private volatile bool _closed;

    /// <summary>Files open now.</summary>
    public int Count => _files.Count;

    /// <summary>The open file of <paramref name="path"/>, opening it on first use.</summary>
    /// <exception cref="PagerException">The open failed.</exception>
    /// <exception cref="ObjectDisposedException">The service is shutting down.</exception>
    public async ValueTask<PagerFile> OpenAsync(string path)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var entry = _files.GetOrAdd(path, static (p, state) => new Lazy<Task<PagerFile>>(() => state.pager.OpenAsync(state.mount, p)), (pager, mount));
        var task = entry.Value;
        if (task.IsCompletedSuccessfully)
        {
            return task.Result;
        }

        try
        {
            return await task.ConfigureAwait(false);
        }
        catch
        {
            _files.TryRemove(KeyValuePair.Create(path, entry));
            throw;
        }
    }

    /// <summary>
    /// Forgets the open file of <paramref name="path"/> after its VM object failed, so the next
    /// request opens it again (a new object); the old one's reference and use are released.
    /// </summary>
    public void Forget(string path)
    {
        if (_files.TryRemove(path, out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully)
        {
            _ = entry.Value.Result.DisposeAsync();
        }
    }

    /// <summary>
    /// Shutdown: refuses new opens, then syncs every open file (every dirty page through
    /// synchronous putpages and a store flush) and releases it.
    /// </summary>
    /// <returns>Files synced, pages written, and the errors of files whose sync failed.</returns>
    public async Task<(int Files, int Pages, IReadOnlyList<string> Errors)> SyncAndCloseAllAsync()
    {
        _closed = true;
        int files = 0, pages = 0;
        var errors = new List<string>();
        foreach (var (path, entry) in _files)
        {
            PagerFile file;
            try
            {
                file = await entry.Value.ConfigureAwait(false);
            }
            catch (PagerException)
            {
                continue;
            }

            try
            {
                var reply = await file.SyncAsync().ConfigureAwait(false);
                files++;
                pages += reply.PagesWritten;
                if (!reply.Ok)
                {
                    errors.Add($"{path}: {reply.Error}");
                }
            }
            catch (Exception e) when (e is PagerException or TimeoutException)
            {
                errors.Add($"{path}: {e.Message}");
            }

            await file.DisposeAsync().ConfigureAwait(false);
        }

        _files.Clear();
        return (files, pages, errors);
    }

    /// <inheritdoc />
    public async Task<ReadOnlyMemory<byte>> ReadAsync(string path, long offset, LentBuffer buffer, int length)
    {
        var file = await OpenAsync(path).ConfigureAwait(false);
        var read = length == 0 ? 0 : await buffer.LendAsync(file.ReadAsync(offset, buffer.Array.AsMemory(0, length))).ConfigureAwait(false);
        return buffer.Array.AsMemory(0, read);
    }

    /// <inheritdoc />
    public async Task<(int Written, bool Durable)> WriteAsync(string path, long offset, LentBuffer buffer, int length, bool sync)
    {
        var file = await OpenAsync(path).ConfigureAwait(false);
        return await buffer.LendAsync(file.WriteAsync(offset, buffer.Array.AsMemory(0, length), sync)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SyncResult> SyncAsync(string path)
    {
        var file = await OpenAsync(path).ConfigureAwait(false);
        var reply = await file.SyncAsync().ConfigureAwait(false);
        return new SyncResult(reply.Ok, reply.PagesWritten, reply.Error);
    }

    /// <inheritdoc />
    public async Task TruncateAsync(string path, long size)
    {
        var file = await OpenAsync(path).ConfigureAwait(false);
        await file.TruncateAsync(size).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<FileStat> StatAsync(string path)
    {
        var file = await OpenAsync(path).ConfigureAwait(false);
        var s = await file.StatAsync().ConfigureAwait(false);
        return new FileStat(path, s.SizeBytes, s.SizePages, s.Resident, s.Dirty, s.Busy, s.Pip, s.RefCount, s.Active, s.Inactive, s.Laundry);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PageInfo>> PagesAsync(string path, long first, int count)
    {
        var file = await OpenAsync(path).ConfigureAwait(false);
        var pages = await file.PageStatesAsync(first, count).ConfigureAwait(false);
        return [.. pages.Select(p => new PageInfo(p.PIndex, p.Resident, p.Valid, p.Dirty, p.Busy, p.Queue, p.Mapped))];
    }
}
