using ActorPager.Actors.Pager;
using ActorPager.Actors.Vm;
using ActorPager.Messages;
using Akka.Actor;
using ActorPager.Storage;

namespace ActorPager.Actors.Vnode;

/// <summary>
/// A vnode. Its mailbox is the vnode lock: it handles one VOP at a time, and while a VOP's I/O
/// is outstanding (a <em>turn</em> is held) it stashes later VOPs. Paging requests from a VM
/// object only try the lock (rule 7): while a turn is held they are answered
/// <see cref="VnodeProtocol.LockBusy"/> and the object is told <see cref="VmObjectProtocol.VnodeReleased"/>
/// when the turn ends — unless they carry the held turn's token, being part of that VOP (the
/// clean inside fsync or destroy).
/// </summary>
internal sealed partial class VnodeActor : ActorBase, IWithUnboundedStash
{
    private readonly VnodeSettings _settings;

    /// <summary>vnp_size as the filesystem knows it.</summary>
    private long _size;

    /// <summary>v_object: the VM object, or null.</summary>
    private IActorRef? _object;

    /// <summary>Number of objects made so far (child names).</summary>
    private int _objectGeneration;

    /// <summary>Being recycled: getpages answers BAD.</summary>
    private bool _doomed;

    /// <summary>The turn held now (0 when the vnode is free).</summary>
    private long _turn;

    /// <summary>Holds on the current turn: the VOP itself plus each pager I/O that keeps it.</summary>
    private int _holds;

    /// <summary>Turn numbers handed out.</summary>
    private long _turnCounter;

    /// <summary>VOPs waiting for the vnode.</summary>
    private int _stashed;

    /// <summary>Objects refused with LockBusy during this turn, to be told when it ends.</summary>
    private readonly HashSet<IActorRef> _lockWaiters = [];

    /// <summary>The multi-step VOP in progress, if any.</summary>
    private PendingVop? _vop;

    /// <summary>Frames a stopped object left with store I/O in flight, freed when <see cref="_awaitedCompletions"/> is empty.</summary>
    private readonly List<int> _heldFrames = [];

    /// <summary>Completion children that were running when an object stopped with frames in flight.</summary>
    private readonly HashSet<IActorRef> _awaitedCompletions = [];

    public VnodeActor(VnodeSettings settings, long size)
    {
        _settings = settings;
        _size = size;
    }

    /// <summary>The vnode lock's waiting room: VOPs that arrived while a turn was held (set by Akka.NET).</summary>
    public IStash Stash { get; set; } = null!;

    private int PageSize => _settings.Memory.PageSize;

    protected override void PreStart() => Inspection.ActorInstances.Started(Context, this);

    /// <summary>
    /// The VM object and the completion actors are stopped, never restarted, when they throw: a
    /// restarted object would come back with its creation-time size, no pages and no pip while I/O
    /// it started is still in flight, silently losing its dirty pages. A stopped one says what it
    /// lost (log, metric, its waiting clients) and keeps its in-flight frames out of the pool.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(static _ => Directive.Stop);

    protected override void PostStop() => Inspection.ActorInstances.Stopped(Context);

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case VnodeProtocol.GetPages get:
                OnGetPages(get);
                return true;
            case VnodeProtocol.PutPages put:
                OnPutPages(put);
                return true;
            case VnodeProtocol.VopFinished finished:
                Release(finished.LockToken);
                return true;
            case VnodeProtocol.GetAttributes:
                Sender.Tell(new VnodeProtocol.VnodeAttributes(_settings.File, _size, _object is not null, _doomed, _turn != 0, _stashed), Self);
                return true;
            case VmObjectProtocol.Terminated or VmObjectProtocol.CleanReply or VmObjectProtocol.ObjectSizeSet or StoreDone:
                ContinueVop(message);
                return true;
            case VmObjectProtocol.WriteReply or VmObjectProtocol.ObjectFailed or RequestRejected when _vop is { Kind: VopKind.Write } && Sender.Equals(_object):
                // The object's answer to the copy of a VOP_WRITE.
                ContinueVop(message);
                return true;
            case Terminated stopped when stopped.ActorRef.Equals(_object):
                OnObjectStopped();
                return true;
            case Terminated stopped:
                // A completion awaited before held frames are freed, or an object already destroyed.
                if (_awaitedCompletions.Remove(stopped.ActorRef))
                {
                    FreeHeldFramesWhenDrained();
                }

                return true;
            case VmObjectProtocol.FramesInFlight held:
                OnFramesInFlight(held);
                return true;
        }

        // Every other message is a VOP that needs the vnode lock: wait for it.
        if (_turn != 0 && IsVop(message))
        {
            _stashed++;
            Stash.Stash();
            return true;
        }

        switch (message)
        {
            case VnodeProtocol.CreateVObject create:
                OnCreateVObject(create.TakeReference);
                return true;
            case VnodeProtocol.GetVObject get:
                Sender.Tell(_object is null
                    ? new VnodeProtocol.VObjectReply(VnodeProtocol.VObjectReply.EInval, null)
                    : new VnodeProtocol.VObjectReply(0, get.WantObject ? _object : null), Self);
                return true;
            case VnodeProtocol.DestroyVObject:
                OnDestroyVObject(Sender, recycle: false);
                return true;
            case VnodeProtocol.Fsync fsync:
                OnFsync(fsync, Sender);
                return true;
            case VnodeProtocol.SetSize setSize:
                OnSetSize(setSize, Sender);
                return true;
            case VnodeProtocol.Write write:
                OnWrite(write, Sender);
                return true;
            case Recycle:
                _doomed = true;
                OnDestroyVObject(Sender, recycle: true);
                return true;
            default:
                return false;
        }
    }

    private static bool IsVop(object message) =>
        message is VnodeProtocol.CreateVObject or VnodeProtocol.GetVObject or VnodeProtocol.DestroyVObject
            or VnodeProtocol.Fsync or VnodeProtocol.SetSize or VnodeProtocol.Write or Recycle;

    // ---- the lock ----

    /// <summary>Takes the vnode for a VOP.</summary>
    private long Acquire()
    {
        _turn = ++_turnCounter;
        _holds = 1;
        return _turn;
    }

    /// <summary>Adds a hold to the current turn (a pager keeping the vnode across its I/O).</summary>
    private void Hold(long turn)
    {
        if (turn == _turn)
        {
            _holds++;
        }
    }

    /// <summary>Drops one hold; the last one ends the turn: stashed VOPs run, refused objects are told.</summary>
    private void Release(long turn)
    {
        if (turn != _turn || _turn == 0)
        {
            return;
        }

        if (--_holds > 0)
        {
            return;
        }

        _turn = 0;
        _stashed = 0;
        Stash.UnstashAll();
        if (_lockWaiters.Count > 0)
        {
            foreach (var waiter in _lockWaiters)
            {
                waiter.Tell(VmObjectProtocol.VnodeReleased.Instance, Self);
            }

            _lockWaiters.Clear();
        }
    }

    // ---- paging VOPs ----

    private void OnGetPages(VnodeProtocol.GetPages request)
    {
        if (Validate(request.RequestId, request.Object, request.Pages, request.Count, request.Offset, "getpages") is { } problem)
        {
            Sender.Tell(new RequestRejected(problem, request.RequestId), Self);
            return;
        }

        if ((uint)request.ReqPage >= (uint)request.Pages.Length)
        {
            Sender.Tell(new RequestRejected($"getpages {request.RequestId}: reqpage {request.ReqPage} is outside the run of {request.Pages.Length} pages", request.RequestId), Self);
            return;
        }

        if (TryEnter(request.LockToken, request.Object, request.RequestId) is not { } turn)
        {
            return;
        }

        _settings.Memory.Metrics.CountGetPages(request.Pages.Length);
        RunPager(turn, request.Object, call => _settings.Pager.GetPages(request, call));
    }

    private void OnPutPages(VnodeProtocol.PutPages request)
    {
        if (Validate(request.RequestId, request.Object, request.Pages, request.Count, request.Offset, "putpages") is { } problem)
        {
            Sender.Tell(new RequestRejected(problem, request.RequestId), Self);
            return;
        }

        if (TryEnter(request.LockToken, request.Object, request.RequestId) is not { } turn)
        {
            return;
        }

        _settings.Memory.Metrics.CountPutPages(request.Pages.Length);
        RunPager(turn, request.Object, call => _settings.Pager.PutPages(request, call));
    }

    /// <summary>The turn a paging request runs in: the held one when it carries its token, a new one when the vnode is free, or none (LockBusy sent).</summary>
    private long? TryEnter(long token, IActorRef requester, long requestId)
    {
        if (_turn != 0)
        {
            if (token == _turn)
            {
                _holds++;
                return _turn;
            }

            // Rule 7: the lock is only tried; the object releases what it holds and waits.
            _lockWaiters.Add(requester);
            requester.Tell(new VnodeProtocol.LockBusy(requestId), Self);
            return null;
        }

        return Acquire();
    }

    private void RunPager(long turn, IActorRef requester, Action<PagerCall> run)
    {
        var call = new PagerCall(Context, requester, _settings.File, _size, _doomed, _settings.Store, _settings.Memory, turn, Hold);
        try
        {
            run(call);
        }
        finally
        {
            // The call's own hold ends here; a pager that called HoldVnode keeps the turn until
            // its completion releases it.
            Release(turn);
        }
    }

    private string? Validate(long requestId, IActorRef requester, PageDescriptor[] pages, int count, long offset, string vop)
    {
        if (pages is null || pages.Length == 0)
        {
            return $"{vop} {requestId}: no pages";
        }

        // A getpages may be a read-ahead, up to read-ahead-max pages; a putpages is one cluster.
        var limit = vop == "getpages" ? Math.Max(_settings.ClusterMax, _settings.Options.ReadAheadMax) : _settings.ClusterMax;
        if (pages.Length > limit)
        {
            return $"{vop} {requestId}: {pages.Length} pages exceed the limit of {limit} (cluster-max, or read-ahead-max for a getpages)";
        }

        if (count != pages.Length * PageSize)
        {
            return $"{vop} {requestId}: count {count} is not {pages.Length} whole pages of {PageSize} bytes";
        }

        if (offset < 0)
        {
            return $"{vop} {requestId}: negative offset {offset}";
        }

        for (var i = 1; i < pages.Length; i++)
        {
            if (pages[i].PIndex != pages[i - 1].PIndex + 1)
            {
                return $"{vop} {requestId}: page {i} has pindex {pages[i].PIndex}, not {pages[i - 1].PIndex + 1}: the run must be consecutive";
            }
        }

        foreach (var page in pages)
        {
            if ((uint)page.Frame >= (uint)_settings.Memory.FrameCount)
            {
                return $"{vop} {requestId}: frame {page.Frame} of page {page.PIndex} does not exist";
            }
        }

        if (_object is null || !requester.Equals(_object))
        {
            return $"{vop} {requestId}: {requester.Path} is not the VM object of vnode {_settings.File}";
        }

        return null;
    }

    /// <summary>Asks this vnode to be recycled: doomed, then destroyed; the sender is answered when done.</summary>
    internal sealed class Recycle
    {
        public static readonly Recycle Instance = new();
    }

    /// <summary>A store call made by a VOP finished.</summary>
    private sealed record StoreDone(long Turn, StoreResult Result);
}
