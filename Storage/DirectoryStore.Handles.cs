using Microsoft.Win32.SafeHandles;

namespace ActorPager.Storage;

/// <summary>The cache of open files and the record of what still needs an fsync.</summary>
public sealed partial class DirectoryStore
{
    /// <summary>The root with a trailing separator, to test that a path lies inside it.</summary>
    private readonly string _rootPrefix;

    /// <summary>The bound on cached open files.</summary>
    private readonly int _maxOpenFiles;

    /// <summary>Open files by name.</summary>
    private readonly Dictionary<string, OpenFile> _open = new(StringComparer.Ordinal);

    /// <summary>Open files, most recently used first.</summary>
    private readonly LinkedList<OpenFile> _lru = new();

    /// <summary>Files written or sized since their last fsync.</summary>
    private readonly HashSet<string> _unsynced = new(StringComparer.Ordinal);

    /// <summary>Directories to fsync before a file's creation is durable, by file.</summary>
    private readonly Dictionary<string, string[]> _directoryDebt = new(StringComparer.Ordinal);

    /// <summary>Guards every field above and <see cref="_disposed"/>.</summary>
    // One lock for the cache: it is held only to look up, count users and link the LRU list, and to
    // open a file that is not cached (an open(2), not I/O on data), never across a read or write.
    private readonly Lock _lock = new();

    /// <summary>Set once the store is disposed.</summary>
    private volatile bool _disposed;

    /// <summary>Closes every file not in use; files in use close when their operation ends.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }

            _disposed = true;
            foreach (OpenFile open in _open.Values)
            {
                open.Evicted = true;
                if (open.Users == 0)
                {
                    open.Handle.Dispose();
                }
            }

            _open.Clear();
            _lru.Clear();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Finds or opens a file and counts one more user of it. With <paramref name="create"/> false
    /// a file that does not exist gives null and no error.
    /// </summary>
    private StoreError? Acquire(string file, bool create, out OpenFile? open)
    {
        open = null;
        lock (_lock)
        {
            if (_disposed)
            {
                return StoreError.Disposed;
            }

            if (_open.TryGetValue(file, out OpenFile? cached))
            {
                cached.Users++;
                _lru.Remove(cached.Node);
                _lru.AddFirst(cached.Node);
                open = cached;
                return null;
            }

            StoreError? error = ResolveOrError(file, out string path);
            if (error is not null)
            {
                return error;
            }

            SafeFileHandle? handle = create ? Create(file, path) : OpenExisting(path);
            if (handle is null)
            {
                return null;
            }

            open = new OpenFile(file, handle) { Users = 1 };
            open.Node = _lru.AddFirst(open);
            _open.Add(file, open);
            EvictBeyondBound();
            return null;
        }
    }

    /// <summary>Counts one user less; closes the file if it was evicted meanwhile.</summary>
    private void Release(OpenFile? open)
    {
        if (open is null)
        {
            return;
        }

        lock (_lock)
        {
            open.Users--;
            if (open.Users == 0 && open.Evicted)
            {
                open.Handle.Dispose();
            }
        }
    }

    /// <summary>Closes least recently used files past the bound; the caller holds the lock.</summary>
    private void EvictBeyondBound()
    {
        LinkedListNode<OpenFile>? node = _lru.Last;
        while (_open.Count > _maxOpenFiles && node is not null)
        {
            LinkedListNode<OpenFile>? previous = node.Previous;
            OpenFile victim = node.Value;
            if (victim.Users == 0)
            {
                // Unsynced data stays in the kernel's page cache after close; _unsynced still names
                // the file, so a later flush reopens it and fsyncs.
                _lru.Remove(node);
                _open.Remove(victim.Name);
                victim.Evicted = true;
                victim.Handle.Dispose();
            }

            node = previous;
        }
    }

    /// <summary>Opens an existing file for reading and writing, or null when there is none.</summary>
    private static SafeFileHandle? OpenExisting(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Opens a file, creating it and its directories, and records which directories changed.</summary>
    private SafeFileHandle Create(string file, string path)
    {
        string parent = Path.GetDirectoryName(path)!;
        List<string>? changed = null;
        if (!Directory.Exists(parent))
        {
            // Every directory created, and the existing one that received the first of them, has a
            // new entry that must reach the disk before the file's creation is durable.
            changed = [];
            string? existing = parent;
            while (existing is not null && !Directory.Exists(existing))
            {
                changed.Add(existing);
                existing = Path.GetDirectoryName(existing);
            }

            changed.Add(existing ?? Root);
            Directory.CreateDirectory(parent);
        }

        try
        {
            SafeFileHandle handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            changed ??= [parent];
            _directoryDebt[file] = [.. changed];
            _unsynced.Add(file);
            return handle;
        }
        catch (IOException) when (File.Exists(path))
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
    }

    /// <summary>Remembers that a file has writes not yet synced.</summary>
    private void MarkUnsynced(string file)
    {
        lock (_lock)
        {
            _unsynced.Add(file);
        }
    }

    /// <summary>Whether a file has anything to sync.</summary>
    private bool NeedsSync(string file)
    {
        lock (_lock)
        {
            return _unsynced.Contains(file) || _directoryDebt.ContainsKey(file);
        }
    }

    /// <summary>Forgets that a file needs syncing and returns the directories still to sync for it.</summary>
    private string[]? TakeSyncDebt(string file)
    {
        lock (_lock)
        {
            _unsynced.Remove(file);
            return _directoryDebt.Remove(file, out string[]? directories) ? directories : null;
        }
    }

    /// <summary>Puts back directories whose fsync failed, so the next flush tries them again.</summary>
    private void RestoreDirectoryDebt(string file, string[] directories)
    {
        lock (_lock)
        {
            _directoryDebt[file] = directories;
            _unsynced.Add(file);
        }
    }

    /// <summary>A cached open file.</summary>
    private sealed class OpenFile(string name, SafeFileHandle handle)
    {
        /// <summary>The store's name for the file.</summary>
        public string Name { get; } = name;

        /// <summary>The open handle.</summary>
        public SafeFileHandle Handle { get; } = handle;

        /// <summary>Operations using the handle now; guarded by the store's lock.</summary>
        public int Users { get; set; }

        /// <summary>Removed from the cache; the last user closes the handle.</summary>
        public bool Evicted { get; set; }

        /// <summary>The file's node in the LRU list.</summary>
        public LinkedListNode<OpenFile> Node { get; set; } = null!;

        /// <summary>Held while an fsync for durable writes runs (group fsync).</summary>
        public readonly Lock SyncLock = new();

        /// <summary>Durable writes whose pwrite has finished, counted when it finishes.</summary>
        public long WritesDone;

        /// <summary>Durable writes covered by a successful fsync; guarded by <see cref="SyncLock"/>.</summary>
        public long SyncedUpTo;
    }
}
