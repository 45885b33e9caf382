using System.Threading.Channels;

namespace ActorPager.Storage.Internal;

/// <summary>
/// Runs the changes of a database store in transactions, one writer at a time: every change waiting
/// when a transaction starts goes into it, up to a batch limit, and when the batch holds a durable
/// change the committer waits up to a short window for more, so that many sync putpages share one
/// fsync. Each change is acknowledged only after its transaction commits.
/// </summary>
/// <remarks>
/// A flush whose file has nothing left to make durable answers at once, with no transaction
/// (<see cref="Flush"/>): every change gets a sequence number when it is queued, the committer
/// remembers each file's newest change and the newest sequence a successful durable commit
/// covered, and a flush may skip only when the first is not above the second.
/// </remarks>
internal sealed class GroupCommitter : IAsyncDisposable
{
    /// <summary>
    /// Commits one batch, in order, as one transaction; answers null or the error for all of it.
    /// A change refused alone (fenced) is left out of the transaction with its
    /// <see cref="PendingWrite.Refusal"/> set, and answers that while the others commit. Must not throw.
    /// </summary>
    /// <remarks>
    /// When <c>durable</c> is set and the commit answers null, the commit must have made durable
    /// every transaction this store committed before it, whatever the batch held (even only
    /// refused changes, or bytes equal to those stored): the flush skip counts on it. Both
    /// stores get it from a log that is flushed in order, by making every durable transaction
    /// write something (see their commits).
    /// </remarks>
    public delegate ValueTask<StoreError?> CommitBatch(IReadOnlyList<PendingWrite> batch, bool durable, CancellationToken ct);

    /// <summary>The fewest entries of <see cref="_newest"/> worth a pruning pass.</summary>
    private const int MinPruneAt = 1024;

    /// <summary>Changes waiting for a transaction.</summary>
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>The store's commit.</summary>
    private readonly CommitBatch _commit;

    /// <summary>How long a batch holding a durable change waits for company.</summary>
    private readonly TimeSpan _window;

    /// <summary>The most changes in one transaction.</summary>
    private readonly int _maxBatch;

    /// <summary>The clock of the window.</summary>
    private readonly TimeProvider _time;

    /// <summary>The writer loop.</summary>
    private readonly Task _loop;

    /// <summary>
    /// Guards <see cref="_statistics"/>, <see cref="_hold"/>, the sequence numbers
    /// (<see cref="_queued"/>, <see cref="_durableThrough"/>, <see cref="_newest"/>) and the
    /// channel's writes, so that changes enter the queue in the order of their numbers.
    /// </summary>
    private readonly Lock _lock = new();

    /// <summary>
    /// Per file, the sequence of its newest change queued (write, size change or fence; not
    /// flushes). An entry at or below <see cref="_durableThrough"/> says no more than no entry,
    /// and such entries are pruned from time to time.
    /// </summary>
    private readonly Dictionary<string, long> _newest = new(StringComparer.Ordinal);

    /// <summary>The counters.</summary>
    private GroupCommitStatistics _statistics;

    /// <summary>While set, the loop waits before taking a batch (a test seam).</summary>
    private TaskCompletionSource? _hold;

    /// <summary>The sequence number of the last change queued (0 before the first).</summary>
    private long _queued;

    /// <summary>
    /// The last sequence of the newest batch whose durable commit succeeded: every change numbered
    /// up to it has been committed and made durable, or had no effect (it failed or was refused).
    /// Never advanced by a failed commit or a commit that was not durable.
    /// </summary>
    private long _durableThrough;

    /// <summary>How many entries <see cref="_newest"/> may hold before the next durable commit prunes it.</summary>
    private int _pruneAt = MinPruneAt;

    /// <summary>Starts the writer loop.</summary>
    public GroupCommitter(CommitBatch commit, TimeSpan window, int maxBatch, TimeProvider? time = null)
    {
        _commit = commit;
        _window = window;
        _maxBatch = Math.Max(1, maxBatch);
        _time = time ?? TimeProvider.System;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>A snapshot of the counters.</summary>
    public GroupCommitStatistics Statistics
    {
        get
        {
            lock (_lock)
            {
                return _statistics;
            }
        }
    }

    /// <summary>Queues a change with the next sequence number; answers Disposed once the committer is stopping.</summary>
    public ValueTask<StoreResult> Enqueue(PendingWrite write)
    {
        // The number is given and the change written under one lock, so the loop reads changes in
        // the order of their numbers and a batch is a run of them (the skip rule needs both). The
        // channel runs its reader's continuation asynchronously, so nothing runs under the lock.
        lock (_lock)
        {
            write.Sequence = ++_queued;
            if (!_queue.Writer.TryWrite(write))
            {
                return new(StoreResult.Failed(StoreError.Disposed));
            }

            if (write.Kind != PendingWriteKind.Flush)
            {
                _newest[write.File] = write.Sequence;
            }
        }

        return write.Task;
    }

    /// <summary>A store's WriteAsync: checks the name, range and generation (nothing is queued for bad input), then queues the write.</summary>
    public ValueTask<StoreResult> Write(bool disposed, string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, long generation = long.MaxValue)
    {
        var error = disposed ? StoreError.Disposed : Checks.Range(file, offset, source.Length) ?? Checks.Generation(file, generation);
        if (error is not null)
        {
            return new(StoreResult.Failed(error));
        }

        return source.IsEmpty ? new(StoreResult.Ok(0)) : Enqueue(new PendingWrite(PendingWriteKind.Write, file, offset, source, durability, generation));
    }

    /// <summary>A store's SetSizeAsync: checks, then queues the size change.</summary>
    public ValueTask<StoreResult> SetSize(bool disposed, string file, long size, long generation = long.MaxValue)
    {
        var error = disposed ? StoreError.Disposed : Checks.Size(file, size) ?? Checks.Generation(file, generation);
        return error is not null ? new(StoreResult.Failed(error)) : Enqueue(new PendingWrite(PendingWriteKind.SetSize, file, size, default, WriteDurability.Buffered, generation));
    }

    /// <summary>A store's FenceAsync, for a store whose fences are written by its committer: checks, then queues the fence (durable).</summary>
    public ValueTask<StoreResult> Fence(bool disposed, string file, long generation)
    {
        var error = disposed ? StoreError.Disposed : FileNames.Check(file) ?? Checks.Generation(file, generation);
        return error is not null ? new(StoreResult.Failed(error)) : Enqueue(new PendingWrite(PendingWriteKind.Fence, file, 0, default, WriteDurability.Durable, generation));
    }

    /// <summary>
    /// A store's FlushAsync: checks the name; then answers Ok at once when every change to the file
    /// queued so far is covered by a durable commit already, and otherwise queues a durable flush.
    /// </summary>
    /// <remarks>
    /// The rule: skip when the file's newest change queued (any kind, buffered or durable) is
    /// numbered at or below <see cref="_durableThrough"/>. Such a change has left the queue and its
    /// transaction has ended; either it committed, in that durable transaction or in an earlier
    /// one, which the durable commit made durable too (see <see cref="CommitBatch"/>), or it failed
    /// or was refused (fenced) and changed nothing, so there is nothing of it to make durable. A
    /// change still queued or in flight is numbered above, so the flush is queued behind it, as
    /// before. A failed commit never advances the number, so after one the next flush of its files
    /// commits. Only changes made through this committer count: a buffered change another store
    /// instance (or process) commits to the same database later is made durable by its own flush.
    /// </remarks>
    public ValueTask<StoreResult> Flush(bool disposed, string file)
    {
        var error = disposed ? StoreError.Disposed : FileNames.Check(file);
        if (error is not null)
        {
            return new(StoreResult.Failed(error));
        }

        lock (_lock)
        {
            if (!_newest.TryGetValue(file, out long newest) || newest <= _durableThrough)
            {
                _newest.Remove(file);
                _statistics = _statistics with { SkippedFlushes = _statistics.SkippedFlushes + 1 };
                return new(StoreResult.Ok());
            }
        }

        return Enqueue(new PendingWrite(PendingWriteKind.Flush, file, 0, default, WriteDurability.Durable));
    }

    /// <summary>Counts a retry of a transaction after a transient error.</summary>
    public void CountRetry()
    {
        lock (_lock)
        {
            _statistics = _statistics with { Retries = _statistics.Retries + 1 };
        }
    }

    /// <summary>
    /// Test seam: until the returned object is disposed, no new transaction starts, so a test can
    /// queue many changes and see them all go into one.
    /// </summary>
    internal IDisposable HoldCommits()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _hold = hold;
        }

        return new Release(this, hold);
    }

    /// <summary>Stops taking changes, commits every change already queued, and ends the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    /// <summary>The writer loop: take a batch, commit it, acknowledge it.</summary>
    private async Task RunAsync()
    {
        var batch = new List<PendingWrite>(_maxBatch);
        ChannelReader<PendingWrite> reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            Task? hold;
            lock (_lock)
            {
                hold = _hold?.Task;
            }

            if (hold is not null)
            {
                await hold.ConfigureAwait(false);
            }

            batch.Clear();
            bool durable = false;
            while (batch.Count < _maxBatch && reader.TryRead(out PendingWrite? write))
            {
                batch.Add(write);
                durable |= write.NeedsDurableCommit;
            }

            if (durable && _window > TimeSpan.Zero && batch.Count < _maxBatch)
            {
                durable = await GatherAsync(reader, batch).ConfigureAwait(false) || durable;
            }

            StoreError? error;
            try
            {
                error = await _commit(batch, durable, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // CommitBatch must not throw; if it does, the batch fails rather than the loop.
                error = StoreError.FromException("commit", e);
            }

            lock (_lock)
            {
                _statistics = _statistics with
                {
                    Transactions = _statistics.Transactions + 1,
                    DurableTransactions = _statistics.DurableTransactions + (durable && error is null ? 1 : 0),
                    Operations = _statistics.Operations + batch.Count,
                    LargestBatch = Math.Max(_statistics.LargestBatch, batch.Count),
                    FailedTransactions = _statistics.FailedTransactions + (error is null ? 0 : 1),
                };
                if (durable && error is null)
                {
                    Covered(batch[^1].Sequence);
                }
            }

            foreach (PendingWrite write in batch)
            {
                write.TrySetResult(
                    error is not null ? StoreResult.Failed(error)
                    : write.Refusal is not null ? StoreResult.Failed(write.Refusal)
                    : write.Success);
            }
        }
    }

    /// <summary>
    /// Records that a durable commit covered every change numbered up to <paramref name="sequence"/>
    /// (the last of its batch: batches are runs of consecutive numbers, taken in order), and prunes
    /// the entries of <see cref="_newest"/> it covered once there are many. Called under the lock.
    /// </summary>
    private void Covered(long sequence)
    {
        _durableThrough = Math.Max(_durableThrough, sequence);
        if (_newest.Count < _pruneAt)
        {
            return;
        }

        foreach (KeyValuePair<string, long> entry in _newest)
        {
            if (entry.Value <= _durableThrough)
            {
                // Removing the current entry while enumerating is allowed for Dictionary.
                _newest.Remove(entry.Key);
            }
        }

        _pruneAt = Math.Max(MinPruneAt, 2 * _newest.Count);
    }

    /// <summary>Waits up to the window for more changes to join a durable batch; answers whether any of them needs durability.</summary>
    private async Task<bool> GatherAsync(ChannelReader<PendingWrite> reader, List<PendingWrite> batch)
    {
        bool durable = false;
        using var window = new CancellationTokenSource(_window, _time);
        try
        {
            while (batch.Count < _maxBatch && await reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
            {
                while (batch.Count < _maxBatch && reader.TryRead(out PendingWrite? write))
                {
                    batch.Add(write);
                    durable |= write.NeedsDurableCommit;
                }
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested)
        {
            // The window closed; commit what came.
        }

        return durable;
    }

    /// <summary>Ends a hold.</summary>
    private sealed class Release(GroupCommitter owner, TaskCompletionSource hold) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose()
        {
            lock (owner._lock)
            {
                if (owner._hold == hold)
                {
                    owner._hold = null;
                }
            }

            hold.TrySetResult();
        }
    }
}
