using Akka.Actor;

namespace ActorPager.Service;

/// <summary>Mailbox depths of local actors, for /metrics and /v1/objects.</summary>
internal static class Mailboxes
{
    /// <summary>
    /// Messages waiting in <paramref name="actor"/>'s mailbox (Akka's <see cref="ICell.NumberOfMessages"/>);
    /// null for a ref with no local cell. A vnode's stashed VOPs are not in its mailbox and are not counted.
    /// </summary>
    public static int? Depth(IActorRef actor) => actor is ActorRefWithCell { Underlying: { } cell } ? cell.NumberOfMessages : null;
}
