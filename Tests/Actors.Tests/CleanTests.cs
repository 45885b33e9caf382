using Xunit.Abstractions;
using ActorPager.Actors.Tests.Support;
using ActorPager.Messages;
using Akka.Actor;
using ActorPager.Storage;

namespace ActorPager.Actors.Tests;

/// <summary>Writing back: clean (§2.6), pageout (§2.5), the §3 table on the flush side, completions (§4), fsync.</summary>
public sealed class CleanTests(ITestOutputHelper output) : PagerTestKit(output)
{
    private const int Page = Rig.Page;

    private (Rig Rig, PagerFile File) Setup(long pages = 16, IoMode io = IoMode.Scheduled, Func<PagerOptions, PagerOptions>? configure = null)
    {
        var rig = StartRig(io: io, configure: configure);
        rig.Fill("f", pages * Page);
        return (rig, rig.Open("f"));
    }

    /// <summary>Dirties whole pages (a full-page write needs no read).</summary>
    private void Dirty(Rig rig, PagerFile file, params long[] pages)
    {
        foreach (var p in pages)
        {
            var data = new byte[Page];
            Array.Fill(data, (byte)(0x80 + p));
            Assert.Equal(PagerStatus.Ok, rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(p * Page, data)).Status);
        }
    }

    /// <summary>Makes async putpages answer Pend and keeps them for the test to complete.</summary>
    private List<(VnodeProtocol.PutPages Request, IActorRef Object)> PendAsyncWrites(Rig rig)
    {
        var pending = new List<(VnodeProtocol.PutPages, IActorRef)>();
        rig.Recorder.OnPut = (request, call) =>
        {
            if ((request.Flags & (PutFlags.Sync | PutFlags.Invalidate)) != 0)
            {
                return false;
            }

            pending.Add((request, call.Requester));
            call.Reply(new VnodeProtocol.PutPagesReply(request.RequestId, Enumerable.Repeat(PagerStatus.Pend, request.Pages.Length).ToArray(), []));
            return true;
        };
        return pending;
    }

    private VmObjectProtocol.CleanReply Clean(Rig rig, PagerFile file, PutFlags flags = PutFlags.Sync) =>
        rig.Ask<VmObjectProtocol.CleanReply>(file.VmObject, new VmObjectProtocol.Clean(flags));

    [Theory]
    [InlineData(PutFlags.Sync)]
    [InlineData(PutFlags.None)]
    [Rule(41)]
    public void Clean_CleanObject_DoesNothing(PutFlags flags)
    {
        var (rig, file) = Setup();
        rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(0, new byte[4 * Page]));
        var reply = Clean(rig, file, flags);
        Assert.True(reply.AllClean);
        Assert.Equal(0, reply.PagesWritten);
        Assert.Empty(rig.Recorder.Puts);
        rig.AssertClean();
    }

    [Fact]
    [Rule(26, 44, 6, 2)]
    public void Clean_Sync_WritesEachDirtyRunOnceAndUndirties()
    {
        var (rig, file) = Setup();
        Dirty(rig, file, 0, 1, 2, 3, 6);
        var reply = Clean(rig, file);
        Assert.True(reply.AllClean);
        Assert.Equal(5, reply.PagesWritten);
        Assert.Equal([(0L, 3L), (6L, 6L)], rig.Recorder.Puts.Select(p => (p.First, p.Last)));
        Assert.All(rig.Recorder.Puts, p => Assert.True((p.Request.Flags & PutFlags.Sync) != 0));
        Assert.Equal(0, rig.Stat(file.VmObject).Dirty);
        Assert.Equal(0x86, rig.StoreBytes("f", (6 * Page) + 17, 1)[0]);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(6)]
    public void Clean_MoreDirtyPagesThanAClusterHolds_SplitsAtTheClusterLimit()
    {
        var (rig, file) = Setup(pages: 24);
        Dirty(rig, file, Enumerable.Range(2, 20).Select(i => (long)i).ToArray());
        Assert.True(Clean(rig, file).AllClean);
        Assert.Equal([(2L, 17L), (18L, 21L)], rig.Recorder.Puts.Select(p => (p.First, p.Last)));
        rig.AssertClean();
    }

    [Fact]
    [Rule(6, 3)]
    public void Clean_BusyNeighbour_EndsTheRunWithoutWaitingForIt()
    {
        var (rig, file) = Setup();
        var pending = PendAsyncWrites(rig);
        Dirty(rig, file, 2);
        var first = rig.Send(file.VmObject, new VmObjectProtocol.Clean(PutFlags.None));
        rig.Settle();
        Assert.Equal("shared(1)", rig.PageState(file.VmObject, 2).Busy);
        Dirty(rig, file, 0, 1, 3);
        var sync = rig.Send(file.VmObject, new VmObjectProtocol.Clean(PutFlags.Sync));
        rig.Settle();

        // The run from page 0 ends at busy page 2 and goes out at once; only then does the
        // clean sleep on page 2 itself, which it must write.
        Assert.Equal([(2L, 2L), (0L, 1L)], rig.Recorder.Puts.Select(p => (p.First, p.Last)));
        Assert.False(sync.IsCompleted);
        var (request, obj) = pending[0];
        obj.Tell(Scripts.Completion(request), ActorRefs.Nobody);
        Assert.True(rig.Reply<VmObjectProtocol.CleanReply>(sync, "sync clean").AllClean);
        rig.Reply<VmObjectProtocol.CleanReply>(first, "async clean");
        Assert.Equal([(2L, 2L), (0L, 1L), (3L, 3L)], rig.Recorder.Puts.Select(p => (p.First, p.Last)));
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(31, 11, 35)]
    public void Clean_Async_PendPagesStayBusyWithPipUntilTheirCompletion()
    {
        var (rig, file) = Setup();
        var pending = PendAsyncWrites(rig);
        Dirty(rig, file, 4, 5, 6);
        var clean = rig.Send(file.VmObject, new VmObjectProtocol.Clean(PutFlags.None));
        rig.Settle();
        var (request, obj) = Assert.Single(pending);
        var stat = rig.Stat(file.VmObject);
        Assert.Equal((3, 3), (stat.Busy, stat.Pip));
        Assert.All(rig.PageStates(file.VmObject, 4, 3), s => Assert.Equal("shared(1)", s.Busy));
        Assert.False(clean.IsCompleted, "the clean answers once every Pend has completed");
        obj.Tell(Scripts.Completion(request), ActorRefs.Nobody);
        var reply = rig.Reply<VmObjectProtocol.CleanReply>(clean, "clean");
        Assert.True(reply.AllClean);
        Assert.Equal(3, reply.PagesWritten);
        stat = rig.Stat(file.VmObject);
        Assert.Equal((0, 0, 0), (stat.Busy, stat.Pip, stat.Dirty));
        rig.AssertClean();
    }

    [Fact]
    [Rule(33, 26)]
    public void Clean_AsyncGenericPager_OneCompletionPerPendPutpagesAndPagesCleanAfterIt()
    {
        var (rig, file) = Setup();
        Dirty(rig, file, 1, 2, 8, 9, 10);
        var reply = Clean(rig, file, PutFlags.None);
        Assert.True(reply.AllClean);
        Assert.Equal(2, rig.Recorder.Puts.Count);
        Assert.Equal(2, rig.Deliveries(nameof(VmObjectProtocol.WriteCompleted)));
        Assert.Equal(0, rig.Stat(file.VmObject).Dirty);
        Assert.Equal(0x89, rig.StoreBytes("f", 9 * Page, 1)[0]);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(34)]
    public void Clean_AsyncWriteFailsInTheCompletion_PagesRedirtiedAndActive()
    {
        var (rig, file) = Setup();
        var pending = PendAsyncWrites(rig);
        Dirty(rig, file, 3);
        var clean = rig.Send(file.VmObject, new VmObjectProtocol.Clean(PutFlags.None));
        rig.Settle();
        var (request, obj) = Assert.Single(pending);
        obj.Tell(Scripts.Completion(request, success: false), ActorRefs.Nobody);
        Assert.False(rig.Reply<VmObjectProtocol.CleanReply>(clean, "clean").AllClean);
        Assert.Equal(new VmObjectProtocol.PageState(3, true, Rig.Full, Rig.Full, "none", "active", Mapped: true), rig.PageState(file.VmObject, 3));
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Theory]
    [InlineData(PagerStatus.Error)]
    [InlineData(PagerStatus.Fail)]
    [Rule(29, 44)]
    public void Clean_PagerAnswersErrorOrFail_PagesStayDirtyOnTheActiveQueue(PagerStatus status)
    {
        var (rig, file) = Setup();
        rig.Recorder.OnPut = (request, call) => Scripts.AnswerPut(request, call, p => p == 5 ? status : PagerStatus.Ok);
        Dirty(rig, file, 4, 5, 6);
        var reply = Clean(rig, file);
        Assert.False(reply.AllClean);
        Assert.Equal(2, reply.PagesWritten);
        Assert.Equal(1, reply.Rtvals[status]);
        Assert.Equal(new VmObjectProtocol.PageState(5, true, Rig.Full, Rig.Full, "none", "active", Mapped: true), rig.PageState(file.VmObject, 5));
        Assert.Equal(0, rig.PageState(file.VmObject, 4).Dirty);
        Assert.Single(rig.Recorder.Puts);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(30)]
    public void Clean_PagerAnswersAgain_PageStaysDirtyAndUnbusiedAndTheCleanEnds()
    {
        var (rig, file) = Setup();
        rig.Recorder.OnPut = (request, call) => Scripts.AnswerPut(request, call, p => p >= 8 ? PagerStatus.Again : PagerStatus.Ok);
        Dirty(rig, file, 7, 8, 9);
        var reply = Clean(rig, file);
        Assert.False(reply.AllClean);
        Assert.Equal(2, reply.Rtvals[PagerStatus.Again]);
        Assert.All(rig.PageStates(file.VmObject, 8, 2), s => Assert.Equal((Rig.Full, "none"), (s.Dirty, s.Busy)));
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(24)]
    public void Clean_PagerAnswersBad_PageUndirtiedAndItsDataDropped()
    {
        var (rig, file) = Setup();
        rig.Recorder.OnPut = (request, call) => Scripts.AnswerPut(request, call, _ => PagerStatus.Bad);
        Dirty(rig, file, 2);
        Clean(rig, file);
        Assert.Equal(new VmObjectProtocol.PageState(2, true, Rig.Full, 0, "none", "active", Mapped: true), rig.PageState(file.VmObject, 2));
        Assert.Equal(Rig.Pattern(2 * Page), rig.StoreBytes("f", 2 * Page, 1)[0]);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(42, 2)]
    public void Write_ToAPageBeingWrittenOut_WaitsForTheWriteToFinish()
    {
        var (rig, file) = Setup();
        var pending = PendAsyncWrites(rig);
        Dirty(rig, file, 1);
        var clean = rig.Send(file.VmObject, new VmObjectProtocol.Clean(PutFlags.None));
        rig.Settle();
        var write = rig.Send(file.VmObject, new VmObjectProtocol.Write(Page + 10, new byte[] { 1, 2, 3 }));
        rig.Settle();
        Assert.False(write.IsCompleted, "a writer waits while the page is shared-busy for putpages");
        var (request, obj) = Assert.Single(pending);
        obj.Tell(Scripts.Completion(request), ActorRefs.Nobody);
        Assert.Equal(3, rig.Reply<VmObjectProtocol.WriteReply>(write, "write").Bytes);
        rig.Reply<VmObjectProtocol.CleanReply>(clean, "clean");
        Assert.Equal(PageGeometry.BlockMask(10, 13), rig.PageState(file.VmObject, 1).Dirty);
        rig.AssertClean();
    }

    [Fact]
    [Rule(43)]
    public void Clean_SleepsOnABusyDirtyPage_RescansAndWritesPagesDirtiedMeanwhile()
    {
        var (rig, file) = Setup();
        var pending = PendAsyncWrites(rig);
        Dirty(rig, file, 0);
        var first = rig.Send(file.VmObject, new VmObjectProtocol.Clean(PutFlags.None));
        rig.Settle();
        var (request, obj) = Assert.Single(pending);

        // Re-dirtied by a failed completion later, page 0 is what the sync clean sleeps on.
        var sync = rig.Send(file.VmObject, new VmObjectProtocol.Clean(PutFlags.Sync));
        rig.Settle();
        Assert.False(sync.IsCompleted);
        Dirty(rig, file, 9);
        obj.Tell(Scripts.Completion(request, success: false), ActorRefs.Nobody);
        Assert.True(rig.Reply<VmObjectProtocol.CleanReply>(sync, "sync clean").AllClean);
        rig.Reply<VmObjectProtocol.CleanReply>(first, "async clean");
        var synced = rig.Recorder.Puts.Where(p => (p.Request.Flags & PutFlags.Sync) != 0).ToArray();
        Assert.Contains(synced, p => p.Names(0));
        Assert.Contains(synced, p => p.Names(9));
        Assert.Equal(0, rig.Stat(file.VmObject).Dirty);
        rig.AssertClean();
    }

    [Fact]
    [Rule(8, 11)]
    public void Pageout_VnodeHeld_SkipsThePagesWithoutWaitingAndReleasesThem()
    {
        var (rig, file) = Setup(io: IoMode.Manual);
        Dirty(rig, file, 2, 3);
        var grow = rig.Send(file.Vnode, new VnodeProtocol.SetSize(20 * Page));
        rig.Settle();
        var reclaimed = rig.Ask<VmObjectProtocol.Reclaimed>(file.VmObject, new VmObjectProtocol.Reclaim(0, false, TimeSpan.FromDays(1)));
        Assert.Equal(2, reclaimed.Laundering);
        rig.Settle();
        var stat = rig.Stat(file.VmObject);
        Assert.Equal((2, 0, 0), (stat.Dirty, stat.Busy, stat.Pip));
        Assert.Empty(rig.Recorder.Puts);
        rig.Store.CompleteAll();
        rig.Reply<VnodeProtocol.SetSizeReply>(grow, "grow");
        rig.AssertClean();
    }

    [Fact]
    [Rule(11, 26)]
    public void Pageout_OldDirtyPages_AreLaunderedAsyncAndCleanAfterCompletion()
    {
        var (rig, file) = Setup();
        Dirty(rig, file, 5, 6, 7);
        var reclaimed = rig.Ask<VmObjectProtocol.Reclaimed>(file.VmObject, new VmObjectProtocol.Reclaim(0, false, TimeSpan.FromDays(1)));
        Assert.Equal(3, reclaimed.Laundering);
        rig.Settle();
        var put = Assert.Single(rig.Recorder.Puts);
        Assert.Equal((5L, 7L, PutFlags.None, 0L), (put.First, put.Last, put.Request.Flags, put.Request.LockToken));
        Assert.Equal(0, rig.Stat(file.VmObject).Dirty);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(28)]
    public void Flush_UnderAFreeFrameShortage_IsForcedSynchronous()
    {
        var (rig, file) = Setup(configure: o => o with { FreeMin = 63 });
        Dirty(rig, file, 1, 2);
        Clean(rig, file, PutFlags.None);
        var put = Assert.Single(rig.Recorder.Puts);
        Assert.True((put.Request.Flags & PutFlags.Sync) != 0, $"flags {put.Request.Flags}");
        Assert.Equal(0, rig.Deliveries(nameof(VmObjectProtocol.WriteCompleted)));
        rig.AssertClean();
    }

    [Fact]
    [Rule(28)]
    public void Pageout_ForceSync_SendsSynchronousPutpages()
    {
        var (rig, file) = Setup();
        Dirty(rig, file, 1);
        rig.Ask<VmObjectProtocol.Reclaimed>(file.VmObject, new VmObjectProtocol.Reclaim(0, true, TimeSpan.FromDays(1)));
        rig.Settle();
        Assert.True((Assert.Single(rig.Recorder.Puts).Request.Flags & PutFlags.Sync) != 0);
        rig.AssertClean();
    }

    [Fact]
    [Rule(46)]
    public void Fsync_AnswersOnlyAfterEveryDirtyPageAndTheStoreFlush()
    {
        var (rig, file) = Setup(io: IoMode.Manual);
        Dirty(rig, file, 0, 5);
        var fsync = rig.Send(file.Vnode, new VnodeProtocol.Fsync());
        rig.Settle();
        while (rig.Store.Pending.Any(o => o.OperationKind == SimulatedOperationKind.Write))
        {
            Assert.False(fsync.IsCompleted);
            rig.Store.Complete(rig.Store.Pending.First(o => o.OperationKind == SimulatedOperationKind.Write));
            rig.Settle();
        }

        Assert.Equal(2, rig.Recorder.Puts.Count);
        Assert.False(fsync.IsCompleted, "fsync waits for the store's flush");
        var flush = Assert.Single(rig.Store.Pending);
        Assert.Equal(SimulatedOperationKind.Flush, flush.OperationKind);
        rig.Store.Complete(flush);
        var reply = rig.Reply<VnodeProtocol.FsyncReply>(fsync, "fsync");
        Assert.True(reply.Ok, reply.Error);
        Assert.Equal(2, reply.PagesWritten);
        rig.AssertClean();
    }

    [Fact]
    [Rule(44, 46)]
    public void Fsync_PageLeftDirtyByAnError_ReportsItAndSaysWhy()
    {
        var (rig, file) = Setup();
        rig.Recorder.OnPut = (request, call) => Scripts.AnswerPut(request, call, _ => PagerStatus.Error);
        Dirty(rig, file, 2);
        var reply = rig.Ask<VnodeProtocol.FsyncReply>(file.Vnode, new VnodeProtocol.Fsync());
        Assert.False(reply.Ok);
        Assert.Contains("Error=1", reply.Error, StringComparison.Ordinal);
        Assert.Equal(1, rig.Stat(file.VmObject).Dirty);
        rig.AssertClean();
    }

    [Fact]
    [Rule(45)]
    public void Fsync_Invalidate_RemovesOnlyThePagesCleanAfterTheFlush()
    {
        var (rig, file) = Setup();
        rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(12 * Page, new byte[Page]));
        rig.Recorder.OnPut = (request, call) => Scripts.AnswerPut(request, call, p => p == 2 ? PagerStatus.Error : PagerStatus.Ok);
        Dirty(rig, file, 1, 2, 3);
        var reply = rig.Ask<VnodeProtocol.FsyncReply>(file.Vnode, new VnodeProtocol.Fsync(Sync: true, Invalidate: true));
        Assert.False(reply.Ok);
        var resident = rig.PageStates(file.VmObject, 0, 16).Where(s => s.Resident).Select(s => s.PIndex).ToArray();
        Assert.Equal([2L], resident);
        Assert.All(rig.Recorder.Puts, p => Assert.True((p.Request.Flags & PutFlags.Invalidate) != 0));
        rig.AssertClean();
    }
}
