using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ActorPager.Service.Cluster;

/// <summary>
/// The single node's stand-in for a shard region: one <see cref="FileEntity"/> child per file,
/// made on its first request. Like a region it buffers a file's requests while the file's
/// previous entity is stopping (passivated or given up), so two entities of one file never run
/// at once on this node.
/// </summary>
internal sealed class FileRouter : ReceiveActor
{
    private readonly FileNode _node;
    private readonly Dictionary<string, IActorRef> _entities = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _paths = [];
    private readonly Dictionary<string, List<(object Message, IActorRef Sender)>> _buffered = new(StringComparer.Ordinal);
    private long _counter;

    public FileRouter(FileNode node)
    {
        _node = node;
        Receive<FileProtocol.ICommand>(command =>
        {
            if (_buffered.TryGetValue(command.Path, out var buffer))
            {
                buffer.Add((command, Sender));
                return;
            }

            EntityOf(command.Path).Forward(command);
        });
        Receive<Passivate>(passivate =>
        {
            // The entity is idle: it stops; its file's next requests wait until it has.
            if (_paths.TryGetValue(Sender, out var path) && _entities.Remove(path))
            {
                _buffered[path] = [];
                Sender.Tell(passivate.StopMessage);
            }
        });
        Receive<Terminated>(terminated =>
        {
            if (!_paths.Remove(terminated.ActorRef, out var path))
            {
                return;
            }

            if (_entities.TryGetValue(path, out var current) && current.Equals(terminated.ActorRef))
            {
                _entities.Remove(path);
            }

            if (_buffered.Remove(path, out var buffer) && buffer.Count > 0)
            {
                var entity = EntityOf(path);
                foreach (var (message, sender) in buffer)
                {
                    entity.Tell(message, sender);
                }
            }
        });
    }

    /// <summary>Props of the router.</summary>
    public static Props Props(FileNode node) => Akka.Actor.Props.Create(() => new FileRouter(node));

    private IActorRef EntityOf(string path)
    {
        if (_entities.TryGetValue(path, out var entity))
        {
            return entity;
        }

        // Paths may hold characters an actor name may not: the name is a counter; the path is the entity's state.
        entity = Context.ActorOf(FileEntity.Props(_node, path), "file-" + (++_counter).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Context.Watch(entity);
        _entities[path] = entity;
        _paths[entity] = path;
        return entity;
    }
}
