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

        StoreError? error = Checks.Range(file, offset, TotalLength(destinations));
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

        int total = TotalLength(sources);
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
            long inside = Checks.Inside(offset, TotalLength(destinations), size);
            long done = 0;
            if (inside > 0)
            {
                done = await RandomAccess.ReadAsync(open.Handle, Trim(destinations, inside), offset, ct).ConfigureAwait(false);

                // A regular file reads short only at EOF (truncated meanwhile) or on a signal;
                // finish buffer by buffer, and what stays unread reads as zeros.
                while (done < inside)
                {
                    (int index, int within) = Locate(destinations, done);
                    int want = (int)Math.Min(destinations[index].Length - within, inside - done);
                    int read = await RandomAccess.ReadAsync(open.Handle, destinations[index].Slice(within, want), offset + done, ct).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    done += read;
                }
            }

            ClearFrom(destinations, done);
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
            error = Sync(file, open);
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

    /// <summary>The buffers' total length, capped at int.MaxValue so that the range check refuses a range that long.</summary>
    private static int TotalLength(IReadOnlyList<Memory<byte>> buffers)
    {
        long total = 0;
        for (int i = 0; i < buffers.Count; i++)
        {
            total += buffers[i].Length;
        }

        return (int)Math.Min(total, int.MaxValue);
    }

    /// <inheritdoc cref="TotalLength(IReadOnlyList{Memory{byte}})"/>
    private static int TotalLength(IReadOnlyList<ReadOnlyMemory<byte>> buffers)
    {
        long total = 0;
        for (int i = 0; i < buffers.Count; i++)
        {
            total += buffers[i].Length;
        }

        return (int)Math.Min(total, int.MaxValue);
    }

    /// <summary>The buffers cut to their first <paramref name="bytes"/> bytes (the same list when nothing is cut).</summary>
    private static IReadOnlyList<Memory<byte>> Trim(IReadOnlyList<Memory<byte>> buffers, long bytes)
    {
        (int index, int within) = Locate(buffers, bytes);
        if (index == buffers.Count)
        {
            return buffers;
        }

        var trimmed = new Memory<byte>[within == 0 ? index : index + 1];
        for (int i = 0; i < index; i++)
        {
            trimmed[i] = buffers[i];
        }

        if (within > 0)
        {
            trimmed[index] = buffers[index][..within];
        }

        return trimmed;
    }

    /// <summary>Which buffer holds byte <paramref name="position"/> of the range, and where in it; (Count, 0) at the end.</summary>
    private static (int Index, int Within) Locate(IReadOnlyList<Memory<byte>> buffers, long position)
    {
        for (int i = 0; i < buffers.Count; i++)
        {
            if (position < buffers[i].Length)
            {
                return (i, (int)position);
            }

            position -= buffers[i].Length;
        }

        return (buffers.Count, 0);
    }

    /// <summary>Zeroes every byte of the range from <paramref name="position"/> on.</summary>
    private static void ClearFrom(IReadOnlyList<Memory<byte>> buffers, long position)
    {
        (int index, int within) = Locate(buffers, position);
        for (int i = index; i < buffers.Count; i++)
        {
            buffers[i].Span[(i == index ? within : 0)..].Clear();
        }
    }
}
