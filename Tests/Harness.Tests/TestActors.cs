using Akka.Actor;

namespace ActorPager.Harness.Tests;

/// <summary>One of a ring of actors passing a countdown: each handled number is counted, and n-1 goes on while n &gt; 0.</summary>
internal sealed class RingActor(int[] handled) : UntypedActor
{
    private IActorRef? _next;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case IActorRef next:
                _next = next;
                break;
            case int n:
                handled[0]++;
                if (n > 0)
                {
                    _next!.Tell(n - 1);
                }

                break;
        }
    }
}

/// <summary>Records every message it handles, in order.</summary>
internal sealed class RecordingActor(List<object> seen) : UntypedActor
{
    protected override void OnReceive(object message) => seen.Add(message);
}

/// <summary>Stashes everything until "open", then unstashes and records in order.</summary>
internal sealed class GateActor(List<object> seen) : UntypedActor, IWithUnboundedStash
{
    private bool _open;

    public IStash Stash { get; set; } = null!;

    protected override void OnReceive(object message)
    {
        if (message is "open")
        {
            _open = true;
            Stash.UnstashAll();
            return;
        }

        if (!_open)
        {
            Stash.Stash();
            return;
        }

        seen.Add(message);
    }
}

/// <summary>Throws on "boom"; counts restarts in the shared array and records other messages.</summary>
internal sealed class FragileActor(List<object> seen, int[] starts) : UntypedActor
{
    protected override void PreStart() => starts[0]++;

    protected override void OnReceive(object message)
    {
        if (message is "boom")
        {
            throw new InvalidOperationException("boom");
        }

        seen.Add(message);
    }
}

/// <summary>Makes a <see cref="FragileActor"/> child and forwards everything to it; restarts it on failure.</summary>
internal sealed class ParentActor(List<object> seen, int[] starts) : UntypedActor
{
    private IActorRef _child = ActorRefs.Nobody;

    protected override void PreStart() => _child = Context.ActorOf(Props.Create(() => new FragileActor(seen, starts)), "child");

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);

    protected override void OnReceive(object message) => _child.Forward(message);
}

/// <summary>Watches the actor it is given; records each Terminated.</summary>
internal sealed class WatcherActor(List<object> seen) : UntypedActor
{
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case IActorRef subject:
                Context.Watch(subject);
                break;
            case Terminated terminated:
                seen.Add(terminated);
                break;
        }
    }
}

/// <summary>A periodic timer (IWithTimers) counting ticks until told "stop".</summary>
internal sealed class TickerActor(int[] ticks, TimeSpan interval) : UntypedActor, IWithTimers
{
    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer("tick", "tick", interval);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case "tick":
                ticks[0]++;
                break;
            case "stop":
                Timers.Cancel("tick");
                break;
        }
    }
}

/// <summary>Counts receive timeouts; "reset" is any other message.</summary>
internal sealed class IdleActor(int[] timeouts, TimeSpan after) : UntypedActor
{
    protected override void PreStart() => Context.SetReceiveTimeout(after);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ReceiveTimeout:
                timeouts[0]++;
                break;
            case "off":
                Context.SetReceiveTimeout(null);
                break;
        }
    }
}

/// <summary>Answers every message with the same message, to its sender.</summary>
internal sealed class EchoActor : UntypedActor
{
    protected override void OnReceive(object message) => Sender.Tell(message);
}
