namespace ActorPager.Runtime;

/// <summary>
/// The base of every actor. The runtime calls <see cref="Receive"/> with one message at a time,
/// never concurrently, so an actor's fields need no locks. Do not await inside a handler:
/// asynchronous work comes back as a message (<see cref="PipeToExtensions.PipeTo{T}"/>).
/// </summary>
public abstract class ActorBase
{
    private readonly ActorCell _cell;

    /// <summary>Binds the instance to the cell that is creating it.</summary>
    /// <exception cref="InvalidOperationException">The actor was created with <c>new</c> instead of through <see cref="Props"/>.</exception>
    protected ActorBase()
    {
        _cell = ActorCell.Current ?? throw new InvalidOperationException(
            $"{GetType().Name} was created with 'new'. Create actors with system.ActorOf(Props.Create(...)) or Context.ActorOf(...).");
    }

    /// <summary>The context of the current message.</summary>
    protected IActorContext Context => _cell;

    /// <summary>This actor's ref.</summary>
    protected IActorRef Self => _cell;

    /// <summary>The sender of the current message (dead letters when there is none).</summary>
    protected IActorRef Sender => _cell.Sender;

    internal ActorCell Cell => _cell;

    /// <summary>Set when the cell installs this instance; an instance serves one incarnation only.</summary>
    internal bool Installed { get; set; }

    /// <summary>The initial behaviour: handle <paramref name="message"/> and say whether it was handled.</summary>
    protected internal abstract bool Receive(object message);

    /// <summary>
    /// Called for a message no behaviour handled. The default publishes <see cref="UnhandledMessage"/>
    /// on the event stream, except an unhandled <see cref="Terminated"/>, which fails the actor with
    /// <see cref="DeathPactException"/>.
    /// </summary>
    protected virtual void Unhandled(object message)
    {
        if (message is Terminated terminated)
        {
            throw new DeathPactException($"{Self.Path} watched {terminated.ActorRef.Path} and did not handle its Terminated message");
        }

        _cell.System.EventStream.Publish(new UnhandledMessage(message, _cell.CurrentSender, Self));
    }

    internal void InvokeUnhandled(object message) => Unhandled(message);

    /// <summary>The strategy applied to this actor's failing children.</summary>
    protected internal virtual SupervisorStrategy SupervisorStrategy() => Runtime.SupervisorStrategy.Default;

    /// <summary>Runs before the first message (and, by default, after a restart).</summary>
    protected internal virtual void PreStart()
    {
    }

    /// <summary>Runs once the actor has stopped (its children have stopped before).</summary>
    protected internal virtual void PostStop()
    {
    }

    /// <summary>
    /// Runs on the failed instance before a restart. The default stops every child and calls
    /// <see cref="PostStop"/>.
    /// </summary>
    /// <param name="reason">The failure.</param>
    /// <param name="message">The message being handled when it failed, if any.</param>
    protected internal virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in Context.Children)
        {
            Context.Unwatch(child);
            Context.Stop(child);
        }

        PostStop();
    }

    /// <summary>Runs on the fresh instance after a restart. The default calls <see cref="PreStart"/>.</summary>
    /// <param name="reason">The failure that caused the restart.</param>
    protected internal virtual void PostRestart(Exception reason) => PreStart();
}

/// <summary>An actor that handles messages in one method, like Akka.NET's UntypedActor.</summary>
public abstract class UntypedActor : ActorBase
{
    /// <summary>Handles a message; call <see cref="ActorBase.Unhandled"/> for what it does not know.</summary>
    protected abstract void OnReceive(object message);

    /// <inheritdoc />
    protected internal sealed override bool Receive(object message)
    {
        OnReceive(message);
        return true;
    }
}
