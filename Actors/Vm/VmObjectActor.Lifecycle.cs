using ActorPager.Messages;
using Akka.Actor;

namespace ActorPager.Actors.Vm;

/// <summary>Size changes (vnode_pager_setsize) and the end of the object (terminate, detach, deallocate).</summary>
internal sealed partial class VmObjectActor
{
    /// <summary>
    /// Rules 47-50. Shrinking waits for each busy page in the range, including one being paged
    /// out (rule 48), then frees the pages past the end without writing them, and zeroes the EOF
    /// page's tail and clears its dirty blocks from roundup(n mod page, 512) (rule 49). Growing
    /// changes only the sizes (rule 50).
    /// </summary>
    private void OnSetObjectSize(long size, IActorRef replyTo)
    {
        if (_dead)
        {
            // Rule 50: setsize of a dead object does nothing.
            replyTo.Tell(new VmObjectProtocol.ObjectSizeSet(_size, 0), Self);
            return;
        }

        var removed = 0;
        if (size < _size)
        {
            var newPages = (size + _pageSize - 1) / _pageSize;
            var tail = (int)(size % _pageSize);
            long eofPage = tail != 0 ? newPages - 1 : -1;
            foreach (var (pindex, frame) in _pages)
            {
                if ((pindex >= newPages || pindex == eofPage) && _memory.Meta(frame).IsBusy)
                {
                    SleepOnPage(frame, () => OnSetObjectSize(size, replyTo));
                    return;
                }
            }

            foreach (var (pindex, frame) in _pages.ToArray())
            {
                if (pindex >= newPages)
                {
                    // Rule 48: removed dirty data is never written.
                    FreePage(frame);
                    removed++;
                }
            }

            if (eofPage >= 0 && TryLookup(eofPage, out var eofFrame))
            {
                _map?.Remove(eofPage);
                _memory.FrameSpan(eofFrame)[tail..].Clear();
                var from = (tail + PageGeometry.BlockSize - 1) / PageGeometry.BlockSize * PageGeometry.BlockSize;
                ClearDirty(eofFrame, PageGeometry.BlockMask(from, _pageSize));
            }
        }

        SetSizeFields(size);
        replyTo.Tell(new VmObjectProtocol.ObjectSizeSet(size, removed), Self);
    }

    /// <summary>
    /// VOP_DESTROYVOBJECT's part here. With references: detach (rule 55) — DEAD, no handle,
    /// pages kept, nothing written. Without: DEAD, pip_wait, a synchronous clean inside the
    /// destroy's turn, free every page (none busy, rule 58), stop (rule 54).
    /// </summary>
    private void OnTerminate(VmObjectProtocol.TerminateObject request, IActorRef replyTo)
    {
        _dead = true;

        // Reads of a dead object are refused (open the file again), mapped or not: a detached
        // object keeps its pages, but no client reads them without a message any more.
        _map?.Close();

        // §2.4 a: faults sleeping on the vnode lock or on a free frame wake, look again, find the
        // object dead and fail. The vnode lock they wait for is held by this destroy, and is only
        // released after this object has stopped: nobody else would ever wake them.
        Wake(_vnodeWaiters);
        foreach (var op in _clusterWaiters)
        {
            _ready.Enqueue(() => RunFault(op));
        }

        _clusterWaiters.Clear();
        Wake(_frameWaiters);
        if (_refCount > 0)
        {
            _vnode = null;
            replyTo.Tell(new VmObjectProtocol.Terminated(Detached: true, 0, 0), Self);
            return;
        }

        PipWait(() =>
        {
            var scan = new CleanScan(new VmObjectProtocol.Clean(PutFlags.Sync, request.LockToken), Self);
            var owner = new FlushOwner { Name = "terminate", Scan = scan };
            owner.OnIdle = () => FinishTerminate(scan, owner, replyTo);
            owner.Retry = () => ScanClean(scan, owner);
            ScanClean(scan, owner);
        });
    }

    private void FinishTerminate(CleanScan scan, FlushOwner owner, IActorRef replyTo)
    {
        if (scan.Done || scan.Waiting || scan.Scanning)
        {
            return;
        }

        scan.Done = true;
        _vnode = null;
        var freed = 0;
        foreach (var frame in _pages.Values.ToArray())
        {
            if (_memory.Meta(frame).IsBusy)
            {
                throw new ProtocolViolationException(58, $"{Self.Path}: terminate found page {_memory.Meta(frame).PIndex} busy after pip drained");
            }

            FreePage(frame);
            freed++;
        }

        replyTo.Tell(new VmObjectProtocol.Terminated(Detached: false, owner.Written, freed), Self);
        Context.Stop(Self);
    }

    /// <summary>vm_object_deallocate: a vnode object never terminates because refs reach 0 (rule 53); a detached one is freed then, unwritten (rule 55).</summary>
    private void OnDeallocate()
    {
        if (_refCount > 0)
        {
            _refCount--;
        }

        if (_refCount == 0 && _dead && _vnode is null)
        {
            PipWait(() =>
            {
                foreach (var frame in _pages.Values.ToArray())
                {
                    if (!_memory.Meta(frame).IsBusy)
                    {
                        FreePage(frame);
                    }
                }

                if (_pages.Count == 0)
                {
                    Context.Stop(Self);
                }
            });
        }
    }
}
