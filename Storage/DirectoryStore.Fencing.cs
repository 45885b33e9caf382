using ActorPager.Storage.Internal;

namespace ActorPager.Storage;

/// <summary>
/// Fencing by ownership generation (<see cref="IFencedPageStore"/>), kept in memory by this store
/// instance: a directory is used by one process, the one that opened the store, so every change
/// to its files passes through this instance and an in-memory table sees them all. The fences do
/// not survive the process; a process that reopens the directory starts unfenced. That is
/// acceptable because the owner that fences a directory store is that same single process: there
/// is no other node whose stale writes could reach these files.
/// </summary>
public sealed partial class DirectoryStore
{
    /// <summary>The fences, and the fenced changes in flight.</summary>
    private readonly FenceTable _fences = new();

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, long generation, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        if (generation == long.MaxValue)
        {
            return WriteAsync(file, offset, source, durability, ct);
        }

        StoreError? error = Checks.Range(file, offset, source.Length) ?? Checks.Generation(file, generation);
        if (error is not null)
        {
            return new(StoreResult.Failed(error));
        }

        if (source.IsEmpty)
        {
            return new(_disposed ? StoreResult.Failed(StoreError.Disposed) : StoreResult.Ok(0));
        }

        return WriteFencedAsync(file, offset, [source], source.Length, durability, generation, ct);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteVectorAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, long generation, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ct.ThrowIfCancellationRequested();
        if (generation == long.MaxValue)
        {
            return WriteVectorAsync(file, offset, sources, durability, ct);
        }

        if (sources.Count == 1)
        {
            return WriteAsync(file, offset, sources[0], durability, generation, ct);
        }

        int total = VectorBuffers.TotalLength(sources);
        StoreError? error = Checks.Range(file, offset, total) ?? Checks.Generation(file, generation);
        if (error is not null)
        {
            return new(StoreResult.Failed(error));
        }

        if (total == 0)
        {
            return new(_disposed ? StoreResult.Failed(StoreError.Disposed) : StoreResult.Ok(0));
        }

        return WriteFencedAsync(file, offset, sources, total, durability, generation, ct);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> SetSizeAsync(string file, long size, long generation, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        if (generation == long.MaxValue)
        {
            return SetSizeAsync(file, size, ct);
        }

        StoreError? error = Checks.Size(file, size) ?? Checks.Generation(file, generation);
        return error is not null ? new(StoreResult.Failed(error)) : SetSizeFencedAsync(file, size, generation);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Raises the fence in this instance's table, then waits for the fenced changes of older
    /// generations that were admitted before it (their pwrite, and fsync when durable) to end.
    /// The fence is not written anywhere: it lasts as long as this store instance.
    /// </remarks>
    public ValueTask<StoreResult> FenceAsync(string file, long generation, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : FileNames.Check(file) ?? Checks.Generation(file, generation);
        return error is not null ? new(StoreResult.Failed(error)) : _fences.RaiseAsync(file, generation);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> GetFenceAsync(string file, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : FileNames.Check(file);
        return new(error is not null ? StoreResult.Failed(error) : StoreResult.Ok(_fences.Get(file)));
    }

    /// <summary>A write admitted by the fence table for the whole of its I/O, or refused before any.</summary>
    private async ValueTask<StoreResult> WriteFencedAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, int total, WriteDurability durability, long generation, CancellationToken ct)
    {
        StoreError? refused = _fences.Admit(file, generation, "write");
        if (refused is not null)
        {
            return StoreResult.Failed(refused);
        }

        try
        {
            return durability == WriteDurability.Durable
                ? await Task.Run(() => WriteVectorDurable(file, offset, sources, total), CancellationToken.None).ConfigureAwait(false)
                : await WriteVectorBufferedAsync(file, offset, sources, total, ct).ConfigureAwait(false);
        }
        finally
        {
            _fences.Release(file, generation);
        }
    }

    /// <summary>A size change admitted by the fence table for the whole of its ftruncate, or refused before it.</summary>
    private async ValueTask<StoreResult> SetSizeFencedAsync(string file, long size, long generation)
    {
        StoreError? refused = _fences.Admit(file, generation, "set size");
        if (refused is not null)
        {
            return StoreResult.Failed(refused);
        }

        try
        {
            return await Task.Run(() => SetSize(file, size), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _fences.Release(file, generation);
        }
    }
}
