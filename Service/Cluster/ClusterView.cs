using ActorPager.Client;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ActorPager.Service.Cluster;

/// <summary>
/// One per node, at <c>/user/cluster-view</c>: answers which files this node owns now, so any
/// node can answer <c>GET /v1/cluster</c> for the whole cluster by asking every member's view.
/// </summary>
internal sealed class ClusterView : ReceiveActor
{
    /// <summary>The actor's name under /user.</summary>
    public const string Name = "cluster-view";

    public ClusterView(Ownership owners, string node)
    {
        Receive<ListOwned>(_ => Sender.Tell(new OwnedList(node, [.. owners.Snapshot().Select(kv => new OwnedEntry(kv.Key, kv.Value.Generation))])));
    }

    /// <summary>Asks a node's view for its files. Answered with <see cref="OwnedList"/>.</summary>
    internal sealed record ListOwned
    {
        /// <summary>The single instance.</summary>
        public static ListOwned Instance { get; } = new();
    }

    /// <summary>A file a node owns, at its generation.</summary>
    internal sealed record OwnedEntry(string Path, long Generation);

    /// <summary>The files <paramref name="Node"/> owns.</summary>
    internal sealed record OwnedList(string Node, OwnedEntry[] Files);

    /// <summary>Props of the view.</summary>
    public static Props Props(Ownership owners, string node) => Akka.Actor.Props.Create(() => new ClusterView(owners, node));

    /// <summary>
    /// The answer of <c>GET /v1/cluster</c>: members from this node's cluster state, shards from the
    /// sharding coordinator's statistics, files from every reachable member's view (those that do
    /// not answer within <paramref name="timeout"/> are listed as unanswered).
    /// </summary>
    public static async Task<ClusterInfo> ReportAsync(ActorSystem system, IActorRef? region, Ownership owners, bool enabled, TimeSpan timeout)
    {
        if (!enabled)
        {
            var local = owners.Snapshot().Select(kv => new OwnedFile(kv.Key, "local", kv.Value.Generation)).OrderBy(f => f.Path, StringComparer.Ordinal).ToArray();
            return new ClusterInfo(false, "local", [], [], local, []);
        }

        var cluster = Akka.Cluster.Cluster.Get(system);
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var members = state.Members
            .Select(m => new ClusterMember(m.Address.ToString(), m.Status.ToString(), !unreachable.Contains(m.Address), [.. m.Roles]))
            .OrderBy(m => m.Address, StringComparer.Ordinal)
            .ToArray();

        var regions = new List<ClusterRegion>();
        if (region is not null)
        {
            try
            {
                var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(timeout), timeout + timeout).ConfigureAwait(false);
                foreach (var (address, regionStats) in stats.Regions)
                {
                    regions.Add(new ClusterRegion(address.ToString(), [.. regionStats.Stats.Keys.Order(StringComparer.Ordinal)], regionStats.Stats.Values.Sum()));
                }
            }
            catch (AskTimeoutException)
            {
                // The coordinator is moving (a failover): no regions this time.
            }
        }

        var files = new List<OwnedFile>();
        var unanswered = new List<string>();
        var asks = state.Members
            .Where(m => m.Status == Akka.Cluster.MemberStatus.Up && !unreachable.Contains(m.Address))
            .Select(async m =>
            {
                try
                {
                    var list = await system.ActorSelection(new RootActorPath(m.Address) / "user" / Name).Ask<OwnedList>(ListOwned.Instance, timeout).ConfigureAwait(false);
                    return (m.Address.ToString(), list);
                }
                catch (AskTimeoutException)
                {
                    return (m.Address.ToString(), (OwnedList?)null);
                }
            })
            .ToArray();
        foreach (var (address, list) in await Task.WhenAll(asks).ConfigureAwait(false))
        {
            if (list is null)
            {
                unanswered.Add(address);
                continue;
            }

            files.AddRange(list.Files.Select(f => new OwnedFile(f.Path, list.Node, f.Generation)));
        }

        return new ClusterInfo(true, cluster.SelfAddress.ToString(), members, [.. regions.OrderBy(r => r.Address, StringComparer.Ordinal)], [.. files.OrderBy(f => f.Path, StringComparer.Ordinal)], unanswered);
    }
}
