using Akka.Actor;
using Akka.Configuration;

namespace ActorPager.Harness.Dispatch;

/// <summary>
/// An actor system whose actors under test run on the <see cref="DeterministicDispatcher"/> with
/// virtual time, reused across runs: each run starts with <see cref="BeginRun"/> (a seed, a
/// strategy, time zero) and ends with <see cref="EndRun"/>, which stops every actor the run made.
/// Creating an <see cref="ActorSystem"/> costs milliseconds; a run on a reused one costs microseconds.
/// </summary>
/// <remarks>
/// <para>Top-level actors made with <c>ActorSystem.ActorOf</c> are started by Akka's user guardian
/// on another thread, at a moment no seed controls. Actors under test are therefore made through
/// <see cref="Home"/>: children of one root actor that lives on this dispatcher, made inside a
/// step, with stable names, so the same seed gives the same paths, candidates and trace.</para>
/// <para>Replies to <see cref="Ask"/> are scheduling choices too (the client is one more
/// thread): a reply is held as an external event and the awaiting code continues, inline, only
/// when the strategy picks it.</para>
/// </remarks>
public sealed class DeterministicSystem
{
    /// <summary>The dispatcher id to give actors under test: <c>Props.WithDispatcher(DispatcherId)</c>.</summary>
    public const string DispatcherId = "actorpager.deterministic-dispatcher";

    private const string RootName = "run";

    private readonly IActorRef _root;
    private readonly HarnessRoot.State _rootState = new();
    private readonly AskReplies _replies;

    private DeterministicSystem(ActorSystem system)
    {
        System = system;
        Dispatcher = LookupDispatcher(system);
        Clock = Dispatcher.Clock;
        _replies = new AskReplies(this);
        Home = new RootFactory(this);
        _root = system.ActorOf(Props.Create(() => new HarnessRoot(_rootState)).WithDispatcher(DispatcherId), RootName);
        AwaitStarted(_root);
        Dispatcher.RunUntilIdle();
        BeginRun(0, new RandomStrategy(0));
    }

    /// <summary>
    /// The configuration of a deterministic system: the dispatcher section, the virtual-time
    /// scheduler, logging kept quiet (warnings and errors still reach the event stream) and no
    /// dead-letter chatter. Put a caller's settings in front with <c>WithFallback</c>.
    /// </summary>
    public static Config Config { get; } = ConfigurationFactory.ParseString($$"""
        akka {
          scheduler.implementation = "{{typeof(VirtualTimeScheduler).AssemblyQualifiedName}}"
          loglevel = WARNING
          stdout-loglevel = OFF
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          actor.ask-timeout = 1h

          # Every descendant of the run root runs on the deterministic dispatcher, whatever its
          # Props say: a child made with plain Props.Create would otherwise escape to the
          # default dispatcher, whose threads no seed controls.
          actor.deployment {
            "/run/**" { dispatcher = actorpager.deterministic-dispatcher }
          }
        }
        actorpager.deterministic-dispatcher {
          type = "{{typeof(DeterministicDispatcherConfigurator).AssemblyQualifiedName}}"
          throughput = 1
        }
        """);

    /// <summary>The actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The system's deterministic dispatcher.</summary>
    public DeterministicDispatcher Dispatcher { get; }

    /// <summary>The system's virtual clock.</summary>
    public VirtualTimeScheduler Clock { get; }

    /// <summary>
    /// Where actors under test are made: <c>Home.ActorOf(props, name)</c> makes a child of the
    /// harness root on the deterministic dispatcher, stepping the dispatcher until it exists. Call
    /// it from the thread driving the run, never from inside a step.
    /// </summary>
    public IActorRefFactory Home { get; }

    /// <summary>Creates an actor system named <paramref name="name"/> with <see cref="Config"/> under <paramref name="config"/>.</summary>
    public static DeterministicSystem Create(string name, Config? config = null) =>
        new(ActorSystem.Create(name, config is null ? Config : config.WithFallback(Config)));

    /// <summary>Wraps a system that was created with <see cref="Config"/> (by a test kit, say).</summary>
    /// <exception cref="ConfigurationException">The system has no deterministic dispatcher.</exception>
    public static DeterministicSystem Attach(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return new DeterministicSystem(system);
    }

    /// <summary>
    /// Starts a run: the dispatcher gets <paramref name="seed"/> and <paramref name="strategy"/>,
    /// an empty trace and no external sources but the ask replies; virtual time goes back to zero
    /// with no timer pending.
    /// </summary>
    public void BeginRun(long seed, IScheduleStrategy strategy)
    {
        Dispatcher.Reset(seed, strategy);
        Clock.Reset();
        _replies.Clear();
        Dispatcher.AddExternalSource(_replies);
    }

    /// <summary>
    /// Ends a run: stops every actor made through <see cref="Home"/> (and so their children) and
    /// steps until they are gone, so the next run can reuse their names. Messages still held for
    /// them become dead letters, as in Akka.
    /// </summary>
    /// <exception cref="InvalidOperationException">The actors did not stop within <paramref name="maxSteps"/> steps.</exception>
    public void EndRun(long maxSteps = 1_000_000)
    {
        // Stopping is not part of the run: whatever strategy ran it (a replay's trace ends where
        // the run ended), the stop steps take the first candidate and are not traced further.
        Dispatcher.Reset(Dispatcher.Seed, FirstCandidateStrategy.Instance);
        _root.Tell(HarnessRoot.StopChildren.Instance, ActorRefs.NoSender);
        long steps = 0;
        while (_rootState.Children > 0 || _rootState.Stopping)
        {
            if (!Dispatcher.Step(advanceTime: true) || ++steps > maxSteps)
            {
                throw new InvalidOperationException(
                    $"the run's actors did not stop: {_rootState.Children} left under /user/{RootName} after {steps} steps");
            }
        }

        Dispatcher.RunUntilIdle(maxSteps);
    }

    /// <summary>
    /// A scheduling point for client code: the task completes, and code awaiting it continues
    /// inline, in a step the strategy chooses among the others, so actors' turns can run between
    /// the code before and after it.
    /// </summary>
    public Task Yield() => _replies.Yield();

    /// <summary>
    /// Asks <paramref name="target"/> with a reply that is a scheduling choice: the task completes,
    /// and code awaiting it continues inline, in the step that delivers the reply. Fails with
    /// <see cref="AskTimeoutException"/> after <paramref name="timeout"/> of virtual time.
    /// </summary>
    public Task<object> Ask(ICanTell target, object message, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(target);
        return _replies.Ask(target, message, timeout);
    }

    /// <summary>
    /// Terminates the actor system, stepping the dispatcher meanwhile: the actors on it stop only
    /// in steps, so a plain <c>ActorSystem.Terminate()</c> with nobody stepping would never end.
    /// </summary>
    /// <exception cref="TimeoutException">The system did not terminate within <paramref name="timeout"/> (real time).</exception>
    public void Terminate(TimeSpan? timeout = null)
    {
        Dispatcher.Reset(Dispatcher.Seed, FirstCandidateStrategy.Instance);
        var terminated = System.Terminate();
        var deadline = Environment.TickCount64 + (long)(timeout ?? TimeSpan.FromSeconds(30)).TotalMilliseconds;
        var spin = new SpinWait();
        while (!terminated.IsCompleted)
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"actor system {System.Name} did not terminate within {timeout ?? TimeSpan.FromSeconds(30)}; {Dispatcher.ActorCount} actors left on the deterministic dispatcher");
            }

            // Akka's guardians stop their children from their own threads, so stop messages
            // arrive here at moments no seed controls; shutdown is not part of any run.
            if (!Dispatcher.Step(advanceTime: false))
            {
                spin.SpinOnce();
            }
        }
    }

    /// <summary>The deterministic dispatcher of <paramref name="system"/>.</summary>
    /// <exception cref="ConfigurationException">The system was not configured with <see cref="Config"/>.</exception>
    public static DeterministicDispatcher LookupDispatcher(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (!system.Dispatchers.HasDispatcher(DispatcherId))
        {
            throw new ConfigurationException($"actor system {system.Name} has no {DispatcherId}: create it with DeterministicSystem.Create or DeterministicSystem.Config");
        }

        return (DeterministicDispatcher)system.Dispatchers.Lookup(DispatcherId);
    }

    /// <summary>Waits (briefly, in real time) until Akka's guardian has started a top-level actor.</summary>
    private static void AwaitStarted(IActorRef actor)
    {
        if (actor is not RepointableActorRef repointable)
        {
            return;
        }

        var spin = new SpinWait();
        var deadline = Environment.TickCount64 + 10_000;
        while (!repointable.IsStarted)
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new InvalidOperationException($"{actor.Path} was not started by the user guardian within 10 s");
            }

            spin.SpinOnce();
        }
    }

    /// <summary>Makes children of the harness root by stepping the dispatcher.</summary>
    private sealed class RootFactory(DeterministicSystem owner) : IActorRefFactory
    {
        public IActorRef ActorOf(Props props, string? name = null)
        {
            ArgumentNullException.ThrowIfNull(props);
            var spawn = new HarnessRoot.Spawn(props, name);
            owner._root.Tell(spawn, ActorRefs.NoSender);
            if (!owner.Dispatcher.RunUntil(() => spawn.Done, TimeSpan.Zero))
            {
                throw new InvalidOperationException($"the harness root did not make actor {name ?? "(unnamed)"}: the dispatcher ran out of work");
            }

            return spawn.Result ?? throw spawn.Error!;
        }

        public ActorSelection ActorSelection(ActorPath actorPath) => owner.System.ActorSelection(actorPath);

        public ActorSelection ActorSelection(string actorPath) => owner.System.ActorSelection(actorPath);
    }
}
