using Akka.Actor;

namespace ActorPager.Messages;

/// <summary>How a fault ended.</summary>
public enum FaultResult : byte
{
    /// <summary>The page was resident and valid (a soft fault).</summary>
    Hit,

    /// <summary>The page was read by getpages (a hard fault).</summary>
    Read,

    /// <summary>The pager had no data (FAIL): the page was zero-filled (rule 39).</summary>
    ZeroFilled,

    /// <summary>The page lies at or past the object's size (KERN_PROTECTION_FAILURE / SIGBUS).</summary>
    OutOfBounds,

    /// <summary>The pager answered ERROR or BAD; the page was freed (rule 38).</summary>
    Failed,

    /// <summary>The object is dead (destroyed or detached).</summary>
    Dead,
}

/// <summary>
/// Messages to a VM object actor. The object owns its pages' state (valid and dirty masks, busy,
/// queue) and its paging-in-progress count; nothing else changes them.
/// </summary>
public static class VmObjectProtocol
{
    /// <summary>
    /// vm_fault on one page: hit, wait on a busy page, or start a clustered getpages (§2.4).
    /// Answered with <see cref="FaultReply"/> once the page is valid (or the fault failed).
    /// </summary>
    /// <param name="PIndex">The page index.</param>
    /// <param name="Write">A write fault: the page is dirtied (rule 40).</param>
    public sealed record Fault(long PIndex, bool Write = false);

    /// <summary>The answer to <see cref="Fault"/>.</summary>
    /// <param name="PIndex">The page index.</param>
    /// <param name="Result">How it ended.</param>
    /// <param name="Status">The pager's status when getpages ran, else OK.</param>
    public sealed record FaultReply(long PIndex, FaultResult Result, PagerStatus Status);

    /// <summary>
    /// A client read of a byte range: faults each page in turn and copies the bytes out of the
    /// frames into <paramref name="Destination"/> (once). Bytes past the object's size are not
    /// read. Answered with <see cref="ReadReply"/> (or <see cref="RequestRejected"/>).
    /// </summary>
    /// <param name="Offset">Byte offset; not negative.</param>
    /// <param name="Destination">Where the bytes go; the sender keeps it alive until the reply.</param>
    public sealed record Read(long Offset, Memory<byte> Destination);

    /// <summary>The answer to <see cref="Read"/>.</summary>
    /// <param name="Bytes">Bytes copied (fewer than asked at EOF).</param>
    /// <param name="Status">OK, or the pager's status for the page that failed.</param>
    /// <param name="Faults">Pages that needed getpages.</param>
    /// <param name="Hits">Pages that were resident.</param>
    public sealed record ReadReply(int Bytes, PagerStatus Status, int Faults, int Hits);

    /// <summary>
    /// A client write of a byte range inside the object's size: write-faults each page, copies
    /// the bytes into the frames (once) and marks their blocks dirty. Answered with
    /// <see cref="WriteReply"/> (or <see cref="RequestRejected"/>).
    /// </summary>
    /// <param name="Offset">Byte offset; not negative; offset + length within the size.</param>
    /// <param name="Source">The bytes; the sender keeps them unchanged until the reply.</param>
    /// <param name="LockToken">The turn of the vnode's VOP_WRITE this copy is part of (its getpages run inside it), or 0.</param>
    public sealed record Write(long Offset, ReadOnlyMemory<byte> Source, long LockToken = 0);

    /// <summary>The answer to <see cref="Write"/>.</summary>
    /// <param name="Bytes">Bytes written into the cache.</param>
    /// <param name="Status">OK, or the pager's status for the page that failed.</param>
    public sealed record WriteReply(int Bytes, PagerStatus Status);

    /// <summary>
    /// vm_object_page_clean: every dirty run through putpages (clustered, at most the cluster
    /// limit). Answered with <see cref="CleanReply"/> once every Pend has completed too.
    /// </summary>
    /// <param name="Flags">Sync and/or invalidate.</param>
    /// <param name="LockToken">The turn of the VOP holding the vnode (fsync, destroy, write), or 0 (then putpages try the lock).</param>
    /// <param name="FirstPage">The first page to clean (vm_object_page_clean's start).</param>
    /// <param name="EndPage">The page after the last one to clean (its end); every page by default.</param>
    public sealed record Clean(PutFlags Flags, long LockToken = 0, long FirstPage = 0, long EndPage = long.MaxValue);

    /// <summary>The answer to <see cref="Clean"/>.</summary>
    /// <param name="AllClean">True when no page was left dirty by an error (rule 44).</param>
    /// <param name="PagesWritten">Pages answered OK or Pend.</param>
    /// <param name="Rtvals">Count of each status seen.</param>
    public sealed record CleanReply(bool AllClean, int PagesWritten, IReadOnlyDictionary<PagerStatus, int> Rtvals);

    /// <summary>vnode_pager_setsize, sent by the vnode inside its SetSize VOP (rules 47-50). Answered with <see cref="ObjectSizeSet"/>.</summary>
    /// <param name="Size">The new size in bytes.</param>
    public sealed record SetObjectSize(long Size);

    /// <summary>
    /// The answer to a client's read, write or fault that was in progress when the VM object failed
    /// (an exception stopped it): the request did not complete, and the object's dirty pages are lost.
    /// </summary>
    /// <param name="File">The file the object caches.</param>
    /// <param name="Reason">What failed.</param>
    /// <param name="DirtyPagesLost">Dirty pages the object held that were never written back.</param>
    public sealed record ObjectFailed(string File, string Reason, int DirtyPagesLost);

    /// <summary>
    /// From a VM object that is stopping to its vnode: frames of store I/O still in flight, which
    /// the object did not give back to the pool. The vnode frees them once every I/O it started has
    /// finished, so a frame is never reused while the store may still read or write it.
    /// </summary>
    /// <param name="Frames">The frames.</param>
    public sealed record FramesInFlight(int[] Frames);

    /// <summary>The answer to <see cref="SetObjectSize"/>.</summary>
    /// <param name="Size">The size now.</param>
    /// <param name="PagesRemoved">Pages freed past the new end.</param>
    public sealed record ObjectSizeSet(long Size, int PagesRemoved);

    /// <summary>
    /// vm_object_terminate (refs = 0, rule 54) or vm_pager_deallocate (refs &gt; 0, rule 55), sent
    /// by the vnode inside VOP_DESTROYVOBJECT. Answered with <see cref="Terminated"/>.
    /// </summary>
    /// <param name="LockToken">The destroy VOP's turn, for the synchronous clean's putpages.</param>
    public sealed record TerminateObject(long LockToken);

    /// <summary>The answer to <see cref="TerminateObject"/>.</summary>
    /// <param name="Detached">True when the object had references and was only detached (nothing written).</param>
    /// <param name="PagesWritten">Dirty pages written before freeing.</param>
    /// <param name="PagesFreed">Pages freed.</param>
    public sealed record Terminated(bool Detached, int PagesWritten, int PagesFreed);

    /// <summary>vm_object_reference: a consumer holds the object (ref_count + 1). The vnode's own pointer is not counted.</summary>
    public sealed record Reference
    {
        /// <summary>The single instance.</summary>
        public static Reference Instance { get; } = new();
    }

    /// <summary>vm_object_deallocate: a consumer lets go (ref_count − 1). A vnode object is never terminated by this (rule 53).</summary>
    public sealed record Deallocate
    {
        /// <summary>The single instance.</summary>
        public static Deallocate Instance { get; } = new();
    }

    /// <summary>The object's counters. Answered with <see cref="ObjectStat"/>.</summary>
    public sealed record GetStat
    {
        /// <summary>The single instance.</summary>
        public static GetStat Instance { get; } = new();
    }

    /// <summary>The answer to <see cref="GetStat"/>.</summary>
    /// <param name="SizeBytes">vnp_size.</param>
    /// <param name="SizePages">size, in pages.</param>
    /// <param name="Resident">Resident pages.</param>
    /// <param name="Dirty">Pages with any dirty block.</param>
    /// <param name="Busy">Busy pages (either kind).</param>
    /// <param name="Pip">Paging operations in progress.</param>
    /// <param name="RefCount">References (not counting the vnode's pointer).</param>
    /// <param name="Active">Pages on the active queue.</param>
    /// <param name="Inactive">Pages on the inactive queue.</param>
    /// <param name="Laundry">Pages on the laundry queue.</param>
    /// <param name="Dead">True once terminated or detached.</param>
    public sealed record ObjectStat(long SizeBytes, long SizePages, int Resident, int Dirty, int Busy, int Pip, int RefCount, int Active, int Inactive, int Laundry, bool Dead);

    /// <summary>The state of a range of pages. Answered with <see cref="PageStates"/>.</summary>
    /// <param name="First">The first page index.</param>
    /// <param name="Count">How many pages; at most 4096.</param>
    public sealed record GetPageStates(long First, int Count);

    /// <summary>One page's state as an operator sees it.</summary>
    /// <param name="PIndex">The page index.</param>
    /// <param name="Resident">Whether it is in memory.</param>
    /// <param name="Valid">Valid block mask.</param>
    /// <param name="Dirty">Dirty block mask.</param>
    /// <param name="Busy">"none", "exclusive" or "shared(n)".</param>
    /// <param name="Queue">"active", "inactive", "laundry" or "none".</param>
    /// <param name="Mapped">Whether clients read it without a message (in the object's pmap).</param>
    public sealed record PageState(long PIndex, bool Resident, byte Valid, byte Dirty, string Busy, string Queue, bool Mapped = false);

    /// <summary>The answer to <see cref="GetPageStates"/>.</summary>
    /// <param name="Pages">One entry per page asked for.</param>
    public sealed record PageStates(IReadOnlyList<PageState> Pages);

    /// <summary>Sent by a vnode to the objects whose paging request it refused with <see cref="VnodeProtocol.LockBusy"/>, once its turn ends.</summary>
    public sealed record VnodeReleased
    {
        /// <summary>The single instance.</summary>
        public static VnodeReleased Instance { get; } = new();
    }

    /// <summary>
    /// Sent by a pageout or completion for a putpages that answered Pend: finishes each page
    /// (undirty or re-dirty and activate, then unbusy, rule 34) and then releases
    /// <paramref name="PipRelease"/> units of pip in one step (rule 35), in one turn (rule 33).
    /// </summary>
    /// <param name="RequestId">The putpages request.</param>
    /// <param name="Ops">Per page operations, in order.</param>
    /// <param name="PipRelease">The pip units to release after the last op.</param>
    public sealed record WriteCompleted(long RequestId, PageOp[] Ops, int PipRelease);

    /// <summary>
    /// From the page daemon: free up to <paramref name="Target"/> clean inactive pages and launder
    /// dirty inactive ones (clustered putpages, trying the vnode lock). Answered with <see cref="Reclaimed"/>.
    /// </summary>
    /// <param name="Target">Frames wanted.</param>
    /// <param name="ForceSync">A shortage: the putpages are synchronous (rule 28).</param>
    /// <param name="OlderThan">Also launder dirty pages dirtied before this (scheduler elapsed time), active ones included.</param>
    public sealed record Reclaim(int Target, bool ForceSync, TimeSpan? OlderThan = null);

    /// <summary>The answer to <see cref="Reclaim"/>.</summary>
    /// <param name="Freed">Frames freed.</param>
    /// <param name="Laundering">Pages sent to putpages.</param>
    /// <param name="Resident">Pages resident afterwards.</param>
    public sealed record Reclaimed(int Freed, int Laundering, int Resident);

    /// <summary>Sent by physical memory to the objects waiting for a free frame (a fault waits and restarts, §2.4 d).</summary>
    public sealed record FramesAvailable
    {
        /// <summary>The single instance.</summary>
        public static FramesAvailable Instance { get; } = new();
    }
}
