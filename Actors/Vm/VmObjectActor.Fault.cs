using ActorPager.Messages;
using Akka.Actor;

namespace ActorPager.Actors.Vm;

/// <summary>Faults (vm_fault, §2.4) and the client reads and writes built from them.</summary>
internal sealed partial class VmObjectActor
{
    /// <summary>One fault on one page, restartable from the lookup.</summary>
    private sealed class FaultOp
    {
        public long PIndex;
        public bool Write;

        /// <summary>The turn of the vnode VOP this fault is part of (a VOP_WRITE's copy), or 0: its getpages try the lock.</summary>
        public long LockToken;

        /// <summary>First and end byte within the page a write covers.</summary>
        public int WriteStart;
        public int WriteEnd;

        /// <summary>Runs at FOUND with the page's frame, while the fault owns the page: copies out (read) or in (write).</summary>
        public Action<int>? OnFound;

        /// <summary>Runs once when the fault ends.</summary>
        public required Action<FaultResult, PagerStatus> OnDone;
    }

    /// <summary>A getpages sent for a fault, or ahead of the reader (no fault).</summary>
    private sealed class GetPagesInFlight(FaultOp? fault, long first, long last, long reqPIndex, bool sequential = false)
    {
        /// <summary>The fault it reads for; null for a read-ahead, which nobody waits on.</summary>
        public FaultOp? Fault { get; } = fault;

        /// <summary>Sent for a fault that continued a sequential run: its answer starts a read-ahead.</summary>
        public bool Sequential { get; } = sequential;

        public long First { get; } = first;

        public long Last { get; } = last;

        public long ReqPIndex { get; } = reqPIndex;
    }

    private void OnFault(VmObjectProtocol.Fault request, IActorRef replyTo)
    {
        if (request.PIndex < 0)
        {
            replyTo.Tell(new RequestRejected($"fault: negative page index {request.PIndex}"), Self);
            return;
        }

        var self = Self;
        var ticket = Waiting(replyTo);
        RunFault(new FaultOp
        {
            PIndex = request.PIndex,
            Write = request.Write,
            WriteStart = 0,
            WriteEnd = 0,
            OnDone = (result, status) =>
            {
                Answered(ticket);
                replyTo.Tell(new VmObjectProtocol.FaultReply(request.PIndex, result, status), self);
            },
        });
    }

    /// <summary>The fault, from the top: a restart after a sleep comes back here holding nothing (rule 5).</summary>
    private void RunFault(FaultOp op)
    {
        if (_dead)
        {
            op.OnDone(FaultResult.Dead, PagerStatus.Bad);
            return;
        }

        // §2.4 d: a page at or past the object's size does not exist (rule 14).
        if (op.PIndex >= _sizePages)
        {
            op.OnDone(FaultResult.OutOfBounds, PagerStatus.Bad);
            return;
        }

        // Rule 13: the fault holds one pip unit until it finishes or restarts.
        PipAdd(1);
        if (TryLookup(op.PIndex, out var frame))
        {
            ref var meta = ref _memory.Meta(frame);
            if (meta.IsBusy)
            {
                // §2.4 b: busy of either kind → set WAITERS, let go of everything, sleep, restart.
                PipRelease(1);
                SleepOnPage(frame, () => RunFault(op));
                return;
            }

            if (meta.Valid != _fullMask)
            {
                // Only the EOF page is ever partly valid, and the blocks it lacks lie past an
                // earlier EOF, where the store holds zeros (rule 19): zero them instead of reading.
                ZeroInvalidBlocks(frame);
            }

            _memory.Metrics.CountHit();
            Found(op, frame, FaultResult.Hit, PagerStatus.Ok);
            return;
        }

        var wholePageWrite = op.Write && op.WriteStart == 0 && op.WriteEnd == _pageSize;
        if (!wholePageWrite && _getPagesOut > 0)
        {
            // Our getpages holds the vnode: send the next cluster when it answers, not now.
            PipRelease(1);
            _clusterWaiters.Add(op);
            return;
        }

        if (!TryAllocatePage(op.PIndex, out frame))
        {
            // No free frame: release, wait for the page daemon, restart (§2.4 d).
            PipRelease(1);
            if (_memory.WaitForFrames(Self))
            {
                _frameWaiters.Add(() => RunFault(op));
            }
            else
            {
                _ready.Enqueue(() => RunFault(op));
            }

            return;
        }

        _memory.Metrics.CountFault();
        if (wholePageWrite)
        {
            // A write of the whole page needs no read: every byte is about to be replaced (as the
            // buffer cache does for a full-block write).
            _memory.Meta(frame).Valid = _fullMask;
            Found(op, frame, FaultResult.ZeroFilled, PagerStatus.Ok);
            return;
        }

        StartGetPages(op, frame);
    }

    /// <summary>§2.4 e-g: size the cluster around the new busy page and send VOP_GETPAGES.</summary>
    private void StartGetPages(FaultOp op, int reqFrame)
    {
        var pindex = op.PIndex;
        var behind = (int)Math.Min(_options.ReadBehind, pindex);
        var ahead = (int)Math.Min(_options.ReadAhead, _sizePages - 1 - pindex);
        var sequential = _lastRead >= 0 && pindex >= _lastRead && pindex < _lastRead + _options.SequentialWindow;
        if (sequential)
        {
            // Sequential access: read ahead what would have been read behind.
            ahead = (int)Math.Min(ahead + behind, _sizePages - 1 - pindex);
            behind = 0;
        }

        ahead = Math.Min(ahead, _options.ClusterMax - 1);
        behind = Math.Min(behind, _options.ClusterMax - 1 - ahead);

        // Neighbours: absent pages only, stopping at the first resident one (rule 21) or when
        // memory runs out (the run shrinks, like the kernel's shifted array).
        var first = pindex;
        for (var i = 1; i <= behind; i++)
        {
            if (_pages.ContainsKey(pindex - i) || !TryAllocatePage(pindex - i, out _))
            {
                break;
            }

            first = pindex - i;
        }

        var last = pindex;
        for (var i = 1; i <= ahead; i++)
        {
            if (_pages.ContainsKey(pindex + i) || !TryAllocatePage(pindex + i, out _))
            {
                break;
            }

            last = pindex + i;
        }

        var pages = new PageDescriptor[last - first + 1];
        for (var p = first; p <= last; p++)
        {
            var f = p == pindex ? reqFrame : _pages[p];
            ref var meta = ref _memory.Meta(f);
            pages[p - first] = new PageDescriptor(p, f, meta.Valid, meta.Dirty);
        }

        var id = NextRequestId();
        _requests[id] = new GetPagesInFlight(op, first, last, pindex, sequential);
        _getPagesOut++;
        _vnode!.Tell(new VnodeProtocol.GetPages(id, Self, pages, pages.Length * _pageSize, (int)(pindex - first), first * _pageSize, op.LockToken), Self);
    }

    private void OnGetPagesReply(VnodeProtocol.GetPagesReply reply)
    {
        if (!_requests.Remove(reply.RequestId, out var entry) || entry is not GetPagesInFlight request)
        {
            throw new InvalidOperationException($"{Self.Path}: getpages reply for unknown request {reply.RequestId}");
        }


        ApplyOps(reply.Ops, $"getpages {reply.RequestId}");

        // Rule 15: reqpage is still resident and busy whatever the status.
        if (!TryLookup(request.ReqPIndex, out var frame) || !_memory.Meta(frame).IsExclusiveBusy)
        {
            throw new ProtocolViolationException(15, $"{Self.Path}: getpages {reply.RequestId} ({reply.Status}) left reqpage {request.ReqPIndex} not resident or not busy");
        }

        if (request.Fault is not { } op)
        {
            ReadAheadDone(frame, reply.Status);
            MapCluster(request.First, request.Last);
            GetPagesAnswered(refused: false);
            return;
        }

        switch (reply.Status)
        {
            case PagerStatus.Ok:
                // Rule 18: after OK the caller zero-fills what is still invalid; the page is fully valid.
                ZeroInvalidBlocks(frame);
                Found(op, frame, FaultResult.Read, PagerStatus.Ok);
                break;
            case PagerStatus.Fail:
                // Rule 39: the pager has no data (a hole): a zero page.
                _memory.FrameSpan(frame).Clear();
                _memory.Meta(frame).Valid = _fullMask;
                Found(op, frame, FaultResult.ZeroFilled, PagerStatus.Fail);
                break;
            default:
                // Rule 38: ERROR or BAD → no busy or partly valid page is left; the fault fails.
                FreePage(frame);
                PipRelease(1);
                op.OnDone(FaultResult.Failed, reply.Status);
                break;
        }

        MapCluster(request.First, request.Last);

        // Parked faults run after the sleepers this reply woke (queued above), so the next
        // cluster starts where this one ended and is seen as sequential.
        GetPagesAnswered(refused: false);

        // A sequential reader: the next cluster is asked for before the reader gets there.
        if (request.Sequential && reply.Status is PagerStatus.Ok or PagerStatus.Fail)
        {
            StartReadAhead(request.Last + 1);
        }
    }

    /// <summary>
    /// Read-ahead (VOP_GETPAGES_ASYNC): up to <c>read-ahead-max</c> pages from <paramref name="first"/>
    /// that no fault waits for yet, as the kernel reads ahead of a sequential reader. Only when no
    /// getpages of this object is out (it would be refused or park), and it stops at EOF, at the
    /// first resident page and when free frames are short (fewer than read-ahead-max above the
    /// laundering minimum):
    /// a read-ahead must never take the frames a demand fault needs. It holds one pip unit, like a
    /// fault, so a destroy waits for it. The page it starts from is the mark: a read that reaches
    /// it asks for the next cluster (<see cref="ReadAheadMarkReached"/>).
    /// </summary>
    private void StartReadAhead(long first)
    {
        if (_dead || _vnode is null || _getPagesOut > 0 || _options.ReadAhead == 0 || first >= _sizePages || _pages.ContainsKey(first)
            || _memory.FreeCount < _options.ReadAheadMax + _options.EffectiveFreeMin)
        {
            return;
        }

        var last = first - 1;
        while (last + 1 < _sizePages && last + 1 - first < _options.ReadAheadMax && !_pages.ContainsKey(last + 1) && TryAllocatePage(last + 1, out _))
        {
            last++;
        }

        if (last < first)
        {
            return;
        }

        var pages = new PageDescriptor[last - first + 1];
        for (var p = first; p <= last; p++)
        {
            var f = _pages[p];
            ref var meta = ref _memory.Meta(f);
            pages[p - first] = new PageDescriptor(p, f, meta.Valid, meta.Dirty);
        }

        PipAdd(1);
        _readAheadMark = first;
        _readAheadNext = last + 1;
        var id = NextRequestId();
        _requests[id] = new GetPagesInFlight(null, first, last, first);
        _getPagesOut++;
        _memory.Metrics.CountReadAhead(pages.Length);
        _vnode.Tell(new VnodeProtocol.GetPages(id, Self, pages, pages.Length * _pageSize, 0, first * _pageSize), Self);
    }

    /// <summary>A read reached the first page of the last read-ahead: ask for the cluster after it.</summary>
    private void ReadAheadMarkReached(long pindex)
    {
        if (pindex == _readAheadMark)
        {
            _readAheadMark = -1;
            StartReadAhead(_readAheadNext);
        }
    }

    /// <summary>
    /// The answer to a read-ahead, for its first page (the pager unbusied and queued the others):
    /// valid (zeroed where still invalid, or all zeros for a hole) and queued as the others are,
    /// active when somebody already waits for it, else inactive; on an error it is freed. Then
    /// unbusied, and its pip unit dropped.
    /// </summary>
    private void ReadAheadDone(int frame, PagerStatus status)
    {
        switch (status)
        {
            case PagerStatus.Ok:
                ZeroInvalidBlocks(frame);
                break;
            case PagerStatus.Fail:
                _memory.FrameSpan(frame).Clear();
                _memory.Meta(frame).Valid = _fullMask;
                break;
            default:
                FreePage(frame);
                PipRelease(1);
                return;
        }

        Enqueue(frame, _memory.Meta(frame).HasWaiters ? PageQueue.Active : PageQueue.Inactive);
        Unbusy(frame);
        PipRelease(1);
    }

    /// <summary>
    /// A getpages of this object has its answer (a reply, a refusal as malformed, or LockBusy):
    /// when none is left out, the parked faults run again. After LockBusy those that only try the
    /// lock wait for the vnode with the refused fault instead, as their getpages would be refused
    /// too; those that are part of the VOP holding it (a VOP_WRITE's copy) run, or that VOP
    /// would wait for itself.
    /// </summary>
    private void GetPagesAnswered(bool refused)
    {
        if (--_getPagesOut > 0)
        {
            return;
        }

        foreach (var op in _clusterWaiters)
        {
            if (refused && op.LockToken == 0)
            {
                _vnodeWaiters.Add(() => RunFault(op));
            }
            else
            {
                _ready.Enqueue(() => RunFault(op));
            }
        }

        _clusterWaiters.Clear();
    }

    /// <summary>FOUND (§2.4 step 3): copy, dirty on a write (rule 40), activate, unbusy, drop pip (rule 37).</summary>
    private void Found(FaultOp op, int frame, FaultResult result, PagerStatus status)
    {
        ref var meta = ref _memory.Meta(frame);
        if (meta.Valid != _fullMask)
        {
            throw new ProtocolViolationException(37, $"{Self.Path}: fault on page {op.PIndex} found a page that is not fully valid (0x{meta.Valid:x2})");
        }

        if (op.Write)
        {
            // The copy changes the page's bytes: no reader may be copying them meanwhile.
            _map?.Remove(op.PIndex);
        }

        op.OnFound?.Invoke(frame);
        if (op.Write)
        {
            SetDirty(frame, op.WriteEnd > op.WriteStart ? PageGeometry.BlockMask(op.WriteStart, op.WriteEnd) : _fullMask);
        }

        _lastRead = op.PIndex + 1;
        Enqueue(frame, PageQueue.Active);
        Unbusy(frame);
        MapIfReadable(op.PIndex, frame);
        PipRelease(1);
        op.OnDone(result, status);
        ReadAheadMarkReached(op.PIndex);
    }

    /// <summary>
    /// pmap_enter after a fault or a read: the page becomes readable without a message once it
    /// is fully valid and unbusied, of a live object. The first page of a read-ahead stays
    /// unmapped, so the read that reaches it still comes here and asks for the next cluster.
    /// </summary>
    private void MapIfReadable(long pindex, int frame)
    {
        ref var meta = ref _memory.Meta(frame);
        if (_map is not null && !_dead && !meta.IsBusy && meta.Valid == _fullMask && pindex != _readAheadMark)
        {
            _map.Enter(pindex, frame);
        }
    }

    /// <summary>
    /// Prefault (vm_fault's pmap_enter of the neighbours): the pages a getpages read that came
    /// out valid and unbusied are mapped at once, so a reader going through the cluster, or
    /// through a read-ahead, copies them with no message (except the read-ahead's mark).
    /// </summary>
    private void MapCluster(long first, long last)
    {
        for (var p = first; p <= last; p++)
        {
            if (TryLookup(p, out var frame))
            {
                MapIfReadable(p, frame);
            }
        }
    }

    private void ZeroInvalidBlocks(int frame)
    {
        ref var meta = ref _memory.Meta(frame);
        var span = _memory.FrameSpan(frame);
        var blocks = _pageSize / PageGeometry.BlockSize;
        for (var b = 0; b < blocks; b++)
        {
            if ((meta.Valid & (1 << b)) == 0)
            {
                span.Slice(b * PageGeometry.BlockSize, PageGeometry.BlockSize).Clear();
            }
        }

        meta.Valid = _fullMask;
    }

    // ---- client reads and writes ----

    private void OnRead(VmObjectProtocol.Read request, IActorRef replyTo)
    {
        if (request.Offset < 0)
        {
            replyTo.Tell(new RequestRejected($"read: negative offset {request.Offset}"), Self);
            return;
        }

        // §2.4 a: a dead object has no pages to fault; say so rather than answer a bare BAD.
        if (_dead)
        {
            replyTo.Tell(new RequestRejected($"read at offset {request.Offset}: {DeadReason()}"), Self);
            return;
        }

        var end = Math.Min(request.Offset + request.Destination.Length, _size);
        if (end <= request.Offset)
        {
            replyTo.Tell(new VmObjectProtocol.ReadReply(0, PagerStatus.Ok, 0, 0), Self);
            return;
        }

        if (TryReadResident(request.Offset, end, request.Destination.Span, out var hits))
        {
            replyTo.Tell(new VmObjectProtocol.ReadReply((int)(end - request.Offset), PagerStatus.Ok, 0, hits), Self);
            return;
        }

        var destination = request.Destination;
        RunRange(request.Offset, end, write: false, replyTo, (frame, pageStart, from, to) =>
            _memory.FrameSpan(frame).Slice(from, to - from).CopyTo(destination.Span[(int)(pageStart + from - request.Offset)..]),
            (bytes, status, faults, hits) => new VmObjectProtocol.ReadReply(bytes, status, faults, hits));
    }

    /// <summary>
    /// The hit path of a read: when every page of [start, end) is resident, unbusied and fully
    /// valid, each is a fault that hits at once (§2.4 step 3), so they are done here in one pass,
    /// with what FOUND does to a hit page (copy, to the tail of the active queue, lastr), and
    /// without the per-page fault state and closures of <see cref="RunRange"/>. Pip would go up
    /// and down by one within this turn, so it is not touched. Anything else (an absent, busy or
    /// partly valid page) changes nothing and answers false: the caller takes the full path.
    /// </summary>
    private bool TryReadResident(long start, long end, Span<byte> destination, out int pages)
    {
        var firstPage = start / _pageSize;
        var lastPage = (end - 1) / _pageSize;
        pages = (int)(lastPage - firstPage + 1);
        for (var p = firstPage; p <= lastPage; p++)
        {
            if (!_pages.TryGetValue(p, out var frame))
            {
                return false;
            }

            ref var meta = ref _memory.Meta(frame);
            if (meta.IsBusy || meta.Valid != _fullMask)
            {
                return false;
            }
        }

        for (var p = firstPage; p <= lastPage; p++)
        {
            var frame = _pages[p];
            var pageStart = p * _pageSize;
            var from = (int)Math.Max(0, start - pageStart);
            var to = (int)Math.Min(_pageSize, end - pageStart);
            _memory.FrameSpan(frame).Slice(from, to - from).CopyTo(destination[(int)(pageStart + from - start)..]);
            Enqueue(frame, PageQueue.Active);
            MapIfReadable(p, frame);
        }

        _lastRead = lastPage + 1;
        if (_readAheadMark >= firstPage && _readAheadMark <= lastPage)
        {
            ReadAheadMarkReached(_readAheadMark);
        }

        return true;
    }

    private void OnWrite(VmObjectProtocol.Write request, IActorRef replyTo)
    {
        var end = request.Offset + request.Source.Length;
        if (request.Offset < 0 || end > _size)
        {
            replyTo.Tell(new RequestRejected(request.Offset < 0
                ? $"write: negative offset {request.Offset}"
                : $"write of {request.Source.Length} bytes at offset {request.Offset} ends at {end}, past the object's size {_size}: extend the file first (SetSize)"), Self);
            return;
        }

        if (_dead)
        {
            replyTo.Tell(new RequestRejected($"write at offset {request.Offset}: {DeadReason()}"), Self);
            return;
        }

        if (end == request.Offset)
        {
            replyTo.Tell(new VmObjectProtocol.WriteReply(0, PagerStatus.Ok), Self);
            return;
        }

        var source = request.Source;
        RunRange(request.Offset, end, write: true, replyTo, (frame, pageStart, from, to) =>
            source.Span.Slice((int)(pageStart + from - request.Offset), to - from).CopyTo(_memory.FrameSpan(frame)[from..]),
            (bytes, status, _, _) => new VmObjectProtocol.WriteReply(bytes, status),
            request.LockToken);
    }

    private string DeadReason() => $"the VM object {Self.Path.Name} is dead (its vnode destroyed or detached it); open the file again";

    /// <summary>Faults every page of [start, end) and replies once all are done; bytes count the prefix that succeeded.</summary>
    private void RunRange(long start, long end, bool write, IActorRef replyTo, Action<int, long, int, int> copy, Func<int, PagerStatus, int, int, object> reply, long lockToken = 0)
    {
        var firstPage = start / _pageSize;
        var lastPage = (end - 1) / _pageSize;
        var count = (int)(lastPage - firstPage + 1);
        var failedAt = long.MaxValue;
        var status = PagerStatus.Ok;
        var remaining = count;
        int faults = 0, hits = 0;
        var self = Self;
        var ticket = Waiting(replyTo);
        for (var p = firstPage; p <= lastPage; p++)
        {
            var pageStart = p * _pageSize;
            var from = (int)Math.Max(0, start - pageStart);
            var to = (int)Math.Min(_pageSize, end - pageStart);
            var pindex = p;
            RunFault(new FaultOp
            {
                PIndex = p,
                Write = write,
                LockToken = lockToken,
                WriteStart = from,
                WriteEnd = to,
                OnFound = frame => copy(frame, pageStart, from, to),
                OnDone = (result, st) =>
                {
                    if (result is FaultResult.Hit)
                    {
                        hits++;
                    }
                    else if (result is FaultResult.Read or FaultResult.ZeroFilled)
                    {
                        faults++;
                    }
                    else if (pindex < failedAt)
                    {
                        failedAt = pindex;
                        status = st == PagerStatus.Ok ? PagerStatus.Error : st;
                    }

                    if (--remaining == 0)
                    {
                        Answered(ticket);
                        var bytes = failedAt == long.MaxValue ? end - start : Math.Max(0, (failedAt * _pageSize) - start);
                        replyTo.Tell(reply((int)bytes, status, faults, hits), self);
                    }
                },
            });
        }
    }
}
