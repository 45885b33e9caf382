using ActorPager.Actors.Pager;
using ActorPager.Messages;

namespace ActorPager.Harness.Exploration;

/// <summary>
/// The generic pager with what it sends to the object rewritten, or dropped (a rewrite returning
/// null): the mutants, and the hand-made pagers of the monitor's tests, each break one rule this way.
/// </summary>
internal sealed class RewritingPager(
    string name,
    Func<VnodeProtocol.GetPages, VnodeProtocol.GetPagesReply, VnodeProtocol.GetPagesReply?>? getReply = null,
    Func<VnodeProtocol.PutPages, VnodeProtocol.PutPagesReply, VnodeProtocol.PutPagesReply>? putReply = null,
    Func<VnodeProtocol.PutPages, PagerCall, VmObjectProtocol.WriteCompleted, VmObjectProtocol.WriteCompleted?>? completion = null) : IPager
{
    public string Name => name;

    public void GetPages(VnodeProtocol.GetPages request, PagerCall call)
    {
        if (getReply is not null)
        {
            call.ReplyFilter = m => m is VnodeProtocol.GetPagesReply r ? getReply(request, r) : m;
        }

        GenericPager.Instance.GetPages(request, call);
    }

    public void PutPages(VnodeProtocol.PutPages request, PagerCall call)
    {
        call.ReplyFilter = m => m switch
        {
            VnodeProtocol.PutPagesReply r when putReply is not null => putReply(request, r),
            VmObjectProtocol.WriteCompleted c when completion is not null => completion(request, call, c),
            _ => m,
        };
        GenericPager.Instance.PutPages(request, call);
    }
}
