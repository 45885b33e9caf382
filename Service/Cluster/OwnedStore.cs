using ActorPager.Storage;

namespace ActorPager.Service.Cluster;

/// <summary>
/// The page store as this node's pager sees it: reads pass through; every write of a file carries
/// the generation this node owns it at (<see cref="Ownership"/>), so the store refuses it once a
/// newer owner has fenced the file. A file this node does not own now is not written at all. A
/// write the store fenced tells the file's entity, which gives the file up.
/// </summary>
internal sealed class OwnedStore(IFencedPageStore inner, Ownership owners, string node) : IVectoredPageStore
{
    /// <summary>The store underneath.</summary>
    public IFencedPageStore Inner => inner;

    /// <inheritdoc />
    public string Kind => inner.Kind;

    /// <inheritdoc />
    public ValueTask<StoreResult> ReadAsync(string file, long offset, Memory<byte> destination, ReadOptions options = default, CancellationToken ct = default) =>
        inner.ReadAsync(file, offset, destination, options, ct);

    /// <inheritdoc />
    public ValueTask<StoreResult> ReadVectorAsync(string file, long offset, IReadOnlyList<Memory<byte>> destinations, ReadOptions options = default, CancellationToken ct = default) =>
        inner.ReadVectorAsync(file, offset, destinations, options, ct);

    /// <inheritdoc />
    public ValueTask<StoreResult> GetSizeAsync(string file, CancellationToken ct = default) => inner.GetSizeAsync(file, ct);

    /// <inheritdoc />
    public ValueTask<StoreResult> FlushAsync(string file, CancellationToken ct = default) => inner.FlushAsync(file, ct);

    /// <inheritdoc />
    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, CancellationToken ct = default) =>
        Owned(file, out var owner) is { } refused ? ValueTask.FromResult(refused) : Checked(owner, inner.WriteAsync(file, offset, source, durability, owner.Generation, ct));

    /// <inheritdoc />
    public ValueTask<StoreResult> WriteVectorAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, CancellationToken ct = default) =>
        Owned(file, out var owner) is { } refused ? ValueTask.FromResult(refused) : Checked(owner, inner.WriteVectorAsync(file, offset, sources, durability, owner.Generation, ct));

    /// <inheritdoc />
    public ValueTask<StoreResult> SetSizeAsync(string file, long size, CancellationToken ct = default) =>
        Owned(file, out var owner) is { } refused ? ValueTask.FromResult(refused) : Checked(owner, inner.SetSizeAsync(file, size, owner.Generation, ct));

    /// <inheritdoc />
    /// <remarks>The store is the service's to close, not this view's.</remarks>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private StoreResult? Owned(string file, out Ownership.Owner owner)
    {
        if (owners.TryGet(file, out owner))
        {
            return null;
        }

        return StoreResult.Failed(new StoreError(StoreErrorKind.Fenced, $"{file}: node {node} does not own the file now; nothing was written", IsTransient: false));
    }

    private static async ValueTask<StoreResult> Checked(Ownership.Owner owner, ValueTask<StoreResult> write)
    {
        var result = await write.ConfigureAwait(false);
        if (result.Error is { Kind: StoreErrorKind.Fenced } error)
        {
            owner.Entity.Tell(new FileEntity.StoreFenced(error.Message), Akka.Actor.ActorRefs.NoSender);
        }

        return result;
    }
}
