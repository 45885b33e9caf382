using Akka.Actor;

namespace ActorPager.Actors;

/// <summary>
/// Props that make an actor with a plain delegate. Akka's <c>Props.Create(() =&gt; new T(...))</c>
/// takes an expression tree and evaluates its arguments by interpretation on every actor it
/// makes; the pager makes a completion actor per I/O, so it hands Akka a producer instead.
/// </summary>
internal static class ActorProps
{
    /// <summary>Props whose actors <paramref name="factory"/> makes.</summary>
    public static Props Of<TActor>(Func<TActor> factory)
        where TActor : ActorBase =>
        Props.CreateBy(new Producer<TActor>(factory));

    private sealed class Producer<TActor>(Func<TActor> factory) : IIndirectActorProducer
        where TActor : ActorBase
    {
        public Type ActorType => typeof(TActor);

        public ActorBase Produce() => factory();

        public void Release(ActorBase actor)
        {
        }
    }
}
