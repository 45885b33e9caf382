using ActorPager.Client;

namespace ActorPager.Service;

/// <summary>
/// How the HTTP handlers reach a file: <see cref="FileTable"/> calls the local pager directly
/// (the handlers' tests on the deterministic dispatcher), <see cref="Cluster.EntityFiles"/> asks
/// the file's entity, on this node or, in a cluster, on the node that owns it.
/// </summary>
internal interface IFileService
{
    /// <summary>Files this node holds open (owns) now.</summary>
    int Count { get; }

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="offset"/> (fewer at EOF): into <paramref name="buffer"/>, or in memory of the answer's own when the bytes came in a message.</summary>
    /// <returns>The bytes read.</returns>
    Task<ReadOnlyMemory<byte>> ReadAsync(string path, long offset, LentBuffer buffer, int length);

    /// <summary>Writes the first <paramref name="length"/> bytes of <paramref name="buffer"/> at <paramref name="offset"/>.</summary>
    Task<(int Written, bool Durable)> WriteAsync(string path, long offset, LentBuffer buffer, int length, bool sync);

    /// <summary>Writes back every dirty page of the file and flushes the store.</summary>
    Task<SyncResult> SyncAsync(string path);

    /// <summary>Sets the file's size.</summary>
    Task TruncateAsync(string path, long size);

    /// <summary>The file's size, page counts and owner.</summary>
    Task<FileStat> StatAsync(string path);

    /// <summary>The states of <paramref name="count"/> pages from <paramref name="first"/>.</summary>
    Task<IReadOnlyList<PageInfo>> PagesAsync(string path, long first, int count);

    /// <summary>The file's VM object failed: the next request opens the file afresh.</summary>
    void Forget(string path);

    /// <summary>At shutdown: syncs every open file and takes no more requests (they get <see cref="ObjectDisposedException"/>).</summary>
    Task<(int Files, int Pages, IReadOnlyList<string> Errors)> SyncAndCloseAllAsync();
}
