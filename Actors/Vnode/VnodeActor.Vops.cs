using ActorPager.Actors.Vm;
using ActorPager.Messages;
using Akka.Actor;
using ActorPager.Storage;

namespace ActorPager.Actors.Vnode;

/// <summary>The VOPs that take the lock: VOBJECT create and destroy, fsync, setsize.</summary>
internal sealed partial class VnodeActor
{
    private enum VopKind
    {
        Destroy,
        Fsync,
        SetSize,
        Write,
    }

    /// <summary>Where a VOP_WRITE is: each step waits for one answer.</summary>
    private enum WriteStep
    {
        /// <summary>The object is taking the new size.</summary>
        ExtendObject,

        /// <summary>The store is taking the new size.</summary>
        ExtendStore,

        /// <summary>The object is copying the bytes in.</summary>
        Copy,

        /// <summary>The object is writing the range back (synchronous putpages).</summary>
        Clean,

        /// <summary>The store is flushing.</summary>
        Flush,
    }

    /// <summary>A VOP waiting for its object's answer or its store call.</summary>
    private sealed class PendingVop(VopKind kind, long turn, IActorRef requester)
    {
        public VopKind Kind { get; } = kind;

        public long Turn { get; } = turn;

        public IActorRef Requester { get; } = requester;

        public bool Recycle { get; init; }

        public bool Sync { get; init; }

        public long Size { get; init; }

        public VmObjectProtocol.CleanReply? Clean { get; set; }

        /// <summary>The object this VOP waited on failed: an fsync cannot say its data is durable.</summary>
        public bool ObjectFailed { get; set; }

        /// <summary>A VOP_WRITE: what it writes.</summary>
        public VnodeProtocol.Write? Write { get; init; }

        /// <summary>A VOP_WRITE: the step it is at.</summary>
        public WriteStep Step { get; set; }

        /// <summary>A VOP_WRITE: the object's answer to the copy.</summary>
        public VmObjectProtocol.WriteReply? Copied { get; set; }
    }

    /// <summary>
    /// The VM object stopped without being destroyed: an exception in it (its strategy is Stop). A
    /// VOP waiting on it goes on without it, and the next VOP_CREATEVOBJECT makes a new object.
    /// </summary>
    private void OnObjectStopped()
    {
        _object = null;
        var vop = _vop;
        switch (vop?.Kind)
        {
            case VopKind.Destroy:
                ContinueVop(new VmObjectProtocol.Terminated(Detached: false, PagesWritten: 0, PagesFreed: 0));
                break;
            case VopKind.Fsync when vop.Clean is null:
                vop.ObjectFailed = true;
                FlushOrFinish();
                break;
            case VopKind.SetSize:
                PipeStore(vop.Turn, _settings.Store.SetSizeAsync(_settings.File, vop.Size));
                break;
            case VopKind.Write when vop.Step is not (WriteStep.ExtendStore or WriteStep.Flush):
                // The object's own ObjectFailed may still come (or came first and finished the VOP).
                Finish(vop, new VmObjectProtocol.ObjectFailed(_settings.File, "the VM object stopped during the write", 0));
                break;
        }
    }

    /// <summary>
    /// A stopping object's frames of store I/O in flight: kept out of the pool until every I/O this
    /// vnode started (each a completion child) has finished, then freed. A completion that ends
    /// later than this message was started before it, so waiting for today's children is enough.
    /// </summary>
    private void OnFramesInFlight(VmObjectProtocol.FramesInFlight held)
    {
        _heldFrames.AddRange(held.Frames);
        foreach (var child in Context.GetChildren())
        {
            if (!child.Equals(_object) && _awaitedCompletions.Add(child))
            {
                Context.Watch(child);
            }
        }

        FreeHeldFramesWhenDrained();
    }

    private void FreeHeldFramesWhenDrained()
    {
        if (_awaitedCompletions.Count > 0)
        {
            return;
        }

        foreach (var frame in _heldFrames)
        {
            _settings.Memory.Free(frame);
        }

        _heldFrames.Clear();
    }

    /// <summary>VOP_CREATEVOBJECT: idempotent (rule 52); with <paramref name="reference"/>, the requester's reference is taken in this turn.</summary>
    private void OnCreateVObject(bool reference)
    {
        if (_object is not null)
        {
            // The reference reaches the object before any TerminateObject of a later VOP.
            if (reference)
            {
                _object.Tell(VmObjectProtocol.Reference.Instance, Self);
            }

            Sender.Tell(new VnodeProtocol.VObjectReply(0, _object), Self);
            return;
        }

        // GETATTR gave _size; vnode_pager_alloc makes the object (type VNODE, handle = this vnode).
        var settings = _settings;
        var size = _size;
        var self = Self;
        var map = settings.Options.MappedReads ? new PageMap(settings.Memory) : null;
        _object = Context.ActorOf(
            ActorProps.Of(() => new VmObjectActor(self, settings.Memory, settings.Options, size, settings.Daemon, settings.File, map)),
            "object-" + (++_objectGeneration).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (map is not null)
        {
            // Before the reply: whoever opens the file finds the object's pmap.
            settings.Memory.RegisterMap(_object, map);
        }

        Context.Watch(_object);
        if (reference)
        {
            _object.Tell(VmObjectProtocol.Reference.Instance, Self);
        }

        Sender.Tell(new VnodeProtocol.VObjectReply(0, _object, Created: true), Self);
    }

    /// <summary>VOP_DESTROYVOBJECT (rules 54-56): the object terminates or detaches while the vnode is held.</summary>
    private void OnDestroyVObject(IActorRef requester, bool recycle)
    {
        if (_object is null)
        {
            requester.Tell(new VnodeProtocol.VObjectReply(0, null), Self);
            if (recycle)
            {
                Context.Stop(Self);
            }

            return;
        }

        var turn = Acquire();
        _vop = new PendingVop(VopKind.Destroy, turn, requester) { Recycle = recycle };
        _object.Tell(new VmObjectProtocol.TerminateObject(turn), Self);
    }

    /// <summary>fsync/msync: clean through putpages inside this turn, then flush the store (rule 46).</summary>
    private void OnFsync(VnodeProtocol.Fsync fsync, IActorRef requester)
    {
        var turn = Acquire();
        _vop = new PendingVop(VopKind.Fsync, turn, requester) { Sync = fsync.Sync };
        if (_object is null)
        {
            FlushOrFinish();
            return;
        }

        var flags = (fsync.Sync ? PutFlags.Sync : PutFlags.None) | (fsync.Invalidate ? PutFlags.Invalidate : PutFlags.None);
        _object.Tell(new VmObjectProtocol.Clean(flags, turn), Self);
    }

    /// <summary>
    /// VOP_WRITE in one turn: extend (object, then store) when the write ends past EOF, copy in
    /// through the object (its getpages carry this turn), and with sync clean exactly the pages
    /// written and flush the store. A truncate or another write waits in the stash meanwhile.
    /// </summary>
    private void OnWrite(VnodeProtocol.Write write, IActorRef requester)
    {
        if (write.Offset < 0)
        {
            requester.Tell(new RequestRejected($"write of {_settings.File}: negative offset {write.Offset}"), Self);
            return;
        }

        if (_object is null)
        {
            requester.Tell(new RequestRejected($"write of {_settings.File}: the vnode has no VM object (open the file first)"), Self);
            return;
        }

        var turn = Acquire();
        var end = write.Offset + write.Source.Length;
        _vop = new PendingVop(VopKind.Write, turn, requester) { Write = write, Size = end };
        if (end > _size)
        {
            _vop.Step = WriteStep.ExtendObject;
            _object.Tell(new VmObjectProtocol.SetObjectSize(end), Self);
            return;
        }

        CopyIn(_vop);
    }

    private void CopyIn(PendingVop vop)
    {
        vop.Step = WriteStep.Copy;
        _object!.Tell(new VmObjectProtocol.Write(vop.Write!.Offset, vop.Write.Source, vop.Turn), Self);
    }

    private void ContinueWrite(PendingVop vop, object message)
    {
        var write = vop.Write!;
        switch (vop.Step, message)
        {
            case (WriteStep.ExtendObject, VmObjectProtocol.ObjectSizeSet):
                vop.Step = WriteStep.ExtendStore;
                PipeStore(vop.Turn, _settings.Store.SetSizeAsync(_settings.File, vop.Size));
                break;
            case (WriteStep.ExtendStore, StoreDone done) when done.Turn == vop.Turn:
                // As for SetSize: the vnode follows the object, which already holds the new size.
                _size = vop.Size;
                if (done.Result.Status != StoreStatus.Ok)
                {
                    Finish(vop, new VnodeProtocol.WriteReply(0, PagerStatus.Error, _size, false, $"store setsize to {vop.Size} failed: {done.Result.Error}"));
                    break;
                }

                if (_object is null)
                {
                    Finish(vop, new VmObjectProtocol.ObjectFailed(_settings.File, "the VM object stopped during the write", 0));
                    break;
                }

                CopyIn(vop);
                break;
            case (WriteStep.Copy, VmObjectProtocol.WriteReply copied):
                vop.Copied = copied;
                if (!write.Sync || copied.Status != PagerStatus.Ok || copied.Bytes == 0)
                {
                    Finish(vop, new VnodeProtocol.WriteReply(copied.Bytes, copied.Status, _size, write.Sync && copied.Status == PagerStatus.Ok));
                    break;
                }

                // vm_object_page_clean over the range written, inside this turn.
                vop.Step = WriteStep.Clean;
                var first = write.Offset / PageSize;
                var endPage = (write.Offset + copied.Bytes + PageSize - 1) / PageSize;
                _object!.Tell(new VmObjectProtocol.Clean(PutFlags.Sync, vop.Turn, first, endPage), Self);
                break;
            case (WriteStep.Copy, RequestRejected rejected):
                Finish(vop, new VnodeProtocol.WriteReply(0, PagerStatus.Bad, _size, false, rejected.Reason));
                break;
            case (_, VmObjectProtocol.ObjectFailed failed):
                Finish(vop, failed);
                break;
            case (WriteStep.Clean, VmObjectProtocol.CleanReply clean):
                vop.Clean = clean;
                vop.Step = WriteStep.Flush;
                PipeStore(vop.Turn, _settings.Store.FlushAsync(_settings.File));
                break;
            case (WriteStep.Flush, StoreDone done) when done.Turn == vop.Turn:
                var durable = done.Result.Status == StoreStatus.Ok && vop.Clean!.AllClean;
                Finish(vop, new VnodeProtocol.WriteReply(vop.Copied!.Bytes, PagerStatus.Ok, _size, durable, durable ? null : FsyncError(vop.Clean, done.Result)));
                break;
        }
    }

    /// <summary>Truncate or extend: the object first (it waits for busy pages, rule 48), then the store.</summary>
    private void OnSetSize(VnodeProtocol.SetSize request, IActorRef requester)
    {
        if (request.Size < 0)
        {
            requester.Tell(new RequestRejected($"setsize of {_settings.File}: negative size {request.Size}"), Self);
            return;
        }

        var size = request.ExtendOnly ? Math.Max(request.Size, _size) : request.Size;
        if (size == _size)
        {
            requester.Tell(new VnodeProtocol.SetSizeReply(_size), Self);
            return;
        }

        var turn = Acquire();
        _vop = new PendingVop(VopKind.SetSize, turn, requester) { Size = size };
        if (_object is null)
        {
            PipeStore(turn, _settings.Store.SetSizeAsync(_settings.File, size));
            return;
        }

        _object.Tell(new VmObjectProtocol.SetObjectSize(size), Self);
    }

    private void ContinueVop(object message)
    {
        var vop = _vop;
        if (vop is null)
        {
            return;
        }

        if (vop.Kind == VopKind.Write)
        {
            ContinueWrite(vop, message);
            return;
        }

        switch (vop.Kind, message)
        {
            case (VopKind.Destroy, VmObjectProtocol.Terminated):
                // Rule 51: v_object is cleared with the object's handle (terminated or detached).
                _object = null;
                Finish(vop, new VnodeProtocol.VObjectReply(0, null));
                if (vop.Recycle)
                {
                    Context.Stop(Self);
                }

                break;
            case (VopKind.Fsync, VmObjectProtocol.CleanReply clean):
                vop.Clean = clean;
                FlushOrFinish();
                break;
            case (VopKind.Fsync, StoreDone done) when done.Turn == vop.Turn:
                var clean2 = vop.Clean;
                var ok = done.Result.Status == StoreStatus.Ok && !vop.ObjectFailed && (clean2 is null || clean2.AllClean);
                Finish(vop, new VnodeProtocol.FsyncReply(ok, clean2?.PagesWritten ?? 0, ok ? null : FsyncError(clean2, done.Result)));
                break;
            case (VopKind.SetSize, VmObjectProtocol.ObjectSizeSet):
                PipeStore(vop.Turn, _settings.Store.SetSizeAsync(_settings.File, vop.Size));
                break;
            case (VopKind.SetSize, StoreDone done) when done.Turn == vop.Turn:
                // The object already holds the new size; the vnode follows it even when the store
                // failed, and says so (a later setsize or fsync retries the store).
                _size = vop.Size;
                Finish(vop, new VnodeProtocol.SetSizeReply(_size, done.Result.Status == StoreStatus.Ok ? null : $"store setsize failed: {done.Result.Error}"));
                break;
        }
    }

    private void FlushOrFinish()
    {
        var vop = _vop!;
        if (vop.Sync)
        {
            PipeStore(vop.Turn, _settings.Store.FlushAsync(_settings.File));
            return;
        }

        var clean = vop.Clean;
        var ok = !vop.ObjectFailed && (clean is null || clean.AllClean);
        Finish(vop, new VnodeProtocol.FsyncReply(ok, clean?.PagesWritten ?? 0, ok ? null : FsyncError(clean, StoreResult.Ok())));
    }

    private static string FsyncError(VmObjectProtocol.CleanReply? clean, StoreResult flush)
    {
        if (clean is null && flush.Status == StoreStatus.Ok)
        {
            return "the VM object failed before its dirty pages were written; they are lost";
        }

        if (flush.Status != StoreStatus.Ok)
        {
            return $"store flush failed: {flush.Error}";
        }

        var counts = clean is null ? "" : string.Join(", ", clean.Rtvals.Where(kv => kv.Value > 0).Select(kv => $"{kv.Key}={kv.Value}"));
        return $"some pages could not be written ({counts}); they stay dirty";
    }

    private void Finish(PendingVop vop, object reply)
    {
        _vop = null;
        vop.Requester.Tell(reply, Self);
        Release(vop.Turn);
    }

    private void PipeStore(long turn, ValueTask<StoreResult> io)
    {
        if (io.IsCompleted)
        {
            Self.Tell(new StoreDone(turn, io.Result), Self);
            return;
        }

        io.AsTask().PipeTo(Self, Self, r => new StoreDone(turn, r), ex => new StoreDone(turn, StoreResult.Failed(StoreError.FromException("vnode", ex))));
    }
}
