namespace ActorPager.Runtime;

/// <summary>
/// The recipe for an actor: how to make an instance (again, on restart), which dispatcher runs
/// it, which mailbox it has, and how it supervises its children. Immutable; share freely.
/// </summary>
public sealed class Props
{
    private Props(Func<ActorBase> factory, Type actorType, string dispatcher, MailboxOptions? mailbox, SupervisorStrategy? supervisorStrategy)
    {
        Factory = factory;
        ActorType = actorType;
        Dispatcher = dispatcher;
        Mailbox = mailbox;
        SupervisorStrategy = supervisorStrategy;
    }

    /// <summary>Makes a new actor instance. Called once at start and once per restart.</summary>
    public Func<ActorBase> Factory { get; }

    /// <summary>The type of actor the factory makes.</summary>
    public Type ActorType { get; }

    /// <summary>The id of the dispatcher that runs the actor (<see cref="Dispatchers.DefaultDispatcherId"/> unless set).</summary>
    public string Dispatcher { get; }

    /// <summary>The mailbox kind; null uses the system's default mailbox (unbounded unless configured).</summary>
    public MailboxOptions? Mailbox { get; }

    /// <summary>The strategy the actor applies to its children; null uses the actor's own <see cref="ActorBase.SupervisorStrategy"/>.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; }

    /// <summary>Props for <typeparamref name="TActor"/> made by <paramref name="factory"/>.</summary>
    public static Props Create<TActor>(Func<TActor> factory)
        where TActor : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(factory, typeof(TActor), Dispatchers.DefaultDispatcherId, null, null);
    }

    /// <summary>Props for <typeparamref name="TActor"/> made by its parameterless constructor.</summary>
    public static Props Create<TActor>()
        where TActor : ActorBase, new() =>
        new(static () => new TActor(), typeof(TActor), Dispatchers.DefaultDispatcherId, null, null);

    /// <summary>The same props on another dispatcher.</summary>
    public Props WithDispatcher(string dispatcherId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dispatcherId);
        return new Props(Factory, ActorType, dispatcherId, Mailbox, SupervisorStrategy);
    }

    /// <summary>The same props with another mailbox.</summary>
    public Props WithMailbox(MailboxOptions mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return new Props(Factory, ActorType, Dispatcher, mailbox, SupervisorStrategy);
    }

    /// <summary>The same props with a supervisor strategy for the actor's children.</summary>
    public Props WithSupervisorStrategy(SupervisorStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return new Props(Factory, ActorType, Dispatcher, Mailbox, strategy);
    }

    /// <inheritdoc />
    public override string ToString() => $"Props({ActorType.Name}, dispatcher={Dispatcher}, mailbox={Mailbox?.ToString() ?? "default"})";
}

/// <summary>What a bounded mailbox does with a message that does not fit.</summary>
public enum MailboxOverflow
{
    /// <summary>The message goes to dead letters (published as a <see cref="DeadLetter"/> with the reason); the sender is not told.</summary>
    DeadLetter,

    /// <summary><see cref="IActorRef.Tell"/> throws <see cref="MailboxFullException"/> to the sender; nothing is enqueued.</summary>
    Reject,
}

/// <summary>
/// The kind of mailbox: unbounded (the default) or bounded to a capacity of user messages with
/// an overflow policy. System messages (watch, stop, supervision) are never bounded and always
/// run before user messages.
/// </summary>
public sealed record MailboxOptions
{
    /// <summary>An unbounded mailbox.</summary>
    public static MailboxOptions Unbounded { get; } = new();

    /// <summary>The capacity in user messages; -1 for unbounded.</summary>
    public int Capacity { get; init; } = -1;

    /// <summary>What happens to a message that does not fit.</summary>
    public MailboxOverflow Overflow { get; init; } = MailboxOverflow.DeadLetter;

    /// <summary>True when <see cref="Capacity"/> is set.</summary>
    public bool IsBounded => Capacity >= 0;

    /// <summary>A bounded mailbox.</summary>
    /// <param name="capacity">How many user messages may wait; at least 1.</param>
    /// <param name="overflow">What happens to one more.</param>
    public static MailboxOptions Bounded(int capacity, MailboxOverflow overflow = MailboxOverflow.DeadLetter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return new MailboxOptions { Capacity = capacity, Overflow = overflow };
    }
}
