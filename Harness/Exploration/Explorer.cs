using ActorPager.Actors;
using ActorPager.Actors.Inspection;
using ActorPager.Actors.Pager;
using ActorPager.Harness.Dispatch;
using ActorPager.Storage;
using Akka.Configuration;
using Akka.Event;

namespace ActorPager.Harness.Exploration;

/// <summary>
/// Runs a scenario under many schedules on the deterministic dispatcher, with every message
/// delivery, timer, store I/O completion, injected store fault and reply to a client a choice of
/// the strategy, and checks the protocol's rules after every step. Same seed and same code, same run.
/// </summary>
/// <remarks>
/// An explorer keeps one actor system for all its runs (creating one costs milliseconds; a run on
/// it, a fresh actor tree, costs microseconds), so dispose it when done. It is not thread-safe:
/// one thread drives its runs.
/// </remarks>
public sealed partial class Explorer : IDisposable
{
    /// <summary>What the explorer's own system adds to <see cref="DeterministicSystem.Config"/>: no logger prints anything (the explorer reads errors from the event stream).</summary>
    private static readonly Config _quiet = ConfigurationFactory.ParseString("akka.loggers = []");

    private readonly bool _ownsSystem;
    private readonly ErrorListener _errors;
    private readonly ActorInstances _instances;
    private DeterministicSystem? _system;

    /// <summary>An explorer with an actor system of its own, made now and terminated by <see cref="Dispose"/>.</summary>
    public Explorer()
        : this(null)
    {
    }

    /// <summary>
    /// An explorer running on <paramref name="system"/> (a test kit's, say), which it neither
    /// owns nor terminates. Nothing else may run on the system while the explorer does.
    /// </summary>
    public Explorer(DeterministicSystem? system)
    {
        _ownsSystem = system is null;
        _system = system ?? DeterministicSystem.Create("check", _quiet);
        _instances = (ActorInstances)_system.System.RegisterExtension(ActorInstancesProvider.Instance);
        _errors = new ErrorListener(((Akka.Actor.ExtendedActorSystem)_system.System).Provider);
        _system.System.EventStream.Subscribe(_errors, typeof(Error));
    }

    /// <summary>Steps after which a run is reported as not finishing.</summary>
    public long MaxSteps { get; init; } = 20_000;

    /// <summary>When nothing can run, timers due within this much virtual time fire; a run that would need a later one is reported as making no progress.</summary>
    public TimeSpan TimerHorizon { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Called after every run of <see cref="Explore"/> (progress reports; tests that collect every schedule).</summary>
    public Action<RunResult>? RunCompleted { get; init; }

    /// <summary>The depth PCT targets.</summary>
    public int PctDepth { get; init; } = 3;

    /// <summary>
    /// The run length, in steps, over which PCT spreads its change points. It must be near a
    /// run's real length: change points past the end of a run never fire, and PCT then degrades
    /// to fixed priorities. The conformance scenarios take about 60-110 steps on average.
    /// </summary>
    public int PctRunLength { get; init; } = 100;

    /// <summary>The system the runs are made on.</summary>
    public DeterministicSystem System => _system ?? throw new ObjectDisposedException(nameof(Explorer));

    /// <summary>Explores <paramref name="scenario"/> with pagers made by <paramref name="pager"/> for <paramref name="runs"/> seeds from <paramref name="firstSeed"/>; stops at the first violation.</summary>
    public ExplorationResult Explore(Scenario scenario, Func<IPager> pager, ExplorationStrategy strategy, int runs, long firstSeed = 1)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(pager);
        var pagerName = pager().Name;
        if (strategy == ExplorationStrategy.Exhaustive)
        {
            return ExploreExhaustive(scenario, pager, runs, pagerName);
        }

        var hashes = new HashSet<ulong>();
        for (var i = 0; i < runs; i++)
        {
            var seed = firstSeed + i;
            var result = Run(scenario, pager(), seed, strategy, null);
            RunCompleted?.Invoke(result);
            hashes.Add(result.TraceHash);
            if (result.Violation is not null)
            {
                return new ExplorationResult(scenario.Name, pagerName, strategy, i + 1, result, hashes.Count);
            }
        }

        return new ExplorationResult(scenario.Name, pagerName, strategy, runs, null, hashes.Count);
    }

    /// <summary>One run: the given seed, or a scripted list of choices (replay, shrinking, exhaustive search).</summary>
    public RunResult Run(Scenario scenario, IPager pager, long seed, ExplorationStrategy strategy, IReadOnlyList<int>? script)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(pager);
        var system = System;
        var dispatcher = system.Dispatcher;
        var recorder = new RecordingStrategy(script is not null ? new ScriptedStrategy(script) : CreateStrategy(seed, strategy));
        dispatcher.TraceLimit = (int)Math.Min(int.MaxValue, MaxSteps + 100);
        system.BeginRun(seed, recorder);

        var store = new SimulatedStore();
        foreach (var (name, bytes) in scenario.InitialFiles)
        {
            new MemoryStore(store.Volume).WriteAsync(name, 0, bytes, WriteDurability.Durable).AsTask().GetAwaiter().GetResult();
        }

        var io = new FaultyIoEvents(store, scenario.FaultBudget);
        dispatcher.AddExternalSource(io);
        var monitor = new PagerMonitor(scenario.Options.PageSize, _instances) { Steps = () => dispatcher.StepCount };
        store.OperationQueued += monitor.OnOperationQueued;
        io.Finished += monitor.OnOperationFinished;
        dispatcher.MessageDelivered += monitor.OnDelivered;
        _errors.Begin();
        Violation? violation = null;
        Violation Make(int rule, string description) =>
            new(rule, description, seed, script is not null ? "replay" : strategy.ToString().ToLowerInvariant(), dispatcher.StepCount, [.. dispatcher.Trace.Deliveries], dispatcher.Trace.Hash);

        try
        {
            try
            {
                // Starting the pager makes its actors, and the scenario's first awaits run inline:
                // both step the dispatcher, so a monitor can already object.
                var pagerSystem = PagerSystem.Start(system.System, scenario.Options, new PagerPlacement { Home = system.Home, Ask = system.Ask, MappedReads = new MappedReadSteps(system, monitor) });
                pagerSystem.Mount("m", store, pager);
                var workload = StartWorkload(scenario, new ScenarioContext(system, pagerSystem, store));
                violation = Drive(dispatcher, monitor, workload, Make);
            }
            catch (RuleViolatedException broken)
            {
                violation = Make(broken.Rule, broken.Description);
            }

            return new RunResult(seed, dispatcher.StepCount, dispatcher.Trace.Hash, violation, recorder.Choices, recorder.Counts) { MappedReads = monitor.MappedCounts };
        }
        finally
        {
            // Also after an exception (a scenario that throws, a replay that diverges): the
            // next run on this system needs the names and an empty tree.
            _errors.End();
            dispatcher.MessageDelivered -= monitor.OnDelivered;
            system.EndRun();
        }
    }

    /// <summary>Steps the run until the workload is done and the system drained, a rule breaks, or nothing can progress.</summary>
    private Violation? Drive(DeterministicDispatcher dispatcher, PagerMonitor monitor, Task[] workload, Func<int, string, Violation> make)
    {
        while (true)
        {
            monitor.ThrowPending();
            if (_errors.First is { } error)
            {
                return make(ErrorListener.RuleOf(error), "an actor failed: " + ErrorListener.Describe(error));
            }

            var done = AllCompleted(workload);
            if (dispatcher.IsIdle)
            {
                if (done)
                {
                    monitor.CheckQuiescent();
                    foreach (var task in workload)
                    {
                        if (task.IsFaulted && task.Exception!.InnerException is not PagerException)
                        {
                            return make(0, "a client operation failed: " + task.Exception.InnerException!.Message);
                        }
                    }

                    return null;
                }

                if (dispatcher.Clock.NextDeadline is { } due && due - dispatcher.Clock.Elapsed <= TimerHorizon)
                {
                    // Timers (receive timeouts, retries) fire when nothing else can run, as on
                    // virtual time; client time-outs lie beyond the horizon, so a stuck run is
                    // reported as stuck instead of failing later with an ask time-out.
                    dispatcher.Step(advanceTime: true, timeLimit: due);
                    continue;
                }

                monitor.CheckStuck();
                return make(7, "no progress: clients wait and nothing can run. " + WaitFor(monitor));
            }

            // Clients waiting or not, whatever can run runs: the system drains before the end checks.
            dispatcher.Step(advanceTime: false);
            if (dispatcher.StepCount > MaxSteps)
            {
                return make(7, $"the run did not finish within {MaxSteps} steps (a livelock?)");
            }
        }
    }

    /// <summary>
    /// Calls the scenario with no synchronization context, so its continuations run inline in the
    /// steps that complete what they await, and as no actor, so a Tell before its first await has
    /// no implicit sender whatever thread drives the run (Akka.TestKit makes its test actor the
    /// test thread's current actor).
    /// </summary>
    private static Task[] StartWorkload(Scenario scenario, ScenarioContext context)
    {
        var previous = SynchronizationContext.Current;
        var cell = Akka.Actor.Internal.InternalCurrentActorCellKeeper.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        Akka.Actor.Internal.InternalCurrentActorCellKeeper.Current = null;
        try
        {
            return [.. scenario.Start(context)];
        }
        finally
        {
            Akka.Actor.Internal.InternalCurrentActorCellKeeper.Current = cell;
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private static bool AllCompleted(Task[] tasks)
    {
        foreach (var task in tasks)
        {
            if (!task.IsCompleted)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The strategy for one seeded run (exhaustive runs are scripted and never come here).</summary>
    internal IScheduleStrategy CreateStrategy(long seed, ExplorationStrategy strategy) =>
        strategy == ExplorationStrategy.Pct ? new PctStrategy(seed, PctDepth, PctRunLength) : new RandomStrategy(seed);

    /// <summary>Depth-first enumeration of schedules: each run replays a prefix of choices and takes the first candidate after it; the next schedule bumps the deepest choice that has an untried alternative.</summary>
    private ExplorationResult ExploreExhaustive(Scenario scenario, Func<IPager> pager, int maxRuns, string pagerName)
    {
        var hashes = new HashSet<ulong>();
        var script = new List<int>();
        for (var run = 0; run < maxRuns; run++)
        {
            var result = Run(scenario, pager(), run, ExplorationStrategy.Exhaustive, script);
            RunCompleted?.Invoke(result);
            hashes.Add(result.TraceHash);
            if (result.Violation is not null)
            {
                return new ExplorationResult(scenario.Name, pagerName, ExplorationStrategy.Exhaustive, run + 1, result, hashes.Count);
            }

            // Backtrack: the deepest step whose choice can still be increased.
            var choices = result.Choices;
            var counts = result.Counts;
            var depth = choices.Count - 1;
            while (depth >= 0 && choices[depth] + 1 >= counts[depth])
            {
                depth--;
            }

            if (depth < 0)
            {
                return new ExplorationResult(scenario.Name, pagerName, ExplorationStrategy.Exhaustive, run + 1, null, hashes.Count);
            }

            script = [.. choices.Take(depth), choices[depth] + 1];
        }

        return new ExplorationResult(scenario.Name, pagerName, ExplorationStrategy.Exhaustive, maxRuns, null, hashes.Count);
    }

    /// <summary>Terminates the explorer's own actor system (not one it was given).</summary>
    public void Dispose()
    {
        if (_system is not { } system)
        {
            return;
        }

        _system = null;
        system.System.EventStream.Unsubscribe(_errors);
        if (_ownsSystem)
        {
            system.Terminate();
        }
    }
}
