using ActorPager.Actors.Inspection;
using ActorPager.Actors.Vm;
using ActorPager.Actors.Vnode;
using ActorPager.Harness.Dispatch;
using ActorPager.Messages;
using ActorPager.Storage;
using Akka.Actor;

namespace ActorPager.Harness.Exploration;

/// <summary>
/// Checks the rules of spec/pager-protocol.md after every delivery of a deterministic run: the
/// protocol messages between VM objects and vnodes (what a pager answers, what a completion
/// does), and the state of every VM object and vnode (busy, dirty ⊆ valid, pip, pages past EOF,
/// the vnode lock). At the end of a run it checks liveness: pip drained, no sleeper left, every
/// Pend completed. A broken rule throws <see cref="RuleViolatedException"/> from the step.
/// </summary>
internal sealed partial class PagerMonitor
{
    private readonly int _pageSize;
    private readonly byte _full;
    private readonly ActorInstances? _instances;

    /// <summary>Every VM object and vnode seen so far, by path (without address), in the order first seen.</summary>
    private readonly Dictionary<string, IActorRef> _actors = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Object, long Id), VnodeProtocol.GetPages> _gets = [];
    private readonly HashSet<(string Object, long PIndex)> _pagesInGet = [];
    private readonly Dictionary<(string Object, long Id), PutInfo> _puts = [];
    private readonly List<SimulatedOperation> _queuedThisStep = [];
    private readonly HashSet<long> _pendingOps = [];
    private readonly HashSet<long> _failedOps = [];
    /// <summary>Each vnode's turn after its last delivery (0 when free).</summary>
    private readonly Dictionary<string, long> _vnodeTurn = new(StringComparer.Ordinal);

    private sealed class PutInfo(VnodeProtocol.PutPages request, long vnodeSize)
    {
        public VnodeProtocol.PutPages Request { get; } = request;

        public long VnodeSize { get; } = vnodeSize;

        public List<SimulatedOperation> Writes { get; } = [];

        public int Pend { get; set; }

        public bool Completed { get; set; }
    }

    /// <summary>A monitor for pages of <paramref name="pageSize"/> bytes, finding actors' state through <paramref name="instances"/>.</summary>
    public PagerMonitor(int pageSize, ActorInstances? instances)
    {
        _pageSize = pageSize;
        _full = PageGeometry.FullMask(pageSize);
        _instances = instances;
    }

    /// <summary>Every VM object and vnode seen so far and still running, with its path, in the order first seen.</summary>
    public IEnumerable<(string Path, ActorBase Actor)> Actors
    {
        get
        {
            foreach (var (path, actor) in _actors)
            {
                if (_instances?.Find(actor) is { } instance)
                {
                    yield return (path, instance);
                }
            }
        }
    }

    /// <summary>The path a monitor knows an actor by: without the address, as in the dispatcher's trace.</summary>
    internal static string PathOf(IActorRef actor) => actor.Path.ToStringWithoutAddress();

    /// <summary>The running VM object at <paramref name="path"/>, if the monitor has seen it.</summary>
    private VmObjectActor? ObjectAt(string path) =>
        _actors.TryGetValue(path, out var actor) ? _instances?.Find(actor) as VmObjectActor : null;

    public void OnOperationQueued(SimulatedOperation op)
    {
        _queuedThisStep.Add(op);
        _pendingOps.Add(op.Id);
    }

    public void OnOperationFinished(SimulatedOperation op, bool failed)
    {
        _pendingOps.Remove(op.Id);
        if (failed)
        {
            _failedOps.Add(op.Id);
        }
    }

    /// <summary>After a delivery to an actor (the dispatcher's <see cref="DeterministicDispatcher.MessageDelivered"/>).</summary>
    public void OnDelivered(Delivery delivery, object message, IActorRef recipient)
    {
        var queued = _queuedThisStep.ToArray();
        _queuedThisStep.Clear();

        // An actor that stopped in this delivery is no longer registered: nothing of it to check.
        switch (_instances?.Find(recipient))
        {
            case VnodeActor vnode:
                _actors[delivery.Recipient] = recipient;
                OnVnodeDelivery(delivery.Recipient, vnode, message, queued);
                break;
            case VmObjectActor obj:
                _actors[delivery.Recipient] = recipient;
                OnObjectDelivery(delivery.Recipient, obj, message);
                var snapshot = obj.Inspect();
                CheckObject(delivery.Recipient, snapshot);
                CheckMappings(delivery.Recipient, obj, snapshot, delivery.Step);
                break;
            case null when _contentOpen.ContainsKey(delivery.Recipient):
                // A VM object that stopped in this delivery: its pages' versions end here.
                ObjectGone(delivery.Recipient, delivery.Step);
                break;
        }
    }

    private void OnVnodeDelivery(string path, VnodeActor vnode, object message, SimulatedOperation[] queued)
    {
        var state = vnode.Inspect();
        var heldTurn = _vnodeTurn.GetValueOrDefault(path);
        var wasFree = heldTurn == 0;
        _vnodeTurn[path] = state.Turn;
        switch (message)
        {
            case VnodeProtocol.GetPages get:
                // A getpages that meets another VOP's turn is refused (LockBusy) and sent again
                // after it: it is checked against the size it will then meet, not this one.
                OnGetPagesSent(get, state, refused: !wasFree && get.LockToken != heldTurn);
                break;
            case VnodeProtocol.PutPages put:
                var info = new PutInfo(put, state.Size);
                info.Writes.AddRange(queued.Where(op => op.OperationKind == SimulatedOperationKind.Write));
                _puts[(PathOf(put.Object), put.RequestId)] = info;

                // Choice 9 / rule 7: an asynchronous putpages must not keep the vnode: its write
                // does not need the lock, and holding it would block every other VOP on I/O.
                if (wasFree && put.LockToken == 0 && (put.Flags & (PutFlags.Sync | PutFlags.Invalidate)) == 0 && state.Turn != 0 && !state.WaitingForObject)
                {
                    throw new RuleViolatedException(7, $"vnode {state.File} still holds its lock after handling asynchronous putpages #{put.RequestId}: an async write must release the vnode at once");
                }

                break;
        }
    }

    /// <summary>Rules 2, 3, 14 on a getpages as the vnode receives it.</summary>
    internal void OnGetPagesSent(VnodeProtocol.GetPages get, VnodeSnapshot vnode, bool refused = false)
    {
        var obj = PathOf(get.Object);
        var eofPage = (vnode.Size + _pageSize - 1) / _pageSize;
        foreach (var page in get.Pages)
        {
            if (!_pagesInGet.Add((obj, page.PIndex)))
            {
                throw new RuleViolatedException(3, $"page {page.PIndex} of {obj} named by a second getpages (#{get.RequestId}) while an earlier getpages still holds it busy");
            }
        }

        if (!refused && get.Pages[get.ReqPage].PIndex >= eofPage)
        {
            throw new RuleViolatedException(14, $"getpages #{get.RequestId} requests page {get.Pages[get.ReqPage].PIndex} at or past EOF page {eofPage}");
        }

        _gets[(obj, get.RequestId)] = get;
        if (ObjectAt(obj) is { } o)
        {
            CheckUnmapped(obj, o, get);
            var pages = o.Inspect().Pages.ToDictionary(p => p.PIndex);
            foreach (var page in get.Pages)
            {
                if (!pages.TryGetValue(page.PIndex, out var p) || !p.Exclusive)
                {
                    throw new RuleViolatedException(2, $"getpages #{get.RequestId} names page {page.PIndex}, which is not exclusive-busy in {obj}");
                }
            }
        }
    }

    private void OnObjectDelivery(string path, VmObjectActor obj, object message)
    {
        switch (message)
        {
            case VnodeProtocol.GetPagesReply reply:
                CheckGetPagesReply(path, reply);
                break;
            case VnodeProtocol.LockBusy busy:
                if (_gets.Remove((path, busy.RequestId), out var refused))
                {
                    ReleaseGet(path, refused);
                }

                _puts.Remove((path, busy.RequestId));
                break;
            case VnodeProtocol.PutPagesReply reply:
                CheckPutPagesReply(path, obj, reply);
                break;
            case VmObjectProtocol.WriteCompleted completed:
                CheckCompletion(path, completed);
                break;
        }
    }

    private void ReleaseGet(string obj, VnodeProtocol.GetPages get)
    {
        foreach (var page in get.Pages)
        {
            _pagesInGet.Remove((obj, page.PIndex));
        }
    }

    /// <summary>Rules 9, 15, 17, 19 on what a pager did to the pages of a getpages.</summary>
    private void CheckGetPagesReply(string obj, VnodeProtocol.GetPagesReply reply)
    {
        if (!_gets.Remove((obj, reply.RequestId), out var get))
        {
            return;
        }

        ReleaseGet(obj, get);
        var req = get.Pages[get.ReqPage];
        var named = get.Pages.ToDictionary(p => p.PIndex);
        var freed = new Dictionary<long, int>();
        var unbusied = new Dictionary<long, int>();
        var queued = new HashSet<long>();
        var valid = new Dictionary<long, byte>();
        foreach (var op in reply.Ops)
        {
            if (!named.ContainsKey(op.PIndex))
            {
                throw new RuleViolatedException(15, $"getpages #{reply.RequestId} answered an operation {op} on page {op.PIndex}, which it was not given");
            }

            if (freed.ContainsKey(op.PIndex))
            {
                throw new RuleViolatedException(15, $"getpages #{reply.RequestId}: {op} on page {op.PIndex} after that page was freed");
            }

            switch (op.Kind)
            {
                case PageOpKind.Free:
                    freed[op.PIndex] = 1;
                    break;
                case PageOpKind.Unbusy:
                    if (!queued.Contains(op.PIndex) && op.PIndex != req.PIndex)
                    {
                        throw new RuleViolatedException(9, $"getpages #{reply.RequestId} unbusied page {op.PIndex} without queueing it first (activate if wanted, else deactivate)");
                    }

                    unbusied[op.PIndex] = unbusied.GetValueOrDefault(op.PIndex) + 1;
                    break;
                case PageOpKind.Activate or PageOpKind.Deactivate or PageOpKind.ActivateIfWanted:
                    queued.Add(op.PIndex);
                    break;
                case PageOpKind.SetValid or PageOpKind.SetValidClean:
                    valid[op.PIndex] = (byte)(valid.GetValueOrDefault(op.PIndex) | op.Mask);
                    break;
            }
        }

        if (freed.ContainsKey(req.PIndex) || unbusied.ContainsKey(req.PIndex))
        {
            throw new RuleViolatedException(15, $"getpages #{reply.RequestId} ({reply.Status}) {(freed.ContainsKey(req.PIndex) ? "freed" : "unbusied")} reqpage {req.PIndex}: reqpage must stay busy for the fault");
        }

        foreach (var page in get.Pages)
        {
            if (page.PIndex == req.PIndex)
            {
                continue;
            }

            var outcomes = (freed.ContainsKey(page.PIndex) ? 1 : 0) + unbusied.GetValueOrDefault(page.PIndex);
            if (outcomes != 1)
            {
                throw new RuleViolatedException(15, outcomes == 0
                    ? $"getpages #{reply.RequestId} ({reply.Status}) left page {page.PIndex} neither freed nor unbusied"
                    : $"getpages #{reply.RequestId} ({reply.Status}) freed or unbusied page {page.PIndex} {outcomes} times");
            }
        }

        if (reply.Status == PagerStatus.Ok && req.Valid != _full && valid.GetValueOrDefault(req.PIndex) == 0)
        {
            throw new RuleViolatedException(17, $"getpages #{reply.RequestId} answered OK without setting any valid bits of reqpage {req.PIndex}");
        }

        if (ObjectAt(obj) is { } o)
        {
            var size = o.Inspect().SizeBytes;
            foreach (var (pindex, mask) in valid)
            {
                var pageOffset = pindex * _pageSize;
                var allowed = pageOffset + _pageSize <= size ? _full : pageOffset >= size ? (byte)0 : PageGeometry.BlockMask(0, (int)(size - pageOffset));
                if ((mask & ~allowed) != 0)
                {
                    throw new RuleViolatedException(19, $"getpages #{reply.RequestId} set valid bits 0x{mask:x2} on page {pindex}; only 0x{allowed:x2} lies before EOF {size}");
                }
            }
        }
    }

    /// <summary>Rules 23, 24, 25, 26, 28, 32 on a putpages answer.</summary>
    private void CheckPutPagesReply(string obj, VmObjectActor o, VnodeProtocol.PutPagesReply reply)
    {
        if (!_puts.TryGetValue((obj, reply.RequestId), out var info))
        {
            return;
        }

        var request = info.Request;
        if (reply.Rtvals.Length != request.Pages.Length)
        {
            throw new RuleViolatedException(23, $"putpages #{reply.RequestId} answered {reply.Rtvals.Length} rtvals for {request.Pages.Length} pages");
        }

        var sync = (request.Flags & (PutFlags.Sync | PutFlags.Invalidate)) != 0;
        var eofPage = (info.VnodeSize + _pageSize - 1) / _pageSize;
        var failed = info.Writes.Any(w => _failedOps.Contains(w.Id));
        var undirtied = reply.Ops.Where(op => op.Kind == PageOpKind.Undirty).Select(op => op.PIndex).ToHashSet();
        for (var i = 0; i < reply.Rtvals.Length; i++)
        {
            var pindex = request.Pages[i].PIndex;
            var status = reply.Rtvals[i];
            if (sync && status == PagerStatus.Pend)
            {
                throw new RuleViolatedException(28, $"putpages #{reply.RequestId} with the sync flag answered PEND for page {pindex}");
            }

            if (pindex >= eofPage && status != PagerStatus.Bad)
            {
                throw new RuleViolatedException(24, $"putpages #{reply.RequestId} answered {status} for page {pindex}, wholly past EOF ({info.VnodeSize} bytes): it must be BAD");
            }

            if (status == PagerStatus.Ok && failed)
            {
                throw new RuleViolatedException(32, $"putpages #{reply.RequestId} answered OK for page {pindex} although its write failed");
            }

            if (status == PagerStatus.Ok && !undirtied.Contains(pindex) && request.Pages[i].Dirty != 0)
            {
                throw new RuleViolatedException(26, $"putpages #{reply.RequestId} answered OK for page {pindex} without undirtying it");
            }

            if (status == PagerStatus.Pend)
            {
                info.Pend++;
            }
        }

        // Rule 25: after the reply, the EOF page has no dirty block wholly past EOF.
        var tail = (int)(info.VnodeSize % _pageSize);
        if (tail != 0)
        {
            var eofPindex = info.VnodeSize / _pageSize;
            var from = (tail + PageGeometry.BlockSize - 1) / PageGeometry.BlockSize * PageGeometry.BlockSize;
            var pastEof = PageGeometry.BlockMask(from, _pageSize);
            if (request.Pages.Any(p => p.PIndex == eofPindex))
            {
                var page = o.Inspect().Pages.FirstOrDefault(p => p.PIndex == eofPindex);
                if ((page.Dirty & pastEof) != 0 && page.PIndex == eofPindex)
                {
                    throw new RuleViolatedException(25, $"putpages #{reply.RequestId} left dirty blocks 0x{page.Dirty & pastEof:x2} past EOF on page {eofPindex}");
                }
            }
        }

        if (info.Pend == 0)
        {
            _puts.Remove((obj, reply.RequestId));
        }
    }

    /// <summary>Rules 33, 34, 35 (and 29) on the completion of a Pend write.</summary>
    private void CheckCompletion(string obj, VmObjectProtocol.WriteCompleted completed)
    {
        if (!_puts.TryGetValue((obj, completed.RequestId), out var info) || info.Pend == 0)
        {
            throw new RuleViolatedException(33, $"a completion for putpages #{completed.RequestId} of {obj}, which has no Pend page waiting (a second completion?)");
        }

        if (info.Completed)
        {
            throw new RuleViolatedException(33, $"a second completion for putpages #{completed.RequestId}");
        }

        info.Completed = true;
        _puts.Remove((obj, completed.RequestId));
        var stillPending = info.Writes.FirstOrDefault(w => _pendingOps.Contains(w.Id));
        if (stillPending is not null)
        {
            throw new RuleViolatedException(34, $"the completion of putpages #{completed.RequestId} arrived while its write ({stillPending.Description}) had not landed: it reports pages clean that are not written");
        }

        var failed = info.Writes.Any(w => _failedOps.Contains(w.Id));
        var cleaned = new HashSet<long>();
        var seen = new HashSet<long>();
        foreach (var op in completed.Ops)
        {
            switch (op.Kind)
            {
                case PageOpKind.Undirty:
                    if (failed)
                    {
                        throw new RuleViolatedException(29, $"the completion of putpages #{completed.RequestId} undirtied page {op.PIndex} although the write failed: the data would be lost");
                    }

                    cleaned.Add(op.PIndex);
                    break;
                case PageOpKind.Redirty:
                    cleaned.Add(op.PIndex);
                    break;
                case PageOpKind.Unbusy:
                    if (!cleaned.Contains(op.PIndex))
                    {
                        throw new RuleViolatedException(34, $"the completion of putpages #{completed.RequestId} unbusied page {op.PIndex} before undirtying (or re-dirtying) it");
                    }

                    seen.Add(op.PIndex);
                    break;
            }
        }

        if (seen.Count != info.Pend)
        {
            throw new RuleViolatedException(33, $"the completion of putpages #{completed.RequestId} finished {seen.Count} pages, but {info.Pend} were Pend");
        }

        if (completed.PipRelease != info.Pend)
        {
            throw new RuleViolatedException(35, $"the completion of putpages #{completed.RequestId} released {completed.PipRelease} pip for {info.Pend} Pend pages");
        }
    }

    /// <summary>Rules 1, 10, 47 and dirty ⊆ valid on a VM object's state.</summary>
    internal static void CheckObject(string path, VmObjectSnapshot state)
    {
        if (state.Pip < 0)
        {
            throw new RuleViolatedException(10, $"{path}: pip is {state.Pip}");
        }

        foreach (var page in state.Pages)
        {
            if (page.Exclusive && page.Shared > 0)
            {
                throw new RuleViolatedException(1, $"{path}: page {page.PIndex} is exclusive-busy and shared-busy at once");
            }

            if ((page.Dirty & ~page.Valid) != 0)
            {
                throw new RuleViolatedException(18, $"{path}: page {page.PIndex} has dirty blocks 0x{page.Dirty:x2} that are not valid (0x{page.Valid:x2})");
            }

            if (!state.Dead && page.PIndex >= state.SizePages && !page.Exclusive && page.Shared == 0)
            {
                throw new RuleViolatedException(47, $"{path}: page {page.PIndex} is resident past the object's size of {state.SizePages} pages");
            }
        }
    }

    /// <summary>A run with no progress possible: a Pend whose write has landed but was never completed is rule 33, not a deadlock.</summary>
    public void CheckStuck()
    {
        foreach (var (key, info) in _puts)
        {
            if (info.Pend > 0 && !info.Completed && !info.Writes.Any(w => _pendingOps.Contains(w.Id)))
            {
                throw new RuleViolatedException(33, $"putpages #{key.Id} of {key.Object} answered Pend for {info.Pend} pages; its write landed but no completion ever came");
            }
        }
    }

    /// <summary>The end of a run: every paging operation finished (rules 4, 12, 33).</summary>
    public void CheckQuiescent()
    {
        foreach (var (key, info) in _puts)
        {
            if (info.Pend > 0 && !info.Completed)
            {
                throw new RuleViolatedException(33, $"putpages #{key.Id} of {key.Object} answered Pend for {info.Pend} pages and was never completed");
            }
        }

        foreach (var (path, actor) in Actors)
        {
            if (actor is VmObjectActor obj)
            {
                var state = obj.Inspect();
                if (state.Pip != 0)
                {
                    throw new RuleViolatedException(12, $"{path}: pip is {state.Pip} at quiescence: it never drained");
                }

                if (state.PageSleepers > 0 || state.VnodeWaiters > 0)
                {
                    throw new RuleViolatedException(4, $"{path}: {state.PageSleepers + state.VnodeWaiters} sleepers were never woken");
                }

                var busy = state.Pages.FirstOrDefault(p => p.Exclusive || p.Shared > 0);
                if (busy.Exclusive || busy.Shared > 0)
                {
                    throw new RuleViolatedException(4, $"{path}: page {busy.PIndex} is still busy at quiescence");
                }
            }
        }
    }
}
