using Akka.Actor;
namespace ActorPager.Actors.Vm;

/// <summary>One resident page as a monitor sees it.</summary>
/// <param name="PIndex">Page index.</param>
/// <param name="Valid">Valid mask.</param>
/// <param name="Dirty">Dirty mask.</param>
/// <param name="Exclusive">Exclusive busy.</param>
/// <param name="Shared">Shared busy count.</param>
/// <param name="Waiters">Someone sleeps on it.</param>
/// <param name="Queue">Its queue.</param>
internal readonly record struct PageSnapshot(long PIndex, byte Valid, byte Dirty, bool Exclusive, int Shared, bool Waiters, PageQueue Queue);

/// <summary>A VM object's state as a monitor sees it between two deliveries (deterministic dispatcher only).</summary>
/// <param name="SizeBytes">vnp_size.</param>
/// <param name="SizePages">size in pages.</param>
/// <param name="Pip">Paging in progress.</param>
/// <param name="Dead">OBJ_DEAD.</param>
/// <param name="Pages">Resident pages.</param>
/// <param name="PageSleepers">Continuations sleeping on pages.</param>
/// <param name="VnodeWaiters">Continuations waiting for the vnode lock, and faults parked until this object's getpages answers.</param>
/// <param name="FrameWaiters">Continuations waiting for free frames.</param>
/// <param name="PipWaiters">Continuations waiting for pip to drain.</param>
/// <param name="RequestsInFlight">Getpages and putpages sent and not finished.</param>
internal sealed record VmObjectSnapshot(long SizeBytes, long SizePages, int Pip, bool Dead, IReadOnlyList<PageSnapshot> Pages, int PageSleepers, int VnodeWaiters, int FrameWaiters, int PipWaiters, int RequestsInFlight);

/// <summary>Read-only inspection for the harness's monitors.</summary>
internal sealed partial class VmObjectActor
{
    /// <summary>The state now. Call only between deliveries on the deterministic dispatcher.</summary>
    internal VmObjectSnapshot Inspect()
    {
        var pages = new List<PageSnapshot>(_pages.Count);
        foreach (var (pindex, frame) in _pages)
        {
            ref var meta = ref _memory.Meta(frame);
            pages.Add(new PageSnapshot(pindex, meta.Valid, meta.Dirty, meta.IsExclusiveBusy, meta.SharedBusy, meta.HasWaiters, meta.Queue));
        }

        pages.Sort((a, b) => a.PIndex.CompareTo(b.PIndex));
        var sleepers = 0;
        foreach (var list in _pageWaiters.Values)
        {
            sleepers += list.Count;
        }

        return new VmObjectSnapshot(_size, _sizePages, _pip, _dead, pages, sleepers, _vnodeWaiters.Count + _clusterWaiters.Count, _frameWaiters.Count, _pipWaiters.Count, _requests.Count);
    }

    /// <summary>The bytes of resident page <paramref name="pindex"/> now (empty when not resident). Call only between deliveries.</summary>
    internal ReadOnlySpan<byte> PageBytes(long pindex) =>
        _pages.TryGetValue(pindex, out var frame) ? _memory.FrameSpan(frame) : [];

    /// <summary>The frame of resident page <paramref name="pindex"/>, or -1.</summary>
    internal int FrameOfPage(long pindex) => _pages.TryGetValue(pindex, out var frame) ? frame : -1;

    /// <summary>The pmap's mappings now (page, frame, generation, whether the frame's generation is still the mapping's); none when mapped reads are off.</summary>
    internal IEnumerable<(long PIndex, int Frame, uint Generation, bool Current)> Mappings() => _map?.Entries() ?? [];

    /// <summary>The size mapped readers bound their reads by, -1 when they may not read; null when mapped reads are off.</summary>
    internal long? MappedSize => _map?.PublishedSize;

    /// <summary>The vnode this object pages through (its handle), or null once dead.</summary>
    internal IActorRef? Handle => _vnode;
}
