using System.Globalization;
using ActorPager.Runtime;

namespace ActorPager.TestKit;

/// <summary>
/// Settings helpers for tests: the three ways a test system can run, and the timeouts the kit
/// uses. <see cref="Deterministic"/> is the usual choice: the whole system runs on the test's
/// thread from a seed, on virtual time, so waiting costs no wall time and a failure replays.
/// </summary>
public static class TestKitSettings
{
    /// <summary>The environment variable that scales every real-time timeout (a number, e.g. <c>3</c> on a slow CI machine).</summary>
    public const string TimeFactorVariable = "ACTORPAGER_TEST_TIMEFACTOR";

    /// <summary>How long an expectation waits when it is given no timeout and is not inside <c>Within</c>: 3 seconds (real time dilated by <see cref="TimeFactor"/>, or virtual time).</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(3);

    /// <summary>How long <c>Dispose</c> waits for a thread-pool system to terminate (dilated).</summary>
    public static TimeSpan ShutdownTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The factor real-time timeouts are multiplied by, read once from <see cref="TimeFactorVariable"/>
    /// (1 when unset or not a positive number). Virtual time is never scaled: a deterministic run
    /// must not depend on the machine it runs on.
    /// </summary>
    public static double TimeFactor { get; } = ReadTimeFactor(Environment.GetEnvironmentVariable(TimeFactorVariable));

    /// <summary>
    /// Settings for a system on the deterministic dispatcher with <paramref name="seed"/>: one
    /// logical thread (the test's), a seeded choice at every step, virtual time.
    /// </summary>
    /// <param name="seed">The seed of the schedule and of every random source.</param>
    /// <param name="baseSettings">Other settings to keep (strategy, mailboxes, log level); the defaults when null.</param>
    public static ActorSystemSettings Deterministic(long seed, ActorSystemSettings? baseSettings = null) =>
        (baseSettings ?? ActorSystemSettings.Default) with { Dispatcher = DispatcherKind.Deterministic, Scheduler = SchedulerKind.Virtual, Seed = seed };

    /// <summary>
    /// Settings for a system on the thread pool whose scheduler keeps virtual time: actors run
    /// concurrently, timers fire only when the test advances the clock
    /// (<see cref="TestKit.AdvanceTime"/>). Expectations wait in real time for messages.
    /// </summary>
    /// <param name="seed">The seed of every random source.</param>
    /// <param name="baseSettings">Other settings to keep; the defaults when null.</param>
    public static ActorSystemSettings VirtualTime(long seed = 0, ActorSystemSettings? baseSettings = null) =>
        (baseSettings ?? ActorSystemSettings.Default) with { Dispatcher = DispatcherKind.ThreadPool, Scheduler = SchedulerKind.Virtual, Seed = seed };

    /// <summary>Settings for a system on the thread pool and real time, as in production.</summary>
    /// <param name="seed">The seed of every random source.</param>
    /// <param name="baseSettings">Other settings to keep; the defaults when null.</param>
    public static ActorSystemSettings ThreadPool(long seed = 0, ActorSystemSettings? baseSettings = null) =>
        (baseSettings ?? ActorSystemSettings.Default) with { Dispatcher = DispatcherKind.ThreadPool, Scheduler = SchedulerKind.RealTime, Seed = seed };

    /// <summary>A real-time duration scaled by <see cref="TimeFactor"/>; infinite stays infinite.</summary>
    public static TimeSpan Dilated(TimeSpan duration) =>
        duration == Timeout.InfiniteTimeSpan || TimeFactor == 1.0 ? duration : TimeSpan.FromTicks((long)(duration.Ticks * TimeFactor));

    internal static double ReadTimeFactor(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var factor) && factor > 0 && double.IsFinite(factor) ? factor : 1.0;
}
