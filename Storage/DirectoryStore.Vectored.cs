using ActorPager.Storage.Internal;

namespace ActorPager.Storage;

/// <summary>Scatter/gather: a cluster of frames in one preadv or pwritev (<see cref="IVectoredPageStore"/>).</summary>
public sealed partial class DirectoryStore
{
    /// <inheritdoc/>
    public ValueTask<StoreResult> ReadVectorAsync(string file, long offset, IReadOnlyList<Memory<byte>> destinations, ReadOptions options = default, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        ct.ThrowIfCancellationRequested();
        if (destinations.Count == 1)
        {
            return ReadAsync(file, offset, destinations[0], options, ct);
        }

        StoreError? error = Checks.Range(file, offset, VectorBuffers.TotalLength(destinations));
        return error is not null ? new(StoreResult.Failed(error)) : ReadVectorCoreAsync(file, offset, destinations, options.ReportHoles, ct);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteVectorAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ct.ThrowIfCancellationRequested();
        if (sources.Count == 1)
        {
            return WriteAsync(file, offset, sources[0], durability, ct);
        }

        int total = VectorBuffers.TotalLength(sources);
        StoreError? error = Checks.Range(file, offset, total);
        if (error is not null)
        {
            return new(StoreResult.Failed(error));
        }

        if (total == 0)
        {
            return new(_disposed ? StoreResult.Failed(StoreError.Disposed) : StoreResult.Ok(0));
        }

        return durability == WriteDurability.Durable
            ? new(Task.Run(() => WriteVectorDurable(file, offset, sources, total), CancellationToken.None))
            : WriteVectorBufferedAsync(file, offset, sources, total, ct);
    }

    /// <summary>One preadv for the part of the range inside the file; the rest of every buffer is zeroed.</summary>
    private async ValueTask<StoreResult> ReadVectorCoreAsync(string file, long offset, IReadOnlyList<Memory<byte>> destinations, bool reportHoles, CancellationToken ct)
    {
        OpenFile? open = null;
        try
        {
            StoreError? error = Acquire(file, create: false, out open);
            if (error is not null)
            {
                return StoreResult.Failed(error);
            }

            if (open is null)
            {
                foreach (Memory<byte> destination in destinations)
                {
                    destination.Span.Clear();
                }

                return StoreResult.Ok(0);
            }

            long size = RandomAccess.GetLength(open.Handle);
            long inside = Checks.Inside(offset, VectorBuffers.TotalLength(destinations), size);
            long done = 0;
            if (inside > 0)
            {
                done = await RandomAccess.ReadAsync(open.Handle, VectorBuffers.Trim(destinations, inside), offset, ct).ConfigureAwait(false);

                // A regular file reads short only at EOF (truncated meanwhile) or on a signal;
                // finish buffer by buffer, and what stays unread reads as zeros.
                while (done < inside)
                {
                    (int index, int within) = VectorBuffers.Locate(destinations, done);
                    int want = (int)Math.Min(destinations[index].Length - within, inside - done);
                    int read = await RandomAccess.ReadAsync(open.Handle, destinations[index].Slice(within, want), offset + done, ct).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    done += read;
                }
            }

            VectorBuffers.ClearFrom(destinations, done);
            return reportHoles && inside > 0 && Posix.IsHole(open.Handle, offset, offset + inside)
                ? StoreResult.Hole(inside)
                : StoreResult.Ok(inside);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return StoreResult.Failed(StoreError.FromException($"read '{file}' at {offset}", e));
        }
        finally
        {
            Release(open);
        }
    }

    /// <summary>A buffered pwritev on the thread pool; the file is remembered as not yet synced.</summary>
    private async ValueTask<StoreResult> WriteVectorBufferedAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, int total, CancellationToken ct)
    {
        OpenFile? open = null;
        try
        {
            StoreError? error = Acquire(file, create: true, out open);
            if (error is not null)
            {
                return StoreResult.Failed(error);
            }

            await RandomAccess.WriteAsync(open!.Handle, sources, offset, ct).ConfigureAwait(false);
            MarkUnsynced(file);
            return StoreResult.Ok(total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return StoreResult.Failed(StoreError.FromException($"write '{file}' at {offset}", e));
        }
        finally
        {
            Release(open);
        }
    }

    /// <summary>A durable pwritev: the write, fsync, and fsync of directories the file's creation changed.</summary>
    private StoreResult WriteVectorDurable(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, int total)
    {
        OpenFile? open = null;
        try
        {
            StoreError? error = Acquire(file, create: true, out open);
            if (error is not null)
            {
                return StoreResult.Failed(error);
            }

            RandomAccess.Write(open!.Handle, sources, offset);
            error = SyncAfterWrite(file, open);
            return error is null ? StoreResult.Ok(total) : StoreResult.Failed(error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return StoreResult.Failed(StoreError.FromException($"durable write '{file}' at {offset}", e));
        }
        finally
        {
            Release(open);
        }
    }
}
