using Akka.Actor;

namespace ActorPager.Messages;

/// <summary>
/// Messages to a vnode actor: the VOPs. The vnode handles one VOP at a time (its mailbox is the
/// vnode lock); while a VOP's I/O is outstanding it stashes later VOPs. Paging requests from a VM
/// object try the lock instead of waiting for it (rule 7): a busy vnode answers
/// <see cref="LockBusy"/>, and later <see cref="VmObjectProtocol.VnodeReleased"/>.
/// </summary>
public static class VnodeProtocol
{
    /// <summary>
    /// VOP_GETPAGES(vp, ma, count, reqpage, offset): read the pages of <paramref name="Pages"/>
    /// (consecutive pindexes, all exclusive-busy) into their frames. Only the page at
    /// <paramref name="ReqPage"/> must be handled. Answered with <see cref="GetPagesReply"/> (or
    /// <see cref="LockBusy"/>, or <see cref="RequestRejected"/> for a malformed request).
    /// </summary>
    /// <param name="RequestId">Chosen by the object; echoed in the reply.</param>
    /// <param name="Object">The VM object that owns the pages, to reply to.</param>
    /// <param name="Pages">The pages (ma[]), in pindex order.</param>
    /// <param name="Count">Bytes to read: Pages.Length × page size.</param>
    /// <param name="ReqPage">Index in <paramref name="Pages"/> of the requested page.</param>
    /// <param name="Offset">Byte offset in the file of Pages[0] (0 in the seeds' callers; kept for ffs).</param>
    /// <param name="LockToken">The turn of a VOP already holding the vnode this request is part of, or 0 to try the lock.</param>
    public sealed record GetPages(long RequestId, IActorRef Object, PageDescriptor[] Pages, int Count, int ReqPage, long Offset, long LockToken = 0);

    /// <summary>
    /// The answer to <see cref="GetPages"/>: the return value and what the pager did to each page.
    /// Every page but reqpage was either freed or unbusied and queued (rule 15); reqpage is still
    /// busy and on no queue.
    /// </summary>
    /// <param name="RequestId">The request's id.</param>
    /// <param name="Status">OK, ERROR, FAIL or BAD (rule 17).</param>
    /// <param name="Ops">The page operations, in order.</param>
    public sealed record GetPagesReply(long RequestId, PagerStatus Status, PageOp[] Ops);

    /// <summary>
    /// VOP_PUTPAGES(vp, ma, count, sync, rtvals, offset): write the pages (all shared-busy, pip
    /// already raised by their number). Answered with <see cref="PutPagesReply"/> (or
    /// <see cref="LockBusy"/> when the lock was only tried, or <see cref="RequestRejected"/>).
    /// </summary>
    /// <param name="RequestId">Chosen by the object; echoed in the reply and in the completion.</param>
    /// <param name="Object">The VM object that owns the pages.</param>
    /// <param name="Pages">The pages, consecutive pindexes.</param>
    /// <param name="Count">Bytes: Pages.Length × page size.</param>
    /// <param name="Flags">Sync, invalidate, ...</param>
    /// <param name="Offset">Byte offset in the file of Pages[0].</param>
    /// <param name="LockToken">The turn of a VOP already holding the vnode (clean under fsync, destroy), or 0 to try the lock (pageout, rule 8).</param>
    public sealed record PutPages(long RequestId, IActorRef Object, PageDescriptor[] Pages, int Count, PutFlags Flags, long Offset, long LockToken = 0);

    /// <summary>
    /// The answer to <see cref="PutPages"/>: rtvals, one per page (rule 23), and the operations
    /// the pager did before writing (dirty bits trimmed past EOF, rule 25). The return value is
    /// rtvals[0].
    /// </summary>
    /// <param name="RequestId">The request's id.</param>
    /// <param name="Rtvals">One status per page.</param>
    /// <param name="Ops">Page operations done by the pager itself (never on valid bits or busy state, rule 27).</param>
    public sealed record PutPagesReply(long RequestId, PagerStatus[] Rtvals, PageOp[] Ops)
    {
        /// <summary>The VOP's return value: rtvals[0].</summary>
        public PagerStatus Status => Rtvals.Length > 0 ? Rtvals[0] : PagerStatus.Bad;
    }

    /// <summary>The lock was tried and is held by another VOP: release what you hold and retry after <see cref="VmObjectProtocol.VnodeReleased"/>.</summary>
    /// <param name="RequestId">The request's id.</param>
    public sealed record LockBusy(long RequestId);

    /// <summary>VOP_CREATEVOBJECT: make the vnode's VM object unless it has one (idempotent, rule 52). Answered with <see cref="VObjectReply"/>.</summary>
    public sealed record CreateVObject
    {
        /// <summary>Create only.</summary>
        public static CreateVObject Instance { get; } = new();

        /// <summary>Create, and take a reference on the object for the requester.</summary>
        public static CreateVObject Referenced { get; } = new() { TakeReference = true };

        /// <summary>
        /// Take a reference on the object for the requester in the same turn, as vm_mmap_vnode takes
        /// one under the vnode lock: a destroy that follows then finds it and detaches the object
        /// (rule 55) instead of terminating it under a requester that has not referenced it yet.
        /// </summary>
        public bool TakeReference { get; init; }
    }

    /// <summary>
    /// VOP_DESTROYVOBJECT: with no references, drain pip, write the dirty pages synchronously,
    /// free every page and stop the object (rule 54); with references, detach it (rule 55).
    /// Answered with <see cref="VObjectReply"/>.
    /// </summary>
    public sealed record DestroyVObject
    {
        /// <summary>The single instance.</summary>
        public static DestroyVObject Instance { get; } = new();
    }

    /// <summary>VOP_GETVOBJECT(vp, objpp): the object, or EINVAL when there is none; a stacked vnode answers the lower one's (rule 57).</summary>
    /// <param name="WantObject">False for the existence test (objpp NULL): only the error code is meaningful.</param>
    public sealed record GetVObject(bool WantObject = true);

    /// <summary>The answer to the three VOBJECT VOPs.</summary>
    /// <param name="Error">0, or <see cref="EInval"/> when there is no object.</param>
    /// <param name="Object">The object, when there is one and it was asked for.</param>
    /// <param name="Created">True when VOP_CREATEVOBJECT made a new object.</param>
    public sealed record VObjectReply(int Error, IActorRef? Object, bool Created = false)
    {
        /// <summary>EINVAL, as VOP_GETVOBJECT returns when the vnode has no object.</summary>
        public const int EInval = 22;
    }

    /// <summary>fsync(2)/msync(2) on the file: a clean of every dirty page through putpages, then a durable flush when <paramref name="Sync"/> (rule 46). Answered with <see cref="FsyncReply"/>.</summary>
    /// <param name="Sync">Write synchronously and flush the store.</param>
    /// <param name="Invalidate">Afterwards remove the pages that are clean (rule 45).</param>
    public sealed record Fsync(bool Sync = true, bool Invalidate = false);

    /// <summary>The answer to <see cref="Fsync"/>.</summary>
    /// <param name="Ok">True when every dirty page was written (no Error, Fail or Again) and the flush succeeded.</param>
    /// <param name="PagesWritten">Pages written.</param>
    /// <param name="Error">What went wrong, when not <paramref name="Ok"/>.</param>
    public sealed record FsyncReply(bool Ok, int PagesWritten, string? Error = null);

    /// <summary>
    /// VOP_WRITE: a client's write as one VOP, in one turn of the vnode: extend the file when the
    /// write ends past EOF (object, then store), copy the bytes in through the VM object, and with
    /// <paramref name="Sync"/> write back exactly the pages written (a clean over that range,
    /// synchronous putpages) and flush the store. Nothing else (a truncate, another write) runs
    /// between the steps. Answered with <see cref="WriteReply"/>, or <see cref="RequestRejected"/>
    /// (a negative offset, no VM object), or <see cref="VmObjectProtocol.ObjectFailed"/>.
    /// </summary>
    /// <param name="Offset">Byte offset; not negative.</param>
    /// <param name="Source">The bytes; the sender keeps them unchanged until the reply.</param>
    /// <param name="Sync">Make the written range durable before answering.</param>
    public sealed record Write(long Offset, ReadOnlyMemory<byte> Source, bool Sync = false);

    /// <summary>The answer to <see cref="Write"/>.</summary>
    /// <param name="Bytes">Bytes copied into the cache (fewer than asked when a page failed).</param>
    /// <param name="Status">OK, or the pager's status for the page that failed.</param>
    /// <param name="Size">The file's size after the write.</param>
    /// <param name="Durable">With sync: every page written is durable (its putpages answered OK and the store flushed).</param>
    /// <param name="Error">What went wrong (the extension, a page, the write-back or the flush), or null.</param>
    public sealed record WriteReply(int Bytes, PagerStatus Status, long Size, bool Durable, string? Error = null);

    /// <summary>Truncate or extend the file (vnode_pager_setsize, rules 47-50). Answered with <see cref="SetSizeReply"/>.</summary>
    /// <param name="Size">The new size in bytes; not negative.</param>
    /// <param name="ExtendOnly">Only grow: the size becomes max(current, Size) (a write past EOF).</param>
    public sealed record SetSize(long Size, bool ExtendOnly = false);

    /// <summary>The answer to <see cref="SetSize"/>.</summary>
    /// <param name="Size">The size now.</param>
    /// <param name="Error">What went wrong, if anything (the size is then unchanged).</param>
    public sealed record SetSizeReply(long Size, string? Error = null);

    /// <summary>GETATTR: the vnode's file size and state. Answered with <see cref="VnodeAttributes"/>.</summary>
    public sealed record GetAttributes
    {
        /// <summary>The single instance.</summary>
        public static GetAttributes Instance { get; } = new();
    }

    /// <summary>The answer to <see cref="GetAttributes"/>.</summary>
    /// <param name="Path">The file's path on its mount.</param>
    /// <param name="Size">The file size in bytes.</param>
    /// <param name="HasObject">Whether a VM object is attached.</param>
    /// <param name="Doomed">Whether the vnode is being recycled.</param>
    /// <param name="LockHeld">Whether a VOP holds the vnode now.</param>
    /// <param name="Stashed">VOPs waiting for the vnode.</param>
    public sealed record VnodeAttributes(string Path, long Size, bool HasObject, bool Doomed, bool LockHeld, int Stashed);

    /// <summary>Internal: a VOP's outstanding I/O finished; the vnode may take its next VOP.</summary>
    /// <param name="LockToken">The turn that finished.</param>
    public sealed record VopFinished(long LockToken);
}
