namespace ActorPager.Runtime;

/// <summary>
/// The system's publish-subscribe bus: dead letters, unhandled messages, log events and anything
/// an application publishes. Subscribers receive every published event that is an instance of
/// the type they subscribed to. Publishing reads a copy-on-write array, so it takes no lock.
/// </summary>
public sealed class EventStream
{
    private readonly Lock _lock = new();
    private Subscription[] _subscriptions = [];

    /// <summary>Subscribes an actor (or probe) to events of <paramref name="channel"/> and its subtypes.</summary>
    /// <returns>True when added; false when it was subscribed already.</returns>
    public bool Subscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        lock (_lock)
        {
            foreach (var s in _subscriptions)
            {
                if (s.Actor is not null && s.Actor.Equals(subscriber) && s.Channel == channel)
                {
                    return false;
                }
            }

            _subscriptions = [.. _subscriptions, new Subscription(channel, subscriber, null)];
            return true;
        }
    }

    /// <summary>Subscribes a callback to events of type <typeparamref name="T"/>. It runs on the publisher's thread; keep it short and thread-safe.</summary>
    /// <returns>Dispose to unsubscribe.</returns>
    public IDisposable Subscribe<T>(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(typeof(T), null, e => handler((T)e));
        lock (_lock)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        return new Unsubscriber(this, subscription);
    }

    /// <summary>Removes an actor's subscription to <paramref name="channel"/> (or to every channel when null).</summary>
    public bool Unsubscribe(IActorRef subscriber, Type? channel = null)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_lock)
        {
            var before = _subscriptions.Length;
            _subscriptions = _subscriptions.Where(s => !(s.Actor is not null && s.Actor.Equals(subscriber) && (channel is null || s.Channel == channel))).ToArray();
            return _subscriptions.Length != before;
        }
    }

    /// <summary>Delivers <paramref name="event"/> to every matching subscriber.</summary>
    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var subscriptions = Volatile.Read(ref _subscriptions);
        foreach (var s in subscriptions)
        {
            if (s.Channel.IsInstanceOfType(@event))
            {
                if (s.Actor is IInternalActorRef { IsTerminated: true } dead)
                {
                    // A stopped subscriber would turn the event into a DeadLetter, published
                    // here again: subscribed to DeadLetter, that recursed until the stack
                    // overflowed. Stopped subscribers are dropped instead (Akka does the same).
                    // An actor stopping between this check and its Tell recurses once at most:
                    // it is marked terminated before its mailbox refuses messages.
                    Unsubscribe(dead);
                }
                else if (s.Actor is not null)
                {
                    s.Actor.Tell(@event);
                }
                else
                {
                    s.Callback!(@event);
                }
            }
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions = _subscriptions.Where(s => !ReferenceEquals(s, subscription)).ToArray();
        }
    }

    private sealed record Subscription(Type Channel, IActorRef? Actor, Action<object>? Callback);

    private sealed class Unsubscriber(EventStream stream, Subscription subscription) : IDisposable
    {
        public void Dispose() => stream.Remove(subscription);
    }
}

/// <summary>How severe a log event is.</summary>
public enum LogLevel
{
    /// <summary>Detail for developers.</summary>
    Debug,

    /// <summary>Normal operation worth noting.</summary>
    Info,

    /// <summary>Something unexpected that the system handled.</summary>
    Warning,

    /// <summary>A failure: an actor threw, a timer failed.</summary>
    Error,

    /// <summary>Nothing is logged.</summary>
    Off,
}

/// <summary>A log event, published on the event stream.</summary>
/// <param name="Level">Severity.</param>
/// <param name="Source">Who logged it (an actor path or a component name).</param>
/// <param name="Message">What happened.</param>
/// <param name="Cause">The exception, if any.</param>
public sealed record LogEvent(LogLevel Level, string Source, string Message, Exception? Cause = null)
{
    /// <inheritdoc />
    public override string ToString() =>
        Cause is null ? $"[{Level}] {Source}: {Message}" : $"[{Level}] {Source}: {Message}{Environment.NewLine}{Cause}";
}

/// <summary>
/// Where undeliverable messages go. Each one is published as a <see cref="DeadLetter"/> on the
/// event stream and counted, so nothing disappears unseen.
/// </summary>
internal sealed class DeadLetterActorRef : IInternalActorRef
{
    private readonly EventStream _eventStream;
    private long _count;

    public DeadLetterActorRef(ActorPath path, EventStream eventStream)
    {
        Path = path;
        _eventStream = eventStream;
    }

    public ActorPath Path { get; }

    public bool IsTerminated => false;

    /// <summary>Dead letters so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is DeadLetter dl)
        {
            Interlocked.Increment(ref _count);
            _eventStream.Publish(dl);
            return;
        }

        Deliver(message, sender, this, "sent to dead letters");
    }

    public void Deliver(object message, IActorRef? sender, IActorRef recipient, string reason)
    {
        Interlocked.Increment(ref _count);
        _eventStream.Publish(new DeadLetter(message, sender, recipient, reason));
    }

    public void SendSystemMessage(SystemMessage message)
    {
        // A watch of dead letters is answered at once: it will never be alive to stop later.
        if (message is Watch watch)
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this));
        }
    }

    public bool Equals(IActorRef? other) => ReferenceEquals(this, other);

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => Path.GetHashCode();

    public override string ToString() => Path.ToString();
}
