namespace ActorPager.Storage;

/// <summary>
/// A store that fences writers by ownership generation, so that a file has one writer at a time
/// across a cluster. Each new owner of a file gets a higher generation (a long, from 1); it calls
/// <see cref="FenceAsync"/> with it before writing, and every change it makes carries it. The
/// store refuses, with <see cref="StoreErrorKind.Fenced"/>, any change whose generation is older
/// than the newest the file has been fenced to, so a stale owner (one that has not yet learnt it
/// lost the file) can no longer change it.
/// </summary>
/// <remarks>
/// <para>
/// Only <see cref="FenceAsync"/> raises a file's fence; a change of a newer generation than the
/// fence is allowed and leaves the fence where it is. A file never fenced is at generation 0, so
/// every generation may change it.
/// </para>
/// <para>
/// The unfenced <see cref="IPageStore.WriteAsync"/>, <see cref="IVectoredPageStore.WriteVectorAsync"/>
/// and <see cref="IPageStore.SetSizeAsync"/> behave as generation <see cref="long.MaxValue"/>:
/// never refused. Reads, sizes and flushes are never fenced. A write of no bytes changes nothing
/// and answers Ok(0) without consulting the fence, as the unfenced one does.
/// </para>
/// <para>
/// How long a fence lasts depends on the store: in the database stores it is a row committed
/// with the data and survives restarts; in the directory store it is kept by the store instance
/// (one process owns a directory); in the memory and simulated stores it is kept by the
/// <see cref="MemoryVolume"/>.
/// </para>
/// </remarks>
public interface IFencedPageStore : IVectoredPageStore
{
    /// <summary>
    /// Raises the fence of <paramref name="file"/> to <paramref name="generation"/> if it is higher.
    /// Fencing at the current generation is Ok and changes nothing (it is idempotent); fencing
    /// below it answers <see cref="StoreErrorKind.Fenced"/> and changes nothing.
    /// </summary>
    /// <remarks>
    /// The guarantee: once this call has answered Ok, no change with a generation below
    /// <paramref name="generation"/> to <paramref name="file"/> can still commit. Changes already
    /// in flight when it was called either committed before it answered or are refused. A fence
    /// is itself durable when it answers in the stores whose fences survive restarts.
    /// </remarks>
    /// <param name="file">The file.</param>
    /// <param name="generation">The new owner's generation, at least 1.</param>
    /// <param name="ct">Cancels the call before it reaches the store.</param>
    /// <returns>Ok with <see cref="StoreResult.Bytes"/> = the generation now in force; Fenced when the file is fenced higher; InvalidName or InvalidArgument (a generation below 1) touching nothing.</returns>
    ValueTask<StoreResult> FenceAsync(string file, long generation, CancellationToken ct = default);

    /// <summary>Answers the generation <paramref name="file"/> is fenced at, 0 when it was never fenced.</summary>
    /// <param name="file">The file.</param>
    /// <param name="ct">Cancels the call before it reaches the store.</param>
    /// <returns>Ok with <see cref="StoreResult.Bytes"/> holding the generation (the field is reused for the number).</returns>
    ValueTask<StoreResult> GetFenceAsync(string file, CancellationToken ct = default);

    /// <summary>
    /// <see cref="IPageStore.WriteAsync"/> by the owner of <paramref name="generation"/>: refused
    /// with <see cref="StoreErrorKind.Fenced"/>, writing nothing, when the file is fenced at a
    /// higher generation. Checked atomically with the write.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="offset">Where the bytes go.</param>
    /// <param name="source">The bytes, unchanged by the caller until the task completes.</param>
    /// <param name="durability">When the write may complete.</param>
    /// <param name="generation">The writer's generation, at least 1.</param>
    /// <param name="ct">Cancels the call before it reaches the store.</param>
    /// <returns>As <see cref="IPageStore.WriteAsync"/>, or Fenced.</returns>
    ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, long generation, CancellationToken ct = default);

    /// <summary>
    /// <see cref="IVectoredPageStore.WriteVectorAsync"/> by the owner of <paramref name="generation"/>:
    /// refused as a whole with <see cref="StoreErrorKind.Fenced"/>, writing nothing, when the file is
    /// fenced at a higher generation.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="offset">Where the first buffer's bytes go.</param>
    /// <param name="sources">The buffers, written in order as consecutive bytes.</param>
    /// <param name="durability">When the write may complete.</param>
    /// <param name="generation">The writer's generation, at least 1.</param>
    /// <param name="ct">Cancels the call before it reaches the store.</param>
    /// <returns>As <see cref="IVectoredPageStore.WriteVectorAsync"/>, or Fenced.</returns>
    ValueTask<StoreResult> WriteVectorAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, long generation, CancellationToken ct = default);

    /// <summary>
    /// <see cref="IPageStore.SetSizeAsync"/> by the owner of <paramref name="generation"/>: refused
    /// with <see cref="StoreErrorKind.Fenced"/>, keeping the size, when the file is fenced at a
    /// higher generation.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="size">The new size.</param>
    /// <param name="generation">The caller's generation, at least 1.</param>
    /// <param name="ct">Cancels the call before it reaches the store.</param>
    /// <returns>As <see cref="IPageStore.SetSizeAsync"/>, or Fenced.</returns>
    ValueTask<StoreResult> SetSizeAsync(string file, long size, long generation, CancellationToken ct = default);
}
