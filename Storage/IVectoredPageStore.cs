namespace ActorPager.Storage;

/// <summary>
/// A store that reads into and writes from several buffers in one operation (scatter/gather),
/// so a cluster of pages in separate frames moves in one I/O with no copy. Stores without it
/// are served by <see cref="VectoredIo"/>'s fallbacks.
/// </summary>
public interface IVectoredPageStore : IPageStore
{
    /// <summary>Reads consecutive bytes of <paramref name="file"/> from <paramref name="offset"/> into the buffers in order; as <see cref="IPageStore.ReadAsync"/>.</summary>
    ValueTask<StoreResult> ReadVectorAsync(string file, long offset, IReadOnlyList<Memory<byte>> destinations, ReadOptions options = default, CancellationToken ct = default);

    /// <summary>Writes the buffers in order as consecutive bytes of <paramref name="file"/> from <paramref name="offset"/>, in one operation; as <see cref="IPageStore.WriteAsync"/>.</summary>
    ValueTask<StoreResult> WriteVectorAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, CancellationToken ct = default);
}

/// <summary>Scatter/gather I/O on any store: native where the store has it, otherwise by segments (read) or one gathered buffer (write).</summary>
public static class VectoredIo
{
    /// <summary>Reads into several buffers. The fallback reads segment by segment; the result sums their bytes and is a hole only when every segment is.</summary>
    public static async ValueTask<StoreResult> ReadVectorAsync(this IPageStore store, string file, long offset, IReadOnlyList<Memory<byte>> destinations, ReadOptions options = default, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(destinations);
        return store is IVectoredPageStore vectored
            ? await vectored.ReadVectorAsync(file, offset, destinations, options, ct).ConfigureAwait(false)
            : await ReadBySegmentsAsync(store, file, offset, destinations, options, ct).ConfigureAwait(false);
    }

    /// <summary>Writes several buffers as one operation. The fallback gathers them into one buffer, so the write stays one operation (one transaction, one durable write).</summary>
    public static ValueTask<StoreResult> WriteVectorAsync(this IPageStore store, string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sources);
        if (store is IVectoredPageStore vectored)
        {
            return vectored.WriteVectorAsync(file, offset, sources, durability, ct);
        }

        return store.WriteAsync(file, offset, Gather(sources), durability, ct);
    }

    /// <summary>
    /// The read fallback, also the vectored read of stores whose reads are one call per buffer
    /// (so that a deterministic controller sees the same operations as before they were vectored):
    /// segment by segment; the result sums their bytes and is a hole only when every segment is.
    /// </summary>
    internal static async ValueTask<StoreResult> ReadBySegmentsAsync(IPageStore store, string file, long offset, IReadOnlyList<Memory<byte>> destinations, ReadOptions options, CancellationToken ct)
    {
        if (destinations.Count == 1)
        {
            return await store.ReadAsync(file, offset, destinations[0], options, ct).ConfigureAwait(false);
        }

        long bytes = 0;
        var allHoles = true;
        var position = offset;
        foreach (var destination in destinations)
        {
            var result = await store.ReadAsync(file, position, destination, options, ct).ConfigureAwait(false);
            if (result.Status == StoreStatus.Error)
            {
                return StoreResult.Failed(result.Error!, bytes);
            }

            allHoles &= result.Status == StoreStatus.Hole;
            bytes += result.Bytes;
            position += destination.Length;
        }

        return allHoles && options.ReportHoles ? StoreResult.Hole(bytes) : StoreResult.Ok(bytes);
    }

    /// <summary>The buffers as one: the buffer itself when there is one, else a copy of them all in order (so a write stays one operation).</summary>
    internal static ReadOnlyMemory<byte> Gather(IReadOnlyList<ReadOnlyMemory<byte>> sources)
    {
        if (sources.Count == 1)
        {
            return sources[0];
        }

        var total = 0;
        foreach (var s in sources)
        {
            total += s.Length;
        }

        var gathered = new byte[total];
        var at = 0;
        foreach (var s in sources)
        {
            s.Span.CopyTo(gathered.AsSpan(at));
            at += s.Length;
        }

        return gathered;
    }
}
