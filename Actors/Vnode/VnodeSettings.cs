using ActorPager.Actors.Pager;
using ActorPager.Actors.Vm;
using Akka.Actor;
using ActorPager.Storage;

namespace ActorPager.Actors.Vnode;

/// <summary>What a vnode needs from its mount.</summary>
/// <param name="File">The file's name in the store.</param>
/// <param name="Store">The backing store.</param>
/// <param name="Pager">The pager implementation.</param>
/// <param name="Memory">The frame pool.</param>
/// <param name="Options">The VM settings.</param>
/// <param name="Daemon">The page daemon, told about new objects.</param>
internal sealed record VnodeSettings(string File, IPageStore Store, IPager Pager, PhysicalMemory Memory, PagerOptions Options, IActorRef? Daemon)
{
    public int ClusterMax => Options.ClusterMax;
}
