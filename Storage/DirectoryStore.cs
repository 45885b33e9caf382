using ActorPager.Storage.Internal;
using Microsoft.Win32.SafeHandles;

namespace ActorPager.Storage;

/// <summary>
/// The embedded default store (kind "directory"): each file of the pager is an ordinary file under
/// a root directory. Positional I/O (<see cref="RandomAccess"/>), fsync for durability, the file
/// length for the size, sparse regions for holes. Open handles are cached, up to a bound.
/// Thread-safe.
/// </summary>
/// <remarks>
/// A durable write is pwrite then fsync of the file, plus fsync of every directory whose entries
/// changed when the file was created. A buffered write is pwrite alone: it survives a process kill
/// (the data is in the kernel's page cache) but not a machine crash until the file is flushed.
/// </remarks>
public sealed partial class DirectoryStore : IFencedPageStore
{
    /// <summary>The default bound on cached open files.</summary>
    public const int DefaultMaxOpenFiles = 256;

    /// <summary>Creates a store over a root directory, creating the directory if needed.</summary>
    /// <param name="root">The root directory; relative paths are taken from the current directory.</param>
    /// <param name="maxOpenFiles">How many files to keep open at most (least recently used are closed).</param>
    public DirectoryStore(string root, int maxOpenFiles = DefaultMaxOpenFiles)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOpenFiles, 1);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        _rootPrefix = Root + Path.DirectorySeparatorChar;
        _maxOpenFiles = maxOpenFiles;
        Directory.CreateDirectory(Root);
    }

    /// <inheritdoc/>
    public string Kind => "directory";

    /// <summary>The full path of the root directory.</summary>
    public string Root { get; }

    /// <summary>How many files are open now (at most the bound, plus files in use when it was reached).</summary>
    public int OpenFileCount
    {
        get
        {
            lock (_lock)
            {
                return _open.Count;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> ReadAsync(string file, long offset, Memory<byte> destination, ReadOptions options = default, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = Checks.Range(file, offset, destination.Length);
        return error is not null ? new(StoreResult.Failed(error)) : ReadVectorCoreAsync(file, offset, [destination], options.ReportHoles, ct);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = Checks.Range(file, offset, source.Length);
        if (error is not null)
        {
            return new(StoreResult.Failed(error));
        }

        if (source.IsEmpty)
        {
            return new(_disposed ? StoreResult.Failed(StoreError.Disposed) : StoreResult.Ok(0));
        }

        return durability == WriteDurability.Durable
            ? new(Task.Run(() => WriteVectorDurable(file, offset, [source], source.Length), CancellationToken.None))
            : WriteVectorBufferedAsync(file, offset, [source], source.Length, ct);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> GetSizeAsync(string file, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = FileNames.Check(file);
        if (error is not null)
        {
            return new(StoreResult.Failed(error));
        }

        // fstat is quick and never blocks on the device, so it runs on the caller's thread.
        OpenFile? open = null;
        try
        {
            StoreError? acquireError = Acquire(file, create: false, out open);
            return new(acquireError is not null ? StoreResult.Failed(acquireError)
                : StoreResult.Ok(open is null ? 0 : RandomAccess.GetLength(open.Handle)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new(StoreResult.Failed(StoreError.FromException($"size of '{file}'", e)));
        }
        finally
        {
            Release(open);
        }
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> SetSizeAsync(string file, long size, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = Checks.Size(file, size);
        return error is not null ? new(StoreResult.Failed(error)) : new(Task.Run(() => SetSize(file, size), CancellationToken.None));
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> FlushAsync(string file, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = FileNames.Check(file);
        return error is not null ? new(StoreResult.Failed(error)) : new(Task.Run(() => Flush(file), CancellationToken.None));
    }

    /// <summary>ftruncate through the cached handle; the file is remembered as not yet synced.</summary>
    private StoreResult SetSize(string file, long size)
    {
        OpenFile? open = null;
        try
        {
            StoreError? error = Acquire(file, create: true, out open);
            if (error is not null)
            {
                return StoreResult.Failed(error);
            }

            RandomAccess.SetLength(open!.Handle, size);
            MarkUnsynced(file);
            return StoreResult.Ok();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return StoreResult.Failed(StoreError.FromException($"set size of '{file}' to {size}", e));
        }
        finally
        {
            Release(open);
        }
    }

    /// <summary>fsync of a file written since its last sync; nothing to do for a file never written.</summary>
    private StoreResult Flush(string file)
    {
        OpenFile? open = null;
        try
        {
            if (!NeedsSync(file))
            {
                // Nothing to sync; the name is still held to the same rules as any other call.
                StoreError? refused = _disposed ? StoreError.Disposed : ResolveOrError(file, out _);
                return refused is null ? StoreResult.Ok() : StoreResult.Failed(refused);
            }

            StoreError? error = Acquire(file, create: false, out open);
            if (error is not null)
            {
                return StoreResult.Failed(error);
            }

            error = open is null ? null : Sync(file, open);
            return error is null ? StoreResult.Ok() : StoreResult.Failed(error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return StoreResult.Failed(StoreError.FromException($"flush '{file}'", e));
        }
        finally
        {
            Release(open);
        }
    }

    /// <summary>
    /// The fsync a durable write waits for (group fsync): it needs one successful fsync that
    /// started after its pwrite ended. Writers take a ticket when their pwrite ends and queue on
    /// the file's sync lock; the holder syncs once for every ticket taken so far, and the writers
    /// it covered find so when they get the lock and return without an fsync of their own. A
    /// failed fsync covers nobody, so each waiter then tries its own.
    /// </summary>
    private StoreError? SyncAfterWrite(string file, OpenFile open)
    {
        long ticket = Interlocked.Increment(ref open.WritesDone);
        lock (open.SyncLock)
        {
            if (open.SyncedUpTo >= ticket)
            {
                return null;
            }

            long covered = Volatile.Read(ref open.WritesDone);
            StoreError? error = Sync(file, open);
            if (error is null)
            {
                open.SyncedUpTo = covered;
            }

            return error;
        }
    }

    /// <summary>fsync of the file and of the directories its creation changed.</summary>
    private StoreError? Sync(string file, OpenFile open)
    {
        // Forget first, then sync: a write that lands while fsync runs marks the file again, so
        // the next flush covers it; a mark cleared here is covered by this fsync.
        string[]? directories = TakeSyncDebt(file);
        RandomAccess.FlushToDisk(open.Handle);
        if (directories is not null)
        {
            foreach (string directory in directories)
            {
                string? failure = Posix.SyncDirectory(directory);
                if (failure is not null)
                {
                    RestoreDirectoryDebt(file, directories);
                    return new StoreError(StoreErrorKind.Io, $"sync of '{file}' failed: {failure}", false);
                }
            }
        }

        return null;
    }

    /// <summary>Resolves a name to a path under the root, or says why it may not be used.</summary>
    private StoreError? ResolveOrError(string file, out string path)
    {
        path = Path.GetFullPath(Path.Join(Root, file));
        if (!path.StartsWith(_rootPrefix, StringComparison.Ordinal))
        {
            return new StoreError(StoreErrorKind.InvalidName, $"file name '{file}' resolves outside the store's root '{Root}'", false);
        }

        // A symbolic link below the root could lead anywhere, so names may not pass through one.
        // Checked when a file is opened; a link created afterwards by someone else is not seen
        // (no openat/O_NOFOLLOW walk in .NET), which the documentation states.
        string current = Root;
        int start = 0;
        while (start < file.Length)
        {
            int slash = file.IndexOf('/', start);
            int end = slash < 0 ? file.Length : slash;
            current = Path.Join(current, file.AsSpan(start, end - start));
            if (new FileInfo(current).LinkTarget is not null)
            {
                return new StoreError(StoreErrorKind.InvalidName, $"file name '{file}' passes through the symbolic link '{current[_rootPrefix.Length..]}'; links are refused so that no name leaves the root", false);
            }

            if (!Path.Exists(current))
            {
                break;
            }

            start = end + 1;
        }

        return null;
    }
}
