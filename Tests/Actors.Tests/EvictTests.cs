using ActorPager.Actors.Tests.Support;
using ActorPager.Messages;
using Xunit.Abstractions;

namespace ActorPager.Actors.Tests;

/// <summary>
/// MountProtocol.Evict: when the cluster moves a file to another node, this node's vnode of it is
/// recycled as soon as nobody uses it (its dirty pages written back, every frame freed), and a
/// lookup in between waits for a new vnode instead of getting the old one with its old pages.
/// </summary>
public sealed class EvictTests(ITestOutputHelper output) : PagerTestKit(output)
{
    private const int Seeds = 30;

    private static byte[] Bytes(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    /// <summary>Runs <paramref name="scenario"/> on seeds 1..<see cref="Seeds"/>; a failure names the seed and the trace.</summary>
    private void ForEachSeed(Action<Rig> scenario)
    {
        for (var seed = 1L; seed <= Seeds; seed++)
        {
            var rig = StartRig(seed);
            try
            {
                scenario(rig);
                rig.AssertClean();
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException || !e.Message.StartsWith("seed ", StringComparison.Ordinal))
            {
                throw new Xunit.Sdk.XunitException($"{rig.Tag}: {e.Message}\n{rig.TraceTail(40)}");
            }
        }
    }

    [Fact]
    [Rule(54)]
    public void Evict_UnusedVnode_DirtyPagesWrittenEveryFrameFreedNextLookupGetsANewVnode()
    {
        ForEachSeed(rig =>
        {
            rig.Fill("f", 4 * Rig.Page);
            var file = rig.Open("f");
            rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(Rig.Page, Bytes(Rig.Page, 0x3c)));
            rig.Run(() => file.DisposeAsync().IsCompleted, "close");
            rig.Settle();

            rig.Mount.Tell(new MountProtocol.Evict("f"), rig.Probe);
            rig.Settle();

            Assert.True(rig.Memory.FreeCount == rig.Memory.FrameCount, $"{rig.Tag}: {rig.Memory.FrameCount - rig.Memory.FreeCount} frames still held after the evict");
            Assert.True(rig.StoreBytes("f", Rig.Page, Rig.Page).AsSpan().IndexOfAnyExcept((byte)0x3c) < 0, $"{rig.Tag}: the dirty page was not written back at evict");
            var again = rig.Ask<MountProtocol.LookupReply>(rig.Mount, new MountProtocol.Lookup("f"));
            Assert.NotEqual(file.Vnode, again.Vnode);
        });
    }

    [Fact]
    [Rule(54)]
    public void Evict_VnodeInUse_RecycledWhenReleasedAndALookupMeanwhileWaitsForTheNewVnode()
    {
        ForEachSeed(rig =>
        {
            rig.Fill("f", 2 * Rig.Page);
            var file = rig.Open("f");
            rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(0, new byte[Rig.Page]));

            rig.Mount.Tell(new MountProtocol.Evict("f"), rig.Probe);
            var lookup = rig.Send(rig.Mount, new MountProtocol.Lookup("f"));
            rig.Settle();
            Assert.False(lookup.IsCompleted, $"{rig.Tag}: a lookup of an evicted vnode still in use was answered with the old vnode");
            Assert.True(rig.Memory.FreeCount < rig.Memory.FrameCount, $"{rig.Tag}: the vnode was recycled while in use");

            rig.Run(() => file.DisposeAsync().IsCompleted, "close");
            var reply = rig.Reply<MountProtocol.LookupReply>(lookup, "the lookup after the evicted vnode stopped");
            Assert.NotEqual(file.Vnode, reply.Vnode);
            rig.Settle();
            Assert.True(rig.Memory.FreeCount == rig.Memory.FrameCount, $"{rig.Tag}: {rig.Memory.FrameCount - rig.Memory.FreeCount} frames still held after the evicted vnode stopped");
        });
    }
}
