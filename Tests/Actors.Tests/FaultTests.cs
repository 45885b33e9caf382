using Xunit.Abstractions;
using ActorPager.Actors.Tests.Support;
using ActorPager.Messages;
using ActorPager.Storage;

namespace ActorPager.Actors.Tests;

/// <summary>Faults through the VM object (§2.4): clusters, busy sleeps, the pager's statuses, the vnode lock.</summary>
public sealed class FaultTests(ITestOutputHelper output) : PagerTestKit(output)
{
    private const int Page = Rig.Page;

    private (Rig Rig, PagerFile File) Setup(long pages = 16, IoMode io = IoMode.Scheduled, Func<PagerOptions, PagerOptions>? configure = null)
    {
        var rig = StartRig(io: io, configure: configure);
        rig.Fill("f", pages * Page);
        return (rig, rig.Open("f"));
    }

    private VmObjectProtocol.FaultReply Fault(Rig rig, PagerFile file, long pindex, bool write = false) =>
        rig.Ask<VmObjectProtocol.FaultReply>(file.VmObject, new VmObjectProtocol.Fault(pindex, write));

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(15)]
    [Rule(37, 18)]
    public void Fault_AbsentPage_ReadsItFullyValidCleanUnbusiedAndActive(long pindex)
    {
        var (rig, file) = Setup();
        var reply = Fault(rig, file, pindex);
        Assert.Equal(new VmObjectProtocol.FaultReply(pindex, FaultResult.Read, PagerStatus.Ok), reply);
        var state = rig.PageState(file.VmObject, pindex);
        Assert.Equal(new VmObjectProtocol.PageState(pindex, true, Rig.Full, 0, "none", "active", Mapped: true), state);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(37)]
    public void Fault_ResidentValidPage_HitsWithoutGetpages()
    {
        var (rig, file) = Setup();
        Fault(rig, file, 3);
        var gets = rig.Recorder.Gets.Count;
        Assert.Equal(FaultResult.Hit, Fault(rig, file, 3).Result);
        Assert.Equal(gets, rig.Recorder.Gets.Count);
        rig.AssertClean();
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(1000)]
    [Rule(14)]
    public void Fault_AtOrPastSize_FailsOutOfBoundsWithoutGetpages(long pindex)
    {
        var (rig, file) = Setup();
        Assert.Equal(FaultResult.OutOfBounds, Fault(rig, file, pindex).Result);
        Assert.Empty(rig.Recorder.Gets);
        Assert.Equal(0, rig.Stat(file.VmObject).Resident);
        rig.AssertClean();
    }

    [Fact]
    [Rule(14, 21)]
    public void Fault_Clusters_StopAtObjectSizeResidentPagesAndClusterLimit()
    {
        var (rig, file) = Setup();
        Fault(rig, file, 0);
        Fault(rig, file, 12);
        Fault(rig, file, 10);
        var runs = rig.Recorder.Gets.Select(g => (g.First, g.Last, g.ReqPIndex)).ToArray();

        // 0: no read-behind below 0, read-ahead 8. 12: sequential (within 16 of the last read),
        // ahead to the object's end. 10: random, behind stops at resident page 8, ahead at 12.
        Assert.Equal([(0L, 8L, 0L), (12L, 15L, 12L), (9L, 11L, 10L)], runs);
        Assert.All(rig.Recorder.Gets, g => Assert.True(g.Request.Pages.Length <= 16));
        rig.AssertClean();
    }

    [Fact]
    [Rule(21)]
    public void Fault_SmallClusterLimit_CapsTheRun()
    {
        var (rig, file) = Setup(configure: o => o with { ClusterMax = 4 });
        Fault(rig, file, 8);
        var get = Assert.Single(rig.Recorder.Gets);
        Assert.True(get.Request.Pages.Length <= 4, $"run of {get.Request.Pages.Length} pages");
        Assert.True(get.Names(8));
        rig.AssertClean();
    }

    [Fact]
    [Rule(9)]
    public void Fault_ExtraPages_DeactivatedUnlessSomeoneWaitedForThem()
    {
        var (rig, file) = Setup(io: IoMode.Manual);
        var first = rig.Send(file.VmObject, new VmObjectProtocol.Fault(0));
        rig.Settle();
        var waiter = rig.Send(file.VmObject, new VmObjectProtocol.Fault(3));
        rig.Settle();
        rig.Store.CompleteAll();
        Assert.Equal(FaultResult.Read, rig.Reply<VmObjectProtocol.FaultReply>(first, "fault 0").Result);
        Assert.Equal(FaultResult.Hit, rig.Reply<VmObjectProtocol.FaultReply>(waiter, "fault 3").Result);
        var queues = rig.PageStates(file.VmObject, 0, 9).Select(s => s.Queue).ToArray();
        Assert.Equal(["active", "inactive", "inactive", "active", "inactive", "inactive", "inactive", "inactive", "inactive"], queues);
        rig.AssertClean();
    }

    [Fact]
    [Rule(13, 10)]
    public void Fault_WhileGetpagesInFlight_HoldsOnePipUnit()
    {
        var (rig, file) = Setup(io: IoMode.Manual);
        var fault = rig.Send(file.VmObject, new VmObjectProtocol.Fault(4));
        rig.Settle();
        var during = rig.Stat(file.VmObject);
        Assert.Equal(1, during.Pip);
        Assert.True(during.Busy >= 1);
        rig.Store.CompleteAll();
        rig.Reply<VmObjectProtocol.FaultReply>(fault, "fault 4");
        Assert.Equal(0, rig.Stat(file.VmObject).Pip);
        rig.AssertClean();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [Rule(3, 4, 5)]
    public void Fault_ManyFaultsOnABusyPage_OneGetpagesAndEverySleeperWakes(int faults)
    {
        var (rig, file) = Setup(io: IoMode.Manual);
        var tasks = Enumerable.Range(0, faults).Select(_ => rig.Send(file.VmObject, new VmObjectProtocol.Fault(6))).ToArray();
        rig.Settle();
        Assert.Single(rig.Recorder.Gets);
        rig.Store.CompleteAll();
        var results = tasks.Select(t => rig.Reply<VmObjectProtocol.FaultReply>(t, "fault 6").Result).ToArray();
        Assert.Equal(1, results.Count(r => r == FaultResult.Read));
        Assert.Equal(faults - 1, results.Count(r => r == FaultResult.Hit));
        Assert.Equal(1, rig.Recorder.Gets.Count(g => g.Names(6)));
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(5, 38)]
    public void Fault_SleeperOnAPageFreedByAnError_RestartsAndReadsItAgain()
    {
        var (rig, file) = Setup(io: IoMode.Manual);
        var first = rig.Send(file.VmObject, new VmObjectProtocol.Fault(2));
        rig.Settle();
        var second = rig.Send(file.VmObject, new VmObjectProtocol.Fault(2));
        rig.Settle();
        rig.Store.Fail(0, new StoreError(StoreErrorKind.Io, "bad sector", false));
        rig.Settle();
        Assert.Equal(FaultResult.Failed, rig.Reply<VmObjectProtocol.FaultReply>(first, "fault 2").Result);

        // The sleeper woke when the page was freed, restarted from the lookup and sent its own getpages.
        Assert.Equal(2, rig.Recorder.Gets.Count(g => g.Names(2)));
        rig.Store.CompleteAll();
        Assert.Equal(FaultResult.Read, rig.Reply<VmObjectProtocol.FaultReply>(second, "second fault 2").Result);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(38, 22, 17)]
    public void Fault_ReadError_FailsAndLeavesNoPageOfTheRun()
    {
        var (rig, file) = Setup(io: IoMode.Manual);
        var fault = rig.Send(file.VmObject, new VmObjectProtocol.Fault(4));
        rig.Settle();
        rig.Store.Fail(0, new StoreError(StoreErrorKind.Io, "bad sector", false));
        var reply = rig.Reply<VmObjectProtocol.FaultReply>(fault, "fault 4");
        Assert.Equal(new VmObjectProtocol.FaultReply(4, FaultResult.Failed, PagerStatus.Error), reply);
        var stat = rig.Stat(file.VmObject);
        Assert.Equal(0, stat.Resident);
        Assert.Equal(0, stat.Pip);
        rig.AssertClean();
    }

    [Theory]
    [InlineData(PagerStatus.Bad)]
    [InlineData(PagerStatus.Error)]
    [Rule(38, 16)]
    public void Fault_PagerAnswersBadOrError_PageFreedFaultFails(PagerStatus status)
    {
        var (rig, file) = Setup();
        rig.Recorder.OnGet = (request, call) => Scripts.AnswerGet(request, call, status);
        var reply = Fault(rig, file, 7);
        Assert.Equal(new VmObjectProtocol.FaultReply(7, FaultResult.Failed, status), reply);
        Assert.False(rig.PageState(file.VmObject, 7).Resident);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(39)]
    public void Fault_PagerAnswersFail_ZeroFillsAFullyValidPage()
    {
        var (rig, file) = Setup();
        rig.Recorder.OnGet = (request, call) => Scripts.AnswerGet(request, call, PagerStatus.Fail);
        Assert.Equal(new VmObjectProtocol.FaultReply(3, FaultResult.ZeroFilled, PagerStatus.Fail), Fault(rig, file, 3));
        var bytes = new byte[Page];
        rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(3 * Page, bytes));
        Assert.True(bytes.AsSpan().IndexOfAnyExcept((byte)0) < 0, "a FAIL page reads as zeros");
        Assert.Equal(Rig.Full, rig.PageState(file.VmObject, 3).Valid);
        rig.AssertClean();
    }

    [Fact]
    [Rule(39)]
    public void Fault_HoleInTheStore_ZeroFills()
    {
        var rig = StartRig(configure: o => o with { ReadAhead = 0, ReadBehind = 0 });
        rig.Fill("f", Page);
        rig.StoreNow(() => rig.Store.SetSizeAsync("f", 4 * Page));
        var file = rig.Open("f");
        var reply = rig.Ask<VmObjectProtocol.FaultReply>(file.VmObject, new VmObjectProtocol.Fault(2));
        Assert.Equal(FaultResult.ZeroFilled, reply.Result);
        rig.AssertClean();
    }

    [Fact]
    [Rule(18)]
    public void Fault_PagerOkWithAPartlyValidPage_CallerZeroFillsTheRest()
    {
        var (rig, file) = Setup();
        rig.Recorder.OnGet = (request, call) =>
        {
            var req = request.Pages[request.ReqPage];
            call.Memory.FrameSpan(req.Frame).Fill(0x77);
            var ops = request.Pages.Where((p, i) => i != request.ReqPage).Select(p => new PageOp(p.PIndex, PageOpKind.Free))
                .Append(new PageOp(req.PIndex, PageOpKind.SetValidClean, 0x0f)).ToArray();
            call.Reply(new VnodeProtocol.GetPagesReply(request.RequestId, PagerStatus.Ok, ops));
            return true;
        };
        Assert.Equal(FaultResult.Read, Fault(rig, file, 1).Result);
        var bytes = new byte[Page];
        rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(Page, bytes));
        Assert.True(bytes.AsSpan(0, 2048).IndexOfAnyExcept((byte)0x77) < 0);
        Assert.True(bytes.AsSpan(2048).IndexOfAnyExcept((byte)0) < 0, "the invalid blocks are zero-filled");
        Assert.Equal(new VmObjectProtocol.PageState(1, true, Rig.Full, 0, "none", "active", Mapped: true), rig.PageState(file.VmObject, 1));
        rig.AssertClean();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [Rule(40)]
    public void Fault_WriteFault_DirtiesThePage(long pindex)
    {
        var (rig, file) = Setup();
        Assert.Equal(0, rig.Stat(file.VmObject).Dirty);
        Fault(rig, file, pindex, write: true);
        Assert.Equal(Rig.Full, rig.PageState(file.VmObject, pindex).Dirty);
        Assert.Equal(1, rig.Stat(file.VmObject).Dirty);
        rig.AssertClean();
    }

    [Fact]
    [Rule(40)]
    public void Write_PartialPage_DirtiesOnlyTheBlocksWritten()
    {
        var (rig, file) = Setup();
        rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write((2 * Page) + 600, new byte[500]));
        Assert.Equal(PageGeometry.BlockMask(600, 1100), rig.PageState(file.VmObject, 2).Dirty);
        rig.AssertClean();
    }

    [Fact]
    [Rule(7, 10)]
    public void Fault_VnodeHeld_ReleasesEveryPageAndPipThenRestartsWhenReleased()
    {
        var (rig, file) = Setup(io: IoMode.Manual);

        // A grow holds the vnode until the store's setsize completes.
        var grow = rig.Send(file.Vnode, new VnodeProtocol.SetSize(20 * Page));
        rig.Settle();
        var fault = rig.Send(file.VmObject, new VmObjectProtocol.Fault(2));
        rig.Settle();
        Assert.Empty(rig.Recorder.Gets);
        var waiting = rig.Stat(file.VmObject);
        Assert.Equal((0, 0, 0), (waiting.Pip, waiting.Busy, waiting.Resident));
        Assert.False(fault.IsCompleted);
        rig.Store.CompleteAll();
        rig.Reply<VnodeProtocol.SetSizeReply>(grow, "grow");
        rig.Settle();
        rig.Store.CompleteAll();
        Assert.Equal(FaultResult.Read, rig.Reply<VmObjectProtocol.FaultReply>(fault, "fault 2").Result);
        Assert.Equal(1, rig.Memory.Metrics.GetPagesRefused);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(7, 21)]
    public void Read_LargeColdRange_SendsEachClusterWhenThePreviousAnswers_NoneRefusedAndEveryLaterClusterFull()
    {
        const long pages = 256;
        for (var seed = 1; seed <= 10; seed++)
        {
            // Read-ahead asks for one cluster's worth here, so every getpages is a cluster.
            var rig = StartRig(seed, frames: 320, configure: o => o with { ReadAheadMax = 16 });
            rig.Fill("f", pages * Page);
            var file = rig.Open("f");
            var bytes = new byte[pages * Page];
            var reply = rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(0, bytes));
            Assert.Equal((bytes.Length, PagerStatus.Ok), (reply.Bytes, reply.Status));
            for (var at = 0; at < bytes.Length; at += 509)
            {
                Assert.True(Rig.Pattern(at) == bytes[at], $"seed {seed}: byte {at}");
            }

            // The first fault is not sequential (read-ahead 8, nothing behind page 0); every later
            // cluster starts where the previous ended and is as long as the cluster limit allows.
            var expected = new List<(long, long)> { (0, 8) };
            for (long first = 9; first < pages; first += 16)
            {
                expected.Add((first, Math.Min(first + 15, pages - 1)));
            }

            Assert.Equal(expected, rig.Recorder.Gets.Select(g => (g.First, g.Last)).ToList());
            Assert.Equal(0, rig.Memory.Metrics.GetPagesRefused);
            rig.AssertQuiet(file.VmObject);
            rig.AssertClean();
        }
    }

    [Fact]
    [Rule(19)]
    public void Read_AcrossEof_StopsAtEofAndBytesPastEofReadZeroAfterGrowing()
    {
        var rig = StartRig();
        rig.Fill("f", (2 * Page) + 100);
        var file = rig.Open("f");
        var bytes = new byte[2 * Page];
        var reply = rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(Page, bytes));
        Assert.Equal(Page + 100, reply.Bytes);
        Assert.Equal(Rig.Pattern((2 * Page) + 99), bytes[Page + 99]);
        rig.Ask<VnodeProtocol.SetSizeReply>(file.Vnode, new VnodeProtocol.SetSize(3 * Page));
        Array.Fill(bytes, (byte)0xcc);
        reply = rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(2 * Page, bytes.AsMemory(0, Page)));
        Assert.Equal(Page, reply.Bytes);
        Assert.Equal(Rig.Pattern((2 * Page) + 99), bytes[99]);
        Assert.True(bytes.AsSpan(100, Page - 100).IndexOfAnyExcept((byte)0) < 0, "bytes past the old EOF read as zero");
        rig.AssertClean();
    }

    [Fact]
    [Rule(37)]
    public void Write_ThenRead_RoundTripsThroughTheCache()
    {
        var (rig, file) = Setup();
        var data = Enumerable.Range(0, 3 * Page).Select(i => (byte)(i * 7)).ToArray();
        var wrote = rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(Page + 5, data));
        Assert.Equal(new VmObjectProtocol.WriteReply(data.Length, PagerStatus.Ok), wrote);
        var back = new byte[data.Length];
        Assert.Equal(data.Length, rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(Page + 5, back)).Bytes);
        Assert.Equal(data, back);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(10)]
    public void Fault_FrameShortage_WaitsForThePageDaemonAndRestarts()
    {
        var rig = StartRig(frames: 8, configure: o => o with { PhysicalMemory = 8 * Page, ReadAhead = 0, ReadBehind = 0 });
        rig.Fill("f", 16 * Page);
        var file = rig.Open("f");
        for (var p = 0; p < 16; p++)
        {
            Assert.Equal(FaultResult.Read, rig.Ask<VmObjectProtocol.FaultReply>(file.VmObject, new VmObjectProtocol.Fault(p)).Result);
        }

        Assert.True(rig.Stat(file.VmObject).Resident <= 8);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }
}
