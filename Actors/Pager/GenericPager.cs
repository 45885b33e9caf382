using ActorPager.Messages;
using ActorPager.Storage;

namespace ActorPager.Actors.Pager;

/// <summary>
/// The generic vnode pager over a store (vnode_pager_generic_getpages / _putpages): one store
/// read or write for the adjacent run of pages, straight into or out of their frames.
/// </summary>
/// <remarks>
/// It follows the seeds' interface [v5] with the contract's corrections (spec choices 1-5): a
/// failed write answers ERROR for the pages it did not write (rule 32, never OK after a failed
/// write), and a putpages without the sync flag answers PEND at once and finishes each page from a
/// completion actor (choice 5), releasing the vnode immediately rather than across the I/O.
/// </remarks>
public sealed class GenericPager : IPager
{
    /// <summary>The single instance; the pager keeps no state of its own.</summary>
    public static GenericPager Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "generic";

    /// <inheritdoc />
    public void GetPages(VnodeProtocol.GetPages request, PagerCall call)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(call);
        var pages = request.Pages;
        var req = request.ReqPage;
        var pageSize = call.PageSize;
        var full = PageGeometry.FullMask(pageSize);
        var ops = new List<PageOp>((pages.Length * 2) + 1);

        // A doomed vnode answers BAD (§2.1 step 1); every page but reqpage is freed (rule 15).
        if (call.Doomed)
        {
            FreeAllBut(pages, req, ops);
            call.Reply(new VnodeProtocol.GetPagesReply(request.RequestId, PagerStatus.Bad, [.. ops]));
            return;
        }

        // §2.1 step 4: reqpage already fully valid → free the others, OK with no I/O (rule 20).
        if (pages[req].Valid == full)
        {
            FreeAllBut(pages, req, ops);
            call.Reply(new VnodeProtocol.GetPagesReply(request.RequestId, PagerStatus.Ok, [.. ops]));
            return;
        }

        // A partial validity is thrown away: the page is read again whole (§2.1 step 4).
        if (pages[req].Valid != 0)
        {
            ops.Add(new PageOp(pages[req].PIndex, PageOpKind.ClearValid));
        }

        // Pages at or past EOF are never read (rule 14): they leave the run and are freed.
        var eofPage = (call.FileSize + pageSize - 1) / pageSize;
        if (pages[req].PIndex >= eofPage)
        {
            FreeAllBut(pages, req, ops);
            call.Reply(new VnodeProtocol.GetPagesReply(request.RequestId, PagerStatus.Bad, [.. ops]));
            return;
        }

        var runLength = (int)Math.Min(pages.Length, eofPage - pages[0].PIndex);
        for (var i = runLength; i < pages.Length; i++)
        {
            ops.Add(new PageOp(pages[i].PIndex, PageOpKind.Free));
        }

        var destinations = new Memory<byte>[runLength];
        for (var i = 0; i < runLength; i++)
        {
            destinations[i] = call.Memory.Frame(pages[i].Frame);
        }

        // §2.1 step 6: one read for the run, holding the vnode until it completes. A single page
        // asks the store to report a hole, so the fault can zero-fill it (choice 6, rule 39).
        var fileOffset = pages[0].PIndex * pageSize;
        var fileSize = call.FileSize;
        call.HoldVnode();
        var io = call.Store.ReadVectorAsync(call.File, fileOffset, destinations, new ReadOptions(ReportHoles: runLength == 1));
        call.Complete(io, result =>
        {
            PagerStatus status;
            if (result.Status == StoreStatus.Error)
            {
                // §2.1 step 7: on error every page but reqpage is freed; reqpage stays busy.
                for (var i = 0; i < runLength; i++)
                {
                    if (i != req)
                    {
                        ops.Add(new PageOp(pages[i].PIndex, PageOpKind.Free));
                    }
                }

                status = PagerStatus.Error;
            }
            else if (result.Status == StoreStatus.Hole)
            {
                status = PagerStatus.Fail;
            }
            else
            {
                for (var i = 0; i < runLength; i++)
                {
                    // Valid bits: whole page when it ends at or before EOF; else the blocks that
                    // overlap [0, EOF) (rule 19). The store zero-filled the bytes past EOF.
                    var pageOffset = fileOffset + ((long)i * pageSize);
                    var mask = pageOffset + pageSize <= fileSize ? full : PageGeometry.BlockMask(0, (int)(fileSize - pageOffset));
                    ops.Add(new PageOp(pages[i].PIndex, PageOpKind.SetValidClean, mask));
                }

                for (var i = 0; i < runLength; i++)
                {
                    if (i != req)
                    {
                        // Rule 9: activate if someone waited for it, else deactivate; then wake.
                        ops.Add(new PageOp(pages[i].PIndex, PageOpKind.ActivateIfWanted));
                        ops.Add(new PageOp(pages[i].PIndex, PageOpKind.Unbusy));
                    }
                }

                status = PagerStatus.Ok;
            }

            call.Reply(new VnodeProtocol.GetPagesReply(request.RequestId, status, [.. ops]));
            call.ReleaseVnode();
        });
    }

    /// <inheritdoc />
    public void PutPages(VnodeProtocol.PutPages request, PagerCall call)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(call);
        var pages = request.Pages;
        var pageSize = call.PageSize;
        var rtvals = new PagerStatus[pages.Length];
        Array.Fill(rtvals, PagerStatus.Again);
        var ops = new List<PageOp>();
        var poffset = pages[0].PIndex * pageSize;

        // §2.3 step 3: EOF trimming. Past EOF every page is BAD (rule 24).
        if (poffset >= call.FileSize)
        {
            Array.Fill(rtvals, PagerStatus.Bad);
            call.Reply(new VnodeProtocol.PutPagesReply(request.RequestId, rtvals, []));
            return;
        }

        var maxSize = Math.Min((long)pages.Length * pageSize, call.FileSize - poffset);
        var ncount = (int)((maxSize + pageSize - 1) / pageSize);
        var tail = (int)(maxSize % pageSize);
        if (tail != 0)
        {
            // Rule 25: dirty blocks wholly past EOF are cleared before the write; valid bits never.
            var clearFrom = (tail + PageGeometry.BlockSize - 1) / PageGeometry.BlockSize * PageGeometry.BlockSize;
            var mask = PageGeometry.BlockMask(clearFrom, pageSize);
            if (mask != 0)
            {
                ops.Add(new PageOp(pages[ncount - 1].PIndex, PageOpKind.ClearDirty, mask));
            }
        }

        for (var i = ncount; i < pages.Length; i++)
        {
            rtvals[i] = PagerStatus.Bad;
        }

        var sources = new ReadOnlyMemory<byte>[ncount];
        for (var i = 0; i < ncount; i++)
        {
            var frame = call.Memory.Frame(pages[i].Frame);
            sources[i] = i == ncount - 1 ? frame[..(int)(maxSize - ((long)i * pageSize))] : frame;
        }

        var sync = (request.Flags & (PutFlags.Sync | PutFlags.Invalidate)) != 0;
        if (sync)
        {
            // A synchronous write holds the vnode until it is durable; rtvals come from its outcome.
            call.HoldVnode();
            var io = call.Store.WriteVectorAsync(call.File, poffset, sources, WriteDurability.Durable);
            call.Complete(io, result =>
            {
                var written = result.Status == StoreStatus.Ok ? maxSize : result.Bytes;
                for (var i = 0; i < ncount; i++)
                {
                    var pageEnd = Math.Min((long)(i + 1) * pageSize, maxSize);

                    // Rule 32: pages written completely before a failure are OK, later ones ERROR.
                    if (pageEnd <= written)
                    {
                        rtvals[i] = PagerStatus.Ok;
                        ops.Add(new PageOp(pages[i].PIndex, PageOpKind.Undirty));
                    }
                    else
                    {
                        rtvals[i] = PagerStatus.Error;
                    }
                }

                call.Reply(new VnodeProtocol.PutPagesReply(request.RequestId, rtvals, [.. ops]));
                call.ReleaseVnode();
            });
            return;
        }

        // Asynchronous: PEND now (choice 5). The reply goes out before the write starts, so the
        // object has it before any completion can exist; the vnode is not held across the I/O.
        for (var i = 0; i < ncount; i++)
        {
            rtvals[i] = PagerStatus.Pend;
        }

        call.Reply(new VnodeProtocol.PutPagesReply(request.RequestId, rtvals, [.. ops]));
        var pending = call.Store.WriteVectorAsync(call.File, poffset, sources, WriteDurability.Buffered);
        call.Complete(pending, result =>
        {
            // §4: per page undirty (or re-dirty and activate) then unbusy; then one pip release.
            var written = result.Status == StoreStatus.Ok ? maxSize : result.Bytes;
            var done = new PageOp[ncount * 3];
            var k = 0;
            for (var i = 0; i < ncount; i++)
            {
                var pindex = pages[i].PIndex;
                if (Math.Min((long)(i + 1) * pageSize, maxSize) <= written)
                {
                    done[k++] = new PageOp(pindex, PageOpKind.Undirty);
                    done[k++] = new PageOp(pindex, PageOpKind.Deactivate);
                }
                else
                {
                    done[k++] = new PageOp(pindex, PageOpKind.Redirty);
                    done[k++] = new PageOp(pindex, PageOpKind.Activate);
                }

                done[k++] = new PageOp(pindex, PageOpKind.Unbusy);
            }

            call.Reply(new VmObjectProtocol.WriteCompleted(request.RequestId, done, ncount));
        });
    }

    private static void FreeAllBut(PageDescriptor[] pages, int req, List<PageOp> ops)
    {
        for (var i = 0; i < pages.Length; i++)
        {
            if (i != req)
            {
                ops.Add(new PageOp(pages[i].PIndex, PageOpKind.Free));
            }
        }
    }
}
