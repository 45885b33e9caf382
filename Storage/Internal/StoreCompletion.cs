using System.Threading.Tasks.Sources;

namespace ActorPager.Storage.Internal;

/// <summary>
/// The completion of a store operation, which a <see cref="ValueTask{TResult}"/> awaits: one allocation
/// per operation, no <see cref="TaskCompletionSource{TResult}"/> on top. Not reused after it
/// completes, so a ValueTask over it can be awaited exactly once, as ValueTask requires anyway.
/// </summary>
internal class StoreCompletion : IValueTaskSource<StoreResult>
{
    /// <summary>The completion state.</summary>
    private ManualResetValueTaskSourceCore<StoreResult> _core;

    /// <summary>Set by the first completion, so a second one is refused rather than corrupting the core.</summary>
    private int _completed;

    /// <summary>Creates the operation.</summary>
    /// <param name="runContinuationsAsynchronously">
    /// False runs the awaiting code on the completing thread (what a deterministic scheduler
    /// needs); true queues it to the thread pool so a store's writer thread is never borrowed.
    /// </param>
    public StoreCompletion(bool runContinuationsAsynchronously)
    {
        _core.RunContinuationsAsynchronously = runContinuationsAsynchronously;
    }

    /// <summary>True once the operation has completed.</summary>
    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>The task the caller awaits.</summary>
    public ValueTask<StoreResult> Task => new(this, _core.Version);

    /// <summary>Completes the operation once; later calls return false and change nothing.</summary>
    public bool TrySetResult(StoreResult result)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _core.SetResult(result);
        return true;
    }

    /// <inheritdoc/>
    StoreResult IValueTaskSource<StoreResult>.GetResult(short token) => _core.GetResult(token);

    /// <inheritdoc/>
    ValueTaskSourceStatus IValueTaskSource<StoreResult>.GetStatus(short token) => _core.GetStatus(token);

    /// <inheritdoc/>
    void IValueTaskSource<StoreResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
