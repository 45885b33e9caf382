using Xunit.Abstractions;
using ActorPager.Actors.Tests.Support;
using ActorPager.Messages;

namespace ActorPager.Actors.Tests;

/// <summary>
/// Read-ahead (VOP_GETPAGES_ASYNC): a sequential reader finds the next cluster resident or in
/// flight before it asks; read-ahead stops at EOF, at resident pages and when frames are short.
/// </summary>
public sealed class ReadAheadTests(ITestOutputHelper output) : PagerTestKit(output)
{
    private const int Page = Rig.Page;

    private static VmObjectProtocol.ReadReply Read(Rig rig, PagerFile file, long firstPage, int pages) =>
        rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(firstPage * Page, new byte[pages * Page]));

    private static List<(long, long)> Runs(Rig rig) => rig.Recorder.Gets.Select(g => (g.First, g.Last)).ToList();

    /// <summary>Read-aheads of one cluster (16 pages), as the tests below count them; <see cref="ReadAhead_AsksForReadAheadMaxPages"/> takes the default.</summary>
    private static PagerOptions Sixteen(PagerOptions options) => options with { ReadAheadMax = 16 };

    [Fact]
    public void ReadAhead_AsksForReadAheadMaxPages()
    {
        var rig = StartRig(frames: 256);
        Assert.Equal(64, rig.Pager.Options.ReadAheadMax);
        rig.Fill("f", 200 * Page);
        var file = rig.Open("f");
        Assert.Equal(16 * Page, Read(rig, file, 0, 16).Bytes);
        rig.Settle();

        // The fault's clusters stay within cluster-max; the read-ahead after them takes 64 pages.
        Assert.Equal([(0L, 8L), (9L, 24L), (25L, 88L)], Runs(rig));
        Assert.Equal((1L, 64L), (rig.Memory.Metrics.ReadAheads, rig.Memory.Metrics.ReadAheadPages));
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    public void Read_Sequential_TheNextClusterIsReadAheadAndTheReaderFindsItResident()
    {
        for (var seed = 1; seed <= 10; seed++)
        {
            var rig = StartRig(seed, frames: 128, configure: Sixteen);
            rig.Fill("f", 64 * Page);
            var file = rig.Open("f");

            // 0-8 (not yet sequential), 9-24 (sequential), then 25-40 read ahead.
            Assert.Equal(16 * Page, Read(rig, file, 0, 16).Bytes);
            rig.Settle();
            Assert.Equal([(0L, 8L), (9L, 24L), (25L, 40L)], Runs(rig));
            Assert.True(rig.PageState(file.VmObject, 25).Resident, $"{rig.Tag}: page 25 read ahead");

            // The next 16 pages are all resident: no fault; reaching page 25 reads 41-56 ahead.
            var second = Read(rig, file, 16, 16);
            Assert.Equal((16 * Page, 0, 16), (second.Bytes, second.Faults, second.Hits));
            rig.Settle();
            Assert.Equal([(0L, 8L), (9L, 24L), (25L, 40L), (41L, 56L)], Runs(rig));
            Assert.Equal((2L, 32L), (rig.Memory.Metrics.ReadAheads, rig.Memory.Metrics.ReadAheadPages));
            rig.AssertQuiet(file.VmObject);
            rig.AssertClean();
        }
    }

    [Fact]
    [Rule(14)]
    public void ReadAhead_StopsAtEof()
    {
        var rig = StartRig(frames: 128, configure: Sixteen);
        rig.Fill("f", 30 * Page);
        var file = rig.Open("f");
        Read(rig, file, 0, 16);
        rig.Settle();
        Assert.Equal([(0L, 8L), (9L, 24L), (25L, 29L)], Runs(rig));
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(21)]
    public void ReadAhead_StopsAtTheFirstResidentPage()
    {
        var rig = StartRig(frames: 128, configure: Sixteen);
        rig.Fill("f", 64 * Page);
        var file = rig.Open("f");
        // Page 30 made resident without a read (a whole-page write needs none).
        rig.Ask<VnodeProtocol.WriteReply>(file.Vnode, new VnodeProtocol.Write(30 * Page, new byte[Page]));
        Read(rig, file, 0, 16);
        rig.Settle();
        Assert.Equal((25L, 29L), Runs(rig)[^1]);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    public void ReadAhead_FramesShort_NoReadAhead()
    {
        // 40 frames: after the reader's 25 pages, 15 are free, fewer than a cluster (16) above the minimum.
        var rig = StartRig(frames: 40, configure: Sixteen);
        rig.Fill("f", 64 * Page);
        var file = rig.Open("f");
        Read(rig, file, 0, 16);
        rig.Settle();
        Assert.Equal([(0L, 8L), (9L, 24L)], Runs(rig));
        Assert.Equal(0, rig.Memory.Metrics.ReadAheads);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(13)]
    public void ReadAhead_InFlight_HoldsOnePipUnitUntilItsAnswer()
    {
        var rig = StartRig(io: IoMode.Manual, frames: 128, configure: Sixteen);
        rig.Fill("f", 64 * Page);
        var file = rig.Open("f");
        var read = rig.Send(file.VmObject, new VmObjectProtocol.Read(0, new byte[16 * Page]));
        rig.Run(
            () =>
            {
                if (rig.Recorder.Gets.Count == 3)
                {
                    return true;
                }

                rig.Store.CompleteAll();
                return false;
            },
            "the read-ahead sent");
        rig.Settle();
        Assert.True(read.IsCompleted, "the read is answered before its read-ahead");
        Assert.Equal(1, rig.Stat(file.VmObject).Pip);
        rig.Store.CompleteAll();
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }
}
