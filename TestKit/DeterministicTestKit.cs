using ActorPager.Runtime;
using Xunit.Abstractions;

namespace ActorPager.TestKit;

/// <summary>
/// A <see cref="TestKit"/> whose system runs on the deterministic dispatcher with a given seed:
/// every actor runs on the test's thread, one delivery per step in an order the seed decides,
/// on virtual time. Expectations step the system; <c>ExpectNoMsg(TimeSpan.FromHours(1))</c> runs
/// it to quiescence and moves the clock an hour, in no wall time. Failures print the seed, the
/// step and the trace hash; the same seed replays the same run.
/// </summary>
public class DeterministicTestKit : TestKit
{
    /// <summary>A kit on the deterministic dispatcher.</summary>
    /// <param name="seed">The seed of the schedule and of every random source.</param>
    /// <param name="output">Where the system's log events go; standard error when null.</param>
    /// <param name="settings">Other settings to keep (strategy, mailboxes, log level); the dispatcher, scheduler and seed are set here.</param>
    public DeterministicTestKit(long seed, ITestOutputHelper? output = null, ActorSystemSettings? settings = null)
        : base(TestKitSettings.Deterministic(seed, settings), output)
    {
    }

    /// <summary>The dispatcher running the system, for stepping by hand and reading its trace.</summary>
    public DeterministicDispatcher Dispatcher => Sys.Deterministic!;

    /// <summary>The virtual time since the system started.</summary>
    public TimeSpan Elapsed => Dispatcher.Clock.Elapsed;

    /// <summary>Runs the system until nothing can run without advancing time; returns the steps taken.</summary>
    public long RunUntilIdle() => Dispatcher.RunUntilIdle();
}
