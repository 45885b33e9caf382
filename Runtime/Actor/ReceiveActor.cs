namespace ActorPager.Runtime;

/// <summary>
/// An actor whose behaviour is a list of typed handlers, registered in its constructor with
/// <c>Receive&lt;T&gt;(...)</c>; the first handler whose type (and predicate) matches a message
/// handles it. <see cref="Become(Action)"/> swaps in another list. Matching allocates nothing.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private HandlerList? _building;
    private readonly HandlerList _initial;

    /// <summary>Starts collecting the initial handlers.</summary>
    protected ReceiveActor()
    {
        _initial = new HandlerList();
        _building = _initial;
    }

    /// <inheritdoc />
    protected internal sealed override bool Receive(object message)
    {
        // The constructor has finished by the first message: later Receive<T> calls outside a
        // Become(...) configuration are mistakes, and Builder() reports them.
        _building = null;
        return _initial.Handle(message);
    }

    /// <summary>Handles messages of type <typeparamref name="T"/>.</summary>
    protected void Receive<T>(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Builder().Add(new Handler<T>(handler, null));
    }

    /// <summary>Handles messages of type <typeparamref name="T"/> for which <paramref name="shouldHandle"/> is true.</summary>
    protected void Receive<T>(Predicate<T> shouldHandle, Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(shouldHandle);
        ArgumentNullException.ThrowIfNull(handler);
        Builder().Add(new Handler<T>(handler, shouldHandle));
    }

    /// <summary>Handles messages of type <typeparamref name="T"/>; the handler returns false to leave a message unhandled.</summary>
    protected void Receive<T>(Func<T, bool> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Builder().Add(new FuncHandler<T>(handler));
    }

    /// <summary>Handles every message not handled by an earlier handler.</summary>
    protected void ReceiveAny(Action<object> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Builder().Add(new Handler<object>(handler, null));
    }

    /// <summary>Replaces the behaviour with the handlers that <paramref name="configure"/> registers.</summary>
    protected void Become(Action configure) => Context.Become(Build(configure).Handle, discardOld: true);

    /// <summary>Pushes the handlers that <paramref name="configure"/> registers over the current behaviour.</summary>
    protected void BecomeStacked(Action configure) => Context.Become(Build(configure).Handle, discardOld: false);

    /// <summary>Returns to the behaviour below the current one.</summary>
    protected void UnbecomeStacked() => Context.Unbecome();

    private HandlerList Build(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var previous = _building;
        var list = new HandlerList();
        _building = list;
        try
        {
            configure();
        }
        finally
        {
            _building = previous;
        }

        return list;
    }

    private HandlerList Builder() => _building ?? throw new InvalidOperationException(
        $"{GetType().Name}: Receive<T>(...) may be called only in the constructor or inside Become(...)/BecomeStacked(...).");

    private sealed class HandlerList
    {
        private HandlerBase[] _handlers = [];

        public void Add(HandlerBase handler)
        {
            var grown = new HandlerBase[_handlers.Length + 1];
            _handlers.CopyTo(grown, 0);
            grown[^1] = handler;
            _handlers = grown;
        }

        public bool Handle(object message)
        {
            var handlers = _handlers;
            for (var i = 0; i < handlers.Length; i++)
            {
                if (handlers[i].TryHandle(message))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private abstract class HandlerBase
    {
        public abstract bool TryHandle(object message);
    }

    private sealed class Handler<T>(Action<T> handler, Predicate<T>? shouldHandle) : HandlerBase
    {
        public override bool TryHandle(object message)
        {
            if (message is T typed && (shouldHandle is null || shouldHandle(typed)))
            {
                handler(typed);
                return true;
            }

            return false;
        }
    }

    private sealed class FuncHandler<T>(Func<T, bool> handler) : HandlerBase
    {
        public override bool TryHandle(object message) => message is T typed && handler(typed);
    }
}
