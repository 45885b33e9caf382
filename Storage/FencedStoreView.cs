namespace ActorPager.Storage;

/// <summary>
/// A store as seen by the owner of one ownership generation (made by <see cref="PageStores.Fenced"/>):
/// its writes, vectored writes and size changes carry <see cref="Generation"/>, so the store
/// refuses them with <see cref="StoreErrorKind.Fenced"/> once the file is fenced at a newer
/// generation; reads, sizes and flushes pass through unchanged. The pager can be handed the view
/// as its store and never learns about generations.
/// </summary>
/// <remarks>
/// The view owns nothing: disposing it does nothing, and the store stays open for other views
/// (one per generation this node has owned) and for its creator, who disposes it.
/// </remarks>
public sealed class FencedStoreView : IVectoredPageStore
{
    /// <summary>Creates the view; <see cref="PageStores.Fenced"/> checks the arguments.</summary>
    internal FencedStoreView(IFencedPageStore inner, long generation)
    {
        Inner = inner;
        Generation = generation;
    }

    /// <summary>The store the view writes through.</summary>
    public IFencedPageStore Inner { get; }

    /// <summary>The ownership generation every change through the view carries.</summary>
    public long Generation { get; }

    /// <inheritdoc/>
    public string Kind => Inner.Kind;

    /// <inheritdoc/>
    public ValueTask<StoreResult> ReadAsync(string file, long offset, Memory<byte> destination, ReadOptions options = default, CancellationToken ct = default) =>
        Inner.ReadAsync(file, offset, destination, options, ct);

    /// <inheritdoc/>
    public ValueTask<StoreResult> ReadVectorAsync(string file, long offset, IReadOnlyList<Memory<byte>> destinations, ReadOptions options = default, CancellationToken ct = default) =>
        Inner.ReadVectorAsync(file, offset, destinations, options, ct);

    /// <inheritdoc/>
    /// <remarks>Carries <see cref="Generation"/>: refused with <see cref="StoreErrorKind.Fenced"/> when the file is fenced higher.</remarks>
    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, CancellationToken ct = default) =>
        Inner.WriteAsync(file, offset, source, durability, Generation, ct);

    /// <inheritdoc/>
    /// <remarks>Carries <see cref="Generation"/>: refused with <see cref="StoreErrorKind.Fenced"/> when the file is fenced higher.</remarks>
    public ValueTask<StoreResult> WriteVectorAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, CancellationToken ct = default) =>
        Inner.WriteVectorAsync(file, offset, sources, durability, Generation, ct);

    /// <inheritdoc/>
    public ValueTask<StoreResult> GetSizeAsync(string file, CancellationToken ct = default) =>
        Inner.GetSizeAsync(file, ct);

    /// <inheritdoc/>
    /// <remarks>Carries <see cref="Generation"/>: refused with <see cref="StoreErrorKind.Fenced"/> when the file is fenced higher.</remarks>
    public ValueTask<StoreResult> SetSizeAsync(string file, long size, CancellationToken ct = default) =>
        Inner.SetSizeAsync(file, size, Generation, ct);

    /// <inheritdoc/>
    public ValueTask<StoreResult> FlushAsync(string file, CancellationToken ct = default) =>
        Inner.FlushAsync(file, ct);

    /// <summary>Does nothing: the view owns nothing (see the remarks).</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} store fenced at generation {Generation}";
}
