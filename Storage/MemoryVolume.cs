using ActorPager.Storage.Internal;

namespace ActorPager.Storage;

/// <summary>
/// The "disk" behind <see cref="MemoryStore"/> and <see cref="SimulatedStore"/>: files kept as
/// sparse 4 KiB chunks in memory. It outlives the stores opened on it, so a test can dispose a
/// store and open another on the same volume, the way a process restarts on the same disk.
/// The volume also keeps the files' fences (<see cref="IFencedPageStore"/>), so every store on it
/// sees the same fences, as nodes sharing a disk would. Thread-safe.
/// </summary>
public sealed class MemoryVolume
{
    /// <summary>The granularity at which the volume stores data and tells holes, in bytes.</summary>
    public const int ChunkSize = 4096;

    /// <summary>Every file that was ever written or sized, by name.</summary>
    private readonly Dictionary<string, MemoryFile> _files = new(StringComparer.Ordinal);

    /// <summary>The generation each fenced file is fenced at; a file missing here is at 0.</summary>
    private readonly Dictionary<string, long> _fences = new(StringComparer.Ordinal);

    /// <summary>Guards <see cref="_files"/>, every file's chunks and <see cref="_fences"/>.</summary>
    // One lock for the whole volume: operations copy at most a cluster of pages while holding it,
    // so contention is short, and a single lock makes a read of several chunks consistent. The
    // fence check of a write runs under the same lock as the write, so a fence raised by Fence
    // is seen by every write applied after it, and no write checked before it lands after it.
    private readonly Lock _lock = new();

    /// <summary>The names of the files the volume holds, in ordinal order.</summary>
    public IReadOnlyList<string> FileNames
    {
        get
        {
            lock (_lock)
            {
                var names = _files.Keys.ToList();
                names.Sort(StringComparer.Ordinal);
                return names;
            }
        }
    }

    /// <summary>Reads a range; the caller has checked the arguments.</summary>
    internal StoreResult Read(string file, long offset, Span<byte> destination, bool reportHoles)
    {
        lock (_lock)
        {
            if (!_files.TryGetValue(file, out MemoryFile? f))
            {
                destination.Clear();
                return StoreResult.Ok(0);
            }

            long inside = Checks.Inside(offset, destination.Length, f.Size);
            bool anyData = false;
            int done = 0;
            while (done < destination.Length)
            {
                long position = offset + done;
                long chunk = position / ChunkSize;
                int within = (int)(position % ChunkSize);
                int count = Math.Min(ChunkSize - within, destination.Length - done);
                Span<byte> target = destination.Slice(done, count);
                if (position < f.Size && f.Chunks.TryGetValue(chunk, out byte[]? data))
                {
                    data.AsSpan(within, count).CopyTo(target);
                    anyData = true;
                }
                else
                {
                    target.Clear();
                }

                done += count;
            }

            // Bytes past the size are zero in the chunk (SetSize zeroes the tail of the last one),
            // so no clearing is needed past `inside` beyond what the copy brought.
            return reportHoles && inside > 0 && !anyData ? StoreResult.Hole(inside) : StoreResult.Ok(inside);
        }
    }

    /// <summary>Writes a range, extending the file, unless the file is fenced above <paramref name="generation"/>; the caller has checked the arguments.</summary>
    internal StoreResult Write(string file, long offset, ReadOnlySpan<byte> source, long generation = long.MaxValue)
    {
        if (source.IsEmpty)
        {
            // pwrite(2) of zero bytes: nothing changes, not even the size.
            return StoreResult.Ok(0);
        }

        lock (_lock)
        {
            StoreError? fenced = CheckFence(file, "write", generation);
            if (fenced is not null)
            {
                return StoreResult.Failed(fenced);
            }

            MemoryFile f = GetOrAdd(file);
            int done = 0;
            while (done < source.Length)
            {
                long position = offset + done;
                long chunk = position / ChunkSize;
                int within = (int)(position % ChunkSize);
                int count = Math.Min(ChunkSize - within, source.Length - done);
                if (!f.Chunks.TryGetValue(chunk, out byte[]? data))
                {
                    data = new byte[ChunkSize];
                    f.Chunks.Add(chunk, data);
                }

                source.Slice(done, count).CopyTo(data.AsSpan(within, count));
                done += count;
            }

            f.Size = Math.Max(f.Size, offset + source.Length);
            return StoreResult.Ok(source.Length);
        }
    }

    /// <summary>Answers a file's size.</summary>
    internal long GetSize(string file)
    {
        lock (_lock)
        {
            return _files.TryGetValue(file, out MemoryFile? f) ? f.Size : 0;
        }
    }

    /// <summary>Truncates or extends a file unless it is fenced above <paramref name="generation"/>; the caller has checked the arguments.</summary>
    internal StoreResult SetSize(string file, long size, long generation = long.MaxValue)
    {
        lock (_lock)
        {
            StoreError? fenced = CheckFence(file, "set size", generation);
            if (fenced is not null)
            {
                return StoreResult.Failed(fenced);
            }

            MemoryFile f = GetOrAdd(file);
            if (size < f.Size)
            {
                // vnode_pager_setsize: the partial last page is zeroed past the new end, and whole
                // chunks past it are dropped, so a later extension reads zeros.
                long firstDropped = (size + ChunkSize - 1) / ChunkSize;
                List<long>? drop = null;
                foreach (long chunk in f.Chunks.Keys)
                {
                    if (chunk >= firstDropped)
                    {
                        (drop ??= []).Add(chunk);
                    }
                }

                if (drop is not null)
                {
                    foreach (long chunk in drop)
                    {
                        f.Chunks.Remove(chunk);
                    }
                }

                int tail = (int)(size % ChunkSize);
                if (tail != 0 && f.Chunks.TryGetValue(size / ChunkSize, out byte[]? last))
                {
                    last.AsSpan(tail).Clear();
                }
            }

            f.Size = size;
            return StoreResult.Ok();
        }
    }

    /// <summary>Raises a file's fence to <paramref name="generation"/>, or refuses when it is higher; the caller has checked the arguments.</summary>
    internal StoreResult Fence(string file, long generation)
    {
        lock (_lock)
        {
            StoreError? fenced = CheckFence(file, "fence", generation);
            if (fenced is not null)
            {
                return StoreResult.Failed(fenced);
            }

            _fences[file] = generation;
            return StoreResult.Ok(generation);
        }
    }

    /// <summary>Answers the generation a file is fenced at, 0 when never fenced.</summary>
    internal long GetFence(string file)
    {
        lock (_lock)
        {
            return _fences.GetValueOrDefault(file);
        }
    }

    /// <summary>The Fenced error when the file is fenced above <paramref name="generation"/>, else null; the caller holds the lock.</summary>
    private StoreError? CheckFence(string file, string operation, long generation) =>
        generation != long.MaxValue && _fences.TryGetValue(file, out long fence) && fence > generation
            ? StoreError.Fenced(file, operation, generation, fence)
            : null;

    /// <summary>Finds or creates a file; the caller holds the lock.</summary>
    private MemoryFile GetOrAdd(string file)
    {
        if (!_files.TryGetValue(file, out MemoryFile? f))
        {
            f = new MemoryFile();
            _files.Add(file, f);
        }

        return f;
    }

    /// <summary>One file of the volume.</summary>
    private sealed class MemoryFile
    {
        /// <summary>The file's size in bytes.</summary>
        public long Size { get; set; }

        /// <summary>Written chunks by index; a missing chunk is a hole.</summary>
        public Dictionary<long, byte[]> Chunks { get; } = [];
    }
}
