using Akka.Actor;
using Akka.Cluster;

namespace ActorPager.Service.Cluster;

/// <summary>
/// Completes <see cref="Next"/> each time a member leaves the cluster (removed: downed or left).
/// An ask sent to a node that died is lost; the shard region sends requests to the file's new owner
/// only once the dead node is removed (and its shards are allocated again, a moment later). So a
/// request waiting on such an ask is sent again soon after that moment, and for a while after it
/// asks wait a shorter time, rather than a whole ask time-out each: a failover then takes little
/// more than the time the cluster needs to remove the node.
/// </summary>
internal sealed class MembershipSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private long _lastRemoval = long.MinValue;

    /// <summary>A task that completes at the next removal of a member.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>True within <paramref name="window"/> after a member was removed: the shards are moving.</summary>
    public bool RemovedWithin(TimeSpan window)
    {
        var last = Interlocked.Read(ref _lastRemoval);
        return last != long.MinValue && System.Diagnostics.Stopwatch.GetElapsedTime(last) < window;
    }

    /// <summary>Starts listening to <paramref name="system"/>'s cluster events.</summary>
    public static MembershipSignal Start(ActorSystem system)
    {
        var signal = new MembershipSignal();
        system.ActorOf(Props.Create(() => new Listener(signal)), "membership-signal");
        return signal;
    }

    private void Fire()
    {
        Interlocked.Exchange(ref _lastRemoval, System.Diagnostics.Stopwatch.GetTimestamp());
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private sealed class Listener : ReceiveActor
    {
        public Listener(MembershipSignal signal)
        {
            Receive<ClusterEvent.MemberRemoved>(_ => signal.Fire());
            Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
            Receive<ClusterEvent.CurrentClusterState>(_ => { });
        }

        protected override void PreStart() =>
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));

        protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
    }
}
