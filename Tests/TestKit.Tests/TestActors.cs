using System.Runtime.CompilerServices;
using ActorPager.Runtime;

namespace ActorPager.TestKit.Tests;

/// <summary>Replies every message to its sender.</summary>
internal sealed class EchoActor : ReceiveActor
{
    public EchoActor() => ReceiveAny(m => Sender.Tell(m, Self));
}

/// <summary>Asks the actor to reply <see cref="Reply"/> to the sender after <see cref="Delay"/> (on the system's scheduler).</summary>
internal sealed record ReplyLater(TimeSpan Delay, object Reply);

/// <summary>Replies later, using the scheduler; time comes only from there.</summary>
internal sealed class DelayedReplyActor : ReceiveActor
{
    public DelayedReplyActor() =>
        Receive<ReplyLater>(r => Context.Scheduler.ScheduleTellOnce(r.Delay, Sender, r.Reply, Self));
}

/// <summary>Counts the messages it handles into a box the test reads; after <c>"tick-later"</c> it counts once more after 30 s.</summary>
internal sealed class CountingActor : ReceiveActor
{
    public CountingActor(StrongBox<int> count)
    {
        Receive<string>(s => s == "tick-later", _ => Context.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(30), Self, "tick", Self));
        ReceiveAny(_ => Interlocked.Increment(ref count.Value));
    }
}

/// <summary>Throws on "boom"; echoes everything else.</summary>
internal sealed class ThrowingActor : ReceiveActor
{
    public ThrowingActor()
    {
        Receive<string>(s => s == "boom", _ => throw new InvalidOperationException("boom"));
        ReceiveAny(m => Sender.Tell(m, Self));
    }
}

/// <summary>Handles only ints; anything else is unhandled.</summary>
internal sealed class IntOnlyActor : ReceiveActor
{
    public IntOnlyActor() => Receive<int>(_ => { });
}

/// <summary>Watches <c>target</c> and tells <c>report</c> when it stops.</summary>
internal sealed class WatchingActor : ReceiveActor
{
    private readonly IActorRef _target;

    public WatchingActor(IActorRef target, IActorRef report)
    {
        _target = target;
        Receive<Terminated>(t => report.Tell($"terminated {t.ActorRef.Path.Name}", Self));
        Receive<string>(s => s == "watching?", _ => Sender.Tell("watching", Self));
    }

    protected internal override void PreStart() => Context.Watch(_target);
}
