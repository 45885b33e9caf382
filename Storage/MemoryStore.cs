using ActorPager.Storage.Internal;

namespace ActorPager.Storage;

/// <summary>
/// A store in memory (kind "memory"): every operation completes at once, on the caller's thread.
/// Nothing survives the process; a store opened on the same <see cref="MemoryVolume"/> sees what
/// earlier stores on it wrote, and the fences they raised. Thread-safe.
/// </summary>
/// <remarks>
/// Vectored reads go buffer by buffer and vectored writes are gathered into one write, as
/// <see cref="VectoredIo"/>'s fallbacks did before the store was vectored. A fenced change is
/// checked under the volume's lock together with the change itself.
/// </remarks>
public sealed class MemoryStore : IFencedPageStore
{
    /// <summary>Set once the store is disposed; operations then answer <see cref="StoreError.Disposed"/>.</summary>
    private volatile bool _disposed;

    /// <summary>Creates a store on a new, empty volume.</summary>
    public MemoryStore()
        : this(new MemoryVolume())
    {
    }

    /// <summary>Creates a store on an existing volume.</summary>
    /// <param name="volume">The volume that holds the files.</param>
    public MemoryStore(MemoryVolume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        Volume = volume;
    }

    /// <summary>The volume that holds the files.</summary>
    public MemoryVolume Volume { get; }

    /// <inheritdoc/>
    public string Kind => "memory";

    /// <inheritdoc/>
    public ValueTask<StoreResult> ReadAsync(string file, long offset, Memory<byte> destination, ReadOptions options = default, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : Checks.Range(file, offset, destination.Length);
        return new(error is not null ? StoreResult.Failed(error) : Volume.Read(file, offset, destination.Span, options.ReportHoles));
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, CancellationToken ct = default) =>
        WriteAsync(file, offset, source, durability, long.MaxValue, ct);

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, long generation, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : Checks.Range(file, offset, source.Length) ?? Checks.Generation(file, generation);
        return new(error is not null ? StoreResult.Failed(error) : Volume.Write(file, offset, source.Span, generation));
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> ReadVectorAsync(string file, long offset, IReadOnlyList<Memory<byte>> destinations, ReadOptions options = default, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        return VectoredIo.ReadBySegmentsAsync(this, file, offset, destinations, options, ct);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteVectorAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, CancellationToken ct = default) =>
        WriteVectorAsync(file, offset, sources, durability, long.MaxValue, ct);

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteVectorAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, long generation, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return WriteAsync(file, offset, VectoredIo.Gather(sources), durability, generation, ct);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> GetSizeAsync(string file, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : FileNames.Check(file);
        return new(error is not null ? StoreResult.Failed(error) : StoreResult.Ok(Volume.GetSize(file)));
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> SetSizeAsync(string file, long size, CancellationToken ct = default) =>
        SetSizeAsync(file, size, long.MaxValue, ct);

    /// <inheritdoc/>
    public ValueTask<StoreResult> SetSizeAsync(string file, long size, long generation, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : Checks.Size(file, size) ?? Checks.Generation(file, generation);
        return new(error is not null ? StoreResult.Failed(error) : Volume.SetSize(file, size, generation));
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> FenceAsync(string file, long generation, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : FileNames.Check(file) ?? Checks.Generation(file, generation);
        return new(error is not null ? StoreResult.Failed(error) : Volume.Fence(file, generation));
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> GetFenceAsync(string file, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : FileNames.Check(file);
        return new(error is not null ? StoreResult.Failed(error) : StoreResult.Ok(Volume.GetFence(file)));
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> FlushAsync(string file, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : FileNames.Check(file);
        return new(error is not null ? StoreResult.Failed(error) : StoreResult.Ok());
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }
}
