namespace ActorPager.Runtime;

/// <summary>Stops the receiving actor after the messages enqueued before it have been processed.</summary>
public sealed class PoisonPill
{
    private PoisonPill()
    {
    }

    /// <summary>The single instance.</summary>
    public static PoisonPill Instance { get; } = new();

    /// <inheritdoc />
    public override string ToString() => "PoisonPill";
}

/// <summary>Makes the receiving actor fail with <see cref="ActorKilledException"/>; its supervisor decides what follows.</summary>
public sealed class Kill
{
    private Kill()
    {
    }

    /// <summary>The single instance.</summary>
    public static Kill Instance { get; } = new();

    /// <inheritdoc />
    public override string ToString() => "Kill";
}

/// <summary>
/// Delivered to an actor that set a receive timeout (<see cref="IActorContext.SetReceiveTimeout"/>)
/// when no message arrived for that long.
/// </summary>
public sealed class ReceiveTimeout
{
    private ReceiveTimeout()
    {
    }

    /// <summary>The single instance.</summary>
    public static ReceiveTimeout Instance { get; } = new();

    /// <inheritdoc />
    public override string ToString() => "ReceiveTimeout";
}

/// <summary>
/// Sent to every watcher when a watched actor has stopped; exactly once per watcher, also when
/// the actor was already dead when it was watched.
/// </summary>
/// <param name="ActorRef">The actor that stopped.</param>
public sealed record Terminated(IActorRef ActorRef);

/// <summary>A message that could not be delivered: the recipient was stopped, or its bounded mailbox was full.</summary>
/// <param name="Message">The message.</param>
/// <param name="Sender">Its sender, if any.</param>
/// <param name="Recipient">The ref it was sent to.</param>
/// <param name="Reason">Why it was not delivered.</param>
public sealed record DeadLetter(object Message, IActorRef? Sender, IActorRef Recipient, string Reason);

/// <summary>A message the recipient had no handler for; published on the event stream.</summary>
/// <param name="Message">The message.</param>
/// <param name="Sender">Its sender, if any.</param>
/// <param name="Recipient">The actor that did not handle it.</param>
public sealed record UnhandledMessage(object Message, IActorRef? Sender, IActorRef Recipient);

/// <summary>Outcome messages, as produced by <see cref="PipeToExtensions.PipeTo{T}"/>.</summary>
public static class Status
{
    /// <summary>A successful outcome carrying a value.</summary>
    /// <param name="Value">The value.</param>
    public sealed record Success(object? Value);

    /// <summary>A failed outcome carrying the exception. An Ask that receives it fails with that exception.</summary>
    /// <param name="Cause">What went wrong.</param>
    public sealed record Failure(Exception Cause);
}

/// <summary>Marks messages that do not reset the receive timeout when they arrive.</summary>
public interface INotInfluenceReceiveTimeout
{
}
