using Akka.Actor;

namespace ActorPager.Actors;

/// <summary>
/// Where a <see cref="PagerSystem"/> makes its top-level actors and how its .NET API (open, read,
/// write, sync) waits for replies. The defaults suit a service: top-level actors of the actor
/// system, and Akka's <c>Ask</c>. The concurrency harness supplies its own, so that a run's actors
/// and its clients' continuations are steps of the deterministic dispatcher.
/// </summary>
public sealed record PagerPlacement
{
    /// <summary>Top-level actors of the system, Akka's Ask.</summary>
    public static PagerPlacement Default { get; } = new();

    /// <summary>Makes the page daemon and the mount actors; the actor system when null.</summary>
    public IActorRefFactory? Home { get; init; }

    /// <summary>Sends a request and waits for its reply (target, message, time-out); Akka's <c>Ask</c> when null.</summary>
    public Func<ICanTell, object, TimeSpan, Task<object>>? Ask { get; init; }

    /// <summary>Scheduling points and observation of mapped reads (a harness's); none when null.</summary>
    public IMappedReadHooks? MappedReads { get; init; }
}
