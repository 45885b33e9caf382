using Akka.Actor;

namespace ActorPager.TestKit.Tests;

/// <summary>Replies every message to its sender.</summary>
internal sealed class EchoActor : ReceiveActor
{
    public EchoActor() => ReceiveAny(m => Sender.Tell(m, Self));
}

/// <summary>Asks the actor to reply <see cref="Reply"/> to the sender after <see cref="Delay"/> (on the system's scheduler).</summary>
internal sealed record ReplyLater(TimeSpan Delay, object Reply);

/// <summary>Replies later, with a timer: time comes only from the system's scheduler.</summary>
internal sealed class DelayedReplyActor : ReceiveActor, IWithTimers
{
    private int _timers;

    public DelayedReplyActor()
    {
        Receive<ReplyLater>(r => Timers.StartSingleTimer(++_timers, new Deliver(Sender, r.Reply), r.Delay));
        Receive<Deliver>(d => d.To.Tell(d.Reply, Self));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed record Deliver(IActorRef To, object Reply);
}

/// <summary>Makes a child with plain props (no dispatcher named) and forwards everything to it.</summary>
internal sealed class ParentActor : ReceiveActor
{
    public ParentActor()
    {
        var child = Context.ActorOf(Props.Create(() => new DispatcherReportingActor()), "child");
        ReceiveAny(m => child.Forward(m));
    }
}

/// <summary>Answers any message with the dispatcher it runs on and the thread it runs on.</summary>
internal sealed class DispatcherReportingActor : ReceiveActor
{
    public DispatcherReportingActor() =>
        ReceiveAny(_ => Sender.Tell(new RunsOn(Context.Dispatcher, Environment.CurrentManagedThreadId), Self));
}

/// <summary>Where an actor's message was handled.</summary>
internal sealed record RunsOn(Akka.Dispatch.MessageDispatcher Dispatcher, int Thread);
