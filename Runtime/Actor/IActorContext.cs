namespace ActorPager.Runtime;

/// <summary>A behaviour: handles a message and says whether it did.</summary>
/// <param name="message">The message.</param>
/// <returns>True when handled; false makes it unhandled.</returns>
public delegate bool Receive(object message);

/// <summary>
/// What an actor sees of itself and its surroundings while it handles a message. Valid only on
/// the actor's own turn; never hand it to another thread.
/// </summary>
public interface IActorContext
{
    /// <summary>This actor's ref.</summary>
    IActorRef Self { get; }

    /// <summary>The sender of the message being handled (dead letters when there is none).</summary>
    IActorRef Sender { get; }

    /// <summary>This actor's parent.</summary>
    IActorRef Parent { get; }

    /// <summary>The live children, in the order they were created.</summary>
    IReadOnlyList<IActorRef> Children { get; }

    /// <summary>The system the actor belongs to.</summary>
    ActorSystem System { get; }

    /// <summary>The system's scheduler (real or virtual time).</summary>
    IScheduler Scheduler { get; }

    /// <summary>
    /// This actor's random source, seeded from the system seed and the actor's path, so a run
    /// with the same seed draws the same numbers.
    /// </summary>
    Random Random { get; }

    /// <summary>The receive timeout in force, or null.</summary>
    TimeSpan? ReceiveTimeout { get; }

    /// <summary>Creates a child actor.</summary>
    /// <param name="props">The recipe.</param>
    /// <param name="name">A name unique among the live children; null picks one.</param>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>The live child called <paramref name="name"/>, or null.</summary>
    IActorRef? Child(string name);

    /// <summary>Stops this actor or one of its children. Stopping waits for the actor's children to stop first.</summary>
    void Stop(IActorRef actor);

    /// <summary>Watches <paramref name="subject"/>: when it stops, this actor receives <see cref="Terminated"/> exactly once.</summary>
    IActorRef Watch(IActorRef subject);

    /// <summary>Stops watching <paramref name="subject"/>; a <see cref="Terminated"/> not yet handled is dropped.</summary>
    IActorRef Unwatch(IActorRef subject);

    /// <summary>Replaces the current behaviour (or pushes over it when <paramref name="discardOld"/> is false).</summary>
    void Become(Receive receive, bool discardOld = true);

    /// <summary>Returns to the behaviour below the current one (never below the initial behaviour).</summary>
    void Unbecome();

    /// <summary>Sets the time after which, with no message arriving, <see cref="Runtime.ReceiveTimeout"/> is delivered; null turns it off.</summary>
    void SetReceiveTimeout(TimeSpan? timeout);

    /// <summary>Puts the message being handled aside. It survives Become and restarts.</summary>
    void Stash();

    /// <summary>Puts the oldest stashed message back in front of the mailbox.</summary>
    void Unstash();

    /// <summary>Puts every stashed message back in front of the mailbox, oldest first.</summary>
    void UnstashAll();
}
