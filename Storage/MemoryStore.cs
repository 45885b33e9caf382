using ActorPager.Storage.Internal;

namespace ActorPager.Storage;

/// <summary>
/// A store in memory (kind "memory"): every operation completes at once, on the caller's thread.
/// Nothing survives the process; a store opened on the same <see cref="MemoryVolume"/> sees what
/// earlier stores on it wrote. Thread-safe.
/// </summary>
public sealed class MemoryStore : IPageStore
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
    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : Checks.Range(file, offset, source.Length);
        return new(error is not null ? StoreResult.Failed(error) : Volume.Write(file, offset, source.Span));
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> GetSizeAsync(string file, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : FileNames.Check(file);
        return new(error is not null ? StoreResult.Failed(error) : StoreResult.Ok(Volume.GetSize(file)));
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> SetSizeAsync(string file, long size, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : Checks.Size(file, size);
        if (error is not null)
        {
            return new(StoreResult.Failed(error));
        }

        Volume.SetSize(file, size);
        return new(StoreResult.Ok());
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
