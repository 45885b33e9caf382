using Xunit.Abstractions;
using ActorPager.Actors.Tests.Support;
using ActorPager.Messages;
using Akka.Actor;

namespace ActorPager.Actors.Tests;

/// <summary>vnode_pager_setsize (§2.7): shrinking and growing, through the vnode's SetSize VOP.</summary>
public sealed class TruncateTests(ITestOutputHelper output) : PagerTestKit(output)
{
    private const int Page = Rig.Page;

    private (Rig Rig, PagerFile File) Setup(long pages = 16)
    {
        var rig = StartRig();
        rig.Fill("f", pages * Page);
        var file = rig.Open("f");
        rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(0, new byte[pages * Page]));
        return (rig, file);
    }

    private VnodeProtocol.SetSizeReply SetSize(Rig rig, PagerFile file, long size) =>
        rig.Ask<VnodeProtocol.SetSizeReply>(file.Vnode, new VnodeProtocol.SetSize(size));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Page)]
    [InlineData((5 * Page) + 100)]
    [InlineData((15 * Page) + 4095)]
    [Rule(47)]
    public void SetSize_Shrink_NoPagePastTheNewEndAndSizesUpdated(long size)
    {
        var (rig, file) = Setup();
        var reply = SetSize(rig, file, size);
        Assert.Equal(new VnodeProtocol.SetSizeReply(size), reply);
        var pages = (size + Page - 1) / Page;
        var stat = rig.Stat(file.VmObject);
        Assert.Equal((size, pages), (stat.SizeBytes, stat.SizePages));
        Assert.All(rig.PageStates(file.VmObject, 0, 16), s => Assert.Equal(s.PIndex < pages, s.Resident));
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Fact]
    [Rule(48)]
    public void SetSize_Shrink_DiscardsDirtyDataPastTheEndWithoutWritingIt()
    {
        var (rig, file) = Setup();
        rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(10 * Page, new byte[3 * Page]));
        Assert.Equal(3, rig.Stat(file.VmObject).Dirty);
        SetSize(rig, file, 8 * Page);
        Assert.Equal(0, rig.Stat(file.VmObject).Dirty);
        Assert.True(rig.Ask<VnodeProtocol.FsyncReply>(file.Vnode, new VnodeProtocol.Fsync()).Ok);
        Assert.Empty(rig.Recorder.Puts);
        Assert.Equal(8 * Page, rig.StoreNow(() => rig.Store.GetSizeAsync("f")).Bytes);
        rig.AssertClean();
    }

    [Fact]
    [Rule(48, 12)]
    public void SetSize_Shrink_WaitsForAPageBeingPagedOut()
    {
        var (rig, file) = Setup();
        var pending = new List<(VnodeProtocol.PutPages Request, IActorRef Object)>();
        rig.Recorder.OnPut = (request, call) =>
        {
            pending.Add((request, call.Requester));
            call.Reply(new VnodeProtocol.PutPagesReply(request.RequestId, Enumerable.Repeat(PagerStatus.Pend, request.Pages.Length).ToArray(), []));
            return true;
        };
        rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(10 * Page, new byte[Page]));
        var clean = rig.Send(file.VmObject, new VmObjectProtocol.Clean(PutFlags.None));
        rig.Settle();
        var shrink = rig.Send(file.Vnode, new VnodeProtocol.SetSize(5 * Page));
        rig.Settle();
        Assert.False(shrink.IsCompleted, "the shrink waits for the page being written");
        Assert.True(rig.PageState(file.VmObject, 10).Resident);
        var (request, obj) = Assert.Single(pending);
        obj.Tell(Scripts.Completion(request), ActorRefs.Nobody);
        rig.Reply<VnodeProtocol.SetSizeReply>(shrink, "shrink");
        rig.Reply<VmObjectProtocol.CleanReply>(clean, "clean");
        Assert.False(rig.PageState(file.VmObject, 10).Resident);
        rig.AssertQuiet(file.VmObject);
        rig.AssertClean();
    }

    [Theory]
    [InlineData(700, 0x03)]
    [InlineData(512, 0x01)]
    [InlineData(1, 0x01)]
    [InlineData(3000, 0x3f)]
    [Rule(49, 19)]
    public void SetSize_ShrinkIntoAPage_ZeroesItsTailAndClearsDirtyBlocksPastEof(int tail, int dirtyLeft)
    {
        var (rig, file) = Setup();
        var data = new byte[Page];
        Array.Fill(data, (byte)0x44);
        rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(3 * Page, data));
        SetSize(rig, file, (3 * Page) + tail);
        var state = rig.PageState(file.VmObject, 3);
        Assert.Equal((byte)dirtyLeft, state.Dirty);
        Assert.Equal(Rig.Full, state.Valid);
        SetSize(rig, file, 4 * Page);
        var back = new byte[Page];
        rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(3 * Page, back));
        Assert.True(back.AsSpan(0, tail).IndexOfAnyExcept((byte)0x44) < 0);
        Assert.True(back.AsSpan(tail).IndexOfAnyExcept((byte)0) < 0, "bytes past the truncation point read as zero");
        Assert.True(rig.Ask<VnodeProtocol.FsyncReply>(file.Vnode, new VnodeProtocol.Fsync()).Ok);
        Assert.True(rig.StoreBytes("f", (3 * Page) + tail, Page - tail).AsSpan().IndexOfAnyExcept((byte)0) < 0);
        rig.AssertClean();
    }

    [Theory]
    [InlineData(16 * Page)]
    [InlineData((20 * Page) + 1)]
    [Rule(50)]
    public void SetSize_Grow_ChangesOnlyTheSizes(long size)
    {
        var (rig, file) = Setup();
        rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(2 * Page, new byte[10]));
        var before = rig.PageStates(file.VmObject, 0, 32);
        SetSize(rig, file, size);
        Assert.Equal(before, rig.PageStates(file.VmObject, 0, 32));
        Assert.Equal(size, rig.Stat(file.VmObject).SizeBytes);
        rig.AssertClean();
    }

    [Fact]
    [Rule(50)]
    public void SetSize_VnodeWithoutObject_SetsTheFileSizeOnly()
    {
        var rig = StartRig();
        rig.Fill("g", 2 * Page);
        var lookup = rig.Ask<MountProtocol.LookupReply>(rig.Mount, new MountProtocol.Lookup("g"));
        rig.Store.AutoComplete = true;
        Assert.Equal(new VnodeProtocol.SetSizeReply(Page), rig.Ask<VnodeProtocol.SetSizeReply>(lookup.Vnode, new VnodeProtocol.SetSize(Page)));
        Assert.False(rig.Ask<VnodeProtocol.VnodeAttributes>(lookup.Vnode, VnodeProtocol.GetAttributes.Instance).HasObject);
        Assert.Equal(Page, rig.StoreNow(() => rig.Store.GetSizeAsync("g")).Bytes);
        rig.AssertClean();
    }

    [Fact]
    [Rule(50, 55)]
    public void SetObjectSize_DeadObject_DoesNothing()
    {
        var (rig, file) = Setup();
        rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, VnodeProtocol.DestroyVObject.Instance);
        var before = rig.Stat(file.VmObject);
        Assert.True(before.Dead);
        var reply = rig.Ask<VmObjectProtocol.ObjectSizeSet>(file.VmObject, new VmObjectProtocol.SetObjectSize(Page));
        Assert.Equal(new VmObjectProtocol.ObjectSizeSet(16 * Page, 0), reply);
        Assert.Equal(before, rig.Stat(file.VmObject));
        rig.AssertClean();
    }
}
