namespace ActorPager.Runtime;

/// <summary>
/// An immutable handle to an actor: the only way to talk to it. Refs compare equal when they
/// name the same actor incarnation; a ref stays valid after its actor stops (messages then go to
/// dead letters).
/// </summary>
public interface IActorRef : IEquatable<IActorRef>
{
    /// <summary>The actor's path in the hierarchy, e.g. <c>actorpager://demo/user/vnode-7</c>.</summary>
    ActorPath Path { get; }

    /// <summary>
    /// Sends <paramref name="message"/> without waiting. Messages from one sender to one receiver
    /// arrive in the order they were sent.
    /// </summary>
    /// <param name="message">The message; never null.</param>
    /// <param name="sender">The ref the receiver sees as <see cref="IActorContext.Sender"/>, or null for none.</param>
    void Tell(object message, IActorRef? sender = null);
}

/// <summary>Well-known refs.</summary>
public static class ActorRefs
{
    /// <summary>The sender to use when there is none (replies to it go to dead letters).</summary>
    public static readonly IActorRef? NoSender;

    /// <summary>A ref that accepts and drops every message.</summary>
    public static IActorRef Nobody { get; } = new NobodyRef();

    private sealed class NobodyRef : IActorRef
    {
        public ActorPath Path { get; } = ActorPath.Root("nobody");

        public void Tell(object message, IActorRef? sender = null)
        {
            ArgumentNullException.ThrowIfNull(message);
        }

        public bool Equals(IActorRef? other) => ReferenceEquals(this, other);

        public override bool Equals(object? obj) => ReferenceEquals(this, obj);

        public override int GetHashCode() => 0x6e6f62;

        public override string ToString() => "Nobody";
    }
}
