using Xunit.Abstractions;
using ActorPager.Actors.Tests.Support;
using ActorPager.Messages;

namespace ActorPager.Actors.Tests;

/// <summary>
/// VOP_WRITE: a client's write is one turn of the vnode (extend, copy in, and with sync write back
/// exactly the range written and flush), so nothing runs between its steps.
/// </summary>
public sealed class WriteVopTests(ITestOutputHelper output) : PagerTestKit(output)
{
    private const int Page = Rig.Page;

    private static byte[] Bytes(int length, byte value)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        return bytes;
    }

    [Fact]
    public void Write_PastEof_ExtendsTheObjectTheVnodeAndTheStoreAndCopiesIn()
    {
        var rig = StartRig();
        rig.Fill("f", 2 * Page);
        var file = rig.Open("f");
        var reply = rig.Ask<VnodeProtocol.WriteReply>(file.Vnode, new VnodeProtocol.Write((3 * Page) + 10, Bytes(100, 0x5a)));
        Assert.Equal(new VnodeProtocol.WriteReply(100, PagerStatus.Ok, (3 * Page) + 110, Durable: false), reply);
        Assert.Equal((3 * Page) + 110, rig.Stat(file.VmObject).SizeBytes);
        Assert.Equal((3 * Page) + 110, rig.Ask<VnodeProtocol.VnodeAttributes>(file.Vnode, VnodeProtocol.GetAttributes.Instance).Size);
        Assert.Equal((3 * Page) + 110, rig.StoreNow(() => rig.Store.GetSizeAsync("f")).Bytes);
        var back = new byte[110];
        rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(3 * Page, back));
        Assert.Equal(new byte[10].Concat(Bytes(100, 0x5a)), back);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(46)]
    public void Write_Sync_WritesBackExactlyThePagesWrittenAndLeavesOtherDirtyPagesDirty()
    {
        var rig = StartRig();
        rig.Fill("f", 16 * Page);
        var file = rig.Open("f");
        rig.Ask<VnodeProtocol.WriteReply>(file.Vnode, new VnodeProtocol.Write(10 * Page, Bytes(Page, 1)));
        var reply = rig.Ask<VnodeProtocol.WriteReply>(file.Vnode, new VnodeProtocol.Write((2 * Page) + 100, Bytes(Page, 2), Sync: true));
        Assert.Equal(new VnodeProtocol.WriteReply(Page, PagerStatus.Ok, 16 * Page, Durable: true), reply);

        var put = Assert.Single(rig.Recorder.Puts);
        Assert.Equal((2L, 3L), (put.First, put.Last));
        Assert.True((put.Request.Flags & PutFlags.Sync) != 0, "the write-back is synchronous");
        Assert.Equal(Bytes(Page, 2), rig.StoreBytes("f", (2 * Page) + 100, Page));
        Assert.Equal((0, 0, Rig.Full), (rig.PageState(file.VmObject, 2).Dirty, rig.PageState(file.VmObject, 3).Dirty, rig.PageState(file.VmObject, 10).Dirty));
        Assert.Equal(1, rig.Stat(file.VmObject).Dirty);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(47)]
    public void Write_TruncateSentWhileTheWriteExtends_WaitsForTheWholeWrite()
    {
        // Before VOP_WRITE a write was three requests (extend, copy, fsync): a truncate between the
        // first two made the copy fall past EOF and be refused.
        var rig = StartRig(io: IoMode.Manual);
        rig.Fill("f", 2 * Page);
        var file = rig.Open("f");
        var write = rig.Send(file.Vnode, new VnodeProtocol.Write(4 * Page, Bytes(Page, 7), Sync: true));
        rig.Settle();
        var truncate = rig.Send(file.Vnode, new VnodeProtocol.SetSize(Page));
        rig.Settle();
        rig.Run(
            () =>
            {
                rig.Store.CompleteAll();
                return write.IsCompleted && truncate.IsCompleted;
            },
            "the write and the truncate");

        Assert.Equal(new VnodeProtocol.WriteReply(Page, PagerStatus.Ok, 5 * Page, Durable: true), rig.Reply<VnodeProtocol.WriteReply>(write, "write"));
        Assert.Equal(new VnodeProtocol.SetSizeReply(Page), rig.Reply<VnodeProtocol.SetSizeReply>(truncate, "truncate"));
        // The truncate ran after the whole write (else the write would have made the file 5 pages).
        Assert.Equal(Page, rig.StoreNow(() => rig.Store.GetSizeAsync("f")).Bytes);
        Assert.Equal(Page, rig.Stat(file.VmObject).SizeBytes);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public void Write_NegativeOffset_RejectedNamingItAndNothingChanges(long offset)
    {
        var rig = StartRig();
        rig.Fill("f", 2 * Page);
        var file = rig.Open("f");
        var rejected = rig.Ask<RequestRejected>(file.Vnode, new VnodeProtocol.Write(offset, Bytes(10, 1)));
        Assert.Contains($"negative offset {offset}", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal((2L * Page, 0), (rig.Stat(file.VmObject).SizeBytes, rig.Stat(file.VmObject).Dirty));
        rig.AssertClean();
    }
}
