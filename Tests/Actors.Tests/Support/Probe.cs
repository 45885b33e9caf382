using Akka.Actor;

namespace ActorPager.Actors.Tests.Support;

/// <summary>
/// An actor that runs test code inside its own turn, with its context: used to call a pager
/// directly with a <see cref="Pager.PagerCall"/> whose vnode is this actor.
/// </summary>
internal sealed class HostActor(List<object> received) : ActorBase
{
    /// <summary>Runs <paramref name="Body"/> in the host's turn.</summary>
    public sealed record Run(Action<IActorContext> Body);

    protected override bool Receive(object message)
    {
        if (message is Run run)
        {
            run.Body(Context);
        }
        else
        {
            received.Add(message);
        }

        return true;
    }
}
