using ActorPager.Harness.Dispatch;
using ActorPager.Storage;

namespace ActorPager.Harness.Exploration;

/// <summary>
/// A simulated disk's pending operations as scheduling choices: each pending operation can be
/// completed, and, while the fault budget lasts, each pending write or read can instead fail.
/// The strategy picks among these and the runnable actors, so I/O completion order and injected
/// faults are part of the explored schedule.
/// </summary>
public sealed class FaultyIoEvents : IExternalEventSource
{
    private readonly SimulatedStore _store;
    private int _faultsLeft;

    /// <summary>Wraps <paramref name="store"/>, allowing up to <paramref name="faultBudget"/> injected failures per run.</summary>
    public FaultyIoEvents(SimulatedStore store, int faultBudget)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _faultsLeft = faultBudget;
    }

    /// <summary>Operations failed so far, in order: (kind, file, offset, length).</summary>
    public List<(SimulatedOperationKind Kind, string File, long Offset, long Length, long Id)> Failed { get; } = [];

    /// <summary>Raised after an operation completed or failed (on the dispatcher's thread).</summary>
    public event Action<SimulatedOperation, bool>? Finished;

    /// <inheritdoc />
    public int PendingCount
    {
        get
        {
            var pending = _store.PendingCount;
            return _faultsLeft > 0 ? pending + CountFailable() : pending;
        }
    }

    /// <inheritdoc />
    public string Describe(int index)
    {
        var pending = _store.Pending;
        if (index < pending.Count)
        {
            return "io:" + pending[index].Description;
        }

        return "io-fail:" + Failable(pending)[index - pending.Count].Description;
    }

    /// <inheritdoc />
    public void Run(int index)
    {
        var pending = _store.Pending;
        if (index < pending.Count)
        {
            var op = pending[index];
            _store.Complete(index);
            Finished?.Invoke(op, false);
            return;
        }

        var failing = Failable(pending)[index - pending.Count];
        _faultsLeft--;
        Failed.Add((failing.OperationKind, failing.File, failing.Offset, failing.Length, failing.Id));
        _store.Fail(failing, new StoreError(StoreErrorKind.Injected, $"injected fault on {failing.Description}", false));
        Finished?.Invoke(failing, true);
    }

    private int CountFailable()
    {
        var n = 0;
        foreach (var op in _store.Pending)
        {
            if (op.OperationKind is SimulatedOperationKind.Write or SimulatedOperationKind.Read)
            {
                n++;
            }
        }

        return n;
    }

    private static List<SimulatedOperation> Failable(IReadOnlyList<SimulatedOperation> pending) =>
        pending.Where(op => op.OperationKind is SimulatedOperationKind.Write or SimulatedOperationKind.Read).ToList();
}
