using System.Threading.Channels;

namespace ActorPager.Storage.Internal;

/// <summary>
/// Runs the changes of a database store in transactions, one writer at a time: every change waiting
/// when a transaction starts goes into it, up to a batch limit, and when the batch holds a durable
/// change the committer waits up to a short window for more, so that many sync putpages share one
/// fsync. Each change is acknowledged only after its transaction commits.
/// </summary>
internal sealed class GroupCommitter : IAsyncDisposable
{
    /// <summary>
    /// Commits one batch, in order, as one transaction; answers null or the error for all of it.
    /// A change refused alone (fenced) is left out of the transaction with its
    /// <see cref="PendingWrite.Refusal"/> set, and answers that while the others commit. Must not throw.
    /// </summary>
    public delegate ValueTask<StoreError?> CommitBatch(IReadOnlyList<PendingWrite> batch, bool durable, CancellationToken ct);

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

    /// <summary>Guards <see cref="_statistics"/> and <see cref="_hold"/>.</summary>
    private readonly Lock _lock = new();

    /// <summary>The counters.</summary>
    private GroupCommitStatistics _statistics;

    /// <summary>While set, the loop waits before taking a batch (a test seam).</summary>
    private TaskCompletionSource? _hold;

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

    /// <summary>Queues a change; answers Disposed once the committer is stopping.</summary>
    public ValueTask<StoreResult> Enqueue(PendingWrite write) =>
        _queue.Writer.TryWrite(write) ? write.Task : new(StoreResult.Failed(StoreError.Disposed));

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

    /// <summary>A store's FlushAsync: checks the name, then queues a durable flush.</summary>
    public ValueTask<StoreResult> Flush(bool disposed, string file)
    {
        var error = disposed ? StoreError.Disposed : FileNames.Check(file);
        return error is not null ? new(StoreResult.Failed(error)) : Enqueue(new PendingWrite(PendingWriteKind.Flush, file, 0, default, WriteDurability.Durable));
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
