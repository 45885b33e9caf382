using ActorPager.Messages;

namespace ActorPager.Actors;

/// <summary>
/// The pager's event counters, the counterpart of FreeBSD's <c>struct vmmeter</c> (vm_cnt:
/// v_vm_faults, v_vnodein, v_vnodepgsin, v_vnodeout, v_vnodepgsout). One instance lives beside the
/// frame pool (<see cref="Vm.PhysicalMemory.Metrics"/>), so every VM object and vnode of a pager
/// counts into it; a host exports them (the <c>/metrics</c> route of <c>actorpager serve</c>).
/// </summary>
/// <remarks>
/// Counters only grow. Each is one <see cref="Interlocked"/> increment on a separate field; reads
/// are snapshots that may be a few events apart from each other.
/// </remarks>
public sealed class PagerMetrics
{
    /// <summary>Stripes of the mapped-read counter (a power of two).</summary>
    private const int MappedStripes = 16;

    /// <summary>Longs between two stripes: 128 bytes, so no two share a cache line (or an adjacent-line prefetch pair).</summary>
    private const int StripeSpacing = 16;

    /// <summary>Mapped reads, striped by processor.</summary>
    private readonly long[] _mappedReads = new long[MappedStripes * StripeSpacing];

    /// <summary>Rtval counts, indexed by <see cref="PagerStatus"/>.</summary>
    private readonly long[] _rtvals = new long[Enum.GetValues<PagerStatus>().Length];

    /// <summary>Faults that found no resident page (a getpages, or a zero-filled whole-page write).</summary>
    private long _faults;

    /// <summary>Faults that found the page resident and valid.</summary>
    private long _hits;

    /// <summary>VOP_GETPAGES calls.</summary>
    private long _getPagesCalls;

    /// <summary>Pages in VOP_GETPAGES calls.</summary>
    private long _getPagesPages;

    /// <summary>VOP_GETPAGES refused because the vnode was held (LockBusy).</summary>
    private long _getPagesRefused;

    /// <summary>Read-aheads sent (getpages no fault waited for).</summary>
    private long _readAheads;

    /// <summary>Pages in read-aheads.</summary>
    private long _readAheadPages;

    /// <summary>VOP_PUTPAGES calls.</summary>
    private long _putPagesCalls;

    /// <summary>Pages in VOP_PUTPAGES calls.</summary>
    private long _putPagesPages;

    /// <summary>Completions of asynchronous (Pend) putpages.</summary>
    private long _completions;

    /// <summary>VM objects stopped by a failure.</summary>
    private long _objectFailures;

    /// <summary>Dirty pages dropped with a failed VM object.</summary>
    private long _dirtyPagesLost;

    /// <summary>Frames a failed VM object left with store I/O in flight, kept out of the pool until it finished.</summary>
    private long _framesHeldForIo;

    /// <summary>Faults that found no resident page.</summary>
    public long Faults => Volatile.Read(ref _faults);

    /// <summary>Faults that found the page resident.</summary>
    public long Hits => Volatile.Read(ref _hits);

    /// <summary>VOP_GETPAGES calls (v_vnodein).</summary>
    public long GetPagesCalls => Volatile.Read(ref _getPagesCalls);

    /// <summary>Pages asked for by VOP_GETPAGES (v_vnodepgsin).</summary>
    public long GetPagesPages => Volatile.Read(ref _getPagesPages);

    /// <summary>
    /// VOP_GETPAGES refused with LockBusy because the vnode was held by another VOP: each is a
    /// cluster whose pages were freed and whose fault started again. Faults wait while their own
    /// object's getpages is out, so these come only from other VOPs (a write, fsync, setsize, destroy).
    /// </summary>
    public long GetPagesRefused => Volatile.Read(ref _getPagesRefused);

    /// <summary>Reads served from mapped pages without a message to the VM object (the pmap).</summary>
    public long MappedReads
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < MappedStripes; i++)
            {
                sum += Volatile.Read(ref _mappedReads[i * StripeSpacing]);
            }

            return sum;
        }
    }

    /// <summary>Read-aheads: VOP_GETPAGES sent ahead of a sequential reader, before any fault needed the pages.</summary>
    public long ReadAheads => Volatile.Read(ref _readAheads);

    /// <summary>Pages asked for by read-aheads.</summary>
    public long ReadAheadPages => Volatile.Read(ref _readAheadPages);

    /// <summary>VOP_PUTPAGES calls (v_vnodeout).</summary>
    public long PutPagesCalls => Volatile.Read(ref _putPagesCalls);

    /// <summary>Pages handed to VOP_PUTPAGES (v_vnodepgsout).</summary>
    public long PutPagesPages => Volatile.Read(ref _putPagesPages);

    /// <summary>Completions of asynchronous putpages.</summary>
    public long Completions => Volatile.Read(ref _completions);

    /// <summary>Putpages rtvals answered with <paramref name="status"/>.</summary>
    public long Rtvals(PagerStatus status) => (uint)status < (uint)_rtvals.Length ? Volatile.Read(ref _rtvals[(int)status]) : 0;

    /// <summary>Counts a fault that missed.</summary>
    internal void CountFault() => Interlocked.Increment(ref _faults);

    /// <summary>Counts a fault that hit.</summary>
    internal void CountHit() => Interlocked.Increment(ref _hits);

    /// <summary>Counts a read served from mapped pages, on a stripe of its processor: mapped readers share no counter's cache line.</summary>
    internal void CountMappedRead() => Interlocked.Increment(ref _mappedReads[(Thread.GetCurrentProcessorId() & (MappedStripes - 1)) * StripeSpacing]);

    /// <summary>Counts a read-ahead of <paramref name="pages"/> pages.</summary>
    internal void CountReadAhead(int pages)
    {
        Interlocked.Increment(ref _readAheads);
        Interlocked.Add(ref _readAheadPages, pages);
    }

    /// <summary>Counts a VOP_GETPAGES refused with LockBusy.</summary>
    internal void CountGetPagesRefused() => Interlocked.Increment(ref _getPagesRefused);

    /// <summary>Counts a VOP_GETPAGES of <paramref name="pages"/> pages.</summary>
    internal void CountGetPages(int pages)
    {
        Interlocked.Increment(ref _getPagesCalls);
        Interlocked.Add(ref _getPagesPages, pages);
    }

    /// <summary>Counts a VOP_PUTPAGES of <paramref name="pages"/> pages.</summary>
    internal void CountPutPages(int pages)
    {
        Interlocked.Increment(ref _putPagesCalls);
        Interlocked.Add(ref _putPagesPages, pages);
    }

    /// <summary>Counts the rtvals of one putpages reply.</summary>
    internal void CountRtvals(PagerStatus[] rtvals)
    {
        foreach (var status in rtvals)
        {
            if ((uint)status < (uint)_rtvals.Length)
            {
                Interlocked.Increment(ref _rtvals[(int)status]);
            }
        }
    }

    /// <summary>Counts the completion of an asynchronous putpages.</summary>
    internal void CountCompletion() => Interlocked.Increment(ref _completions);

    /// <summary>VM objects stopped by a failure (an exception in the object: a bug or a broken protocol rule).</summary>
    public long ObjectFailures => Volatile.Read(ref _objectFailures);

    /// <summary>Dirty pages lost with failed VM objects: data written through the cache and never written back.</summary>
    public long DirtyPagesLost => Volatile.Read(ref _dirtyPagesLost);

    /// <summary>Frames failed VM objects left with store I/O in flight; each went back to the pool only after its I/O finished.</summary>
    public long FramesHeldForIo => Volatile.Read(ref _framesHeldForIo);

    internal void CountObjectFailure(int dirtyPagesLost, int framesHeld)
    {
        Interlocked.Increment(ref _objectFailures);
        Interlocked.Add(ref _dirtyPagesLost, dirtyPagesLost);
        Interlocked.Add(ref _framesHeldForIo, framesHeld);
    }
}
