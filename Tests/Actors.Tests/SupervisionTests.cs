using ActorPager.Actors.Tests.Support;
using ActorPager.Messages;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorPager.Actors.Tests;

/// <summary>
/// A VM object that throws is stopped, never restarted, and loses nothing silently: no frame with
/// store I/O in flight goes back to the pool before that I/O ends, its waiting clients and the log
/// say what was lost, and the vnode goes on with a new object.
/// </summary>
public sealed class SupervisionTests(ITestOutputHelper output) : PagerTestKit(output)
{
    private const int Page = Rig.Page;

    /// <summary>A getpages reply the object never asked for: a protocol violation that throws inside it.</summary>
    private static readonly VnodeProtocol.GetPagesReply Bogus = new(999_999, PagerStatus.Ok, []);

    private static int[] BusyFrames(Rig rig) =>
        Enumerable.Range(0, rig.Memory.FrameCount).Where(f => rig.Memory.Meta(f).IsBusy).ToArray();

    [Fact]
    [Rule(12, 58)]
    public void ObjectKilledMidRead_NoFrameReusedUntilItsIoFinishes()
    {
        var rig = StartRig(io: IoMode.Manual, frames: 16);
        rig.Fill("f", 16 * Page);
        var file = rig.Open("f");
        var fault = rig.Send(file.VmObject, new VmObjectProtocol.Fault(0));
        rig.Settle();
        var inFlight = BusyFrames(rig);
        Assert.True(inFlight.Length > 1 && rig.Store.PendingCount == 1, $"{rig.Tag}: expected one clustered read in flight, got {inFlight.Length} busy frames and {rig.Store.PendingCount} store operations");

        EventFilter.Error(contains: "the VM object of f failed").ExpectOne(() =>
        {
            file.VmObject.Tell(Bogus);
            rig.Settle();
        });

        // The client that was waiting hears it at once, naming the file.
        var failed = rig.Reply<VmObjectProtocol.ObjectFailed>(fault, "the fault's answer");
        Assert.Equal("f", failed.File);
        Assert.Equal(1, rig.Pager.Metrics.ObjectFailures);
        Assert.Equal(inFlight.Length, rig.Pager.Metrics.FramesHeldForIo);

        // Every free frame can be taken, and none of them is a frame the store is still reading into.
        var taken = TakeAllFrames(rig);
        Assert.Empty(taken.Intersect(inFlight));
        Assert.Equal(rig.Memory.FrameCount - inFlight.Length, taken.Count);
        GiveBack(rig, taken);

        // The read finishes: its completion answers a stopped object (a dead letter), and only then
        // do its frames go back to the pool.
        rig.Store.CompleteAll();
        rig.Settle();
        Assert.Equal(rig.Memory.FrameCount, rig.Memory.FreeCount);

        // The vnode goes on: a new open makes a new object that reads the file.
        var again = rig.Open("f");
        Assert.NotEqual(file.VmObject, again.VmObject);
        var read = rig.Send(again.VmObject, new VmObjectProtocol.Read(0, new byte[Page]));
        rig.Store.AutoComplete = true;
        Assert.Equal(Page, rig.Reply<VmObjectProtocol.ReadReply>(read, "the read through the new object").Bytes);
    }

    [Fact]
    [Rule(54)]
    public void ObjectWithDirtyPagesKilled_LossIsLoggedCountedAndFsyncSaysSo()
    {
        var rig = StartRig();
        rig.Fill("f", 4 * Page);
        var file = rig.Open("f");
        rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(Page, new byte[100]));

        EventFilter.Error(contains: "1 dirty pages were lost").ExpectOne(() =>
        {
            file.VmObject.Tell(Bogus);
            rig.Settle();
        });

        Assert.Equal(1, rig.Pager.Metrics.DirtyPagesLost);
        var fsync = rig.Ask<VnodeProtocol.FsyncReply>(file.Vnode, new VnodeProtocol.Fsync());
        Assert.True(fsync.Ok, $"{rig.Tag}: with no object there is nothing to write, and the store flush succeeds: {fsync.Error}");
        var attributes = rig.Ask<VnodeProtocol.VnodeAttributes>(file.Vnode, VnodeProtocol.GetAttributes.Instance);
        Assert.False(attributes.HasObject);
        Assert.False(attributes.LockHeld);
    }

    [Fact]
    public void FsyncWaitingOnAnObjectThatFails_AnswersNotDurableAndFreesTheVnode()
    {
        var rig = StartRig(io: IoMode.Manual);
        rig.Fill("f", 4 * Page);
        var file = rig.Open("f");
        var write = rig.Send(file.VmObject, new VmObjectProtocol.Write(0, new byte[100]));
        rig.Run(() => rig.Store.CompleteAll() >= 0 && write.IsCompleted, "the write (its page read completed by hand)");

        // The fsync's clean sends putpages, whose write waits in the store; the object then fails.
        var fsync = rig.Send(file.Vnode, new VnodeProtocol.Fsync());
        rig.Settle();
        EventFilter.Error(contains: "the VM object of f failed").ExpectOne(() =>
        {
            file.VmObject.Tell(Bogus);
            rig.Settle();
        });
        rig.Store.CompleteAll();

        var reply = rig.Reply<VnodeProtocol.FsyncReply>(fsync, "the fsync");
        Assert.False(reply.Ok);
        Assert.Contains("VM object failed", reply.Error, StringComparison.Ordinal);
        Assert.False(rig.Ask<VnodeProtocol.VnodeAttributes>(file.Vnode, VnodeProtocol.GetAttributes.Instance).LockHeld);
        Assert.Equal(rig.Memory.FrameCount, rig.Memory.FreeCount);
    }

    [Fact]
    public async Task PagerFile_ObjectFailsUnderARead_ThrowsNamingTheFileThenFailsFast()
    {
        var rig = StartRig(io: IoMode.Manual);
        rig.Fill("f", 4 * Page);
        var file = rig.Open("f");
        var read = file.ReadAsync(0, new byte[Page]);
        rig.Settle();
        Assert.False(read.IsCompleted);

        EventFilter.Error(contains: "the VM object of f failed").ExpectOne(() =>
        {
            file.VmObject.Tell(Bogus);
            rig.Settle();
        });

        rig.Run(() => read.IsCompleted, "the read's answer");
        var error = await Assert.ThrowsAsync<PagerException>(() => read);
        Assert.Equal("f", error.FailedObjectFile);
        Assert.Contains("the VM object of f failed", error.Message, StringComparison.Ordinal);

        // The file knows now: a later call fails at once, with no step and no time-out.
        var steps = Dispatcher.StepCount;
        var later = file.ReadAsync(0, new byte[Page]);
        Assert.True(later.IsFaulted);
        Assert.Equal("f", (await Assert.ThrowsAsync<PagerException>(() => later)).FailedObjectFile);
        Assert.Equal(steps, Dispatcher.StepCount);
    }

    private static List<int> TakeAllFrames(Rig rig)
    {
        var taken = new List<int>();
        while (rig.Memory.TryAllocate(-1, out var frame))
        {
            taken.Add(frame);
        }

        return taken;
    }

    private static void GiveBack(Rig rig, List<int> frames)
    {
        foreach (var frame in frames)
        {
            rig.Memory.Free(frame);
        }
    }
}
