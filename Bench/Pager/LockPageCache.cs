using System.Collections.Concurrent;
using ActorPager.Storage;

namespace ActorPager.Bench.Pager;

/// <summary>
/// The peer of the pager benchmarks: a plain lock-based page cache. Pages live in a
/// <see cref="ConcurrentDictionary{TKey, TValue}"/> keyed by page index; each page has its own
/// lock, held while its bytes are copied; a miss reads that one page from the same store, with
/// the same page size, and concurrent misses on one page share one read. No eviction, no
/// dirty tracking, no clustering: the least a cache can do.
/// </summary>
internal sealed class LockPageCache(IPageStore store, string file, long size, int pageSize = 4096)
{
    private readonly ConcurrentDictionary<long, Page> _pages = new();

    /// <summary>Pages resident now.</summary>
    public int Resident => _pages.Count;

    /// <summary>Drops every page (the next reads are cold).</summary>
    public void Clear() => _pages.Clear();

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes at <paramref name="offset"/>, page by page.</summary>
    public async ValueTask<int> ReadAsync(long offset, Memory<byte> destination)
    {
        var end = Math.Min(offset + destination.Length, size);
        var done = 0;
        while (offset + done < end)
        {
            var position = offset + done;
            var pindex = position / pageSize;
            var within = (int)(position % pageSize);
            var count = (int)Math.Min(pageSize - within, end - position);
            if (!_pages.TryGetValue(pindex, out var page) || !page.Loaded.IsCompletedSuccessfully)
            {
                page = await LoadAsync(pindex).ConfigureAwait(false);
            }

            lock (page.Lock)
            {
                page.Data.AsSpan(within, count).CopyTo(destination.Span[done..]);
            }

            done += count;
        }

        return done;
    }

    private async ValueTask<Page> LoadAsync(long pindex)
    {
        var fresh = new Page(pageSize);
        var page = _pages.GetOrAdd(pindex, fresh);
        if (ReferenceEquals(page, fresh))
        {
            var result = await store.ReadAsync(file, pindex * pageSize, page.Data).ConfigureAwait(false);
            if (result.Status == StoreStatus.Error)
            {
                _pages.TryRemove(pindex, out _);
                page.Done.SetException(new IOException(result.ToString()));
                throw new IOException(result.ToString());
            }

            page.Done.SetResult();
        }

        await page.Loaded.ConfigureAwait(false);
        return page;
    }

    /// <summary>One cached page: its bytes, its lock, and the read that fills it.</summary>
    private sealed class Page(int size)
    {
        public readonly byte[] Data = new byte[size];
        public readonly Lock Lock = new();
        public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Loaded => Done.Task;
    }
}
