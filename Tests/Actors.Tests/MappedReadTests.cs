using ActorPager.Actors.Tests.Support;
using ActorPager.Actors.Vm;
using ActorPager.Messages;
using Xunit.Abstractions;

namespace ActorPager.Actors.Tests;

/// <summary>
/// Mapped reads (the pmap, docs/pager.md): a read of mapped resident pages sends no message and
/// returns the pages' bytes; the object unmaps a page before it changes or frees it, and a reader
/// that races the unmap falls back to a message. The races themselves are explored over seeds by
/// the harness's mapped-* scenarios (rules 59-61); these tests pin down each path once.
/// </summary>
public sealed class MappedReadTests(ITestOutputHelper output) : PagerTestKit(output)
{
    private const int Page = Rig.Page;

    private static byte[] Expected(long offset, int length) => Enumerable.Range(0, length).Select(i => Rig.Pattern(offset + i)).ToArray();

    /// <summary>Reads through the file's API, running the dispatcher until the read is done.</summary>
    private static byte[] ReadFile(Rig rig, PagerFile file, long offset, int length)
    {
        var buffer = new byte[length];
        var read = file.ReadAsync(offset, buffer);
        rig.Run(() => read.IsCompleted, $"read at {offset}");
        return buffer[..read.Result];
    }

    [Fact]
    public void Read_SecondTimeOfResidentPages_IsMappedAndSendsNoMessage()
    {
        var rig = StartRig(frames: 64);
        rig.Fill("f", 4 * Page);
        var file = rig.Open("f");
        Assert.Equal(Expected(100, 3 * Page), ReadFile(rig, file, 100, 3 * Page));
        rig.Settle();
        Assert.True(rig.PageState(file.VmObject, 1).Mapped, $"{rig.Tag}: page 1 mapped after the read");

        var reads = rig.Deliveries("Read");
        var buffer = new byte[3 * Page];
        Assert.True(file.TryReadMapped(100, buffer, out var bytes), $"{rig.Tag}: the second read is mapped");
        Assert.Equal(3 * Page, bytes);
        Assert.Equal(Expected(100, 3 * Page), buffer);
        Assert.Equal(reads, rig.Deliveries("Read"));
        Assert.Equal(1, rig.Memory.Metrics.MappedReads);
    }

    [Fact]
    public void Write_ToMappedPage_UnmapsItAndTheNextReadSeesTheNewBytes()
    {
        var rig = StartRig(frames: 64);
        rig.Fill("f", 2 * Page);
        var file = rig.Open("f");
        ReadFile(rig, file, 0, 2 * Page);
        var write = file.WriteAsync(Page + 10, new byte[] { 0, 0, 0 });
        rig.Run(() => write.IsCompleted, "the write");

        var after = ReadFile(rig, file, Page, Page);
        Assert.Equal(new byte[] { 0, 0, 0 }, after[10..13]);
        Assert.Equal(Expected(Page, 10), after[..10]);
        rig.Settle();
        Assert.True(rig.PageState(file.VmObject, 1).Mapped, $"{rig.Tag}: mapped again once written and read");
    }

    [Fact]
    [Rule(49)]
    public void Truncate_IntoMappedPage_ReadsAfterItStopAtTheNewEnd()
    {
        var rig = StartRig(frames: 64);
        rig.Fill("f", 3 * Page);
        var file = rig.Open("f");
        ReadFile(rig, file, 0, 3 * Page);
        var truncate = file.TruncateAsync(Page + 300);
        rig.Run(() => truncate.IsCompleted, "the truncate");
        rig.Settle();
        Assert.False(rig.PageState(file.VmObject, 1).Mapped, $"{rig.Tag}: the EOF page is unmapped when its tail is zeroed");
        Assert.False(file.TryReadMapped(Page, new byte[Page], out _), $"{rig.Tag}: no mapped read of the zeroed page");
        Assert.Equal(Expected(0, Page + 300), ReadFile(rig, file, 0, 3 * Page));
    }

    [Fact]
    [Rule(55)]
    public void Destroy_WithReferences_UnmapsEverythingAndReadsAreRefused()
    {
        var rig = StartRig(frames: 64);
        rig.Fill("f", 2 * Page);
        var file = rig.Open("f");
        ReadFile(rig, file, 0, 2 * Page);
        rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, VnodeProtocol.DestroyVObject.Instance);
        Assert.False(file.TryReadMapped(0, new byte[Page], out _), $"{rig.Tag}: a detached object's pages are not read without a message");
        var read = file.ReadAsync(0, new byte[Page]);
        rig.Run(() => read.IsCompleted, "the read");
        Assert.IsType<PagerException>(read.Exception?.InnerException);
    }

    [Fact]
    public void MappedReadsOff_NothingIsMapped()
    {
        var rig = StartRig(frames: 64, configure: o => o with { MappedReads = false });
        rig.Fill("f", 2 * Page);
        var file = rig.Open("f");
        ReadFile(rig, file, 0, 2 * Page);
        Assert.False(file.TryReadMapped(0, new byte[Page], out _));
        Assert.False(rig.PageState(file.VmObject, 0).Mapped);
    }

    [Fact]
    public void ReferencedBit_SetByAMappedRead_IsReportedOnceToThePageDaemon()
    {
        var memory = new PhysicalMemory(Page, 8);
        Assert.True(memory.TryAllocate(0, out var frame));
        Assert.False(memory.TestAndClearReferenced(frame));
        memory.Reference(frame);
        Assert.True(memory.TestAndClearReferenced(frame));
        Assert.False(memory.TestAndClearReferenced(frame));
    }

    // ---- the seqlock itself, on a PageMap over a bare frame pool ----

    private static (PhysicalMemory Memory, PageMap Map, int Frame) Mapped(byte fill)
    {
        var memory = new PhysicalMemory(Page, 4);
        Assert.True(memory.TryAllocate(0, out var frame));
        memory.FrameSpan(frame).Fill(fill);
        var map = new PageMap(memory);
        map.PublishSize(Page);
        map.Enter(0, frame);
        return (memory, map, frame);
    }

    [Fact]
    public async Task SteppedRead_UnmapAndRewriteBetweenTheHalves_FallsBack()
    {
        var (memory, map, frame) = Mapped(1);
        var steps = 0;
        var read = await map.ReadSteppedAsync(0, new byte[Page], () =>
        {
            if (++steps == 2)
            {
                // After the first half's copy: the object unmaps, rewrites and maps the page again.
                map.Remove(0);
                memory.FrameSpan(frame).Fill(2);
                map.Enter(0, frame);
            }

            return Task.CompletedTask;
        });
        Assert.Equal(-1, read);
        Assert.True(map.TryRead(0, new byte[Page], out var bytes));
        Assert.Equal(Page, bytes);
    }

    [Fact]
    public async Task SteppedRead_NothingChanges_ReturnsThePage()
    {
        var (_, map, _) = Mapped(7);
        var buffer = new byte[Page];
        Assert.Equal(Page, await map.ReadSteppedAsync(0, buffer, () => Task.CompletedTask));
        Assert.All(buffer, b => Assert.Equal(7, b));
    }

    [Fact]
    public async Task SteppedRead_SizeShrinksMidRead_FallsBack()
    {
        var (_, map, _) = Mapped(3);
        var read = await map.ReadSteppedAsync(0, new byte[Page], () =>
        {
            map.PublishSize(100);
            return Task.CompletedTask;
        });
        Assert.Equal(-1, read);
    }

    [Fact]
    public void TryRead_UnmappedOrClosed_IsFalse()
    {
        var (_, map, frame) = Mapped(5);
        Assert.False(map.TryRead(Page, new byte[10], out _));
        map.Remove(0);
        Assert.False(map.TryRead(0, new byte[10], out _));
        map.Enter(0, frame);
        Assert.True(map.TryRead(0, new byte[10], out _));
        map.Close();
        Assert.False(map.TryRead(0, new byte[10], out _));
        Assert.Equal(0, map.Count);
    }
}
