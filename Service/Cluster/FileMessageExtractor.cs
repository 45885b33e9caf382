using Akka.Cluster.Sharding;

namespace ActorPager.Service.Cluster;

/// <summary>Shards files by their path: the entity id is the path, the shard its MurmurHash modulo the number of shards (the same on every node and every run).</summary>
internal sealed class FileMessageExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    /// <inheritdoc />
    public override string? EntityId(object message) => (message as FileProtocol.ICommand)?.Path;
}
