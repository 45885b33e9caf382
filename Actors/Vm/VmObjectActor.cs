using ActorPager.Messages;
using Akka.Actor;
using Akka.Event;

namespace ActorPager.Actors.Vm;

/// <summary>
/// A VM object of type VNODE. It owns its resident pages' state — valid and dirty masks, busy,
/// waiters, queue — and its paging-in-progress count (pip); nothing else changes them. One turn
/// of this actor is one period under the object lock (spec §7): a fault that hits, a getpages
/// reply, a putpages reply, a completion and a setsize each run in one turn. A sleeper (a fault
/// waiting on a busy page, a clean waiting to flush, a truncate waiting for a page being paged
/// out) is a continuation, fired when the page is unbusied or freed; it then looks the page up
/// again from scratch (rules 4, 5).
/// </summary>
internal sealed partial class VmObjectActor : ActorBase
{
    private readonly PhysicalMemory _memory;
    private readonly PagerOptions _options;
    private readonly IActorRef? _daemon;
    private readonly int _pageSize;
    private readonly byte _fullMask;

    /// <summary>The object's handle: the vnode; null once dead.</summary>
    private IActorRef? _vnode;

    /// <summary>vnp_size in bytes.</summary>
    private long _size;

    /// <summary>size in pages: ceil(vnp_size / page size).</summary>
    private long _sizePages;

    /// <summary>The pmap: pages clients read without a message; null when mapped reads are off.</summary>
    private readonly PageMap? _map;

    /// <summary>Resident pages: pindex → frame.</summary>
    private readonly Dictionary<long, int> _pages = [];

    /// <summary>Paging operations in progress (rule 10: never negative).</summary>
    private int _pip;

    /// <summary>References other than the vnode's own pointer.</summary>
    private int _refCount;

    /// <summary>OBJ_DEAD / type DEAD: terminated or detached.</summary>
    private bool _dead;

    /// <summary>Pages with any dirty block.</summary>
    private int _dirtyPages;

    /// <summary>Pages busy (either kind).</summary>
    private int _busyPages;

    /// <summary>lastr: the page after the last one faulted, for sequential detection.</summary>
    private long _lastRead = -1;

    /// <summary>Continuations sleeping on a busy page, by frame.</summary>
    private readonly Dictionary<int, List<Action>> _pageWaiters = [];

    /// <summary>Continuations woken this turn, run before it ends.</summary>
    private readonly Queue<Action> _ready = new();

    /// <summary>Continuations waiting for the vnode lock (after LockBusy).</summary>
    private readonly List<Action> _vnodeWaiters = [];

    /// <summary>
    /// Faults parked while this object's own getpages is out: the vnode runs one paging VOP at a
    /// time, so a second cluster sent now would be refused (LockBusy), free its pages, wake their
    /// sleepers and start again. Parked faults hold nothing (no page, no pip) and run again from
    /// the lookup when the getpages answers (rules 5, 7).
    /// </summary>
    private readonly List<FaultOp> _clusterWaiters = [];

    /// <summary>This object's getpages sent to the vnode and not answered.</summary>
    private int _getPagesOut;

    /// <summary>The first page of the last read-ahead: a read that reaches it starts the next one; -1 when none.</summary>
    private long _readAheadMark = -1;

    /// <summary>The page after the last read-ahead's cluster.</summary>
    private long _readAheadNext = -1;

    /// <summary>Continuations waiting for a free frame.</summary>
    private readonly List<Action> _frameWaiters = [];

    /// <summary>Continuations waiting for pip to drain (pip_wait).</summary>
    private readonly List<Action> _pipWaiters = [];

    /// <summary>Paging requests sent to the vnode and not finished.</summary>
    private readonly Dictionary<long, object> _requests = [];

    private long _nextRequestId;

    /// <summary>The file this object caches (for what it reports when it fails).</summary>
    private readonly string _file;

    /// <summary>Clients' reads, writes and faults not yet answered, by ticket: told <see cref="VmObjectProtocol.ObjectFailed"/> if the object fails.</summary>
    private readonly Dictionary<long, IActorRef> _clients = [];

    private long _nextClient;

    /// <summary>The exception that is stopping this object, if one is.</summary>
    private Exception? _failure;

    public VmObjectActor(IActorRef vnode, PhysicalMemory memory, PagerOptions options, long size, IActorRef? daemon, string file = "", PageMap? map = null)
    {
        _map = map;
        _vnode = vnode;
        _file = file;
        _memory = memory;
        _options = options;
        _daemon = daemon;
        _pageSize = memory.PageSize;
        _fullMask = PageGeometry.FullMask(_pageSize);
        SetSizeFields(size);
        InitQueues();
    }

    protected override void PreStart()
    {
        Inspection.ActorInstances.Started(Context, this);
        _memory.Gauges.AddObjects(1);
        _daemon?.Tell(new PageDaemon.Register(Self), Self);
    }

    /// <summary>Notes the exception that will stop this object (its vnode's strategy is Stop), for <see cref="PostStop"/>.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            _failure = e;
            throw;
        }
    }

    protected override void PostStop()
    {
        Inspection.ActorInstances.Stopped(Context);
        _daemon?.Tell(new PageDaemon.Unregister(Self), Self);

        // No reader may copy a frame once it can be reused.
        _map?.Close();
        _memory.ForgetMap(Self);

        // Frames go back to the pool, whatever stopped the object, except frames of store I/O
        // still in flight: the store may yet read into or write from them, and a frame reused
        // meanwhile would mix another file's page with this I/O. The vnode frees those once the
        // I/O it started has finished.
        var inFlight = FramesInFlight();
        foreach (var frame in _pages.Values)
        {
            if (!inFlight.Contains(frame))
            {
                _memory.Free(frame);
            }
        }

        _pages.Clear();

        // What this object still counted leaves the pager's gauges with it.
        var gauges = _memory.Gauges;
        gauges.AddObjects(-1);
        gauges.AddDirty(-_dirtyPages);
        gauges.AddBusy(-_busyPages);
        gauges.AddPip(-_pip);
        foreach (var queue in (ReadOnlySpan<PageQueue>)[PageQueue.Active, PageQueue.Inactive, PageQueue.Laundry])
        {
            gauges.AddQueue(queue, -_queueCount[(int)queue]);
        }

        if (inFlight.Count > 0)
        {
            Context.Parent.Tell(new VmObjectProtocol.FramesInFlight([.. inFlight]), Self);
        }

        if (_failure is not null)
        {
            // Loud, never silent: the log, a metric, and every client still waiting hears it.
            var reason = $"{_failure.GetType().Name}: {_failure.Message}";
            Context.GetLogger().ObjectFailed(_file, reason, _dirtyPages, inFlight.Count);
            _memory.Metrics.CountObjectFailure(_dirtyPages, inFlight.Count);
            foreach (var client in _clients.Values)
            {
                client.Tell(new VmObjectProtocol.ObjectFailed(_file, reason, _dirtyPages), Self);
            }

            _clients.Clear();
        }

        // A stop that is not a failure (destroy, deallocate, the vnode or system stopping) answers
        // anyone still waiting, so no client waits out a time-out on a stopped actor.
        foreach (var client in _clients.Values)
        {
            client.Tell(new RequestRejected(DeadReason()), Self);
        }

        _clients.Clear();
    }

    /// <summary>Frames named by getpages and putpages sent to the vnode and not yet finished.</summary>
    private HashSet<int> FramesInFlight()
    {
        var frames = new HashSet<int>();
        foreach (var request in _requests.Values)
        {
            switch (request)
            {
                case GetPagesInFlight get:
                    for (var p = get.First; p <= get.Last; p++)
                    {
                        if (_pages.TryGetValue(p, out var frame))
                        {
                            frames.Add(frame);
                        }
                    }

                    break;
                case PutPagesInFlight put:
                    frames.UnionWith(put.Frames);
                    break;
            }
        }

        return frames;
    }

    /// <summary>Remembers a client waiting for an answer; <see cref="Answered"/> forgets it.</summary>
    private long Waiting(IActorRef client)
    {
        var ticket = ++_nextClient;
        _clients[ticket] = client;
        return ticket;
    }

    private void Answered(long ticket) => _clients.Remove(ticket);

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case VmObjectProtocol.Fault fault:
                OnFault(fault, Sender);
                break;
            case VmObjectProtocol.Read read:
                OnRead(read, Sender);
                break;
            case VmObjectProtocol.Write write:
                OnWrite(write, Sender);
                break;
            case VnodeProtocol.GetPagesReply reply:
                OnGetPagesReply(reply);
                break;
            case VnodeProtocol.PutPagesReply reply:
                OnPutPagesReply(reply);
                break;
            case VmObjectProtocol.WriteCompleted completed:
                OnWriteCompleted(completed);
                break;
            case VnodeProtocol.LockBusy busy:
                OnLockBusy(busy);
                break;
            case RequestRejected rejected:
                OnRejected(rejected);
                break;
            case VmObjectProtocol.VnodeReleased:
                Wake(_vnodeWaiters);
                break;
            case VmObjectProtocol.FramesAvailable:
                Wake(_frameWaiters);
                break;
            case VmObjectProtocol.Clean clean:
                OnClean(clean, Sender);
                break;
            case VmObjectProtocol.SetObjectSize setSize:
                OnSetObjectSize(setSize.Size, Sender);
                break;
            case VmObjectProtocol.TerminateObject terminate:
                OnTerminate(terminate, Sender);
                break;
            case VmObjectProtocol.Reclaim reclaim:
                OnReclaim(reclaim, Sender);
                break;
            case VmObjectProtocol.Reference:
                _refCount++;
                break;
            case VmObjectProtocol.Deallocate:
                OnDeallocate();
                break;
            case VmObjectProtocol.GetStat:
                Sender.Tell(Stat(), Self);
                break;
            case VmObjectProtocol.GetPageStates states:
                OnGetPageStates(states, Sender);
                break;
            default:
                return false;
        }

        RunReady();
        return true;
    }

    // ---- sizes, pip ----

    private void SetSizeFields(long size)
    {
        _size = size;
        _sizePages = (size + _pageSize - 1) / _pageSize;
        if (!_dead)
        {
            // Shrinking, the pages past the end were unmapped before this.
            _map?.PublishSize(size);
        }
    }

    private void PipAdd(int n)
    {
        _pip += n;
        _memory.Gauges.AddPip(n);
    }

    private void AddDirty(int n)
    {
        _dirtyPages += n;
        _memory.Gauges.AddDirty(n);
    }

    private void AddBusy(int n)
    {
        _busyPages += n;
        _memory.Gauges.AddBusy(n);
    }

    /// <summary>vm_object_pip_wakeupn: pip −= n, waking pip_wait sleepers at 0 (rule 10, 12).</summary>
    private void PipRelease(int n)
    {
        _pip -= n;
        _memory.Gauges.AddPip(-n);
        if (_pip < 0)
        {
            throw new ProtocolViolationException(10, $"{Self.Path}: pip went negative ({_pip}) after releasing {n}");
        }

        if (_pip == 0 && _pipWaiters.Count > 0)
        {
            Wake(_pipWaiters);
        }
    }

    /// <summary>vm_object_pip_wait: runs <paramref name="then"/> once pip is 0.</summary>
    private void PipWait(Action then)
    {
        if (_pip == 0)
        {
            then();
            return;
        }

        _pipWaiters.Add(then);
    }

    // ---- sleeping and waking ----

    private void SleepOnPage(int frame, Action restart)
    {
        ref var meta = ref _memory.Meta(frame);
        meta.Flags |= PageMeta.Waiters;
        if (!_pageWaiters.TryGetValue(frame, out var list))
        {
            list = [];
            _pageWaiters[frame] = list;
        }

        list.Add(restart);
    }

    /// <summary>The page was unbusied or freed: every sleeper runs again this turn (no lost wakeup, rule 4).</summary>
    private void WakePage(int frame)
    {
        ref var meta = ref _memory.Meta(frame);
        meta.Flags = (byte)(meta.Flags & ~PageMeta.Waiters);
        if (_pageWaiters.Remove(frame, out var list))
        {
            foreach (var action in list)
            {
                _ready.Enqueue(action);
            }
        }
    }

    private void Wake(List<Action> waiters)
    {
        if (waiters.Count == 0)
        {
            return;
        }

        foreach (var action in waiters)
        {
            _ready.Enqueue(action);
        }

        waiters.Clear();
    }

    /// <summary>Runs woken continuations until none is left (they may wake more).</summary>
    private void RunReady()
    {
        while (_ready.TryDequeue(out var action))
        {
            action();
        }
    }

    // ---- pages ----

    private bool TryLookup(long pindex, out int frame) => _pages.TryGetValue(pindex, out frame);

    /// <summary>vm_page_alloc: a new exclusive-busy page at <paramref name="pindex"/>, or false when no frame is free.</summary>
    private bool TryAllocatePage(long pindex, out int frame)
    {
        if (!_memory.TryAllocate(pindex, out frame))
        {
            return false;
        }

        _pages.Add(pindex, frame);
        ref var meta = ref _memory.Meta(frame);
        meta.Flags |= PageMeta.ExclusiveBusy;
        AddBusy(1);
        return true;
    }

    /// <summary>vm_page_free: removes the page and returns its frame; sleepers restart and find it gone.</summary>
    private void FreePage(int frame)
    {
        ref var meta = ref _memory.Meta(frame);
        _map?.Remove(meta.PIndex);
        Dequeue(frame);
        if (meta.IsBusy)
        {
            AddBusy(-1);
        }

        if (meta.Dirty != 0)
        {
            AddDirty(-1);
        }

        _pages.Remove(meta.PIndex);
        WakePage(frame);
        meta = default;
        _memory.Free(frame);
    }

    private void XBusy(int frame)
    {
        ref var meta = ref _memory.Meta(frame);
        _map?.Remove(meta.PIndex);
        if (!meta.IsBusy)
        {
            AddBusy(1);
        }

        meta.Flags |= PageMeta.ExclusiveBusy;
    }

    private void SBusy(int frame)
    {
        ref var meta = ref _memory.Meta(frame);
        if (!meta.IsBusy)
        {
            AddBusy(1);
        }

        meta.SharedBusy++;
    }

    /// <summary>vm_page_wakeup / sunbusy: drops one hold; at fully unbusied the sleepers wake.</summary>
    private void Unbusy(int frame)
    {
        ref var meta = ref _memory.Meta(frame);
        if (meta.IsExclusiveBusy)
        {
            meta.Flags = (byte)(meta.Flags & ~PageMeta.ExclusiveBusy);
        }
        else if (meta.SharedBusy > 0)
        {
            meta.SharedBusy--;
        }
        else
        {
            return;
        }

        if (!meta.IsBusy)
        {
            AddBusy(-1);
            if (meta.HasWaiters)
            {
                WakePage(frame);
            }
        }
    }

    private void SetDirty(int frame, byte mask)
    {
        ref var meta = ref _memory.Meta(frame);
        mask &= meta.Valid;
        if (mask == 0)
        {
            return;
        }

        if (meta.Dirty == 0)
        {
            AddDirty(1);
            meta.DirtySinceMs = NowMs();
        }

        meta.Dirty |= mask;
    }

    private void ClearDirty(int frame, byte mask)
    {
        ref var meta = ref _memory.Meta(frame);
        if (meta.Dirty == 0)
        {
            return;
        }

        meta.Dirty = (byte)(meta.Dirty & ~mask);
        if (meta.Dirty == 0)
        {
            AddDirty(-1);
        }
    }

    private int NowMs() => (int)Math.Min(int.MaxValue, Context.System.Scheduler.MonotonicClock.TotalMilliseconds);

    private long NextRequestId() => ++_nextRequestId;

    /// <summary>A page state from a completion or pager: a page it names that this object does not hold is a protocol violation.</summary>
    private int FrameOf(long pindex, string context) =>
        _pages.TryGetValue(pindex, out var frame)
            ? frame
            : throw new InvalidOperationException($"{Self.Path}: {context} names page {pindex}, which is not resident");

    /// <summary>Applies a pager's or completion's page operations in order (one turn).</summary>
    private void ApplyOps(PageOp[] ops, string context)
    {
        foreach (var op in ops)
        {
            var frame = FrameOf(op.PIndex, context);
            ref var meta = ref _memory.Meta(frame);
            switch (op.Kind)
            {
                case PageOpKind.SetValid:
                    meta.Valid |= op.Mask;
                    break;
                case PageOpKind.SetValidClean:
                    meta.Valid |= op.Mask;
                    ClearDirty(frame, op.Mask);
                    break;
                case PageOpKind.ClearValid:
                    _map?.Remove(op.PIndex);
                    ClearDirty(frame, _fullMask);
                    meta.Valid = 0;
                    break;
                case PageOpKind.ClearDirty:
                    ClearDirty(frame, op.Mask);
                    break;
                case PageOpKind.Undirty:
                    ClearDirty(frame, _fullMask);
                    break;
                case PageOpKind.Redirty:
                    SetDirty(frame, meta.Valid);
                    break;
                case PageOpKind.Activate:
                    Enqueue(frame, PageQueue.Active);
                    break;
                case PageOpKind.Deactivate:
                    Enqueue(frame, PageQueue.Inactive);
                    break;
                case PageOpKind.ActivateIfWanted:
                    Enqueue(frame, meta.HasWaiters ? PageQueue.Active : PageQueue.Inactive);
                    break;
                case PageOpKind.Unbusy:
                    Unbusy(frame);
                    break;
                case PageOpKind.Free:
                    FreePage(frame);
                    break;
            }
        }
    }

    private VmObjectProtocol.ObjectStat Stat() =>
        new(_size, _sizePages, _pages.Count, _dirtyPages, _busyPages, _pip, _refCount, _queueCount[(int)PageQueue.Active], _queueCount[(int)PageQueue.Inactive], _queueCount[(int)PageQueue.Laundry], _dead);

    private void OnGetPageStates(VmObjectProtocol.GetPageStates request, IActorRef replyTo)
    {
        if (request.First < 0 || request.Count < 0 || request.Count > 4096)
        {
            replyTo.Tell(new RequestRejected($"page states: first must not be negative and count must be 0..4096, got first={request.First} count={request.Count}"), Self);
            return;
        }

        var states = new VmObjectProtocol.PageState[request.Count];
        for (var i = 0; i < request.Count; i++)
        {
            var pindex = request.First + i;
            if (_pages.TryGetValue(pindex, out var frame))
            {
                ref var meta = ref _memory.Meta(frame);
                var busy = meta.IsExclusiveBusy ? "exclusive" : meta.SharedBusy > 0 ? $"shared({meta.SharedBusy})" : "none";
                states[i] = new VmObjectProtocol.PageState(pindex, true, meta.Valid, meta.Dirty, busy, meta.Queue.ToString().ToLowerInvariant(), _map?.IsMapped(pindex) ?? false);
            }
            else
            {
                states[i] = new VmObjectProtocol.PageState(pindex, false, 0, 0, "none", "none");
            }
        }

        replyTo.Tell(new VmObjectProtocol.PageStates(states), Self);
    }
}
