using ActorPager.Runtime;
using ActorPager.TestKit.Internal;
using Xunit.Abstractions;

namespace ActorPager.TestKit;

/// <summary>
/// The base of an actor test, like Akka.NET's <c>Akka.TestKit.Xunit2.TestKit</c>: xunit makes an
/// instance per test, the constructor makes an <see cref="ActorSystem"/> (<see cref="Sys"/>) and a
/// default probe (<see cref="TestActor"/>), and <see cref="Dispose()"/> terminates the system.
/// The expectations of the default probe are available directly (<c>ExpectMsg</c>,
/// <c>ExpectNoMsg</c>, <c>Within</c>, <c>AwaitAssert</c>...).
/// </summary>
/// <remarks>
/// <para>Pass <see cref="TestKitSettings.Deterministic"/> settings (or derive from
/// <see cref="DeterministicTestKit"/>) to run the system on the test's thread from a seed and on
/// virtual time; waiting then steps the system instead of sleeping. Pass an
/// <see cref="ITestOutputHelper"/> to see the system's log in the test's output instead of on
/// standard error.</para>
/// <para>The class is not abstract, so a theory over seeds can make one kit per case:
/// <c>using var kit = new TestKit(TestKitSettings.Deterministic(seed));</c>.</para>
/// <para>Code in a namespace under <c>ActorPager</c> sees the namespace <c>ActorPager.TestKit</c>
/// before this class: write <c>ActorPager.TestKit.TestKit</c> there, or derive from
/// <see cref="DeterministicTestKit"/>.</para>
/// </remarks>
public partial class TestKit : IDisposable
{
    private readonly TestKitEnvironment _env;
    private readonly TestProbe _testActor;
    private readonly ITestOutputHelper? _output;
    private readonly IDisposable? _outputSubscription;
    private bool _disposed;

    /// <summary>A kit on the thread pool and real time, logging to standard error.</summary>
    public TestKit()
        : this(null, null, null)
    {
    }

    /// <summary>A kit on the thread pool and real time, logging to <paramref name="output"/>.</summary>
    public TestKit(ITestOutputHelper output)
        : this(null, output ?? throw new ArgumentNullException(nameof(output)), null)
    {
    }

    /// <summary>A kit whose system is made with <paramref name="settings"/>.</summary>
    /// <param name="settings">The system's settings (see <see cref="TestKitSettings"/>); the defaults when null.</param>
    /// <param name="output">Where the system's log events go; standard error (as the settings say) when null.</param>
    /// <param name="systemName">The system's name; the test class's name when null.</param>
    public TestKit(ActorSystemSettings? settings, ITestOutputHelper? output = null, string? systemName = null)
    {
        settings ??= ActorSystemSettings.Default;
        _output = output;
        if (output is not null)
        {
            settings = settings with { LogToStandardError = false };
        }

        Sys = ActorSystem.Create(systemName ?? SystemNameFor(GetType()), settings);
        if (output is not null)
        {
            _outputSubscription = Sys.EventStream.Subscribe<LogEvent>(WriteToOutput);
        }

        _env = new TestKitEnvironment(Sys);
        _testActor = new TestProbe(_env, "testActor");
        EventFilter = new EventFilterFactory(_env);
    }

    /// <summary>The system under test.</summary>
    public ActorSystem Sys { get; }

    /// <summary>The default probe, as a ref to hand to actors (as sender, watcher, collaborator).</summary>
    public IActorRef TestActor => _testActor;

    /// <summary>The seed of the system (printed by every failed expectation).</summary>
    public long Seed => Sys.Seed;

    /// <summary>The deterministic dispatcher, when the system runs on one.</summary>
    public DeterministicDispatcher? Deterministic => Sys.Deterministic;

    /// <summary>Filters for asserting that log events, dead letters or unhandled messages were published.</summary>
    public EventFilterFactory EventFilter { get; }

    /// <summary>The output helper the kit logs to, if one was given.</summary>
    protected ITestOutputHelper? Output => _output;

    /// <summary>Creates another probe of this test; it shares the test's clock and <c>Within</c> deadlines.</summary>
    /// <param name="name">The last element of its path; unique when null.</param>
    public TestProbe CreateTestProbe(string? name = null) => new(_env, name);

    /// <summary>Creates a top-level actor in <see cref="Sys"/>.</summary>
    public IActorRef ActorOf(Props props, string? name = null) => Sys.ActorOf(props, name);

    /// <summary>The default probe watches <paramref name="subject"/>; see <see cref="TestProbe.Watch"/>.</summary>
    public IActorRef Watch(IActorRef subject) => _testActor.Watch(subject);

    /// <summary>The default probe stops watching <paramref name="subject"/>; see <see cref="TestProbe.Unwatch"/>.</summary>
    public IActorRef Unwatch(IActorRef subject) => _testActor.Unwatch(subject);

    /// <summary>
    /// Moves time forward by <paramref name="duration"/>. On the deterministic dispatcher it runs
    /// the system through every timer due in that time (<see cref="DeterministicDispatcher.RunFor"/>);
    /// on the thread pool with a virtual-time scheduler it advances the clock, firing due timers,
    /// and actors handle what they sent concurrently (wait for the outcome with an expectation).
    /// </summary>
    /// <exception cref="InvalidOperationException">The system runs on real time.</exception>
    public void AdvanceTime(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        if (Sys.Deterministic is { } deterministic)
        {
            deterministic.RunFor(duration);
        }
        else if (Sys.Scheduler is VirtualTimeScheduler clock)
        {
            clock.Advance(duration);
        }
        else
        {
            throw new InvalidOperationException("AdvanceTime needs virtual time: make the system with TestKitSettings.Deterministic(seed) or TestKitSettings.VirtualTime()");
        }
    }

    /// <summary>Terminates the system (see <see cref="Dispose(bool)"/>).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Terminates the system: on the deterministic dispatcher by stepping it until the system has
    /// terminated; on the thread pool by waiting up to <see cref="TestKitSettings.ShutdownTimeout"/>
    /// (dilated). A system that does not stop is reported to the log output, not thrown, so it
    /// cannot hide the test's own failure.
    /// </summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!disposing)
        {
            return;
        }

        try
        {
            var terminating = Sys.Terminate();
            var stopped = Sys.Deterministic is { } deterministic
                ? deterministic.RunUntil(() => terminating.IsCompleted)
                : terminating.Wait(TestKitSettings.Dilated(TestKitSettings.ShutdownTimeout));
            if (!stopped)
            {
                Report($"the actor system {Sys.Name} did not terminate [{_env.Context()}]");
            }
        }
        catch (InvalidOperationException ex)
        {
            // The deterministic dispatcher gives up on a livelock (or a periodic timer) with this.
            Report($"the actor system {Sys.Name} did not terminate: {ex.Message}");
        }
        finally
        {
            _outputSubscription?.Dispose();
        }
    }

    private void Report(string text)
    {
        if (_output is not null)
        {
            WriteToOutput(new LogEvent(LogLevel.Warning, "testkit", text));
        }
        else
        {
            Console.Error.WriteLine(text);
        }
    }

    private void WriteToOutput(LogEvent logEvent)
    {
        try
        {
            _output!.WriteLine(logEvent.ToString());
        }
        catch (InvalidOperationException)
        {
            // xunit refuses output once the test has finished; an actor on the thread pool can
            // still log then. Nothing to do with it.
        }
    }

    private static string SystemNameFor(Type type)
    {
        var name = new string(type.Name.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').ToArray());
        return name.Length > 0 && char.IsAsciiLetterOrDigit(name[0]) ? name : "test" + name;
    }
}
