using Xunit.Abstractions;
using ActorPager.Actors.Tests.Support;
using ActorPager.Messages;
using ActorPager.Storage;
using Akka.Actor;

namespace ActorPager.Actors.Tests;

/// <summary>Create, get and destroy of the VM object (§2.8), references, and nullfs stacking (§2.9).</summary>
public sealed class LifecycleTests(ITestOutputHelper output) : PagerTestKit(output)
{
    private const int Page = Rig.Page;

    private (Rig Rig, PagerFile File) Setup(IoMode io = IoMode.Scheduled)
    {
        var rig = StartRig(io: io);
        rig.Fill("f", 16 * Page);
        return (rig, rig.Open("f"));
    }

    private void Dirty(Rig rig, PagerFile file, params long[] pages)
    {
        foreach (var p in pages)
        {
            rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(p * Page, Enumerable.Repeat((byte)(0x30 + p), Page).ToArray()));
        }
    }

    private void DropReference(Rig rig, PagerFile file)
    {
        file.VmObject.Tell(VmObjectProtocol.Deallocate.Instance);
        rig.Settle();
    }

    [Fact]
    [Rule(52)]
    public void CreateVObject_WithALiveObject_ReturnsItAndMakesNoNewOne()
    {
        var (rig, file) = Setup();
        var reply = rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, VnodeProtocol.CreateVObject.Instance);
        Assert.Equal(new VnodeProtocol.VObjectReply(0, file.VmObject, Created: false), reply);
        rig.AssertClean();
    }

    [Fact]
    [Rule(52, 51)]
    public void CreateVObject_AfterDestroy_MakesANewObject()
    {
        var (rig, file) = Setup();
        DropReference(rig, file);
        rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, VnodeProtocol.DestroyVObject.Instance);
        var reply = rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, VnodeProtocol.CreateVObject.Instance);
        Assert.True(reply.Created);
        Assert.NotNull(reply.Object);
        Assert.NotEqual(file.VmObject, reply.Object);
        Assert.Equal(reply.Object, rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, new VnodeProtocol.GetVObject()).Object);
        rig.AssertClean();
    }

    [Fact]
    [Rule(51)]
    public void GetVObject_ReturnsTheObjectWhileItLivesAndEinvalAfterDestroy()
    {
        var (rig, file) = Setup();
        Assert.Equal(new VnodeProtocol.VObjectReply(0, file.VmObject), rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, new VnodeProtocol.GetVObject()));
        Assert.Equal(new VnodeProtocol.VObjectReply(0, null), rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, new VnodeProtocol.GetVObject(WantObject: false)));
        Assert.True(rig.Ask<VnodeProtocol.VnodeAttributes>(file.Vnode, VnodeProtocol.GetAttributes.Instance).HasObject);
        rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, VnodeProtocol.DestroyVObject.Instance);
        Assert.Equal(VnodeProtocol.VObjectReply.EInval, rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, new VnodeProtocol.GetVObject()).Error);
        Assert.False(rig.Ask<VnodeProtocol.VnodeAttributes>(file.Vnode, VnodeProtocol.GetAttributes.Instance).HasObject);
        Assert.True(rig.Stat(file.VmObject).Dead, "the detached object is no longer of type VNODE");
        rig.AssertClean();
    }

    [Fact]
    [Rule(53)]
    public void Deallocate_LastReference_DoesNotTerminateTheObject()
    {
        var (rig, file) = Setup();
        Dirty(rig, file, 1);
        DropReference(rig, file);
        var stat = rig.Stat(file.VmObject);
        Assert.Equal((0, false, 1, 1), (stat.RefCount, stat.Dead, stat.Resident, stat.Dirty));
        Assert.Equal(FaultResult.Read, rig.Ask<VmObjectProtocol.FaultReply>(file.VmObject, new VmObjectProtocol.Fault(4)).Result);
        rig.AssertClean();
    }

    [Fact]
    [Rule(54, 56)]
    public void Destroy_NoReferences_WritesDirtyPagesSyncInTheTurnAndFreesEveryPage()
    {
        var (rig, file) = Setup();
        Dirty(rig, file, 1, 2, 7);
        rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(10 * Page, new byte[Page]));
        DropReference(rig, file);
        var reply = rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, VnodeProtocol.DestroyVObject.Instance);
        Assert.Equal(new VnodeProtocol.VObjectReply(0, null), reply);
        Assert.Equal([(1L, 2L), (7L, 7L)], rig.Recorder.Puts.Select(p => (p.First, p.Last)));
        Assert.All(rig.Recorder.Puts, p => Assert.True((p.Request.Flags & PutFlags.Sync) != 0 && p.Request.LockToken != 0, $"{p.Request.Flags} token {p.Request.LockToken}"));
        Assert.Equal(0x37, rig.StoreBytes("f", 7 * Page, 1)[0]);
        rig.Settle();
        Assert.Equal(rig.Memory.FrameCount, rig.Memory.FreeCount);
        rig.AssertClean();
    }

    [Fact]
    [Rule(55)]
    public void Destroy_WithReferences_DetachesAndNeverWritesBack()
    {
        var (rig, file) = Setup();
        Dirty(rig, file, 3);
        rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, VnodeProtocol.DestroyVObject.Instance);
        var stat = rig.Stat(file.VmObject);
        Assert.Equal((true, 1, 1), (stat.Dead, stat.Resident, stat.Dirty));
        Assert.Empty(rig.Recorder.Puts);
        DropReference(rig, file);
        Assert.Empty(rig.Recorder.Puts);
        Assert.Equal(Rig.Pattern(3 * Page), rig.StoreBytes("f", 3 * Page, 1)[0]);
        Assert.Equal(rig.Memory.FrameCount, rig.Memory.FreeCount);
        rig.AssertClean();
    }

    [Fact]
    [Rule(56)]
    public void Destroy_HoldsTheVnodeUntilDone_OtherVopsWait()
    {
        var (rig, file) = Setup(io: IoMode.Manual);
        Dirty(rig, file, 2);
        DropReference(rig, file);
        var destroy = rig.Send(file.Vnode, VnodeProtocol.DestroyVObject.Instance);
        rig.Settle();
        var setSize = rig.Send(file.Vnode, new VnodeProtocol.SetSize(8 * Page));
        rig.Settle();
        var attributes = rig.Ask<VnodeProtocol.VnodeAttributes>(file.Vnode, VnodeProtocol.GetAttributes.Instance);
        Assert.True(attributes.LockHeld);
        Assert.Equal(1, attributes.Stashed);
        Assert.False(destroy.IsCompleted);
        rig.Store.CompleteAll();
        rig.Reply<VnodeProtocol.VObjectReply>(destroy, "destroy");
        rig.Settle();
        rig.Store.CompleteAll();
        Assert.Equal(8 * Page, rig.Reply<VnodeProtocol.SetSizeReply>(setSize, "setsize").Size);
        rig.AssertClean();
    }

    [Fact]
    [Rule(12, 58, 31)]
    public void Destroy_WithAPendWriteOutstanding_WaitsForItsCompletion()
    {
        var (rig, file) = Setup();
        var pending = new List<(VnodeProtocol.PutPages Request, IActorRef Object)>();
        rig.Recorder.OnPut = (request, call) =>
        {
            if ((request.Flags & PutFlags.Sync) != 0)
            {
                return false;
            }

            pending.Add((request, call.Requester));
            call.Reply(new VnodeProtocol.PutPagesReply(request.RequestId, Enumerable.Repeat(PagerStatus.Pend, request.Pages.Length).ToArray(), []));
            return true;
        };
        Dirty(rig, file, 4, 5);
        var clean = rig.Send(file.VmObject, new VmObjectProtocol.Clean(PutFlags.None));
        rig.Settle();
        DropReference(rig, file);
        var destroy = rig.Send(file.Vnode, VnodeProtocol.DestroyVObject.Instance);
        rig.Settle();
        Assert.False(destroy.IsCompleted, "terminate waits for pip to drain");
        var (request, obj) = Assert.Single(pending);
        obj.Tell(Scripts.Completion(request), ActorRefs.Nobody);
        rig.Reply<VmObjectProtocol.CleanReply>(clean, "clean");
        rig.Reply<VnodeProtocol.VObjectReply>(destroy, "destroy");
        rig.Settle();
        Assert.Equal(rig.Memory.FrameCount, rig.Memory.FreeCount);
        rig.AssertClean();
    }

    [Fact]
    [Rule(12, 13, 58)]
    public void Destroy_WithAFaultInFlight_WaitsForTheFault()
    {
        var (rig, file) = Setup(io: IoMode.Manual);
        DropReference(rig, file);
        var fault = rig.Send(file.VmObject, new VmObjectProtocol.Fault(3));
        rig.Settle();
        var destroy = rig.Send(file.Vnode, VnodeProtocol.DestroyVObject.Instance);
        rig.Settle();
        Assert.False(destroy.IsCompleted);
        rig.Store.CompleteAll();
        Assert.Equal(FaultResult.Read, rig.Reply<VmObjectProtocol.FaultReply>(fault, "fault").Result);
        rig.Reply<VnodeProtocol.VObjectReply>(destroy, "destroy");
        rig.Settle();
        Assert.Equal(rig.Memory.FrameCount, rig.Memory.FreeCount);
        rig.AssertClean();
    }

    [Fact]
    [Rule(57)]
    public void Nullfs_UpperVnode_SharesTheLowerObjectAndPagesThroughTheLowerVnode()
    {
        var rig = StartRig();
        rig.Fill("f", 8 * Page);
        rig.Pager.MountNull("n", "m");
        var lower = rig.Open("f");
        var upper = rig.Open("f", mount: "n");
        Assert.Equal(lower.VmObject, upper.VmObject);
        Assert.NotEqual(lower.Vnode, upper.Vnode);
        Assert.Equal(lower.VmObject, rig.Ask<VnodeProtocol.VObjectReply>(upper.Vnode, new VnodeProtocol.GetVObject()).Object);
        rig.Ask<VmObjectProtocol.ReadReply>(upper.VmObject, new VmObjectProtocol.Read(0, new byte[Page]));
        rig.Ask<VmObjectProtocol.WriteReply>(upper.VmObject, new VmObjectProtocol.Write(Page, new byte[Page]));
        rig.Ask<VnodeProtocol.FsyncReply>(upper.Vnode, new VnodeProtocol.Fsync());
        Assert.All(rig.Recorder.Gets, g => Assert.Equal(lower.Vnode.Path.ToString(), g.Vnode));
        Assert.All(rig.Recorder.Puts, p => Assert.Equal(lower.Vnode.Path.ToString(), p.Vnode));
        Assert.NotEmpty(rig.Recorder.Puts);

        // The upper vnode never destroys the lower object.
        rig.Ask<VnodeProtocol.VObjectReply>(upper.Vnode, VnodeProtocol.DestroyVObject.Instance);
        Assert.False(rig.Stat(lower.VmObject).Dead);
        Assert.Equal(lower.VmObject, rig.Ask<VnodeProtocol.VObjectReply>(lower.Vnode, new VnodeProtocol.GetVObject()).Object);
        rig.AssertClean();
    }

    [Fact]
    [Rule(57)]
    public void Nullfs_WriteThroughUpper_IsSeenThroughLower()
    {
        var rig = StartRig();
        rig.Fill("f", 4 * Page);
        rig.Pager.MountNull("n", "m");
        var upper = rig.Open("f", mount: "n");
        var lower = rig.Open("f");
        rig.Ask<VmObjectProtocol.WriteReply>(upper.VmObject, new VmObjectProtocol.Write(100, new byte[] { 9, 9, 9 }));
        var back = new byte[3];
        rig.Ask<VmObjectProtocol.ReadReply>(lower.VmObject, new VmObjectProtocol.Read(100, back));
        Assert.Equal(new byte[] { 9, 9, 9 }, back);
        rig.AssertClean();
    }

    [Fact]
    [Rule(57)]
    public void Nullfs_LowerLookupFails_OnlyThatPathsWaitersHearIt()
    {
        var rig = StartRig();
        var store = new ScriptedStore
        {
            // An error whose text names the other path: the stacked mount must match by path, not by text.
            OnGetSize = file => file == "a" ? ScriptedStore.IoError("cannot stat 'b' next to it") : null,
        };
        rig.StoreNow(() => store.WriteAsync("b", 0, new byte[10], WriteDurability.Durable));
        rig.Pager.Mount("s", store);
        rig.Pager.MountNull("n", "s");
        var upper = rig.Pager.MountRef("n");

        var a = rig.Send(upper, new MountProtocol.Lookup("a"));
        var b = rig.Send(upper, new MountProtocol.Lookup("b"));

        var failed = rig.Reply<MountProtocol.LookupFailed>(a, "lookup of a");
        Assert.Equal("a", failed.Path);
        Assert.Contains("mount n (over s)", failed.Reason, StringComparison.Ordinal);
        Assert.Equal("b", rig.Reply<MountProtocol.LookupReply>(b, "lookup of b").Path);
        rig.AssertClean();
    }
}
