namespace ActorPager.Runtime;

/// <summary>
/// A message of the runtime's own protocol (create, stop, watch, supervise). System messages go
/// to a separate queue and always run before user messages. Each instance is sent once: the
/// <see cref="Next"/> link makes the queue intrusive, so sending one costs no extra allocation.
/// </summary>
internal abstract class SystemMessage
{
    /// <summary>The next message in a mailbox's system queue.</summary>
    public SystemMessage? Next;
}

/// <summary>Make the actor instance and run PreStart.</summary>
internal sealed class Create : SystemMessage
{
    public override string ToString() => "Create";
}

/// <summary>Stop the actor (after its children).</summary>
internal sealed class Terminate : SystemMessage
{
    public override string ToString() => "Terminate";
}

/// <summary>Stop handling user messages until a matching <see cref="Resume"/>.</summary>
internal sealed class Suspend : SystemMessage
{
    public override string ToString() => "Suspend";
}

/// <summary>Undo one <see cref="Suspend"/> (or the suspension caused by a failure when <see cref="CausedByFailure"/> is set).</summary>
internal sealed class Resume(Exception? causedByFailure) : SystemMessage
{
    public Exception? CausedByFailure { get; } = causedByFailure;

    public override string ToString() => "Resume";
}

/// <summary>Restart: replace the failed instance, keeping the mailbox.</summary>
internal sealed class Recreate(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;

    public override string ToString() => "Recreate";
}

/// <summary><see cref="Watcher"/> wants a notification when <see cref="Watchee"/> stops.</summary>
internal sealed class Watch(IInternalActorRef watchee, IInternalActorRef watcher) : SystemMessage
{
    public IInternalActorRef Watchee { get; } = watchee;

    public IInternalActorRef Watcher { get; } = watcher;

    public override string ToString() => "Watch";
}

/// <summary><see cref="Watcher"/> no longer wants a notification about <see cref="Watchee"/>.</summary>
internal sealed class Unwatch(IInternalActorRef watchee, IInternalActorRef watcher) : SystemMessage
{
    public IInternalActorRef Watchee { get; } = watchee;

    public IInternalActorRef Watcher { get; } = watcher;

    public override string ToString() => "Unwatch";
}

/// <summary><see cref="Actor"/> has stopped (sent to its watchers and to its parent).</summary>
internal sealed class DeathWatchNotification(IInternalActorRef actor) : SystemMessage
{
    public IInternalActorRef Actor { get; } = actor;

    public override string ToString() => "DeathWatchNotification";
}

/// <summary>A child failed with <see cref="Cause"/>; the supervisor decides.</summary>
internal sealed class Failed(ActorCell child, Exception cause) : SystemMessage
{
    public ActorCell Child { get; } = child;

    public Exception Cause { get; } = cause;

    public override string ToString() => "Failed";
}

/// <summary>A ref the runtime can send system messages to: actors, probes and ask promises.</summary>
internal interface IInternalActorRef : IActorRef
{
    /// <summary>Delivers a system message.</summary>
    void SendSystemMessage(SystemMessage message);

    /// <summary>True once the actor behind the ref has stopped for good.</summary>
    bool IsTerminated { get; }
}

/// <summary>A user message and its sender, as queued in a mailbox.</summary>
internal readonly struct Envelope(object message, IActorRef? sender)
{
    public readonly object Message = message;
    public readonly IActorRef? Sender = sender;
}
