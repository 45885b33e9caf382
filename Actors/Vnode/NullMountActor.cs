using ActorPager.Messages;
using Akka.Actor;

namespace ActorPager.Actors.Vnode;

/// <summary>
/// A stacked (nullfs) mount over another mount. Its vnodes forward every VOP to the lower vnode,
/// so both names share one lock and one VM object (rule 57): VOP_GETVOBJECT answers the lower
/// object, paging I/O goes to the lower vnode (the object's handle), and the upper vnode never
/// destroys the lower object.
/// </summary>
internal sealed class NullMountActor : ActorBase
{
    private readonly string _name;
    private readonly string _lowerName;
    private readonly IActorRef _lower;
    private readonly Dictionary<string, IActorRef> _uppers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<IActorRef>> _waiting = new(StringComparer.Ordinal);
    private long _counter;

    public NullMountActor(string name, string lowerName, IActorRef lower)
    {
        _name = name;
        _lowerName = lowerName;
        _lower = lower;
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case MountProtocol.Lookup lookup when Storage.FileNames.Check(lookup.Path) is { } problem:
                Sender.Tell(new MountProtocol.LookupFailed(lookup.Path, $"mount {_name}: {problem.Message}"), Self);
                return true;
            case MountProtocol.Lookup lookup:
                if (_waiting.TryGetValue(lookup.Path, out var waiters))
                {
                    waiters.Add(Sender);
                }
                else
                {
                    _waiting[lookup.Path] = [Sender];
                    _lower.Tell(lookup, Self);
                }

                return true;
            case MountProtocol.LookupReply reply:
                OnLowerReply(reply);
                return true;
            case MountProtocol.LookupFailed failed:
                // The lower mount refused a lookup: every waiter of that path hears why.
                if (_waiting.Remove(failed.Path, out var refused))
                {
                    foreach (var w in refused)
                    {
                        w.Tell(new MountProtocol.LookupFailed(failed.Path, $"mount {_name} (over {_lowerName}): {failed.Reason}"), Self);
                    }
                }

                return true;
            case MountProtocol.Release release:
                _lower.Tell(release, Self);
                return true;
            case MountProtocol.ListVnodes:
                Sender.Tell(new MountProtocol.VnodeList(_name, _lowerName, _uppers.Select(kv => new MountProtocol.VnodeEntry(kv.Key, kv.Value, 0)).ToArray()), Self);
                return true;
            default:
                return false;
        }
    }

    private void OnLowerReply(MountProtocol.LookupReply reply)
    {
        if (!_uppers.TryGetValue(reply.Path, out var upper) || !upper.Path.Name.EndsWith(LowerId(reply.Vnode), StringComparison.Ordinal))
        {
            var lower = reply.Vnode;
            upper = Context.ActorOf(ActorProps.Of(() => new UpperVnodeActor(lower)), $"upper-{++_counter}-{LowerId(lower)}");
            _uppers[reply.Path] = upper;
        }

        if (_waiting.Remove(reply.Path, out var waiters))
        {
            foreach (var w in waiters)
            {
                w.Tell(new MountProtocol.LookupReply(reply.Path, upper), Self);
            }

            // The lower mount counted one use per forwarded lookup; the rest are counted here too.
            for (var i = 1; i < waiters.Count; i++)
            {
                _lower.Tell(new MountProtocol.Lookup(reply.Path), ActorRefs.Nobody);
            }
        }
    }

    /// <summary>The lower vnode's actor name, so an upper vnode is remade when the lower one was recycled.</summary>
    private static string LowerId(IActorRef lower) => lower.Path.Name;
}

/// <summary>
/// A nullfs upper vnode (null_bypass): every VOP goes to the lower vnode with the original
/// sender, except VOP_CREATEVOBJECT, which creates on the lower vnode and only flags the upper,
/// and VOP_DESTROYVOBJECT, which only clears that flag (rule 57).
/// </summary>
internal sealed class UpperVnodeActor : ActorBase
{
    private readonly IActorRef _lower;

    public UpperVnodeActor(IActorRef lower) => _lower = lower;

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case VnodeProtocol.DestroyVObject:
                // The upper vnode never destroys the lower object: it only drops its own link.
                Sender.Tell(new VnodeProtocol.VObjectReply(0, null), Self);
                return true;
            default:
                // createvobject creates on the lower vnode; getvobject answers the lower object;
                // fsync, setsize, getattr and paging bypass to the lower vnode.
                _lower.Tell(message, Sender);
                return true;
        }
    }
}
