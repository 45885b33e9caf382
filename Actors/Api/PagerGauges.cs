using ActorPager.Actors.Vm;

namespace ActorPager.Actors;

/// <summary>
/// The pager's gauges, kept as running sums by the VM objects as their own counts change (the
/// kernel's vm_cnt.v_active_count, v_inactive_count, v_laundry_count, and the dirty and busy
/// counts): reading them costs the same with 10,000 objects as with one, and asks no actor.
/// </summary>
/// <remarks>
/// Each object adds its changes with one <see cref="Interlocked"/> operation and, when it stops,
/// takes out whatever it still counted, so the sums stay exact. A read is a snapshot that may be
/// a few changes apart between two gauges. Moving a page to the tail of the queue it is already on
/// (every hit) changes no gauge.
/// </remarks>
public sealed class PagerGauges
{
    /// <summary>Pages per queue, indexed by <see cref="PageQueue"/> (None unused).</summary>
    private readonly long[] _queues = new long[4];

    private long _objects;
    private long _dirty;
    private long _busy;
    private long _pip;

    /// <summary>VM objects alive now.</summary>
    public long Objects => Volatile.Read(ref _objects);

    /// <summary>Resident pages with any dirty block, over every object.</summary>
    public long DirtyPages => Volatile.Read(ref _dirty);

    /// <summary>Pages busy (exclusive or shared), over every object.</summary>
    public long BusyPages => Volatile.Read(ref _busy);

    /// <summary>Paging operations in progress, over every object.</summary>
    public long Pip => Volatile.Read(ref _pip);

    /// <summary>Pages on the active queues, over every object.</summary>
    public long ActivePages => Volatile.Read(ref _queues[(int)PageQueue.Active]);

    /// <summary>Pages on the inactive queues, over every object.</summary>
    public long InactivePages => Volatile.Read(ref _queues[(int)PageQueue.Inactive]);

    /// <summary>Pages on the laundry queues (dirty, being cleaned for reuse), over every object.</summary>
    public long LaundryPages => Volatile.Read(ref _queues[(int)PageQueue.Laundry]);

    internal void AddObjects(int delta) => Interlocked.Add(ref _objects, delta);

    internal void AddDirty(int delta) => Interlocked.Add(ref _dirty, delta);

    internal void AddBusy(int delta) => Interlocked.Add(ref _busy, delta);

    internal void AddPip(int delta) => Interlocked.Add(ref _pip, delta);

    internal void AddQueue(PageQueue queue, int delta)
    {
        if (queue != PageQueue.None && delta != 0)
        {
            Interlocked.Add(ref _queues[(int)queue], delta);
        }
    }
}
