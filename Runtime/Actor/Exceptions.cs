namespace ActorPager.Runtime;

/// <summary>Base type of the runtime's own exceptions.</summary>
public class ActorException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActorException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ActorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ActorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An actor name was empty, malformed, or already taken by a live sibling.</summary>
public sealed class InvalidActorNameException : ActorException
{
    /// <summary>Creates the exception.</summary>
    public InvalidActorNameException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public InvalidActorNameException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public InvalidActorNameException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An actor's constructor or PreStart threw; the actor is stopped by the default strategy.</summary>
public sealed class ActorInitializationException : ActorException
{
    /// <summary>Creates the exception.</summary>
    public ActorInitializationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ActorInitializationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ActorInitializationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Raised inside an actor that received <see cref="Kill"/>.</summary>
public sealed class ActorKilledException : ActorException
{
    /// <summary>Creates the exception.</summary>
    public ActorKilledException()
        : base("Kill")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ActorKilledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ActorKilledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Raised inside an actor that watched another and did not handle its <see cref="Terminated"/>
/// message: by default a watcher dies with what it watches.
/// </summary>
public sealed class DeathPactException : ActorException
{
    /// <summary>Creates the exception.</summary>
    public DeathPactException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DeathPactException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public DeathPactException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An Ask got no reply within its timeout. The message names the target and the message type.</summary>
public sealed class AskTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public AskTimeoutException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public AskTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public AskTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A Tell to an actor whose bounded mailbox is full and whose overflow policy is <see cref="MailboxOverflow.Reject"/>.</summary>
public sealed class MailboxFullException : ActorException
{
    /// <summary>Creates the exception.</summary>
    public MailboxFullException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public MailboxFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public MailboxFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
