using Akka.Event;
using ActorPager.Messages;
using Akka.Actor;

namespace ActorPager.Actors.Vm;

/// <summary>Writing pages back: clean (vm_object_page_clean), pageout flush (vm_pageout_flush), completions (§4).</summary>
internal sealed partial class VmObjectActor
{
    /// <summary>Who asked for a flush and is told when its putpages are done.</summary>
    private sealed class FlushOwner
    {
        public required string Name;

        /// <summary>Putpages sent and not finished (a Pend finishes at its completion).</summary>
        public int Outstanding;

        public int Written;
        public int Errors;
        public readonly Dictionary<PagerStatus, int> Rtvals = [];

        /// <summary>Runs when nothing is outstanding any more (and the owner's scan has ended).</summary>
        public Action? OnIdle;

        /// <summary>The clean this flush belongs to; null for pageout, which skips a page whose vnode is held (rule 8).</summary>
        public CleanScan? Scan;

        /// <summary>Runs the clean's scan again (after a refused lock).</summary>
        public Action? Retry;
    }

    /// <summary>A putpages sent for a run of pages.</summary>
    private sealed class PutPagesInFlight(FlushOwner owner, int[] frames, PutFlags flags)
    {
        public FlushOwner Owner { get; } = owner;

        public int[] Frames { get; } = frames;

        public PutFlags Flags { get; } = flags;

        /// <summary>Pages answered Pend, waiting for their completion.</summary>
        public int Pending { get; set; }
    }

    /// <summary>The state of one clean: the pages already tried, so a page left dirty by an error is not retried forever.</summary>
    private sealed class CleanScan(VmObjectProtocol.Clean request, IActorRef replyTo)
    {
        public VmObjectProtocol.Clean Request { get; } = request;

        public IActorRef ReplyTo { get; } = replyTo;

        public HashSet<long> Tried { get; } = [];

        /// <summary>The scan is running now (replies that arrive meanwhile must not finish the clean).</summary>
        public bool Scanning { get; set; }

        /// <summary>The scan sleeps on a busy page or on the vnode lock and will run again.</summary>
        public bool Waiting { get; set; }

        public bool Done { get; set; }
    }

    private void OnClean(VmObjectProtocol.Clean request, IActorRef replyTo)
    {
        var scan = new CleanScan(request, replyTo);
        var owner = new FlushOwner { Name = "clean", Scan = scan };
        owner.OnIdle = () => FinishClean(scan, owner);
        owner.Retry = () => ScanClean(scan, owner);

        // Rule 41: nothing to do for a clean object (or a dead one).
        if (_dead || _dirtyPages == 0)
        {
            FinishClean(scan, owner);
            return;
        }

        ScanClean(scan, owner);
    }

    /// <summary>
    /// One pass over the dirty pages in pindex order: a busy dirty page is waited for and the
    /// scan restarts afterwards (rule 43); each run of dirty, unbusy neighbours (at most the
    /// cluster limit, never waiting for a neighbour, rule 6) goes out as one putpages.
    /// </summary>
    private void ScanClean(CleanScan scan, FlushOwner owner)
    {
        if (scan.Done)
        {
            return;
        }

        // A client's clean that slept on the vnode lock while a destroy made the object dead: rule
        // 41, nothing to do (the destroy's own clean carries its turn's token and goes on).
        if (_dead && scan.Request.LockToken == 0)
        {
            scan.Scanning = false;
            scan.Waiting = false;
            FinishClean(scan, owner);
            return;
        }

        scan.Scanning = true;
        scan.Waiting = false;
        var dirty = new List<long>();
        var (firstPage, endPage) = (scan.Request.FirstPage, scan.Request.EndPage);
        foreach (var (pindex, frame) in _pages)
        {
            if (pindex >= firstPage && pindex < endPage && _memory.Meta(frame).Dirty != 0 && !scan.Tried.Contains(pindex))
            {
                dirty.Add(pindex);
            }
        }

        dirty.Sort();
        var flags = scan.Request.Flags;
        for (var i = 0; i < dirty.Count; i++)
        {
            var pindex = dirty[i];
            if (scan.Tried.Contains(pindex) || !TryLookup(pindex, out var frame) || _memory.Meta(frame).Dirty == 0)
            {
                continue;
            }

            if (_memory.Meta(frame).IsBusy)
            {
                // Wait for it, then scan again from the start.
                scan.Scanning = false;
                scan.Waiting = true;
                SleepOnPage(frame, () => ScanClean(scan, owner));
                return;
            }

            var run = CollectRun(pindex, backwards: false, scan.Tried, endPage);
            Flush(run, flags, scan.Request.LockToken, owner);
        }

        scan.Scanning = false;
        if (owner.Outstanding == 0)
        {
            owner.OnIdle?.Invoke();
        }
    }

    private void FinishClean(CleanScan scan, FlushOwner owner)
    {
        if (scan.Done || scan.Scanning || scan.Waiting)
        {
            return;
        }

        scan.Done = true;
        if ((scan.Request.Flags & PutFlags.Invalidate) != 0)
        {
            // Rule 45: msync-invalidate removes only the pages that are clean after the flush.
            foreach (var frame in _pages.Values.ToArray())
            {
                ref var meta = ref _memory.Meta(frame);
                if (meta.Dirty == 0 && !meta.IsBusy && meta.PIndex >= scan.Request.FirstPage && meta.PIndex < scan.Request.EndPage)
                {
                    FreePage(frame);
                }
            }
        }

        // Rule 44: the object is clean only when no page was left dirty by an error.
        var allClean = owner.Errors == 0;
        scan.ReplyTo.Tell(new VmObjectProtocol.CleanReply(allClean, owner.Written, owner.Rtvals), Self);
    }

    /// <summary>
    /// The run of pages to flush with <paramref name="pindex"/>: resident, dirty, not busy
    /// neighbours, forward (and backward when asked), at most the cluster limit; the first
    /// neighbour that fails ends the run in that direction (rule 6); forward, never at or past
    /// <paramref name="endPage"/> (a clean over a range).
    /// </summary>
    private List<int> CollectRun(long pindex, bool backwards, HashSet<long>? tried, long endPage = long.MaxValue)
    {
        bool Eligible(long p, out int f) =>
            TryLookup(p, out f) && _memory.Meta(f).Dirty != 0 && !_memory.Meta(f).IsBusy && (tried is null || !tried.Contains(p));

        var first = pindex;
        var last = pindex;
        var max = _options.ClusterMax;
        while (last - first + 1 < max && last + 1 < endPage && Eligible(last + 1, out _))
        {
            last++;
        }

        while (backwards && last - first + 1 < max && first > 0 && Eligible(first - 1, out _))
        {
            first--;
        }

        var run = new List<int>((int)(last - first + 1));
        for (var p = first; p <= last; p++)
        {
            run.Add(_pages[p]);
            tried?.Add(p);
        }

        return run;
    }

    /// <summary>vm_pageout_flush, first half: shared-busy every page, pip += n, send VOP_PUTPAGES.</summary>
    private void Flush(List<int> run, PutFlags flags, long lockToken, FlushOwner owner)
    {
        // Rule 28: under a shortage of free frames the write is forced synchronous.
        if (_memory.FreeCount < _options.EffectiveFreeMin)
        {
            flags |= PutFlags.Sync;
        }

        var frames = run.ToArray();
        var pages = new PageDescriptor[frames.Length];
        for (var i = 0; i < frames.Length; i++)
        {
            SBusy(frames[i]);
            ref var meta = ref _memory.Meta(frames[i]);
            pages[i] = new PageDescriptor(meta.PIndex, frames[i], meta.Valid, meta.Dirty);
        }

        PipAdd(frames.Length);
        var id = NextRequestId();
        _requests[id] = new PutPagesInFlight(owner, frames, flags);
        owner.Outstanding++;
        _vnode!.Tell(new VnodeProtocol.PutPages(id, Self, pages, frames.Length * _pageSize, flags, pages[0].PIndex * _pageSize, lockToken), Self);
    }

    /// <summary>vm_pageout_flush, second half: apply the pager's ops, then §3 for each page.</summary>
    private void OnPutPagesReply(VnodeProtocol.PutPagesReply reply)
    {
        if (!_requests.TryGetValue(reply.RequestId, out var entry) || entry is not PutPagesInFlight request)
        {
            throw new InvalidOperationException($"{Self.Path}: putpages reply for unknown request {reply.RequestId}");
        }

        if (reply.Rtvals.Length != request.Frames.Length)
        {
            throw new ProtocolViolationException(23, $"{Self.Path}: putpages {reply.RequestId} answered {reply.Rtvals.Length} rtvals for {request.Frames.Length} pages");
        }

        ApplyOps(reply.Ops, $"putpages {reply.RequestId}");
        _memory.Metrics.CountRtvals(reply.Rtvals);
        var owner = request.Owner;
        var sync = (request.Flags & (PutFlags.Sync | PutFlags.Invalidate)) != 0;
        for (var i = 0; i < request.Frames.Length; i++)
        {
            var frame = request.Frames[i];
            var status = reply.Rtvals[i];
            owner.Rtvals[status] = owner.Rtvals.GetValueOrDefault(status) + 1;
            switch (status)
            {
                case PagerStatus.Pend when !sync:
                    // Rule 31: still busy, pip held, until its completion.
                    request.Pending++;
                    owner.Written++;
                    continue;
                case PagerStatus.Ok:
                    owner.Written++;
                    if (_memory.Meta(frame).Queue == PageQueue.Laundry)
                    {
                        Enqueue(frame, PageQueue.Inactive);
                    }

                    break;
                case PagerStatus.Bad:
                    // Rule 24: past EOF; the data is dropped.
                    ClearDirty(frame, _fullMask);
                    break;
                case PagerStatus.Error or PagerStatus.Fail:
                    // Rule 29: stays dirty, goes to the active queue, not laundered again at once.
                    Enqueue(frame, PageQueue.Active);
                    owner.Errors++;
                    break;
                case PagerStatus.Again:
                    // Rule 30: stays dirty and is unbusied.
                    owner.Errors++;
                    break;
                default:
                    // Pend with the sync flag breaks rule 28: treat as an error, keep the data.
                    Context.GetLogger().SyncPutPagesPended(reply.RequestId, status);
                    Enqueue(frame, PageQueue.Active);
                    owner.Errors++;
                    break;
            }

            // §2.5 step 4: every non-Pend page: pip − 1 and unbusy.
            PipRelease(1);
            Unbusy(frame);
        }

        if (request.Pending == 0)
        {
            _requests.Remove(reply.RequestId);
            FlushDone(owner);
        }
    }

    /// <summary>§4: the completion of a Pend write, in one turn: page ops in order, then one pip release (rules 33-35).</summary>
    private void OnWriteCompleted(VmObjectProtocol.WriteCompleted completed)
    {
        if (!_requests.Remove(completed.RequestId, out var entry) || entry is not PutPagesInFlight request)
        {
            throw new ProtocolViolationException(33, $"{Self.Path}: completion for unknown putpages {completed.RequestId}: a Pend putpages gets exactly one completion");
        }

        if (completed.PipRelease != request.Pending)
        {
            throw new ProtocolViolationException(11, $"{Self.Path}: completion of putpages {completed.RequestId} releases {completed.PipRelease} pip for {request.Pending} pending pages");
        }

        _memory.Metrics.CountCompletion();

        foreach (var op in completed.Ops)
        {
            if (op.Kind == PageOpKind.Redirty)
            {
                request.Owner.Errors++;
            }
        }

        ApplyOps(completed.Ops, $"completion of putpages {completed.RequestId}");
        PipRelease(completed.PipRelease);
        FlushDone(request.Owner);
    }

    private void FlushDone(FlushOwner owner)
    {
        owner.Outstanding--;
        if (owner.Outstanding == 0)
        {
            owner.OnIdle?.Invoke();
        }
    }

    /// <summary>The vnode was held by another VOP: let go of the pages and the pip, then wait or skip (rules 7, 8).</summary>
    private void OnLockBusy(VnodeProtocol.LockBusy busy)
    {
        if (!_requests.Remove(busy.RequestId, out var entry))
        {
            throw new InvalidOperationException($"{Self.Path}: LockBusy for unknown request {busy.RequestId}");
        }

        switch (entry)
        {
            case GetPagesInFlight get:
                // The fault releases every page it allocated and its pip, blocks on the lock, restarts.
                for (var p = get.First; p <= get.Last; p++)
                {
                    FreePage(_pages[p]);
                }

                PipRelease(1);
                if (get.Fault is { } fault)
                {
                    _vnodeWaiters.Add(() => RunFault(fault));
                }
                _memory.Metrics.CountGetPagesRefused();
                GetPagesAnswered(refused: true);
                break;
            case PutPagesInFlight put:
                foreach (var frame in put.Frames)
                {
                    Unbusy(frame);
                }

                PipRelease(put.Frames.Length);
                var owner = put.Owner;
                if (owner.Scan is { Done: false } scan && owner.Retry is { } retry)
                {
                    // These pages were never written: the clean waits for the lock and tries them again.
                    foreach (var frame in put.Frames)
                    {
                        scan.Tried.Remove(_memory.Meta(frame).PIndex);
                    }

                    scan.Waiting = true;
                    owner.Outstanding--;
                    _vnodeWaiters.Add(retry);
                }
                else
                {
                    FlushDone(owner);
                }

                break;
        }
    }

    /// <summary>
    /// The vnode refused a paging request as malformed: a bug on this side, logged. The request is
    /// undone as for a refused lock (its pages freed or unbusied, its pip dropped) but not retried:
    /// the fault fails, and a flush counts its pages as errors, dirty on the active queue (rule 29).
    /// </summary>
    private void OnRejected(RequestRejected rejected)
    {
        Context.GetLogger().RequestRejected(rejected.RequestId, rejected.Reason);
        if (!_requests.Remove(rejected.RequestId, out var entry))
        {
            return;
        }

        switch (entry)
        {
            case GetPagesInFlight get:
                // Rule 38: no busy or partly valid page of the run is left; the fault fails.
                for (var p = get.First; p <= get.Last; p++)
                {
                    FreePage(_pages[p]);
                }

                PipRelease(1);
                get.Fault?.OnDone(FaultResult.Failed, PagerStatus.Error);
                GetPagesAnswered(refused: false);
                break;
            case PutPagesInFlight put:
                foreach (var frame in put.Frames)
                {
                    Enqueue(frame, PageQueue.Active);
                    Unbusy(frame);
                    put.Owner.Errors++;
                }

                PipRelease(put.Frames.Length);
                FlushDone(put.Owner);
                break;
        }
    }

    /// <summary>The page daemon's request: free clean inactive pages, launder dirty ones (§2.5).</summary>
    private void OnReclaim(VmObjectProtocol.Reclaim request, IActorRef replyTo)
    {
        var freed = 0;
        var laundering = 0;
        if (!_dead)
        {
            foreach (var frame in QueueSnapshot(PageQueue.Inactive))
            {
                if (freed >= request.Target)
                {
                    break;
                }

                ref var meta = ref _memory.Meta(frame);
                if (meta.IsBusy)
                {
                    continue;
                }

                if (_memory.TestAndClearReferenced(frame))
                {
                    // pmap_ts_referenced: read through its mapping since the last look; it stays.
                    Enqueue(frame, PageQueue.Active);
                    continue;
                }

                if (meta.Dirty != 0)
                {
                    Enqueue(frame, PageQueue.Laundry);
                }
                else
                {
                    FreePage(frame);
                    freed++;
                }
            }

            // Still short: the oldest clean active pages go too, those read through a mapping
            // since the last look after the others (a second chance, not a refusal: a cache whose
            // every page is read all the time must still give frames to faults waiting for one).
            for (var pass = 0; pass < 2 && freed < request.Target; pass++)
            {
                foreach (var frame in QueueSnapshot(PageQueue.Active))
                {
                    if (freed >= request.Target)
                    {
                        break;
                    }

                    ref var meta = ref _memory.Meta(frame);
                    if (meta.IsBusy || meta.Dirty != 0)
                    {
                        continue;
                    }

                    if (pass == 0 && _memory.TestAndClearReferenced(frame))
                    {
                        Enqueue(frame, PageQueue.Active);
                    }
                    else
                    {
                        FreePage(frame);
                        freed++;
                    }
                }
            }

            // Still short and every remaining page dirty: the oldest dirty active pages are
            // deactivated into the laundry, so their frames come free once written. Without this a
            // cache full of dirty pages would leave faults waiting for frames forever.
            if (freed < request.Target)
            {
                var wanted = request.Target - freed - _queueCount[(int)PageQueue.Laundry];
                foreach (var frame in QueueSnapshot(PageQueue.Active))
                {
                    if (wanted <= 0)
                    {
                        break;
                    }

                    ref var meta = ref _memory.Meta(frame);
                    if (!meta.IsBusy && meta.Dirty != 0)
                    {
                        Enqueue(frame, PageQueue.Laundry);
                        wanted--;
                    }
                }
            }

            var pageout = new FlushOwner { Name = "pageout" };
            var flags = request.ForceSync ? PutFlags.Sync : PutFlags.None;
            foreach (var frame in QueueSnapshot(PageQueue.Laundry))
            {
                ref var meta = ref _memory.Meta(frame);
                if (!meta.IsBusy && meta.Dirty != 0)
                {
                    var run = CollectRun(meta.PIndex, backwards: true, null);
                    laundering += run.Count;
                    Flush(run, flags, 0, pageout);
                }
            }

            if (request.OlderThan is { } olderThan)
            {
                var limit = (int)Math.Min(int.MaxValue, olderThan.TotalMilliseconds);
                foreach (var frame in _pages.Values.ToArray())
                {
                    ref var meta = ref _memory.Meta(frame);
                    if (!meta.IsBusy && meta.Dirty != 0 && meta.DirtySinceMs <= limit)
                    {
                        var run = CollectRun(meta.PIndex, backwards: true, null);
                        laundering += run.Count;
                        Flush(run, flags, 0, pageout);
                    }
                }
            }
        }

        replyTo.Tell(new VmObjectProtocol.Reclaimed(freed, laundering, _pages.Count), Self);
    }
}
