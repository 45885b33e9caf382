using ActorPager.Actors.Pager;
using ActorPager.Messages;

namespace ActorPager.Harness.Exploration;

/// <summary>
/// Deliberately broken pagers, each breaking one rule of the protocol, as proof that the
/// explorer and its monitors find real bugs. Each wraps the generic pager and rewrites what it
/// says to the object (or when it releases the vnode).
/// </summary>
public static class Mutants
{
    /// <summary>A broken pager and the rule it breaks.</summary>
    /// <param name="Name">A short name.</param>
    /// <param name="Rule">The rule it breaks.</param>
    /// <param name="Create">Makes the pager.</param>
    public sealed record Mutant(string Name, int Rule, Func<IPager> Create);

    /// <summary>Every mutant.</summary>
    public static IReadOnlyList<Mutant> All { get; } =
    [
        new("forget-unbusy-neighbour", 15, () => new RewritingPager("forget-unbusy-neighbour", getReply: (req, reply) =>
        {
            // Drops the unbusy of the first page that is not reqpage.
            var victim = req.Pages.Select(p => p.PIndex).FirstOrDefault(p => p != req.Pages[req.ReqPage].PIndex, -1);
            var dropped = false;
            return reply with { Ops = reply.Ops.Where(op => dropped || !(op.Kind == PageOpKind.Unbusy && op.PIndex == victim && (dropped = true))).ToArray() };
        })),
        new("unbusy-reqpage", 15, () => new RewritingPager("unbusy-reqpage", getReply: (req, reply) =>
            reply.Status == PagerStatus.Ok ? reply with { Ops = [.. reply.Ops, new PageOp(req.Pages[req.ReqPage].PIndex, PageOpKind.Unbusy)] } : reply)),
        new("ok-without-valid-bits", 17, () => new RewritingPager("ok-without-valid-bits", getReply: (req, reply) =>
            reply with { Ops = reply.Ops.Where(op => !(op.PIndex == req.Pages[req.ReqPage].PIndex && op.Kind is PageOpKind.SetValid or PageOpKind.SetValidClean)).ToArray() })),
        new("never-complete-pend", 33, () => new RewritingPager("never-complete-pend", completion: (_, _, _) => null)),
        new("pend-without-pip-release", 35, () => new RewritingPager("pend-without-pip-release", completion: (_, _, c) => c with { PipRelease = 0 })),
        new("undirty-after-error", 29, () => new RewritingPager("undirty-after-error", completion: (_, _, c) => c with
        {
            Ops = c.Ops.Select(op => op.Kind switch
            {
                PageOpKind.Redirty => op with { Kind = PageOpKind.Undirty },
                PageOpKind.Activate => op with { Kind = PageOpKind.Deactivate },
                _ => op,
            }).ToArray(),
        })),
        new("valid-past-eof", 19, () => new RewritingPager("valid-past-eof", getReply: (_, reply) => reply with
        {
            Ops = reply.Ops.Select(op => op.Kind == PageOpKind.SetValidClean ? op with { Mask = 0xff } : op).ToArray(),
        })),
        new("free-twice", 15, () => new RewritingPager("free-twice", getReply: (req, reply) =>
        {
            var freed = reply.Ops.FirstOrDefault(op => op.Kind == PageOpKind.Free);
            if (freed.Kind == PageOpKind.Free)
            {
                return reply with { Ops = [.. reply.Ops, freed] };
            }

            // No page was freed: free a neighbour that was also unbusied, a double outcome.
            var neighbour = reply.Ops.FirstOrDefault(op => op.Kind == PageOpKind.Unbusy && op.PIndex != req.Pages[req.ReqPage].PIndex);
            return neighbour.Kind == PageOpKind.Unbusy ? reply with { Ops = [.. reply.Ops, neighbour with { Kind = PageOpKind.Free }] } : reply;
        })),
        new("completion-before-write", 34, () => new EarlyCompletion()),
        new("hold-vnode-across-async-put", 7, () => new HoldAcrossAsync()),
        new("pend-with-sync-flag", 28, () => new RewritingPager("pend-with-sync-flag", putReply: (req, reply) =>
            (req.Flags & PutFlags.Sync) != 0 && reply.Rtvals.Length > 0 && reply.Rtvals[0] == PagerStatus.Ok
                ? reply with { Rtvals = reply.Rtvals.Select((r, i) => i == 0 ? PagerStatus.Pend : r).ToArray() }
                : reply)),
        new("short-rtvals", 23, () => new RewritingPager("short-rtvals", putReply: (_, reply) =>
            reply.Rtvals.Length > 1 ? reply with { Rtvals = reply.Rtvals[..^1] } : reply with { Rtvals = [] })),
        new("ok-after-failed-write", 32, () => new RewritingPager("ok-after-failed-write", putReply: (req, reply) => reply with
        {
            Rtvals = reply.Rtvals.Select(r => r == PagerStatus.Error ? PagerStatus.Ok : r).ToArray(),
            Ops = [.. reply.Ops, .. reply.Rtvals.Select((r, i) => (r, i)).Where(x => x.r == PagerStatus.Error).Select(x => new PageOp(req.Pages[x.i].PIndex, PageOpKind.Undirty))],
        })),
    ];

    /// <summary>Sends the completion of an async write as soon as it answers Pend, before the write lands.</summary>
    private sealed class EarlyCompletion : IPager
    {
        public string Name => "completion-before-write";

        public void GetPages(VnodeProtocol.GetPages request, PagerCall call) => GenericPager.Instance.GetPages(request, call);

        public void PutPages(VnodeProtocol.PutPages request, PagerCall call)
        {
            VmObjectProtocol.WriteCompleted? early = null;
            call.ReplyFilter = m =>
            {
                switch (m)
                {
                    case VnodeProtocol.PutPagesReply r when r.Rtvals.Any(s => s == PagerStatus.Pend):
                        var pend = r.Rtvals.Select((s, i) => (s, i)).Where(x => x.s == PagerStatus.Pend).Select(x => request.Pages[x.i].PIndex).ToArray();
                        early = new VmObjectProtocol.WriteCompleted(
                            request.RequestId,
                            pend.SelectMany(p => new[] { new PageOp(p, PageOpKind.Undirty), new PageOp(p, PageOpKind.Deactivate), new PageOp(p, PageOpKind.Unbusy) }).ToArray(),
                            pend.Length);
                        return r;
                    case VmObjectProtocol.WriteCompleted w when !ReferenceEquals(w, early):
                        return null;
                    default:
                        return m;
                }
            };
            GenericPager.Instance.PutPages(request, call);
            if (early is not null)
            {
                call.Reply(early);
            }
        }
    }

    /// <summary>Keeps the vnode locked across an asynchronous putpages until its write completes.</summary>
    private sealed class HoldAcrossAsync : IPager
    {
        public string Name => "hold-vnode-across-async-put";

        public void GetPages(VnodeProtocol.GetPages request, PagerCall call) => GenericPager.Instance.GetPages(request, call);

        public void PutPages(VnodeProtocol.PutPages request, PagerCall call)
        {
            if ((request.Flags & (PutFlags.Sync | PutFlags.Invalidate)) == 0)
            {
                call.HoldVnode();
                call.ReplyFilter = m =>
                {
                    if (m is VmObjectProtocol.WriteCompleted)
                    {
                        call.ReleaseVnode();
                    }

                    return m;
                };
            }

            GenericPager.Instance.PutPages(request, call);
        }
    }
}
