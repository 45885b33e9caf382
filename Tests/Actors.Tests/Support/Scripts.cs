using ActorPager.Actors.Pager;
using ActorPager.Messages;

namespace ActorPager.Actors.Tests.Support;

/// <summary>Answers a pager would give, for scripted pagers (the §3 table from the object's side).</summary>
internal static class Scripts
{
    /// <summary>Answers getpages with <paramref name="status"/> at once: every page but reqpage freed (rule 15), then <paramref name="reqOps"/> on reqpage.</summary>
    public static bool AnswerGet(VnodeProtocol.GetPages request, PagerCall call, PagerStatus status, params PageOpKind[] reqOps)
    {
        var ops = new List<PageOp>();
        for (var i = 0; i < request.Pages.Length; i++)
        {
            if (i != request.ReqPage)
            {
                ops.Add(new PageOp(request.Pages[i].PIndex, PageOpKind.Free));
            }
        }

        foreach (var kind in reqOps)
        {
            ops.Add(new PageOp(request.Pages[request.ReqPage].PIndex, kind, 0xff));
        }

        call.Reply(new VnodeProtocol.GetPagesReply(request.RequestId, status, [.. ops]));
        return true;
    }

    /// <summary>Answers putpages with one status per page (Ok pages undirtied, as a real write would).</summary>
    public static bool AnswerPut(VnodeProtocol.PutPages request, PagerCall call, Func<long, PagerStatus> status)
    {
        var rtvals = request.Pages.Select(p => status(p.PIndex)).ToArray();
        var ops = request.Pages.Where((p, i) => rtvals[i] == PagerStatus.Ok).Select(p => new PageOp(p.PIndex, PageOpKind.Undirty)).ToArray();
        call.Reply(new VnodeProtocol.PutPagesReply(request.RequestId, rtvals, ops));
        return true;
    }

    /// <summary>The completion of a Pend putpages, as §4 orders it: per page undirty (or re-dirty and activate) then unbusy, then the pip release.</summary>
    public static VmObjectProtocol.WriteCompleted Completion(VnodeProtocol.PutPages request, bool success = true)
    {
        var ops = new List<PageOp>();
        foreach (var p in request.Pages)
        {
            if (success)
            {
                ops.Add(new PageOp(p.PIndex, PageOpKind.Undirty));
                ops.Add(new PageOp(p.PIndex, PageOpKind.Deactivate));
            }
            else
            {
                ops.Add(new PageOp(p.PIndex, PageOpKind.Redirty));
                ops.Add(new PageOp(p.PIndex, PageOpKind.Activate));
            }

            ops.Add(new PageOp(p.PIndex, PageOpKind.Unbusy));
        }

        return new VmObjectProtocol.WriteCompleted(request.RequestId, [.. ops], request.Pages.Length);
    }
}
