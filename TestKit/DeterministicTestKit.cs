using ActorPager.Harness.Dispatch;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ActorPager.TestKit;

/// <summary>
/// An <see cref="Akka.TestKit.Xunit2.TestKit"/> whose actors under test run on ActorPager's
/// deterministic dispatcher, with a seed and virtual time: every actor made with
/// <see cref="Spawn"/> runs on the test's thread, one delivery per step, in an order the seed
/// decides. Akka's probes work as usual (they receive on the sending thread); what Akka.TestKit
/// lacks is waiting by <em>stepping</em>, so <see cref="ExpectNext{T}"/>, <see cref="ExpectQuiet"/>
/// and <see cref="RunUntil"/> run the system until the awaited thing happens, on virtual time.
/// Every failure they report starts with the seed and trace hash; the seed and hash are also
/// written to the test's output, which xunit shows for a failed test.
/// </summary>
public abstract class DeterministicTestKit : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>How much virtual time <see cref="ExpectNext{T}"/> allows by default.</summary>
    public static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(3);

    private readonly ITestOutputHelper? _output;

    /// <summary>A kit whose first run has <paramref name="seed"/> and the random strategy.</summary>
    /// <param name="output">The test's output (xunit's <c>ITestOutputHelper</c>); Akka's log goes there too.</param>
    /// <param name="seed">The seed of the first run.</param>
    /// <param name="config">Settings to put in front of the deterministic configuration (Akka's or ActorPager's).</param>
    protected DeterministicTestKit(ITestOutputHelper? output = null, long seed = 1, Config? config = null)
        : base((config ?? Config.Empty).WithFallback(DeterministicSystem.Config), output: output)
    {
        _output = output;
        Deterministic = DeterministicSystem.Attach(Sys);
        BeginRun(seed);
    }

    /// <summary>The deterministic system around <c>Sys</c>.</summary>
    public DeterministicSystem Deterministic { get; }

    /// <summary>The dispatcher, for stepping by hand and reading the trace.</summary>
    public DeterministicDispatcher Dispatcher => Deterministic.Dispatcher;

    /// <summary>The virtual clock.</summary>
    public VirtualTimeScheduler Clock => Deterministic.Clock;

    /// <summary>The seed of the current run.</summary>
    public long Seed => Dispatcher.Seed;

    /// <summary>"seed S (trace H)": how every failure of the kit starts, enough to replay the run.</summary>
    public string Tag => $"seed {Seed} (trace {Dispatcher.Trace.Hash:x16}, step {Dispatcher.StepCount}, virtual time {Clock.Elapsed.TotalMilliseconds} ms)";

    /// <summary>
    /// Starts a new run on the same system: the actors of the previous run are stopped, the trace
    /// is emptied, virtual time goes back to zero, and <paramref name="seed"/> drives the schedule.
    /// </summary>
    /// <param name="seed">The seed.</param>
    /// <param name="strategy">The strategy; random with <paramref name="seed"/> when null.</param>
    public void BeginRun(long seed, IScheduleStrategy? strategy = null)
    {
        if (Dispatcher.ActorCount > 1)
        {
            Deterministic.EndRun();
        }

        Deterministic.BeginRun(seed, strategy ?? new RandomStrategy(seed));
    }

    /// <summary>Makes an actor under test (a child of the run's root, on the deterministic dispatcher).</summary>
    public IActorRef Spawn(Props props, string? name = null) => Deterministic.Home.ActorOf(props, name);

    /// <summary>Runs steps until nothing can run without advancing time.</summary>
    public long Settle() => Dispatcher.RunUntilIdle();

    /// <summary>Runs the system through every timer due within <paramref name="duration"/> of virtual time.</summary>
    public void AdvanceTime(TimeSpan duration) => Dispatcher.RunFor(duration);

    /// <summary>
    /// Runs steps until <paramref name="condition"/> holds, advancing virtual time when nothing
    /// can run, for at most <paramref name="within"/> of virtual time (default <see cref="DefaultWithin"/>);
    /// otherwise the clock ends at that limit and it fails naming <paramref name="what"/>, starting with the seed.
    /// </summary>
    public void RunUntil(Func<bool> condition, string what, TimeSpan? within = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = within ?? DefaultWithin;
        var deadline = Clock.Elapsed + limit;
        if (!Dispatcher.RunUntil(condition, limit))
        {
            // The wait took all the time it was given, as a wait in real time would have: a
            // later expectation starts from there.
            if (Clock.Elapsed < deadline)
            {
                Clock.AdvanceTo(deadline);
            }

            throw new XunitException($"{Tag}: waited {limit} of virtual time for {what}\n{TraceTail()}");
        }
    }

    /// <summary>
    /// Runs steps until <paramref name="probe"/> (the test actor when null) holds a message, and
    /// returns it as a <typeparamref name="T"/>; fails with the seed when none comes within
    /// <paramref name="within"/> of virtual time or it is something else.
    /// </summary>
    public T ExpectNext<T>(TestProbe? probe = null, TimeSpan? within = null)
    {
        var kit = (TestKitBase?)probe ?? this;
        RunUntil(() => kit.HasMessages, $"a {typeof(T).Name} at {kit.TestActor.Path}", within);
        var message = kit.ReceiveOne(TimeSpan.Zero);
        return message is T typed
            ? typed
            : throw new XunitException($"{Tag}: expected a {typeof(T).Name} at {kit.TestActor.Path}, got {message?.GetType().Name ?? "null"}: {message}");
    }

    /// <summary>
    /// Runs the system through <paramref name="duration"/> of virtual time and fails, with the
    /// seed, if <paramref name="probe"/> (the test actor when null) received anything.
    /// </summary>
    public void ExpectQuiet(TimeSpan duration, TestProbe? probe = null)
    {
        var kit = (TestKitBase?)probe ?? this;
        Dispatcher.RunFor(duration);
        if (kit.HasMessages)
        {
            var message = kit.ReceiveOne(TimeSpan.Zero);
            throw new XunitException($"{Tag}: expected nothing at {kit.TestActor.Path} for {duration}, got {message?.GetType().Name}: {message}");
        }
    }

    /// <summary>The last <paramref name="lines"/> deliveries of the run, for failure messages.</summary>
    public string TraceTail(int lines = 40)
    {
        var all = Dispatcher.Trace.Deliveries;
        return "last deliveries:\n" + string.Join("\n", all.Skip(Math.Max(0, all.Count - lines)));
    }

    /// <inheritdoc />
    protected override void AfterAll()
    {
        // Written for every test; xunit shows a test's output only when it fails.
        _output?.WriteLine($"deterministic run: {Tag}");

        // The actors on the deterministic dispatcher stop only in steps: terminate by stepping,
        // before Akka.TestKit's own shutdown waits for the system.
        Deterministic.Terminate();
        base.AfterAll();
    }
}
