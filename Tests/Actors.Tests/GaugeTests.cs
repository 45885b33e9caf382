using Xunit.Abstractions;
using ActorPager.Actors.Tests.Support;
using ActorPager.Messages;
using Akka.Actor;

namespace ActorPager.Actors.Tests;

/// <summary>
/// The pager's gauges (dirty, busy, pip, queues, objects) are running sums the VM objects keep:
/// at every quiet point they equal the sums of the objects' own counts, and an object that is
/// destroyed takes its share out.
/// </summary>
public sealed class GaugeTests(ITestOutputHelper output) : PagerTestKit(output)
{
    private const int Page = Rig.Page;

    private static void AssertGaugesMatch(Rig rig, IReadOnlyList<PagerFile> open, string when)
    {
        var stats = open.Select(f => rig.Stat(f.VmObject)).ToList();
        var g = rig.Memory.Gauges;
        var expected = (Objects: (long)stats.Count, Dirty: stats.Sum(s => (long)s.Dirty), Busy: stats.Sum(s => (long)s.Busy), Pip: stats.Sum(s => (long)s.Pip),
            Active: stats.Sum(s => (long)s.Active), Inactive: stats.Sum(s => (long)s.Inactive), Laundry: stats.Sum(s => (long)s.Laundry));
        var actual = (g.Objects, g.DirtyPages, g.BusyPages, g.Pip, g.ActivePages, g.InactivePages, g.LaundryPages);
        Assert.True(expected == actual, $"{rig.Tag}, {when}: gauges {actual}, the objects' sums {expected}");
    }

    [Fact]
    public void Gauges_EqualTheObjectsSums_ThroughWritesCleansEvictionTruncateAndDestroy()
    {
        for (var seed = 1; seed <= 10; seed++)
        {
            // 24 frames for 3 files of 12 pages: reading and writing them all needs the page daemon.
            var rig = StartRig(seed, frames: 24, configure: o => o with { FreeTarget = 6, DaemonInterval = TimeSpan.FromSeconds(1) });
            var files = new List<PagerFile>();
            foreach (var name in new[] { "a", "b", "c" })
            {
                rig.Fill(name, 12 * Page);
                files.Add(rig.Open(name));
            }

            AssertGaugesMatch(rig, files, "opened");
            var work = new List<Task<object>>();
            foreach (var file in files)
            {
                work.Add(rig.Send(file.VmObject, new VmObjectProtocol.Read(0, new byte[12 * Page])));
                work.Add(rig.Send(file.Vnode, new VnodeProtocol.Write((3 * Page) + 100, new byte[2 * Page])));
                work.Add(rig.Send(file.VmObject, new VmObjectProtocol.Clean(PutFlags.None)));
            }

            rig.Run(() => work.All(t => t.IsCompleted), "reads, writes and async cleans");
            rig.RunFor(TimeSpan.FromSeconds(3));
            AssertGaugesMatch(rig, files, "after reads, writes, cleans and the daemon");

            rig.Ask<VnodeProtocol.WriteReply>(files[0].Vnode, new VnodeProtocol.Write(20 * Page, new byte[100], Sync: true));
            rig.Ask<VnodeProtocol.SetSizeReply>(files[1].Vnode, new VnodeProtocol.SetSize(2 * Page));
            AssertGaugesMatch(rig, files, "after a sync write past EOF and a truncate");

            var gone = files[2];
            gone.VmObject.Tell(VmObjectProtocol.Deallocate.Instance);
            rig.Ask<VnodeProtocol.VObjectReply>(gone.Vnode, VnodeProtocol.DestroyVObject.Instance);
            files.Remove(gone);
            AssertGaugesMatch(rig, files, "after destroying one object");
            rig.AssertClean();
        }
    }
}
