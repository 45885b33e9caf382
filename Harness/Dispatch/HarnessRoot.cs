using Akka.Actor;

namespace ActorPager.Harness.Dispatch;

/// <summary>
/// The parent of every actor a deterministic run makes: it lives on the deterministic dispatcher,
/// so children are made, and their names freed, inside steps the seed orders.
/// </summary>
internal sealed class HarnessRoot(HarnessRoot.State state) : UntypedActor
{
    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        // A run's top-level actors fail the way Akka's user guardian would have them fail:
        // restarted. The pager chooses its own strategies below them.
        Akka.Actor.SupervisorStrategy.DefaultStrategy;

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Spawn spawn:
                try
                {
                    var child = Context.ActorOf(spawn.Props, spawn.Name);
                    Context.Watch(child);
                    state.Children++;
                    spawn.Result = child;
                }
                catch (InvalidActorNameException e)
                {
                    spawn.Error = e;
                }

                spawn.Done = true;
                break;
            case StopChildren:
                state.Stopping = state.Children > 0;
                foreach (var child in Context.GetChildren())
                {
                    Context.Stop(child);
                }

                break;
            case Terminated:
                state.Children--;
                state.Stopping = state.Children > 0;
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>What the driving thread reads of the root between steps.</summary>
    internal sealed class State
    {
        /// <summary>Children made and not yet terminated (as far as the root has been told).</summary>
        public int Children { get; set; }

        /// <summary>A stop of every child is in progress.</summary>
        public bool Stopping { get; set; }
    }

    /// <summary>Make a child; the driving thread reads the outcome after the step.</summary>
    internal sealed class Spawn(Props props, string? name)
    {
        public Props Props { get; } = props;

        public string? Name { get; } = name;

        public bool Done { get; set; }

        public IActorRef? Result { get; set; }

        public Exception? Error { get; set; }
    }

    /// <summary>Stop every child.</summary>
    internal sealed class StopChildren
    {
        public static readonly StopChildren Instance = new();
    }
}
