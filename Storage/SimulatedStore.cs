using ActorPager.Storage.Internal;

namespace ActorPager.Storage;

/// <summary>
/// A store in memory whose operations do not complete on their own (kind "simulated"): each call
/// becomes a <see cref="SimulatedOperation"/> in <see cref="Pending"/>, and a controller (a
/// deterministic scheduler, a test) decides when each completes and whether it fails. The effect
/// of an operation is applied at the moment it completes, so the controller decides the order of
/// I/O completion exactly as a disk's interrupts would.
/// </summary>
/// <remarks>
/// Completion runs the awaiting code synchronously on the thread that called
/// <see cref="Complete(int)"/>, so the controller sees every consequence before the call returns.
/// Invalid names and ranges, and calls after disposal, are answered at once without queuing.
/// Cancellation is observed when a call is made; a queued operation waits for the controller.
/// <para>
/// A vectored read is one Read operation per buffer, queued one after the other, and a vectored
/// write is one Write operation of the gathered buffers: the operations <see cref="VectoredIo"/>'s
/// fallbacks made before the store was vectored, so a controller sees the same I/O. Fences are
/// kept by the <see cref="Volume"/>; <see cref="IFencedPageStore.FenceAsync"/> and
/// <see cref="IFencedPageStore.GetFenceAsync"/> are operations like the others, and a fenced
/// change is checked against the fence when it completes.
/// </para>
/// </remarks>
public sealed class SimulatedStore : IFencedPageStore
{
    /// <summary>Calls not completed yet, in the order they were made.</summary>
    private readonly List<SimulatedOperation> _pending = [];

    /// <summary>Guards <see cref="_pending"/>, <see cref="_nextId"/> and <see cref="_disposed"/>.</summary>
    private readonly Lock _lock = new();

    /// <summary>The id of the next call.</summary>
    private long _nextId = 1;

    /// <summary>Set once the store is disposed.</summary>
    private bool _disposed;

    /// <summary>Creates a store on a new volume.</summary>
    /// <param name="autoComplete">Complete every operation as soon as it is queued (after <see cref="OperationQueued"/> runs).</param>
    public SimulatedStore(bool autoComplete = false)
        : this(new MemoryVolume(), autoComplete)
    {
    }

    /// <summary>Creates a store on an existing volume.</summary>
    /// <param name="volume">The volume that holds the files.</param>
    /// <param name="autoComplete">Complete every operation as soon as it is queued (after <see cref="OperationQueued"/> runs).</param>
    public SimulatedStore(MemoryVolume volume, bool autoComplete = false)
    {
        ArgumentNullException.ThrowIfNull(volume);
        Volume = volume;
        AutoComplete = autoComplete;
    }

    /// <summary>Raised on the calling thread after an operation is queued and before the call returns.</summary>
    public event Action<SimulatedOperation>? OperationQueued;

    /// <inheritdoc/>
    public string Kind => "simulated";

    /// <summary>The volume that holds the files.</summary>
    public MemoryVolume Volume { get; }

    /// <summary>When true, every operation completes as soon as it is queued. May be changed at any time.</summary>
    public bool AutoComplete { get; set; }

    /// <summary>A snapshot of the operations not completed yet, oldest first.</summary>
    public IReadOnlyList<SimulatedOperation> Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending.ToArray();
            }
        }
    }

    /// <summary>The number of operations not completed yet.</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Completes the pending operation at <paramref name="index"/> of <see cref="Pending"/>, applying its effect.</summary>
    /// <param name="index">Its position among the pending operations.</param>
    /// <returns>The result the caller receives.</returns>
    public StoreResult Complete(int index)
    {
        SimulatedOperation operation = Take(index);
        StoreResult result = operation.Apply(Volume);
        Resolve(operation, result);
        return result;
    }

    /// <summary>
    /// Hands <paramref name="result"/> to the operation's caller with no synchronization context
    /// installed, so the caller's continuation runs inline, before this call returns. A context on
    /// the calling thread (a test runner's) makes .NET post even a <c>ConfigureAwait(false)</c>
    /// continuation to the thread pool, where it would run at a moment nobody controls.
    /// </summary>
    private static void Resolve(SimulatedOperation operation, StoreResult result)
    {
        SynchronizationContext? context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            operation.TrySetResult(result);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    /// <summary>Completes a pending operation, applying its effect.</summary>
    /// <param name="operation">An operation from <see cref="Pending"/>.</param>
    /// <returns>The result the caller receives.</returns>
    public StoreResult Complete(SimulatedOperation operation) => Complete(IndexOf(operation));

    /// <summary>Fails the pending operation at <paramref name="index"/>: nothing is applied and the caller receives <paramref name="error"/>.</summary>
    /// <param name="index">Its position among the pending operations.</param>
    /// <param name="error">The error to answer.</param>
    public void Fail(int index, StoreError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Resolve(Take(index), StoreResult.Failed(error));
    }

    /// <summary>Fails a pending operation: nothing is applied and the caller receives <paramref name="error"/>.</summary>
    /// <param name="operation">An operation from <see cref="Pending"/>.</param>
    /// <param name="error">The error to answer.</param>
    public void Fail(SimulatedOperation operation, StoreError error) => Fail(IndexOf(operation), error);

    /// <summary>
    /// Completes pending operations oldest first until none is left, including operations that
    /// the completions themselves queue.
    /// </summary>
    /// <returns>How many operations were completed.</returns>
    public int CompleteAll()
    {
        int count = 0;
        while (PendingCount > 0)
        {
            Complete(0);
            count++;
        }

        return count;
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> ReadAsync(string file, long offset, Memory<byte> destination, ReadOptions options = default, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = Checks.Range(file, offset, destination.Length);
        return error is not null
            ? new(StoreResult.Failed(error))
            : Enqueue(SimulatedOperationKind.Read, file, offset, destination.Length, default, options.ReportHoles, destination, default);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, CancellationToken ct = default) =>
        WriteAsync(file, offset, source, durability, long.MaxValue, ct);

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, long generation, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = Checks.Range(file, offset, source.Length) ?? Checks.Generation(file, generation);
        return error is not null
            ? new(StoreResult.Failed(error))
            : Enqueue(SimulatedOperationKind.Write, file, offset, source.Length, durability, false, default, source, generation);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> ReadVectorAsync(string file, long offset, IReadOnlyList<Memory<byte>> destinations, ReadOptions options = default, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        return VectoredIo.ReadBySegmentsAsync(this, file, offset, destinations, options, ct);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteVectorAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, CancellationToken ct = default) =>
        WriteVectorAsync(file, offset, sources, durability, long.MaxValue, ct);

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteVectorAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, long generation, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return WriteAsync(file, offset, VectoredIo.Gather(sources), durability, generation, ct);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> GetSizeAsync(string file, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = FileNames.Check(file);
        return error is not null
            ? new(StoreResult.Failed(error))
            : Enqueue(SimulatedOperationKind.GetSize, file, 0, 0, default, false, default, default);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> SetSizeAsync(string file, long size, CancellationToken ct = default) =>
        SetSizeAsync(file, size, long.MaxValue, ct);

    /// <inheritdoc/>
    public ValueTask<StoreResult> SetSizeAsync(string file, long size, long generation, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = Checks.Size(file, size) ?? Checks.Generation(file, generation);
        return error is not null
            ? new(StoreResult.Failed(error))
            : Enqueue(SimulatedOperationKind.SetSize, file, size, 0, default, false, default, default, generation);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> FenceAsync(string file, long generation, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = FileNames.Check(file) ?? Checks.Generation(file, generation);
        return error is not null
            ? new(StoreResult.Failed(error))
            : Enqueue(SimulatedOperationKind.Fence, file, 0, 0, default, false, default, default, generation);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> GetFenceAsync(string file, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = FileNames.Check(file);
        return error is not null
            ? new(StoreResult.Failed(error))
            : Enqueue(SimulatedOperationKind.GetFence, file, 0, 0, default, false, default, default);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> FlushAsync(string file, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = FileNames.Check(file);
        return error is not null
            ? new(StoreResult.Failed(error))
            : Enqueue(SimulatedOperationKind.Flush, file, 0, 0, default, false, default, default);
    }

    /// <summary>Disposes the store: pending operations fail with <see cref="StoreError.Disposed"/>, later calls answer it at once.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        SimulatedOperation[] abandoned;
        lock (_lock)
        {
            _disposed = true;
            abandoned = [.. _pending];
            _pending.Clear();
        }

        foreach (SimulatedOperation operation in abandoned)
        {
            Resolve(operation, StoreResult.Failed(StoreError.Disposed));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Queues an operation, tells the observers, and completes it at once in auto-complete mode.</summary>
    private ValueTask<StoreResult> Enqueue(SimulatedOperationKind kind, string file, long offset, long length, WriteDurability durability, bool reportHoles, Memory<byte> destination, ReadOnlyMemory<byte> source, long generation = long.MaxValue)
    {
        SimulatedOperation operation;
        lock (_lock)
        {
            if (_disposed)
            {
                return new(StoreResult.Failed(StoreError.Disposed));
            }

            operation = new SimulatedOperation(_nextId++, kind, file, offset, length, durability, reportHoles, destination, source, generation);
            _pending.Add(operation);
        }

        // Observers run outside the lock: they may complete this or other operations at once.
        OperationQueued?.Invoke(operation);
        if (AutoComplete && !operation.IsCompleted)
        {
            int index = IndexOfOrMissing(operation);
            if (index >= 0)
            {
                Complete(index);
            }
        }

        return operation.Task;
    }

    /// <summary>Removes and returns the pending operation at an index.</summary>
    private SimulatedOperation Take(int index)
    {
        lock (_lock)
        {
            if ((uint)index >= (uint)_pending.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"there are {_pending.Count} pending operations");
            }

            SimulatedOperation operation = _pending[index];
            _pending.RemoveAt(index);
            return operation;
        }
    }

    /// <summary>The index of a pending operation; throws when it is not pending.</summary>
    private int IndexOf(SimulatedOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        int index = IndexOfOrMissing(operation);
        return index >= 0 ? index : throw new ArgumentException($"operation {operation.Description} is not pending in this store", nameof(operation));
    }

    /// <summary>The index of a pending operation, or -1.</summary>
    private int IndexOfOrMissing(SimulatedOperation operation)
    {
        lock (_lock)
        {
            return _pending.IndexOf(operation);
        }
    }
}
