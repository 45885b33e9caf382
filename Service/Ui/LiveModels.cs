using ActorPager.Client;

namespace ActorPager.Service.Ui;

/// <summary>
/// One tick of the live view (<c>event: snapshot</c> on <c>GET /v1/events</c>): this node's
/// counters and gauges, which no actor is asked for, and one page of its VM objects.
/// </summary>
/// <param name="Time">When the snapshot was taken (UTC).</param>
/// <param name="Node">The node that answered (its cluster address, or "local").</param>
/// <param name="Counters">The pager's counters (monotonic; the page draws their rates).</param>
/// <param name="Gauges">The frame pool and the running sums over every VM object.</param>
/// <param name="Objects">The first <see cref="LiveFeed.FileLimit"/> VM objects of this node, as <c>GET /v1/objects</c> gives them.</param>
/// <param name="MoreObjects">True when the node holds more objects than were listed.</param>
/// <param name="ObjectsError">Why the objects could not be listed this tick, or null.</param>
internal sealed record LiveSnapshot(DateTimeOffset Time, string Node, LiveCounters Counters, LiveGauges Gauges, IReadOnlyList<ObjectInfo> Objects, bool MoreObjects, string? ObjectsError);

/// <summary>The pager's counters, as /metrics gives them.</summary>
/// <param name="Faults">Page faults that found no resident page.</param>
/// <param name="Hits">Page faults that found the page resident.</param>
/// <param name="GetPages">VOP_GETPAGES calls.</param>
/// <param name="PutPages">VOP_PUTPAGES calls.</param>
/// <param name="Rtvals">Putpages rtvals by status (OK, PEND, BAD, ERROR, FAIL, AGAIN).</param>
internal sealed record LiveCounters(long Faults, long Hits, long GetPages, long PutPages, IReadOnlyDictionary<string, long> Rtvals);

/// <summary>The gauges of the live view.</summary>
/// <param name="Frames">Page frames in the pool.</param>
/// <param name="FreeFrames">Free frames now.</param>
/// <param name="Objects">VM objects alive.</param>
/// <param name="DirtyPages">Dirty pages over every object.</param>
/// <param name="BusyPages">Busy pages over every object.</param>
/// <param name="Pip">Paging operations in progress over every object.</param>
internal sealed record LiveGauges(int Frames, int FreeFrames, long Objects, long DirtyPages, long BusyPages, long Pip);

/// <summary>
/// The page map of one file (<c>event: pages</c>), sent to the pages that show it whenever it
/// changes.
/// </summary>
/// <param name="Path">The file.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="SizePages">Its size in pages.</param>
/// <param name="Owner">The node that owns it ("local" on one node).</param>
/// <param name="Generation">The owner's ownership generation.</param>
/// <param name="Pages">The first pages of the file (at most <c>max-page-states</c>), one cell each.</param>
/// <param name="Error">Why the map could not be read this time (the file is moving, say), or null.</param>
internal sealed record LivePageMap(string Path, long Size, long SizePages, string? Owner, long Generation, IReadOnlyList<PageCell> Pages, string? Error);

/// <summary>One page in a <see cref="LivePageMap"/>.</summary>
/// <param name="Index">The page index.</param>
/// <param name="State">What the map shows: see <see cref="PageCells.Classify"/>.</param>
/// <param name="Resident">In memory.</param>
/// <param name="Valid">Valid block mask.</param>
/// <param name="Dirty">Dirty block mask.</param>
/// <param name="Busy">"none", "exclusive" or "shared(n)".</param>
/// <param name="Queue">"active", "inactive", "laundry" or "none".</param>
/// <param name="Mapped">In the object's table of mapped pages (the pmap): clients read it with no message.</param>
internal sealed record PageCell(long Index, string State, bool Resident, int Valid, int Dirty, string Busy, string Queue, bool Mapped);

/// <summary>How a page's state becomes one of the map's six states.</summary>
internal static class PageCells
{
    /// <summary>The states, in the order the legend shows them.</summary>
    public static readonly IReadOnlyList<string> States = ["not-resident", "clean", "mapped", "dirty", "busy", "in-flight"];

    /// <summary>
    /// The state shown for a page; the most urgent wins: in flight (a getpages reading it: exclusive
    /// busy with no valid block; or a putpages writing it: shared busy), then busy (exclusive busy on
    /// a valid page: a fault or a write holds it), dirty, mapped, clean; not resident when it has no frame.
    /// </summary>
    public static string Classify(bool resident, int valid, int dirty, string busy, bool mapped)
    {
        if (!resident)
        {
            return "not-resident";
        }

        if (busy.StartsWith("shared", StringComparison.Ordinal) || (busy == "exclusive" && valid == 0))
        {
            return "in-flight";
        }

        if (busy == "exclusive")
        {
            return "busy";
        }

        return dirty != 0 ? "dirty" : mapped ? "mapped" : "clean";
    }

    /// <summary>The cell of <paramref name="page"/>.</summary>
    public static PageCell From(PageInfo page)
    {
        var mapped = page.Mapped;
        return new PageCell(page.Index, Classify(page.Resident, page.Valid, page.Dirty, page.Busy, mapped), page.Resident, page.Valid, page.Dirty, page.Busy, page.Queue, mapped);
    }
}
