using ActorPager.Storage;

namespace ActorPager.Harness.Dispatch;

/// <summary>
/// Hands a <see cref="SimulatedStore"/>'s pending operations to the deterministic dispatcher as
/// external events, so the seeded strategy decides when each I/O completes, interleaved with
/// message deliveries. Attach it with <see cref="DeterministicDispatcher.AddExternalSource"/>.
/// </summary>
public sealed class SimulatedIoEvents : IExternalEventSource
{
    private readonly SimulatedStore _store;
    private readonly string _prefix;

    /// <summary>Wraps <paramref name="store"/>; <paramref name="name"/> tells stores apart in traces.</summary>
    public SimulatedIoEvents(SimulatedStore store, string name = "disk")
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _prefix = "io:" + name + ":";
    }

    /// <inheritdoc />
    public int PendingCount => _store.PendingCount;

    /// <inheritdoc />
    public string Describe(int index) => _prefix + _store.Pending[index].Description;

    /// <inheritdoc />
    public void Run(int index) => _store.Complete(index);
}
