namespace ActorPager.Runtime;

/// <summary>Children: creation, unique names, lookup, and removal once stopped.</summary>
internal sealed partial class ActorCell
{
    // The table is read and changed by the actor's own turn and, for top-level actors, by any
    // thread calling ActorSystem.ActorOf; one lock per parent keeps names unique without
    // touching the message path.
    private readonly Lock _childrenLock = new();
    private Dictionary<string, ActorCell>? _children;
    private List<ActorCell>? _childOrder;
    private long _nameCounter;

    /// <summary>
    /// Children this actor asked to stop that have not yet reported back; touched only on the
    /// actor's own turn. Their names stay taken until then, so a restart waits for them before
    /// the new instance may create children of the same names.
    /// </summary>
    private HashSet<ActorCell>? _stoppingChildren;

    public IReadOnlyList<IActorRef> Children => ChildrenSnapshot();

    public IActorRef ActorOf(Props props, string? name = null) => MakeChild(props, name, systemName: false);

    /// <summary>Creates a child. <paramref name="systemName"/> allows names starting with '$' (guardians, temp actors).</summary>
    internal ActorCell MakeChild(Props props, string? name, bool systemName)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (name is null)
        {
            name = "$" + EncodeName(Interlocked.Increment(ref _nameCounter) - 1);
        }
        else if (!systemName)
        {
            ValidateName(name);
        }

        var dispatcher = _system.Dispatchers.Lookup(props.Dispatcher);
        var child = new ActorCell(_system, props, this, name, dispatcher, props.Mailbox ?? _system.Settings.DefaultMailbox);
        lock (_childrenLock)
        {
            if (IsTerminating)
            {
                throw new InvalidOperationException($"cannot create child '{name}': {PathString} is stopping");
            }

            _children ??= new Dictionary<string, ActorCell>(StringComparer.Ordinal);
            if (!_children.TryAdd(name, child))
            {
                throw new InvalidActorNameException($"actor name '{name}' is not unique: {PathString}/{name} is taken by a live actor");
            }

            (_childOrder ??= []).Add(child);
        }

        child.SendSystemMessage(new Create());
        return child;
    }

    public IActorRef? Child(string name)
    {
        lock (_childrenLock)
        {
            return _children is not null && _children.TryGetValue(name, out var child) ? child : null;
        }
    }

    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is ActorCell cell && ReferenceEquals(cell._parent, this))
        {
            StopChild(cell);
        }
        else if (actor is IInternalActorRef target)
        {
            target.SendSystemMessage(new Terminate());
        }
    }

    /// <summary>Asks a child to stop and remembers it until its termination arrives.</summary>
    private void StopChild(ActorCell child)
    {
        if (IsLiveChild(child))
        {
            (_stoppingChildren ??= []).Add(child);
        }

        child.SendSystemMessage(new Terminate());
    }

    private ActorCell[] ChildrenSnapshot()
    {
        lock (_childrenLock)
        {
            return _childOrder is { Count: > 0 } order ? [.. order] : [];
        }
    }

    private bool IsLiveChild(ActorCell child)
    {
        lock (_childrenLock)
        {
            return _children is not null && _children.TryGetValue(child._name, out var found) && ReferenceEquals(found, child);
        }
    }

    /// <summary>Removes a stopped child; true when it was ours. Its name becomes free.</summary>
    private bool RemoveChild(ActorCell child)
    {
        lock (_childrenLock)
        {
            if (_children is null || !_children.TryGetValue(child._name, out var found) || !ReferenceEquals(found, child))
            {
                return false;
            }

            _children.Remove(child._name);
            _childOrder!.Remove(child);
            return true;
        }
    }

    private bool HasChildren
    {
        get
        {
            lock (_childrenLock)
            {
                return _children is { Count: > 0 };
            }
        }
    }

    internal static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new InvalidActorNameException("an actor name must not be empty");
        }

        if (name[0] == '$')
        {
            throw new InvalidActorNameException($"actor name '{name}' is invalid: names starting with '$' are reserved for generated names");
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "-_.*+:@&=,!~';$".Contains(c, StringComparison.Ordinal)))
            {
                throw new InvalidActorNameException(
                    $"actor name '{name}' is invalid: '{c}' is not allowed (use letters, digits and -_.*+:@&=,!~';$)");
            }
        }
    }

    private static string EncodeName(long n)
    {
        // $a, $b, ... $z, $ba, ...: short, unique per parent, in creation order.
        Span<char> buffer = stackalloc char[16];
        var i = buffer.Length;
        do
        {
            buffer[--i] = (char)('a' + (n % 26));
            n /= 26;
        }
        while (n > 0);

        return new string(buffer[i..]);
    }
}
