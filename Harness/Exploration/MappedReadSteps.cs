using ActorPager.Actors;
using ActorPager.Harness.Dispatch;
using Akka.Actor;

namespace ActorPager.Harness.Exploration;

/// <summary>
/// The harness's hooks into mapped reads: each step of a mapped read (pinning a page, copying half
/// of it, validating) waits for a scheduling choice, so the VM objects' turns interleave with it,
/// and what a mapped read returns goes to the monitor's rule 61.
/// </summary>
internal sealed class MappedReadSteps(DeterministicSystem system, PagerMonitor monitor) : IMappedReadHooks
{
    public long Began(IActorRef vmObject, long offset, int length) => monitor.MappedReadBegan();

    public Task Step() => system.Yield();

    public void Returned(long mark, IActorRef vmObject, long offset, ReadOnlySpan<byte> bytes) =>
        monitor.OnMappedRead(mark, PagerMonitor.PathOf(vmObject), offset, bytes);
}
