using System.Collections.Concurrent;
using Akka.Actor;

namespace ActorPager.Actors.Inspection;

/// <summary>
/// An Akka.NET extension that maps the refs of live vnode and VM object actors to the actor
/// objects themselves, for tools that check the pager's state between messages (the harness's
/// protocol monitors). The pager registers into it only on a system that has it: a service never
/// pays for it. Registration happens in PreStart and ends in PostStop, inside the actor's own turn.
/// </summary>
internal sealed class ActorInstances : IExtension
{
    private readonly ConcurrentDictionary<IActorRef, ActorBase> _actors = new();

    /// <summary>The actors registered now.</summary>
    public int Count => _actors.Count;

    /// <summary>The actor object behind <paramref name="actor"/>, if it is a registered pager actor that has not stopped.</summary>
    public ActorBase? Find(IActorRef actor) => _actors.TryGetValue(actor, out var instance) ? instance : null;

    /// <summary>Called by a pager actor when it starts, on a system with this extension.</summary>
    internal static void Started(IActorContext context, ActorBase actor)
    {
        if (context.System.HasExtension<ActorInstances>())
        {
            context.System.GetExtension<ActorInstances>()._actors[context.Self] = actor;
        }
    }

    /// <summary>Called by a pager actor when it stops.</summary>
    internal static void Stopped(IActorContext context)
    {
        if (context.System.HasExtension<ActorInstances>())
        {
            context.System.GetExtension<ActorInstances>()._actors.TryRemove(context.Self, out _);
        }
    }
}

/// <summary>Makes the <see cref="ActorInstances"/> extension: <c>system.RegisterExtension(ActorInstancesProvider.Instance)</c>.</summary>
internal sealed class ActorInstancesProvider : ExtensionIdProvider<ActorInstances>
{
    /// <summary>The one provider.</summary>
    public static readonly ActorInstancesProvider Instance = new();

    /// <inheritdoc />
    public override ActorInstances CreateExtension(ExtendedActorSystem system) => new();
}
