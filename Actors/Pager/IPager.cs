using ActorPager.Messages;

namespace ActorPager.Actors.Pager;

/// <summary>
/// A pager: the filesystem side of VOP_GETPAGES and VOP_PUTPAGES. The vnode actor calls it on its
/// own turn, holding the vnode lock, with a <see cref="PagerCall"/> that gives it the store, the
/// frames and the file size, and through which it answers. A pager never changes page state: it
/// answers with <see cref="PageOp"/>s that the VM object applies. The generic pager
/// (<see cref="GenericPager"/>) is one implementation; the harness runs others against the rules.
/// </summary>
public interface IPager
{
    /// <summary>A short name for reports.</summary>
    string Name { get; }

    /// <summary>
    /// VOP_GETPAGES. Answer with <see cref="PagerCall.Reply"/> a <see cref="VnodeProtocol.GetPagesReply"/>,
    /// at once or from an I/O completion (<see cref="PagerCall.Complete"/>); hold the vnode for the
    /// I/O with <see cref="PagerCall.HoldVnode"/>.
    /// </summary>
    void GetPages(VnodeProtocol.GetPages request, PagerCall call);

    /// <summary>
    /// VOP_PUTPAGES. Answer with a <see cref="VnodeProtocol.PutPagesReply"/>; for pages answered
    /// <see cref="PagerStatus.Pend"/>, later send the object one
    /// <see cref="VmObjectProtocol.WriteCompleted"/> from a completion.
    /// </summary>
    void PutPages(VnodeProtocol.PutPages request, PagerCall call);
}
