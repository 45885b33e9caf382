namespace ActorPager.Storage;

/// <summary>
/// A backing store: byte ranges of named files, their sizes, and durability. The pager's vnode
/// actors call a store and turn each completion into a message, so every operation is
/// asynchronous and completes on whatever thread finishes the I/O.
/// </summary>
/// <remarks>
/// Expected outcomes (a hole, a refused name, an I/O error) come back as a
/// <see cref="StoreResult"/>; only misuse (a null argument) and cancellation throw. Names follow
/// the rules of <see cref="FileNames"/> in every store, so a name valid for one store is valid
/// for all. Pages are 4 KiB in the pager, but a store deals in byte ranges.
/// </remarks>
public interface IPageStore : IAsyncDisposable
{
    /// <summary>The kind of store: "directory", "sqlite", "postgres", "memory" or "simulated".</summary>
    string Kind { get; }

    /// <summary>
    /// Reads <paramref name="destination"/>.Length bytes of <paramref name="file"/> starting at
    /// <paramref name="offset"/> (the generic pager's read under VOP_GETPAGES). Bytes past the file
    /// size and bytes of holes read as zeros; <see cref="StoreResult.Bytes"/> is the number of
    /// bytes that lie inside the file size.
    /// </summary>
    /// <remarks>
    /// With <see cref="ReadOptions.ReportHoles"/>, a range whose part inside the file size was
    /// never written answers <see cref="StoreStatus.Hole"/> (and zeros), so the pager can answer
    /// FAIL (choice 6 of spec/pager-protocol.md). A range that is partly written reads as
    /// <see cref="StoreStatus.Ok"/>.
    /// </remarks>
    ValueTask<StoreResult> ReadAsync(string file, long offset, Memory<byte> destination, ReadOptions options = default, CancellationToken ct = default);

    /// <summary>
    /// Writes <paramref name="source"/> into <paramref name="file"/> at <paramref name="offset"/>
    /// (the generic pager's write under VOP_PUTPAGES). A write past the end extends the file; the
    /// gap is a hole. <see cref="WriteDurability.Durable"/> completes only once the data survives
    /// a process kill and a machine crash; <see cref="WriteDurability.Buffered"/> may complete
    /// earlier. The caller keeps <paramref name="source"/> unchanged until the task completes.
    /// </summary>
    ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, CancellationToken ct = default);

    /// <summary>Answers the size of <paramref name="file"/> in <see cref="StoreResult.Bytes"/>; a file never written has size 0.</summary>
    ValueTask<StoreResult> GetSizeAsync(string file, CancellationToken ct = default);

    /// <summary>
    /// Truncates or extends <paramref name="file"/> to <paramref name="size"/> bytes
    /// (vnode_pager_setsize). Later reads past the new size, and of any extension, are zeros.
    /// </summary>
    ValueTask<StoreResult> SetSizeAsync(string file, long size, CancellationToken ct = default);

    /// <summary>Makes everything written to <paramref name="file"/> so far durable (fsync).</summary>
    ValueTask<StoreResult> FlushAsync(string file, CancellationToken ct = default);
}
