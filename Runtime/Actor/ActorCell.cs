namespace ActorPager.Runtime;

/// <summary>
/// The runtime's side of one actor: its ref, its context, its mailbox and its lifecycle. One
/// object serves as all three so that an idle actor costs little memory. Everything except
/// <see cref="Tell"/>, <see cref="SendSystemMessage"/> and the children table runs only on the
/// actor's own turn, one message at a time.
/// </summary>
internal sealed partial class ActorCell : IInternalActorRef, IActorContext
{
    /// <summary>The cell whose actor instance is being constructed on this thread (read by <see cref="ActorBase"/>'s constructor).</summary>
    [ThreadStatic]
    internal static ActorCell? Current;

    private readonly ActorSystem _system;
    private readonly Props _props;
    private readonly ActorCell? _parent;
    private readonly string _name;
    private readonly Mailbox _mailbox;

    /// <summary>The path, made on first use.</summary>
    private ActorPath? _path;

    /// <summary>The path as text, made on first use (the deterministic dispatcher's candidate id).</summary>
    private string? _pathString;

    /// <summary>The live instance; null before Create, between a failed start and a restart, and after stop.</summary>
    private ActorBase? _actor;

    /// <summary>Behaviours pushed by Become; null while the initial behaviour is in force.</summary>
    private List<Receive>? _behaviors;

    /// <summary>The message being handled.</summary>
    private Envelope _current;

    /// <summary>This actor's seeded random source, made on first use.</summary>
    private Random? _random;

    public ActorCell(ActorSystem system, Props props, ActorCell? parent, string name, MessageDispatcher dispatcher, MailboxOptions mailbox)
    {
        _system = system;
        _props = props;
        _parent = parent;
        _name = name;
        _mailbox = new Mailbox(this, dispatcher, mailbox);
    }

    public ActorSystem SystemImpl => _system;

    public Props Props => _props;

    public Mailbox Mailbox => _mailbox;

    public ActorBase? Actor => _actor;

    public ActorPath Path => _path ??= _parent is null ? ActorPath.Root(_system.Name) : _parent.Path.Child(_name);

    public string PathString => _pathString ??= Path.ToString();

    public bool IsTerminated => _state == LifeState.Terminated;

    /// <summary>The raw sender of the current message (null when there is none).</summary>
    public IActorRef? CurrentSender => _current.Sender;

    // ---- IActorRef ----

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (_mailbox.Enqueue(message, sender))
        {
            case EnqueueOutcome.Accepted:
                _mailbox.Dispatcher.RegisterForExecution(_mailbox, hasMessageHint: true, hasSystemMessageHint: false);
                break;
            case EnqueueOutcome.Closed:
                _system.DeadLettersRef.Deliver(message, sender, this, "recipient stopped");
                break;
            default:
                Overflow(message, sender);
                break;
        }
    }

    private void Overflow(object message, IActorRef? sender)
    {
        var options = _props.Mailbox ?? _system.Settings.DefaultMailbox;
        if (options.Overflow == MailboxOverflow.Reject)
        {
            throw new MailboxFullException(
                $"the mailbox of {PathString} is full ({options.Capacity} messages); {message.GetType().Name} was rejected");
        }

        _system.DeadLettersRef.Deliver(message, sender, this, $"mailbox full ({options.Capacity} messages)");
    }

    public void SendSystemMessage(SystemMessage message)
    {
        _mailbox.SystemEnqueue(message);
        _mailbox.Dispatcher.RegisterForExecution(_mailbox, hasMessageHint: false, hasSystemMessageHint: true);
    }

    public bool Equals(IActorRef? other) => ReferenceEquals(this, other);

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => global::System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    public override string ToString() => PathString;

    // ---- IActorContext ----

    public IActorRef Self => this;

    public IActorRef Sender => _current.Sender ?? _system.DeadLetters;

    public IActorRef Parent => (IActorRef?)_parent ?? this;

    public ActorSystem System => _system;

    public IScheduler Scheduler => _system.Scheduler;

    public Random Random => _random ??= new Random(SeedMixer.ToInt32(_system.Seed ^ StableHash(PathString)));

    public void Become(Receive receive, bool discardOld = true)
    {
        ArgumentNullException.ThrowIfNull(receive);
        _behaviors ??= [];
        if (discardOld && _behaviors.Count > 0)
        {
            _behaviors[^1] = receive;
        }
        else
        {
            _behaviors.Add(receive);
        }
    }

    public void Unbecome()
    {
        if (_behaviors is { Count: > 0 })
        {
            _behaviors.RemoveAt(_behaviors.Count - 1);
        }
    }

    // ---- message handling ----

    /// <summary>Handles one user message on the actor's turn.</summary>
    public void Invoke(in Envelope envelope)
    {
        _current = envelope;
        var message = envelope.Message;
        try
        {
            switch (message)
            {
                case PoisonPill:
                    SendSystemMessage(new Terminate());
                    break;
                case Kill:
                    throw new ActorKilledException($"{PathString} received Kill");
                case Terminated terminated:
                    ReceiveTerminated(terminated);
                    break;
                case Runtime.ReceiveTimeout when _receiveTimeout is null:
                    // A timeout that fired just before it was turned off: stale, drop it.
                    break;
                default:
                    ReceiveMessage(message);
                    break;
            }

            if (_receiveTimeout is not null && message is not INotInfluenceReceiveTimeout)
            {
                RescheduleReceiveTimeout();
            }
        }
#pragma warning disable CA1031 // Every failure of an actor goes to its supervisor; nothing escapes the mailbox loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            HandleInvokeFailure(ex, message);
        }
        finally
        {
            _current = default;
        }
    }

    private void ReceiveMessage(object message)
    {
        var actor = _actor;
        if (actor is null)
        {
            // No instance (it failed to start and awaits its supervisor): the message cannot be
            // handled, so it must not vanish.
            _system.DeadLettersRef.Deliver(message, _current.Sender, this, "actor has no instance (failed to start)");
            return;
        }

        var handled = _behaviors is { Count: > 0 } behaviors ? behaviors[^1](message) : actor.Receive(message);
        if (!handled)
        {
            actor.InvokeUnhandled(message);
        }
    }

    /// <summary>Handles one system message on the actor's turn.</summary>
    public void SystemInvoke(SystemMessage message)
    {
        try
        {
            switch (message)
            {
                case Create:
                    Start();
                    break;
                case Terminate:
                    BeginTerminate();
                    break;
                case Watch watch:
                    AddWatcher(watch);
                    break;
                case Unwatch unwatch:
                    RemoveWatcher(unwatch);
                    break;
                case DeathWatchNotification notification:
                    WatchedActorTerminated(notification.Actor);
                    break;
                case Failed failed:
                    HandleFailedChild(failed.Child, failed.Cause);
                    break;
                case Suspend:
                    SuspendSelfAndChildren();
                    break;
                case Resume resume:
                    ResumeSelfAndChildren(resume.CausedByFailure);
                    break;
                case Recreate recreate:
                    Restart(recreate.Cause);
                    break;
            }
        }
#pragma warning disable CA1031 // A failure while handling a system message is treated like any other actor failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            HandleInvokeFailure(ex, null);
        }
    }

    /// <summary>Handles a system message that reached the mailbox after the actor stopped.</summary>
    public void SystemInvokeAfterStop(SystemMessage message)
    {
        // Only a watch needs an answer: the watcher must learn at once that this actor is gone.
        if (message is Watch watch && !ReferenceEquals(watch.Watcher, this))
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this));
        }
    }

    private static long StableHash(string text)
    {
        // string.GetHashCode is randomised per process; seeds must not be.
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }

        return unchecked((long)hash);
    }
}
