namespace ActorPager.Storage.Internal;

/// <summary>
/// The fences of a store that keeps them in memory (<see cref="DirectoryStore"/>), and the fenced
/// changes in flight. A fenced change is admitted (checked against the fence and counted) before
/// its I/O starts and released when its I/O has ended; <see cref="RaiseAsync"/> raises a fence and
/// then waits until no admitted change of an older generation is still running, which gives the
/// guarantee of <see cref="IFencedPageStore.FenceAsync"/>: once it answers, every older change
/// either ended before or is refused at admission. Thread-safe.
/// </summary>
internal sealed class FenceTable
{
    /// <summary>Files that are fenced or have fenced changes in flight, by name.</summary>
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Guards <see cref="_entries"/> and every entry.</summary>
    // One lock for the table: it is held only to compare and count, never across I/O. The check
    // and the count happen under it together, so a fence raised after a change was admitted sees
    // that change in flight and waits for it; a change admitted after the raise sees the new fence.
    private readonly Lock _lock = new();

    /// <summary>Answers the generation a file is fenced at, 0 when never fenced.</summary>
    public long Get(string file)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(file, out Entry? entry) ? entry.Fence : 0;
        }
    }

    /// <summary>
    /// Admits a change of <paramref name="generation"/> to <paramref name="file"/>, or answers the
    /// Fenced error. An admitted change must be <see cref="Release"/>d once its I/O has ended.
    /// </summary>
    public StoreError? Admit(string file, long generation, string operation)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(file, out Entry? entry))
            {
                entry = new Entry();
                _entries.Add(file, entry);
            }
            else if (entry.Fence > generation)
            {
                return StoreError.Fenced(file, operation, generation, entry.Fence);
            }

            entry.InFlight[generation] = entry.InFlight.GetValueOrDefault(generation) + 1;
            return null;
        }
    }

    /// <summary>Ends an admitted change, and wakes the fences that waited only for it.</summary>
    public void Release(string file, long generation)
    {
        List<TaskCompletionSource>? woken = null;
        lock (_lock)
        {
            Entry entry = _entries[file];
            int left = entry.InFlight[generation] - 1;
            if (left == 0)
            {
                entry.InFlight.Remove(generation);
            }
            else
            {
                entry.InFlight[generation] = left;
            }

            for (int i = entry.Waiters.Count - 1; i >= 0; i--)
            {
                (long fence, TaskCompletionSource done) = entry.Waiters[i];
                if (!entry.HasOlderInFlight(fence))
                {
                    (woken ??= []).Add(done);
                    entry.Waiters.RemoveAt(i);
                }
            }

            Forget(file, entry);
        }

        // Completed outside the lock; the waiting fences continue on the thread pool.
        if (woken is not null)
        {
            foreach (TaskCompletionSource done in woken)
            {
                done.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Raises a file's fence to <paramref name="generation"/> (or refuses, changing nothing, when it
    /// is higher), then waits until every admitted change of an older generation has ended.
    /// </summary>
    public async ValueTask<StoreResult> RaiseAsync(string file, long generation)
    {
        Task wait;
        lock (_lock)
        {
            if (!_entries.TryGetValue(file, out Entry? entry))
            {
                entry = new Entry();
                _entries.Add(file, entry);
            }
            else if (entry.Fence > generation)
            {
                return StoreResult.Failed(StoreError.Fenced(file, "fence", generation, entry.Fence));
            }

            entry.Fence = generation;
            if (!entry.HasOlderInFlight(generation))
            {
                return StoreResult.Ok(generation);
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            entry.Waiters.Add((generation, done));
            wait = done.Task;
        }

        // Not cancellable: once the fence is raised it stays raised, and the caller may only learn
        // that it holds once the changes it overtook have ended; they end on their own.
        await wait.ConfigureAwait(false);
        return StoreResult.Ok(generation);
    }

    /// <summary>Drops an entry that holds nothing (never fenced, nothing in flight); the caller holds the lock.</summary>
    private void Forget(string file, Entry entry)
    {
        if (entry.Fence == 0 && entry.InFlight.Count == 0 && entry.Waiters.Count == 0)
        {
            _entries.Remove(file);
        }
    }

    /// <summary>One file's fence and the fenced changes in flight on it.</summary>
    private sealed class Entry
    {
        /// <summary>The generation the file is fenced at; 0 when never fenced.</summary>
        public long Fence { get; set; }

        /// <summary>Admitted changes not yet ended, counted by generation (a handful of distinct generations at most).</summary>
        public Dictionary<long, int> InFlight { get; } = [];

        /// <summary>Fences waiting for older changes to end, with the generation each raised the fence to.</summary>
        public List<(long Generation, TaskCompletionSource Done)> Waiters { get; } = [];

        /// <summary>Whether an admitted change older than <paramref name="generation"/> is still running.</summary>
        public bool HasOlderInFlight(long generation)
        {
            foreach (long inFlight in InFlight.Keys)
            {
                if (inFlight < generation)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
