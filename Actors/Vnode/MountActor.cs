using ActorPager.Actors.Pager;
using ActorPager.Actors.Vm;
using ActorPager.Messages;
using Akka.Actor;
using ActorPager.Storage;

namespace ActorPager.Actors.Vnode;

/// <summary>
/// A mount and its vnode table: a lookup finds the vnode of a path or creates it (GETATTR from
/// the store first); vnodes with no use are recycled (VOP_DESTROYVOBJECT) when the table holds
/// more than the limit, least recently used first. A path whose vnode is being recycled waits
/// for the recycle to finish, so two vnodes never page the same file.
/// </summary>
internal sealed class MountActor : ActorBase
{
    private readonly string _name;
    private readonly IPageStore _store;
    private readonly IPager _pager;
    private readonly PhysicalMemory _memory;
    private readonly PagerOptions _options;
    private readonly IActorRef? _daemon;
    private readonly Dictionary<string, Entry> _vnodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<IActorRef>> _waiting = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _recycling = [];
    private long _counter;
    private long _clock;

    public MountActor(string name, IPageStore store, IPager pager, PhysicalMemory memory, PagerOptions options, IActorRef? daemon)
    {
        _name = name;
        _store = store;
        _pager = pager;
        _memory = memory;
        _options = options;
        _daemon = daemon;
    }

    private sealed class Entry(IActorRef vnode)
    {
        public IActorRef Vnode { get; } = vnode;

        public int Uses { get; set; }

        public long LastUsed { get; set; }

        /// <summary>Evicted while in use: recycled when the last use ends.</summary>
        public bool Evicted { get; set; }
    }

    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case MountProtocol.Lookup lookup:
                OnLookup(lookup.Path, Sender);
                return true;
            case MountProtocol.Release release:
                if (_vnodes.TryGetValue(release.Path, out var entry) && entry.Uses > 0)
                {
                    entry.Uses--;
                    if (entry.Uses == 0 && entry.Evicted)
                    {
                        RecycleNow(release.Path, entry);
                    }

                    RecycleIfOver();
                }

                return true;
            case MountProtocol.Evict evict:
                if (_vnodes.TryGetValue(evict.Path, out var evicted))
                {
                    if (evicted.Uses == 0)
                    {
                        RecycleNow(evict.Path, evicted);
                    }
                    else
                    {
                        evicted.Evicted = true;
                    }
                }

                return true;
            case SizeKnown known:
                OnSizeKnown(known);
                return true;
            case Terminated terminated:
                OnVnodeStopped(terminated.ActorRef);
                return true;
            case VnodeProtocol.VObjectReply:
                return true;
            case MountProtocol.ListVnodes:
                Sender.Tell(new MountProtocol.VnodeList(_name, null, _vnodes.Select(kv => new MountProtocol.VnodeEntry(kv.Key, kv.Value.Vnode, kv.Value.Uses)).ToArray()), Self);
                return true;
            default:
                return false;
        }
    }

    private void OnLookup(string path, IActorRef replyTo)
    {
        if (FileNames.Check(path) is { } problem)
        {
            replyTo.Tell(new MountProtocol.LookupFailed(path, $"mount {_name}: {problem.Message}"), Self);
            return;
        }

        if (_vnodes.TryGetValue(path, out var entry) && entry.Evicted)
        {
            // Its pages belong to an ownership that ended: wait for the vnode to recycle, then make a new one.
            if (_waiting.TryGetValue(path, out var behind))
            {
                behind.Add(replyTo);
            }
            else
            {
                _waiting[path] = [replyTo];
            }

            return;
        }

        if (entry is not null)
        {
            entry.Uses++;
            entry.LastUsed = ++_clock;
            replyTo.Tell(new MountProtocol.LookupReply(path, entry.Vnode), Self);
            return;
        }

        if (_waiting.TryGetValue(path, out var waiters))
        {
            waiters.Add(replyTo);
            return;
        }

        _waiting[path] = [replyTo];
        if (_recycling.ContainsValue(path))
        {
            // The old vnode is still writing back; the lookup resumes when it has stopped.
            return;
        }

        StartGetAttr(path);
    }

    private void StartGetAttr(string path)
    {
        var io = _store.GetSizeAsync(path);
        if (io.IsCompleted)
        {
            Self.Tell(new SizeKnown(path, io.Result), Self);
        }
        else
        {
            io.AsTask().PipeTo(Self, Self, r => new SizeKnown(path, r), ex => new SizeKnown(path, StoreResult.Failed(StoreError.FromException("getattr", ex))));
        }
    }

    private void OnSizeKnown(SizeKnown known)
    {
        if (!_waiting.Remove(known.Path, out var waiters))
        {
            return;
        }

        if (known.Result.Status == StoreStatus.Error)
        {
            foreach (var w in waiters)
            {
                w.Tell(new MountProtocol.LookupFailed(known.Path, $"mount {_name}: cannot look up '{known.Path}': {known.Result.Error}"), Self);
            }

            return;
        }

        var settings = new VnodeSettings(known.Path, _store, _pager, _memory, _options, _daemon);
        var size = known.Result.Bytes;
        var vnode = Context.ActorOf(ActorProps.Of(() => new VnodeActor(settings, size)), "vnode-" + (++_counter).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Context.Watch(vnode);
        var entry = new Entry(vnode) { Uses = waiters.Count, LastUsed = ++_clock };
        _vnodes[known.Path] = entry;
        foreach (var w in waiters)
        {
            w.Tell(new MountProtocol.LookupReply(known.Path, vnode), Self);
        }

        RecycleIfOver();
    }

    /// <summary>vnlru: recycles the least recently used idle vnodes above the limit.</summary>
    private void RecycleIfOver()
    {
        var excess = _vnodes.Count - _options.MaxVnodes;
        if (excess <= 0)
        {
            return;
        }

        foreach (var (path, entry) in _vnodes.Where(kv => kv.Value.Uses == 0).OrderBy(kv => kv.Value.LastUsed).Take(excess).ToArray())
        {
            RecycleNow(path, entry);
        }
    }

    /// <summary>Takes the vnode out of the table and tells it to recycle; lookups of its path wait until it has stopped.</summary>
    private void RecycleNow(string path, Entry entry)
    {
        _vnodes.Remove(path);
        _recycling[entry.Vnode] = path;
        entry.Vnode.Tell(VnodeActor.Recycle.Instance, Self);
    }

    private void OnVnodeStopped(IActorRef vnode)
    {
        if (_recycling.Remove(vnode, out var path))
        {
            if (_waiting.ContainsKey(path))
            {
                StartGetAttr(path);
            }

            return;
        }

        // A vnode that stopped on its own (it failed): forget it so the next lookup makes a new one.
        foreach (var (p, entry) in _vnodes.ToArray())
        {
            if (entry.Vnode.Equals(vnode))
            {
                _vnodes.Remove(p);
            }
        }
    }

    private sealed record SizeKnown(string Path, StoreResult Result);
}
