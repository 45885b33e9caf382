using ActorPager.Harness.Dispatch;
using ActorPager.Storage;

namespace ActorPager.Harness.Exploration;

/// <summary>
/// A simulated disk's pending operations as scheduling choices: each pending operation can be
/// completed, and, while the fault budget lasts, each pending write or read can instead fail.
/// The strategy picks among these and the runnable actors, so I/O completion order and injected
/// faults are part of the explored schedule. Complete the store's operations only through this
/// source while it is attached.
/// </summary>
public sealed class FaultyIoEvents : IExternalEventSource
{
    private readonly SimulatedStore _store;

    /// <summary>The store's pending operations when last looked at, oldest first.</summary>
    private readonly List<SimulatedOperation> _pending = [];

    /// <summary>The candidate id of completing each of <see cref="_pending"/>.</summary>
    private readonly List<string> _completeIds = [];

    /// <summary>The reads and writes among <see cref="_pending"/>: the operations a fault can hit.</summary>
    private readonly List<SimulatedOperation> _failable = [];

    /// <summary>The candidate id of failing each of <see cref="_failable"/>.</summary>
    private readonly List<string> _failIds = [];

    private int _faultsLeft;

    /// <summary>Set when an operation was queued or finished since <see cref="_pending"/> was taken.</summary>
    private bool _stale = true;

    /// <summary>Wraps <paramref name="store"/>, allowing up to <paramref name="faultBudget"/> injected failures per run.</summary>
    public FaultyIoEvents(SimulatedStore store, int faultBudget)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _faultsLeft = faultBudget;

        // The dispatcher asks for the count and every description at each step; the pending
        // list changes only when an operation is queued or finished, so it is taken again only then.
        _store.OperationQueued += _ => _stale = true;
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
            Refresh();
            return _faultsLeft > 0 ? _pending.Count + _failable.Count : _pending.Count;
        }
    }

    /// <inheritdoc />
    public string Describe(int index)
    {
        Refresh();
        return index < _pending.Count ? _completeIds[index] : _failIds[index - _pending.Count];
    }

    /// <inheritdoc />
    public void Run(int index)
    {
        Refresh();
        _stale = true;
        if (index < _pending.Count)
        {
            var op = _pending[index];
            _store.Complete(op);
            Finished?.Invoke(op, false);
            return;
        }

        var failing = _failable[index - _pending.Count];
        _faultsLeft--;
        Failed.Add((failing.OperationKind, failing.File, failing.Offset, failing.Length, failing.Id));
        _store.Fail(failing, new StoreError(StoreErrorKind.Injected, $"injected fault on {failing.Description}", false));
        Finished?.Invoke(failing, true);
    }

    private void Refresh()
    {
        if (!_stale && _pending.Count == _store.PendingCount)
        {
            return;
        }

        _pending.Clear();
        _completeIds.Clear();
        _failable.Clear();
        _failIds.Clear();
        foreach (var op in _store.Pending)
        {
            var description = op.Description;
            _pending.Add(op);
            _completeIds.Add("io:" + description);
            if (op.OperationKind is SimulatedOperationKind.Write or SimulatedOperationKind.Read)
            {
                _failable.Add(op);
                _failIds.Add("io-fail:" + description);
            }
        }

        _stale = false;
    }
}
