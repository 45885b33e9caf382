using Xunit.Abstractions;
using ActorPager.Actors.Tests.Support;
using ActorPager.Messages;
using ActorPager.Storage;

namespace ActorPager.Actors.Tests;

/// <summary>
/// The generic pager called directly, as a vnode calls it: what VOP_GETPAGES (§2.1) and
/// VOP_PUTPAGES (§2.3) answer and which page operations they ask for.
/// </summary>
public sealed class GenericPagerTests(ITestOutputHelper output) : PagerTestKit(output)
{
    private const int Page = Rig.Page;
    private const byte Full = Rig.Full;

    private DirectPager WithFile(long size, long written = -1)
    {
        var direct = StartDirect();
        var data = new byte[written < 0 ? size : written];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = Rig.Pattern(i);
        }

        _ = direct.Simulated.WriteAsync("f", 0, data, WriteDurability.Durable);
        _ = direct.Simulated.SetSizeAsync("f", size);
        return direct;
    }

    private PageOp[] OpsOf(VnodeProtocol.GetPagesReply reply, long pindex) => reply.Ops.Where(o => o.PIndex == pindex).ToArray();

    [Fact]
    [Rule(15, 17)]
    public void GetPages_DoomedVnode_AnswersBadAndFreesAllButReqpage()
    {
        var direct = WithFile(8 * Page);
        var pages = direct.Pages(0, 4);
        var reply = direct.GetPages(pages, 1, 8 * Page, doomed: true);
        Assert.Equal(PagerStatus.Bad, reply.Status);
        Assert.Equal([0L, 2, 3], reply.Ops.Where(o => o.Kind == PageOpKind.Free).Select(o => o.PIndex).Order());
        Assert.Empty(OpsOf(reply, 1));
    }

    [Fact]
    [Rule(9, 15, 17, 18)]
    public void GetPages_ColdRun_ReadsEveryPageAndLeavesOnlyReqpageBusy()
    {
        var direct = WithFile(8 * Page);
        var pages = direct.Pages(2, 4);
        var reply = direct.GetPages(pages, 1, 8 * Page);
        Assert.Equal(PagerStatus.Ok, reply.Status);
        foreach (var p in pages)
        {
            Assert.Contains(new PageOp(p.PIndex, PageOpKind.SetValidClean, Full), reply.Ops);
            var frame = direct.Memory.FrameSpan(p.Frame);
            Assert.Equal(Rig.Pattern(p.PIndex * Page), frame[0]);
            Assert.Equal(Rig.Pattern((p.PIndex * Page) + Page - 1), frame[Page - 1]);
        }

        // Rule 15: the others are queued (rule 9: activate if wanted) and unbusied; reqpage is not.
        foreach (var p in new long[] { 2, 4, 5 })
        {
            Assert.Equal([PageOpKind.SetValidClean, PageOpKind.ActivateIfWanted, PageOpKind.Unbusy], OpsOf(reply, p).Select(o => o.Kind));
        }

        Assert.Equal([PageOpKind.SetValidClean], OpsOf(reply, 3).Select(o => o.Kind));
    }

    [Fact]
    [Rule(20)]
    public void GetPages_ReqpageFullyValid_AnswersOkWithoutIo()
    {
        var direct = WithFile(8 * Page);
        var pages = direct.Pages(0, 3);
        direct.Memory.Meta(pages[1].Frame).Valid = Full;
        pages[1] = pages[1] with { Valid = Full };
        var reads = 0;
        direct.Simulated.OperationQueued += _ => reads++;
        var reply = direct.GetPages(pages, 1, 8 * Page);
        Assert.Equal(PagerStatus.Ok, reply.Status);
        Assert.Equal(0, reads);
        Assert.Equal([new PageOp(0, PageOpKind.Free), new PageOp(2, PageOpKind.Free)], reply.Ops);
    }

    [Fact]
    [Rule(17)]
    public void GetPages_PartlyValidReqpage_IsReadAgainWhole()
    {
        var direct = WithFile(8 * Page);
        var pages = direct.Pages(0, 1, valid: 0x0f);
        var reply = direct.GetPages(pages, 0, 8 * Page);
        Assert.Equal(PagerStatus.Ok, reply.Status);
        Assert.Equal(new PageOp(0, PageOpKind.ClearValid), reply.Ops[0]);
        Assert.Contains(new PageOp(0, PageOpKind.SetValidClean, Full), reply.Ops);
    }

    [Fact]
    [Rule(19)]
    public void GetPages_PartialEofPage_ValidBitsCoverEofAndTailReadsZero()
    {
        var size = Page + 1000;
        var direct = WithFile(size);
        var pages = direct.Pages(0, 2);
        direct.FillFrames(pages, 0xee);
        var reply = direct.GetPages(pages, 1, size);
        Assert.Equal(PagerStatus.Ok, reply.Status);

        // Blocks 0 and 1 overlap [0, 1000): valid mask 0x03.
        Assert.Contains(new PageOp(1, PageOpKind.SetValidClean, 0x03), reply.Ops);
        var tail = direct.Memory.FrameSpan(pages[1].Frame);
        Assert.Equal(Rig.Pattern(Page + 999), tail[999]);
        Assert.True(tail[1000..].IndexOfAnyExcept((byte)0) < 0, "bytes past EOF must read as zero");
    }

    [Fact]
    [Rule(14, 21)]
    public void GetPages_RunPastEof_FreesThePagesPastEofWithoutReadingThem()
    {
        var direct = WithFile(2 * Page);
        var pages = direct.Pages(0, 4);
        var reply = direct.GetPages(pages, 0, 2 * Page);
        Assert.Equal(PagerStatus.Ok, reply.Status);
        Assert.Contains(new PageOp(2, PageOpKind.Free), reply.Ops);
        Assert.Contains(new PageOp(3, PageOpKind.Free), reply.Ops);
        Assert.DoesNotContain(reply.Ops, o => o.PIndex >= 2 && o.Kind != PageOpKind.Free);
    }

    [Fact]
    [Rule(14, 17)]
    public void GetPages_ReqpagePastEof_AnswersBad()
    {
        var direct = WithFile(2 * Page);
        var pages = direct.Pages(1, 3);
        var reply = direct.GetPages(pages, 2, 2 * Page);
        Assert.Equal(PagerStatus.Bad, reply.Status);
        Assert.Equal([new PageOp(1, PageOpKind.Free), new PageOp(2, PageOpKind.Free)], reply.Ops);
    }

    [Fact]
    [Rule(15, 17, 22)]
    public void GetPages_ReadError_AnswersErrorAndFreesEveryExtraPage()
    {
        var store = new ScriptedStore { OnRead = (_, _) => ScriptedStore.IoError("disk on fire") };
        var direct = StartDirect(store);
        var pages = direct.Pages(0, 4);
        var reply = direct.GetPages(pages, 2, 8 * Page);
        Assert.Equal(PagerStatus.Error, reply.Status);
        Assert.Equal([0L, 1, 3], reply.Ops.Where(o => o.Kind == PageOpKind.Free).Select(o => o.PIndex).Order());
        Assert.DoesNotContain(reply.Ops, o => o.PIndex == 2);
    }

    [Fact]
    [Rule(39)]
    public void GetPages_SinglePageInHole_AnswersFail()
    {
        var direct = WithFile(4 * Page, written: Page);
        var pages = direct.Pages(2, 1);
        var reply = direct.GetPages(pages, 0, 4 * Page);
        Assert.Equal(PagerStatus.Fail, reply.Status);
    }

    [Fact]
    [Rule(36)]
    public void GetPages_Read_AnswersOnceAndReleasesTheVnodeOnce()
    {
        var direct = WithFile(8 * Page);
        var reply = direct.GetPages(direct.Pages(0, 4), 0, 8 * Page);
        direct.Settle();
        Assert.Equal(PagerStatus.Ok, reply.Status);
        Assert.Single(direct.Replies.OfType<VnodeProtocol.GetPagesReply>());
        Assert.Equal(1, direct.Holds);
        Assert.Equal(1, direct.Releases);
    }

    [Fact]
    [Rule(23, 26, 28)]
    public void PutPages_Sync_AnswersOkPerPageAndUndirties()
    {
        var direct = WithFile(8 * Page);
        var pages = direct.Pages(1, 3, valid: Full, dirty: Full, shared: true);
        direct.FillFrames(pages, 0x5a);
        var reply = direct.PutPages(pages, PutFlags.Sync, 8 * Page);
        direct.Settle();
        Assert.Equal([PagerStatus.Ok, PagerStatus.Ok, PagerStatus.Ok], reply.Rtvals);
        Assert.Equal(reply.Rtvals[0], reply.Status);
        Assert.Equal([1L, 2, 3], reply.Ops.Where(o => o.Kind == PageOpKind.Undirty).Select(o => o.PIndex));
        Assert.Empty(direct.Completions);
        var stored = new byte[3 * Page];
        _ = direct.Simulated.ReadAsync("f", Page, stored);
        Assert.True(stored.AsSpan().IndexOfAnyExcept((byte)0x5a) < 0);
    }

    [Theory]
    [InlineData(PutFlags.Sync)]
    [InlineData(PutFlags.Invalidate)]
    [InlineData(PutFlags.Sync | PutFlags.Invalidate)]
    [InlineData(PutFlags.Sync | PutFlags.ClusterOk)]
    [Rule(28)]
    public void PutPages_SyncOrInvalidate_NeverAnswersPend(PutFlags flags)
    {
        var direct = WithFile(8 * Page);
        var reply = direct.PutPages(direct.Pages(0, 2, Full, Full, shared: true), flags, 8 * Page);
        direct.Settle();
        Assert.DoesNotContain(PagerStatus.Pend, reply.Rtvals);
        Assert.Empty(direct.Completions);
    }

    [Theory]
    [InlineData(PutFlags.None)]
    [InlineData(PutFlags.ClusterOk)]
    [InlineData(PutFlags.NoReuse)]
    [Rule(23, 33, 34, 35)]
    public void PutPages_Async_AnswersPendThenOneCompletionUndirtyingBeforeUnbusy(PutFlags flags)
    {
        var direct = WithFile(8 * Page);
        var reply = direct.PutPages(direct.Pages(0, 3, Full, Full, shared: true), flags, 8 * Page);
        Assert.Equal([PagerStatus.Pend, PagerStatus.Pend, PagerStatus.Pend], reply.Rtvals);
        direct.Settle();
        var completion = Assert.Single(direct.Completions);
        Assert.Equal(reply.RequestId, completion.RequestId);
        Assert.Equal(3, completion.PipRelease);
        for (var p = 0; p < 3; p++)
        {
            Assert.Equal([PageOpKind.Undirty, PageOpKind.Deactivate, PageOpKind.Unbusy], completion.Ops.Where(o => o.PIndex == p).Select(o => o.Kind));
        }
    }

    [Fact]
    [Rule(34)]
    public void PutPages_AsyncWriteFails_CompletionRedirtiesAndActivatesBeforeUnbusy()
    {
        var store = new ScriptedStore { OnWrite = (_, _) => ScriptedStore.IoError("no space") };
        var direct = StartDirect(store);
        var reply = direct.PutPages(direct.Pages(0, 2, Full, Full, shared: true), PutFlags.None, 8 * Page);
        Assert.Equal([PagerStatus.Pend, PagerStatus.Pend], reply.Rtvals);
        direct.Settle();
        var completion = Assert.Single(direct.Completions);
        for (var p = 0; p < 2; p++)
        {
            Assert.Equal([PageOpKind.Redirty, PageOpKind.Activate, PageOpKind.Unbusy], completion.Ops.Where(o => o.PIndex == p).Select(o => o.Kind));
        }
    }

    [Fact]
    [Rule(24)]
    public void PutPages_PagesWhollyPastEof_AnswerBad()
    {
        var direct = WithFile(Page);
        var reply = direct.PutPages(direct.Pages(0, 3, Full, Full, shared: true), PutFlags.Sync, Page);
        Assert.Equal([PagerStatus.Ok, PagerStatus.Bad, PagerStatus.Bad], reply.Rtvals);
    }

    [Fact]
    [Rule(23, 24)]
    public void PutPages_RunStartingAtOrPastEof_AnswersBadForEveryPage()
    {
        var direct = WithFile(2 * Page);
        var reply = direct.PutPages(direct.Pages(2, 2, Full, Full, shared: true), PutFlags.None, 2 * Page);
        Assert.Equal([PagerStatus.Bad, PagerStatus.Bad], reply.Rtvals);
        Assert.Equal(PagerStatus.Bad, reply.Status);
        direct.Settle();
        Assert.Empty(direct.Completions);
    }

    [Theory]
    [InlineData(700, 0xfc)]
    [InlineData(512, 0xfe)]
    [InlineData(513, 0xfc)]
    [InlineData(4095, 0x00)]
    [Rule(25, 27)]
    public void PutPages_PartialEofPage_ClearsDirtyBlocksPastEofButNeverValid(int tail, int cleared)
    {
        var size = Page + tail;
        var direct = WithFile(size);
        var reply = direct.PutPages(direct.Pages(0, 2, Full, Full, shared: true), PutFlags.Sync, size);
        Assert.Equal([PagerStatus.Ok, PagerStatus.Ok], reply.Rtvals);
        var trims = reply.Ops.Where(o => o.Kind == PageOpKind.ClearDirty).ToArray();
        if (cleared == 0)
        {
            Assert.Empty(trims);
        }
        else
        {
            Assert.Equal([new PageOp(1, PageOpKind.ClearDirty, (byte)cleared)], trims);
        }

        // Rule 27: putpages never frees, invalidates or changes busy state.
        Assert.All(reply.Ops, o => Assert.True(o.Kind is PageOpKind.ClearDirty or PageOpKind.Undirty, $"putpages asked for {o}"));
    }

    [Theory]
    [InlineData(PutFlags.None)]
    [InlineData(PutFlags.Sync)]
    [Rule(27)]
    public void PutPages_Reply_NeverTouchesValidBitsOrBusyState(PutFlags flags)
    {
        var size = (3 * Page) + 100;
        var direct = WithFile(size);
        var reply = direct.PutPages(direct.Pages(0, 5, Full, Full, shared: true), flags, size);
        Assert.All(reply.Ops, o => Assert.True(o.Kind is PageOpKind.ClearDirty or PageOpKind.Undirty, $"putpages asked for {o}"));
        Assert.Equal(PagerStatus.Bad, reply.Rtvals[4]);
    }

    [Theory]
    [InlineData(10, new[] { PagerStatus.Error, PagerStatus.Error, PagerStatus.Error })]
    [InlineData(Page, new[] { PagerStatus.Ok, PagerStatus.Error, PagerStatus.Error })]
    [InlineData(Page + 10, new[] { PagerStatus.Ok, PagerStatus.Error, PagerStatus.Error })]
    [InlineData((2 * Page) + 1, new[] { PagerStatus.Ok, PagerStatus.Ok, PagerStatus.Error })]
    [Rule(26, 32)]
    public void PutPages_ShortSyncWrite_PagesWrittenBeforeTheFailureOkLaterOnesError(int written, PagerStatus[] expected)
    {
        var store = new ScriptedStore { OnWrite = (_, _) => ScriptedStore.IoError("short write", written) };
        var direct = StartDirect(store);
        var reply = direct.PutPages(direct.Pages(0, 3, Full, Full, shared: true), PutFlags.Sync, 8 * Page);
        Assert.Equal(expected, reply.Rtvals);

        // Rule 26 (choice 2): an OK page is undirtied; an ERROR page never is.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i] == PagerStatus.Ok, reply.Ops.Contains(new PageOp(i, PageOpKind.Undirty)));
        }
    }

    [Fact]
    [Rule(26, 32)]
    public void PutPages_ShortAsyncWrite_CompletionRedirtiesTheUnwrittenPages()
    {
        var store = new ScriptedStore { OnWrite = (_, _) => ScriptedStore.IoError("short write", Page + 7) };
        var direct = StartDirect(store);
        direct.PutPages(direct.Pages(0, 3, Full, Full, shared: true), PutFlags.None, 8 * Page);
        direct.Settle();
        var completion = Assert.Single(direct.Completions);
        Assert.Equal(PageOpKind.Undirty, completion.Ops.First(o => o.PIndex == 0).Kind);
        Assert.Equal(PageOpKind.Redirty, completion.Ops.First(o => o.PIndex == 1).Kind);
        Assert.Equal(PageOpKind.Redirty, completion.Ops.First(o => o.PIndex == 2).Kind);
    }
}
