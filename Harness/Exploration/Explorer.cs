using ActorPager.Actors;
using ActorPager.Actors.Pager;
using ActorPager.Actors.Vm;
using ActorPager.Actors.Vnode;
using ActorPager.Runtime;
using ActorPager.Storage;

namespace ActorPager.TestKit.Harness;

/// <summary>How the explorer chooses schedules.</summary>
public enum ExplorationStrategy
{
    /// <summary>Uniformly random choice at every step, one run per seed.</summary>
    Random,

    /// <summary>Probabilistic concurrency testing with a depth bound, one run per seed.</summary>
    Pct,

    /// <summary>Every schedule up to a bound, depth first (for small scenarios); seeds number the schedules.</summary>
    Exhaustive,
}

/// <summary>The outcome of one run.</summary>
/// <param name="Seed">The seed (for exhaustive search, the schedule's number).</param>
/// <param name="Steps">Steps taken.</param>
/// <param name="TraceHash">The trace's hash.</param>
/// <param name="Violation">The first rule broken, or null.</param>
/// <param name="Choices">The choice made at each step (for replay and shrinking).</param>
/// <param name="Counts">How many candidates each step offered.</param>
public sealed record RunResult(long Seed, long Steps, ulong TraceHash, Violation? Violation, IReadOnlyList<int> Choices, IReadOnlyList<int> Counts);

/// <summary>The outcome of exploring a scenario.</summary>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="Pager">The pager's name.</param>
/// <param name="Strategy">The strategy.</param>
/// <param name="Runs">Runs made.</param>
/// <param name="Violation">The first violation found, or null.</param>
/// <param name="DistinctTraces">Different schedules seen.</param>
public sealed record ExplorationResult(string Scenario, string Pager, ExplorationStrategy Strategy, int Runs, RunResult? Violation, int DistinctTraces);

/// <summary>
/// Runs a scenario under many schedules on the deterministic dispatcher, with every message
/// delivery, timer, store I/O completion and injected store fault a choice of the strategy, and
/// checks the protocol's rules after every step. Same seed and same code, same run.
/// </summary>
public sealed class Explorer
{
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
    /// to fixed priorities. The conformance scenarios take 40-120 steps.
    /// </summary>
    public int PctRunLength { get; init; } = 100;

    /// <summary>Explores <paramref name="scenario"/> with pagers made by <paramref name="pager"/> for <paramref name="runs"/> seeds from <paramref name="firstSeed"/>; stops at the first violation.</summary>
    public ExplorationResult Explore(Scenario scenario, Func<IPager> pager, ExplorationStrategy strategy, int runs, long firstSeed = 1)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(pager);
        var hashes = new HashSet<ulong>();
        var pagerName = pager().Name;
        if (strategy == ExplorationStrategy.Exhaustive)
        {
            return ExploreExhaustive(scenario, pager, runs, pagerName);
        }

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
        var recorder = new RecordingStrategy(script is not null ? new ScriptedStrategy(script) : CreateStrategy(seed, strategy));
        var settings = new ActorSystemSettings
        {
            Dispatcher = DispatcherKind.Deterministic,
            Seed = seed,
            StrategyFactory = _ => recorder,
            LogToStandardError = false,
            TraceLimit = (int)Math.Min(int.MaxValue, MaxSteps + 100),
        };
        var system = ActorSystem.Create("check", settings);
        var dispatcher = system.Deterministic!;
        var store = new SimulatedStore();
        var io = new FaultyIoEvents(store, scenario.FaultBudget);
        dispatcher.AddExternalSource(io);
        foreach (var (name, bytes) in scenario.InitialFiles)
        {
            new MemoryStore(store.Volume).WriteAsync(name, 0, bytes, WriteDurability.Durable).AsTask().GetAwaiter().GetResult();
        }

        var monitor = new PagerMonitor(scenario.Options.PageSize);
        store.OperationQueued += monitor.OnOperationQueued;
        io.Finished += monitor.OnOperationFinished;
        dispatcher.DeliveredToCell += monitor.OnDelivered;
        string? crash = null;
        var crashRule = 0;
        system.EventStream.Subscribe<LogEvent>(e =>
        {
            if (e.Level >= LogLevel.Error && crash is null)
            {
                crash = $"{e.Source}: {e.Message}";
                crashRule = RuleIn(e.Message);
            }
        });

        var pagerSystem = PagerSystem.Start(system, scenario.Options);
        pagerSystem.Mount("m", store, pager);
        var context = new ScenarioContext(system, pagerSystem, store);
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        IReadOnlyList<Task> workload;
        try
        {
            workload = scenario.Start(context);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        Violation? violation = null;
        Violation Make(int rule, string description) =>
            new(rule, description, seed, script is not null ? "replay" : strategy.ToString().ToLowerInvariant(), dispatcher.StepCount, dispatcher.Trace.Deliveries.ToArray(), dispatcher.Trace.Hash);

        try
        {
            while (violation is null)
            {
                if (crash is not null)
                {
                    violation = Make(crashRule, "an actor failed: " + crash);
                    break;
                }

                if (workload.All(t => t.IsCompleted))
                {
                    dispatcher.RunUntilIdle(MaxSteps);
                    monitor.CheckQuiescent();
                    var failed = workload.FirstOrDefault(t => t.IsFaulted && t.Exception?.InnerException is not PagerException);
                    if (failed is not null)
                    {
                        violation = Make(0, "a client operation failed: " + failed.Exception!.InnerException!.Message);
                    }

                    break;
                }

                if (dispatcher.IsIdle && dispatcher.Clock.NextDeadline is { } due && due - dispatcher.Clock.Elapsed <= TimerHorizon)
                {
                    // Timers (receive timeouts, retries) fire when nothing else can run, as on
                    // virtual time; client time-outs lie beyond the horizon, so a stuck run is
                    // reported as stuck instead of failing later with an Ask timeout.
                    dispatcher.Step(advanceTime: true, timeLimit: due);
                    continue;
                }

                if (dispatcher.IsIdle)
                {
                    monitor.CheckStuck();
                    violation = Make(7, "no progress: clients wait and nothing can run. " + WaitFor(monitor));
                    break;
                }

                dispatcher.Step(advanceTime: false);
                if (dispatcher.StepCount > MaxSteps)
                {
                    violation = Make(7, $"the run did not finish within {MaxSteps} steps (a livelock?)");
                }
            }
        }
        catch (RuleViolatedException broken)
        {
            violation = Make(broken.Rule, broken.Description);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("(rule ", StringComparison.Ordinal))
        {
            violation = Make(RuleIn(ex.Message), ex.Message);
        }

        return new RunResult(seed, dispatcher.StepCount, dispatcher.Trace.Hash, violation, recorder.Choices, recorder.Counts);
    }

    /// <summary>The strategy for one seeded run (exhaustive runs are scripted and never come here).</summary>
    internal IScheduleStrategy CreateStrategy(long seed, ExplorationStrategy strategy) =>
        strategy == ExplorationStrategy.Pct ? new PctStrategy(seed, PctDepth, PctRunLength) : new RandomStrategy(seed);

    /// <summary>
    /// The rule an actor's error message cites, as "(rule 11)" or "(rule 33: exactly one
    /// completion)"; 0 when it cites none.
    /// </summary>
    internal static int RuleIn(string message)
    {
        var at = message.IndexOf("(rule ", StringComparison.Ordinal);
        if (at < 0)
        {
            return 0;
        }

        var digits = message.AsSpan(at + 6);
        var length = 0;
        while (length < digits.Length && char.IsAsciiDigit(digits[length]))
        {
            length++;
        }

        return length > 0 && int.TryParse(digits[..length], System.Globalization.CultureInfo.InvariantCulture, out var rule) ? rule : 0;
    }

    /// <summary>Who waits for whom when a run is stuck: the wait-for edges of objects and vnodes, and a cycle if there is one.</summary>
    private static string WaitFor(PagerMonitor monitor)
    {
        var edges = new List<(string From, string To, string Why)>();
        foreach (var cell in monitor.Cells)
        {
            switch (cell.Actor)
            {
                case VmObjectActor obj:
                    var s = obj.Inspect();
                    var vnode = obj.Handle?.Path.ToString() ?? "(no vnode)";
                    if (s.VnodeWaiters > 0)
                    {
                        edges.Add((cell.PathString, vnode, $"{s.VnodeWaiters} faults wait for the vnode lock"));
                    }

                    if (s.PipWaiters > 0)
                    {
                        edges.Add((cell.PathString, cell.PathString, $"pip_wait with pip {s.Pip}"));
                    }

                    if (s.RequestsInFlight > 0)
                    {
                        edges.Add((cell.PathString, vnode, $"{s.RequestsInFlight} paging requests unanswered"));
                    }

                    if (s.FrameWaiters > 0)
                    {
                        edges.Add((cell.PathString, "pagedaemon", $"{s.FrameWaiters} faults wait for free frames"));
                    }

                    break;
                case VnodeActor v:
                    var vs = v.Inspect();
                    if (vs.WaitingForObject && vs.Object is not null)
                    {
                        edges.Add((cell.PathString, vs.Object.Path.ToString(), $"a VOP holds the vnode (turn {vs.Turn}) waiting for its object"));
                    }
                    else if (vs.Turn != 0)
                    {
                        edges.Add((cell.PathString, "(held)", $"turn {vs.Turn} held with {vs.Holds} holds and nothing outstanding"));
                    }

                    break;
            }
        }

        return DescribeWaitFor(edges);
    }

    /// <summary>The wait-for edges in words, led by a cycle when there is one.</summary>
    internal static string DescribeWaitFor(List<(string From, string To, string Why)> edges)
    {
        if (edges.Count == 0)
        {
            return "no actor reports waiting: a request was lost (sent to a stopped actor?)";
        }

        var cycle = FindCycle(edges);
        var lines = string.Join("; ", edges.Select(e => $"{e.From} -> {e.To} ({e.Why})"));
        return cycle is null ? $"wait-for: {lines}" : $"deadlock cycle: {string.Join(" -> ", cycle)}; wait-for: {lines}";
    }

    private static List<string>? FindCycle(List<(string From, string To, string Why)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        foreach (var start in next.Keys)
        {
            var path = new List<string> { start };
            var seen = new HashSet<string> { start };
            if (Dfs(start))
            {
                return path;
            }

            bool Dfs(string node)
            {
                foreach (var to in next.GetValueOrDefault(node) ?? [])
                {
                    if (to == start)
                    {
                        path.Add(to);
                        return true;
                    }

                    if (seen.Add(to))
                    {
                        path.Add(to);
                        if (Dfs(to))
                        {
                            return true;
                        }

                        path.RemoveAt(path.Count - 1);
                    }
                }

                return false;
            }
        }

        return null;
    }

    /// <summary>Depth-first enumeration of schedules: each run replays a prefix of choices and takes the first candidate after it; the next schedule bumps the deepest choice that has an untried alternative.</summary>
    private ExplorationResult ExploreExhaustive(Scenario scenario, Func<IPager> pager, int maxRuns, string pagerName)
    {
        var hashes = new HashSet<ulong>();
        var script = new List<int>();
        for (var run = 0; run < maxRuns; run++)
        {
            var recorder = Run(scenario, pager(), run, ExplorationStrategy.Exhaustive, script);
            RunCompleted?.Invoke(recorder);
            hashes.Add(recorder.TraceHash);
            if (recorder.Violation is not null)
            {
                return new ExplorationResult(scenario.Name, pagerName, ExplorationStrategy.Exhaustive, run + 1, recorder, hashes.Count);
            }

            // Backtrack: the deepest step whose choice can still be increased.
            var choices = recorder.Choices.ToList();
            var counts = recorder.Counts;
            var depth = choices.Count - 1;
            while (depth >= 0 && choices[depth] + 1 >= counts[depth])
            {
                depth--;
            }

            if (depth < 0)
            {
                return new ExplorationResult(scenario.Name, pagerName, ExplorationStrategy.Exhaustive, run + 1, null, hashes.Count);
            }

            script = choices.Take(depth).Append(choices[depth] + 1).ToList();
        }

        return new ExplorationResult(scenario.Name, pagerName, ExplorationStrategy.Exhaustive, maxRuns, null, hashes.Count);
    }
}

/// <summary>Records the choice made at each step, and how many candidates there were.</summary>
internal sealed class RecordingStrategy(IScheduleStrategy inner) : IScheduleStrategy
{
    public List<int> Choices { get; } = [];

    public List<int> Counts { get; } = [];

    public string Name => inner.Name;

    public int Choose(IReadOnlyList<ScheduleCandidate> candidates, long step)
    {
        var choice = inner.Choose(candidates, step);
        Choices.Add(choice);
        Counts.Add(candidates.Count);
        return choice;
    }
}

/// <summary>Follows a list of choices (clamped to the candidates offered); after its end always takes the first candidate.</summary>
internal sealed class ScriptedStrategy(IReadOnlyList<int> script) : IScheduleStrategy
{
    public string Name => "replay";

    public int Choose(IReadOnlyList<ScheduleCandidate> candidates, long step) =>
        step < script.Count ? Math.Min(script[(int)step], candidates.Count - 1) : 0;
}
