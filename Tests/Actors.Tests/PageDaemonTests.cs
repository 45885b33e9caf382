using Xunit.Abstractions;
using ActorPager.Actors.Tests.Support;
using ActorPager.Messages;
using static ActorPager.Actors.Tests.Support.Rig;

namespace ActorPager.Actors.Tests;

/// <summary>The page daemon's own loop: the free target on its timer, dirty aging, and a forced sync under a shortage.</summary>
public sealed class PageDaemonTests(ITestOutputHelper output) : PagerTestKit(output)
{
    [Fact]
    public void Daemon_FreeFramesBelowTarget_FreesCleanPagesOnItsTimer()
    {
        var rig = StartRig(frames: 16, configure: o => o with { FreeTarget = 10, DaemonInterval = TimeSpan.FromSeconds(1) });
        rig.Fill("f", 14 * Page);
        var file = rig.Open("f");
        var buffer = new byte[14 * Page];
        var read = rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(0, buffer));
        Assert.Equal(14 * Page, read.Bytes);
        Assert.True(rig.Memory.FreeCount < 10, $"{rig.Tag}: the read should leave fewer than 10 frames free, left {rig.Memory.FreeCount}");

        rig.RunFor(TimeSpan.FromSeconds(3));

        Assert.True(rig.Memory.FreeCount >= 10, $"{rig.Tag}: the daemon should have freed frames up to the target of 10, free {rig.Memory.FreeCount}");
        Assert.Equal(0, rig.Stat(file.VmObject).Dirty);
        Assert.Empty(rig.Errors);
    }

    [Fact]
    public void Daemon_PageDirtyLongerThanDirtyAge_IsWrittenBack()
    {
        var rig = StartRig(frames: 32, configure: o => o with { DirtyAge = TimeSpan.FromSeconds(5), DaemonInterval = TimeSpan.FromSeconds(1) });
        rig.Fill("f", 4 * Page);
        var file = rig.Open("f");
        var data = new byte[Page];
        Array.Fill(data, (byte)0x5a);
        Assert.Equal(Page, rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(Page, data)).Bytes);
        Assert.Equal(1, rig.Stat(file.VmObject).Dirty);

        rig.RunFor(TimeSpan.FromSeconds(3));
        Assert.Equal(1, rig.Stat(file.VmObject).Dirty);

        rig.RunFor(TimeSpan.FromSeconds(5));
        Assert.Equal(0, rig.Stat(file.VmObject).Dirty);
        var back = new byte[Page];
        rig.StoreNow(() => rig.Store.ReadAsync("f", Page, back));
        Assert.Equal(data, back);
        Assert.Contains(rig.Recorder.Puts, p => p.Request.Pages[0].PIndex == 1 && (p.Request.Flags & PutFlags.Sync) == 0);
    }

    [Fact]
    [Rule(28)]
    public void Daemon_FreeFramesBelowMinimum_LaundersWithTheSyncFlag()
    {
        var rig = StartRig(frames: 16, configure: o => o with { FreeTarget = 12, FreeMin = 12, DaemonInterval = TimeSpan.FromSeconds(1) });
        rig.Fill("f", 14 * Page);
        var file = rig.Open("f");
        var data = new byte[14 * Page];
        Array.Fill(data, (byte)7);
        Assert.Equal(14 * Page, rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(0, data)).Bytes);

        // Age the pages into the inactive queue through a reclaim pass, then let the daemon run.
        rig.RunFor(TimeSpan.FromSeconds(5));

        Assert.NotEmpty(rig.Recorder.Puts);
        Assert.All(rig.Recorder.Puts, p => Assert.True((p.Request.Flags & PutFlags.Sync) != 0, $"{rig.Tag}: putpages #{p.Request.RequestId} under a shortage must carry the sync flag"));
        Assert.Empty(rig.Errors);
    }

    [Fact]
    public void Write_MoreDirtyPagesThanFrames_DaemonLaundersAndEveryWriteLands()
    {
        var rig = StartRig(frames: 8, configure: o => o with { PhysicalMemory = 8 * Page, ReadAhead = 0, ReadBehind = 0, DaemonInterval = TimeSpan.FromSeconds(1) });
        rig.Fill("f", 24 * Page);
        var file = rig.Open("f");
        for (var p = 0; p < 24; p++)
        {
            var data = new byte[Page];
            Array.Fill(data, (byte)(p + 1));
            Assert.Equal(Page, rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(p * (long)Page, data), TimeSpan.FromMinutes(10)).Bytes);
        }

        Assert.True(rig.Ask<VnodeProtocol.FsyncReply>(file.Vnode, new VnodeProtocol.Fsync()).Ok, rig.Tag);
        for (var p = 0; p < 24; p++)
        {
            var back = new byte[Page];
            rig.StoreNow(() => rig.Store.ReadAsync("f", p * (long)Page, back));
            Assert.True(back.All(b => b == p + 1), $"{rig.Tag}: page {p} did not reach the store");
        }

        Assert.Empty(rig.Errors);
    }
}
