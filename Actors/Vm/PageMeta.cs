namespace ActorPager.Actors.Vm;

/// <summary>Which page queue a page is on ([mod]'s queues, choice 3).</summary>
internal enum PageQueue : byte
{
    /// <summary>On no queue (busy for I/O, or just allocated).</summary>
    None,

    /// <summary>Recently used.</summary>
    Active,

    /// <summary>Candidates for reclaim.</summary>
    Inactive,

    /// <summary>Dirty inactive pages waiting to be written.</summary>
    Laundry,
}

/// <summary>
/// The state of one resident page (a <c>vm_page</c>), kept in one array indexed by frame
/// number so a resident page costs no heap object. Only the VM object actor that owns the frame
/// reads or writes its entry.
/// </summary>
internal struct PageMeta
{
    /// <summary>The page index in its object.</summary>
    public long PIndex;

    /// <summary>Queue links (frame numbers, −1 for none).</summary>
    public int Prev;

    /// <summary>Queue links (frame numbers, −1 for none).</summary>
    public int Next;

    /// <summary>When the page first became dirty (scheduler elapsed milliseconds).</summary>
    public int DirtySinceMs;

    /// <summary>Valid block mask.</summary>
    public byte Valid;

    /// <summary>Dirty block mask (⊆ Valid).</summary>
    public byte Dirty;

    /// <summary>Shared busy count (the [v5] soft busy).</summary>
    public byte SharedBusy;

    /// <summary>Flags: exclusive busy, waiters, and the queue in bits 2-3 (packed so the entry is 24 bytes, not 32).</summary>
    public byte Flags;

    /// <summary>Exclusive busy (PG_BUSY).</summary>
    public const byte ExclusiveBusy = 1;

    /// <summary>Someone sleeps on the page (PG_WANTED / WAITERS).</summary>
    public const byte Waiters = 2;

    /// <summary>Where <see cref="Queue"/> lives in <see cref="Flags"/>.</summary>
    private const int QueueShift = 2;

    /// <summary>The queue the page is on.</summary>
    public PageQueue Queue
    {
        readonly get => (PageQueue)((Flags >> QueueShift) & 3);
        set => Flags = (byte)((Flags & ~(3 << QueueShift)) | ((int)value << QueueShift));
    }

    public readonly bool IsExclusiveBusy => (Flags & ExclusiveBusy) != 0;

    public readonly bool IsBusy => (Flags & ExclusiveBusy) != 0 || SharedBusy > 0;

    public readonly bool HasWaiters => (Flags & Waiters) != 0;
}
