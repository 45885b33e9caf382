using ActorPager.Actors.Pager;
using ActorPager.Actors.Vm;
using ActorPager.Messages;

namespace ActorPager.Actors.Tests.Support;

/// <summary>One VOP_GETPAGES as the pager saw it, with the state of its pages on entry.</summary>
/// <param name="Request">The request.</param>
/// <param name="Vnode">The path of the vnode that ran it.</param>
/// <param name="FileSize">The vnode's size then.</param>
internal sealed record GetRecord(VnodeProtocol.GetPages Request, string Vnode, long FileSize)
{
    public long First => Request.Pages[0].PIndex;

    public long Last => Request.Pages[^1].PIndex;

    public long ReqPIndex => Request.Pages[Request.ReqPage].PIndex;

    public bool Names(long pindex) => pindex >= First && pindex <= Last;
}

/// <summary>One VOP_PUTPAGES as the pager saw it.</summary>
/// <param name="Request">The request.</param>
/// <param name="Vnode">The path of the vnode that ran it.</param>
/// <param name="FileSize">The vnode's size then.</param>
internal sealed record PutRecord(VnodeProtocol.PutPages Request, string Vnode, long FileSize)
{
    public long First => Request.Pages[0].PIndex;

    public long Last => Request.Pages[^1].PIndex;

    public bool Names(long pindex) => pindex >= First && pindex <= Last;
}

/// <summary>
/// A pager that records every request and checks the entry conditions of §2.1 and §2.3 (rules
/// 2, 3, 14, 21), then hands the request to a script (when it takes it) or to the inner pager
/// (the generic pager by default). Runs on the deterministic dispatcher's one thread.
/// </summary>
internal sealed class RecordingPager(PhysicalMemory memory, IPager? inner = null) : IPager
{
    private readonly IPager _inner = inner ?? GenericPager.Instance;
    private readonly List<(GetRecord Record, int[] Frames)> _gets = [];

    /// <summary>The object and page each frame was last named for by a paging request: a frame freed and reused by another object is not the earlier request's any more.</summary>
    private readonly Dictionary<int, (Akka.Actor.IActorRef Object, long PIndex)> _frameOwners = [];

    public string Name => "recording(" + _inner.Name + ")";

    public List<GetRecord> Gets { get; } = [];

    public List<PutRecord> Puts { get; } = [];

    /// <summary>Entry conditions that did not hold.</summary>
    public List<string> Violations { get; } = [];

    /// <summary>Takes a getpages instead of the inner pager when it returns true.</summary>
    public Func<VnodeProtocol.GetPages, PagerCall, bool>? OnGet { get; set; }

    /// <summary>Takes a putpages instead of the inner pager when it returns true.</summary>
    public Func<VnodeProtocol.PutPages, PagerCall, bool>? OnPut { get; set; }

    public void GetPages(VnodeProtocol.GetPages request, PagerCall call)
    {
        var record = new GetRecord(request, call.Vnode.Path.ToString(), call.FileSize);
        CheckGet(request, call);
        Gets.Add(record);
        var entry = (record, request.Pages.Select(p => p.Frame).ToArray());
        _gets.Add(entry);
        NoteOwners(request.Object, request.Pages);

        // Once answered, this getpages holds no page (rule 3 is about those still in flight).
        call.ReplyFilter = m =>
        {
            if (m is VnodeProtocol.GetPagesReply reply && reply.RequestId == request.RequestId)
            {
                _gets.Remove(entry);
            }

            return m;
        };
        if (OnGet?.Invoke(request, call) != true)
        {
            _inner.GetPages(request, call);
        }
    }

    public void PutPages(VnodeProtocol.PutPages request, PagerCall call)
    {
        var full = PageGeometry.FullMask(memory.PageSize);
        foreach (var page in request.Pages)
        {
            ref var meta = ref memory.Meta(page.Frame);

            // Rule 2 (and choice 7, the equivalent of rule 42): shared-busy, never exclusive; fully valid (§2.5).
            if (meta.SharedBusy == 0 || meta.IsExclusiveBusy)
            {
                Violations.Add($"rule 2: putpages {request.RequestId} page {page.PIndex} is not shared-busy only (exclusive={meta.IsExclusiveBusy}, shared={meta.SharedBusy})");
            }

            if (meta.PIndex != page.PIndex || meta.Valid != full)
            {
                Violations.Add($"§2.5: putpages {request.RequestId} page {page.PIndex} (frame pindex {meta.PIndex}) is not fully valid (0x{meta.Valid:x2})");
            }
        }

        Puts.Add(new PutRecord(request, call.Vnode.Path.ToString(), call.FileSize));
        NoteOwners(request.Object, request.Pages);
        if (OnPut?.Invoke(request, call) != true)
        {
            _inner.PutPages(request, call);
        }
    }

    private void NoteOwners(Akka.Actor.IActorRef owner, PageDescriptor[] pages)
    {
        foreach (var page in pages)
        {
            _frameOwners[page.Frame] = (owner, page.PIndex);
        }
    }

    private void CheckGet(VnodeProtocol.GetPages request, PagerCall call)
    {
        var pages = request.Pages;

        // Rule 14: the first page's offset is below vnp_size; no page at or past ceil(size/PAGE).
        var eofPage = (call.FileSize + memory.PageSize - 1) / memory.PageSize;
        if (pages[^1].PIndex >= eofPage)
        {
            Violations.Add($"rule 14: getpages {request.RequestId} names page {pages[^1].PIndex}, at or past EOF page {eofPage}");
        }

        for (var i = 0; i < pages.Length; i++)
        {
            ref var meta = ref memory.Meta(pages[i].Frame);

            // Rule 2: every page exclusive-busy on entry.
            if (!meta.IsExclusiveBusy || meta.SharedBusy != 0 || meta.PIndex != pages[i].PIndex)
            {
                Violations.Add($"rule 2: getpages {request.RequestId} page {pages[i].PIndex} is not exclusive-busy (exclusive={meta.IsExclusiveBusy}, shared={meta.SharedBusy})");
            }

            // Rule 21: read-ahead/behind never re-reads a resident page: the extra pages are new.
            if (i != request.ReqPage && meta.Valid != 0)
            {
                Violations.Add($"rule 21: getpages {request.RequestId} extra page {pages[i].PIndex} is already valid (0x{meta.Valid:x2})");
            }

            // Rule 3: no second getpages names a page while an earlier one still holds it busy.
            foreach (var (earlier, frames) in _gets)
            {
                if (!earlier.Names(pages[i].PIndex) || !earlier.Request.Object.Equals(request.Object))
                {
                    continue;
                }

                var oldFrame = frames[pages[i].PIndex - earlier.First];
                ref var old = ref memory.Meta(oldFrame);
                var stillTheirs = _frameOwners.TryGetValue(oldFrame, out var owner) && owner.Object.Equals(request.Object) && owner.PIndex == pages[i].PIndex;
                if (oldFrame != pages[i].Frame && stillTheirs && old.IsExclusiveBusy && old.PIndex == pages[i].PIndex)
                {
                    Violations.Add($"rule 3: getpages {request.RequestId} names page {pages[i].PIndex} while getpages {earlier.Request.RequestId} still holds it busy");
                }
            }
        }
    }
}
