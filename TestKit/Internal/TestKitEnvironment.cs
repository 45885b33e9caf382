using System.Diagnostics;
using System.Globalization;
using ActorPager.Runtime;

namespace ActorPager.TestKit.Internal;

/// <summary>
/// What the probes of one test share: the system, the clock expectations wait on, the deadline
/// of the innermost <c>Within</c>, and the words a failure is reported in. The waiting clock is
/// virtual on the deterministic dispatcher (waiting steps the dispatcher) and real otherwise
/// (waiting blocks on a monitor that messages pulse).
/// </summary>
internal sealed partial class TestKitEnvironment
{
    /// <summary>The longest single Monitor.Wait; longer waits loop.</summary>
    private static readonly TimeSpan s_maxWaitSlice = TimeSpan.FromMilliseconds(int.MaxValue - 1);

    /// <summary>The real clock's origin, for waits off the deterministic dispatcher.</summary>
    private readonly long _start = Stopwatch.GetTimestamp();

    /// <summary>Deadlines of the open Within blocks, innermost last (on the waiting clock).</summary>
    private readonly Stack<TimeSpan> _withinEnds = new();

    /// <summary>Pulsed by every probe of the test when a message arrives, so polling waits wake early.</summary>
    public object Signal { get; } = new();

    public TestKitEnvironment(ActorSystem system)
    {
        System = system;
        Deterministic = system.Deterministic;
    }

    public ActorSystem System { get; }

    /// <summary>The deterministic dispatcher, or null on the thread pool.</summary>
    public DeterministicDispatcher? Deterministic { get; }

    /// <summary>Whether waiting is measured in virtual time (the deterministic dispatcher).</summary>
    public bool WaitsOnVirtualTime => Deterministic is not null;

    /// <summary>The waiting clock: virtual time on the deterministic dispatcher, real time otherwise.</summary>
    public TimeSpan Now => Deterministic is { } d ? d.Clock.Elapsed : Stopwatch.GetElapsedTime(_start);

    /// <summary>The deadline of the innermost Within, on the waiting clock.</summary>
    public TimeSpan? WithinEnd => _withinEnds.Count > 0 ? _withinEnds.Peek() : null;

    /// <summary>A duration the caller gave, on the waiting clock: dilated when real, as is when virtual.</summary>
    public TimeSpan Resolve(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return WaitsOnVirtualTime ? duration : TestKitSettings.Dilated(duration);
    }

    /// <summary>The time left in the innermost Within, or the default timeout outside one.</summary>
    public TimeSpan RemainingOrDefault => WithinEnd is { } end ? Max(TimeSpan.Zero, end - Now) : Resolve(TestKitSettings.DefaultTimeout);

    /// <summary>The caller's timeout resolved, or <see cref="RemainingOrDefault"/> when none was given.</summary>
    public TimeSpan Timeout(TimeSpan? duration) =>
        duration is { } d ? (d == global::System.Threading.Timeout.InfiniteTimeSpan ? d : Resolve(d)) : RemainingOrDefault;

    public void PushWithin(TimeSpan end) => _withinEnds.Push(WithinEnd is { } outer && outer < end ? outer : end);

    public void PopWithin() => _withinEnds.Pop();

    /// <summary>
    /// Waits until <paramref name="condition"/> holds or <paramref name="timeout"/> passes on the
    /// waiting clock. Deterministic: steps the dispatcher (advancing virtual time through timers),
    /// checking between steps; when it gives up, the clock stands at the deadline, as if the time
    /// had been waited. Otherwise: checks, then waits on <paramref name="gate"/> (pulsed by whoever
    /// changes what the condition reads) for at most <paramref name="pollInterval"/>, and again.
    /// </summary>
    public bool AwaitCore(Func<bool> condition, TimeSpan timeout, object gate, TimeSpan pollInterval)
    {
        if (Deterministic is { } deterministic)
        {
            if (timeout == global::System.Threading.Timeout.InfiniteTimeSpan)
            {
                return deterministic.RunUntil(condition);
            }

            var limit = deterministic.Clock.Elapsed + timeout;
            if (deterministic.RunUntil(condition, timeout))
            {
                return true;
            }

            // Every timer due by the limit has fired and nothing can run: waiting out the rest of
            // the timeout would change nothing but the clock, so move the clock.
            if (deterministic.Clock.Elapsed < limit)
            {
                deterministic.Clock.AdvanceTo(limit);
            }

            return condition();
        }

        var infinite = timeout == global::System.Threading.Timeout.InfiniteTimeSpan;
        var deadline = infinite ? TimeSpan.MaxValue : Now + timeout;
        while (true)
        {
            if (condition())
            {
                return true;
            }

            var remaining = infinite ? s_maxWaitSlice : deadline - Now;
            if (remaining <= TimeSpan.Zero)
            {
                return condition();
            }

            // The condition is read outside the gate, so a pulse between the read and the wait
            // can be missed: the poll interval bounds what that costs.
            lock (gate)
            {
                Monitor.Wait(gate, Min(Min(remaining, pollInterval), s_maxWaitSlice));
            }
        }
    }

    /// <summary>The reproduction context of a failure: seed, and step, trace hash and clock when deterministic.</summary>
    public string Context()
    {
        if (Deterministic is { } d)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"seed {System.Seed}, deterministic dispatcher (strategy {d.Strategy.Name}) at step {d.StepCount}, trace hash {d.Trace.Hash:x16}, virtual time {FormatDuration(d.Clock.Elapsed)}");
        }

        return System.Scheduler is VirtualTimeScheduler clock
            ? string.Create(CultureInfo.InvariantCulture, $"seed {System.Seed}, thread-pool dispatcher, virtual time {FormatDuration(clock.Elapsed)} (advanced by hand)")
            : string.Create(CultureInfo.InvariantCulture, $"seed {System.Seed}, thread-pool dispatcher, real time");
    }

    /// <summary>"within 3 s" with the clock named when it is virtual.</summary>
    public string Within(TimeSpan timeout) =>
        timeout == global::System.Threading.Timeout.InfiniteTimeSpan ? "ever" :
        WaitsOnVirtualTime ? $"within {FormatDuration(timeout)} of virtual time" : $"within {FormatDuration(timeout)}";

    /// <summary>Makes the exception of a failed expectation.</summary>
    public TestKitAssertionException Failure(string operation, string expected, string arrived, string? hint, Exception? inner = null)
    {
        var hintText = string.IsNullOrEmpty(hint) ? "" : $" ({hint})";
        var message = $"{operation} failed{hintText}: expected {expected}, but {arrived}. [{Context()}]";
        return new TestKitAssertionException(message, expected, arrived, System.Seed, inner);
    }

    /// <summary>A message as it appears in failure text: its type and its contents, shortened.</summary>
    public static string DescribeMessage(object? message)
    {
        if (message is null)
        {
            return "null";
        }

        var type = TypeName(message.GetType());
        string text = message switch
        {
            string s => $"{type} \"{s}\"",
            _ => message.ToString() is { } t && t != message.GetType().ToString()
                ? (t.StartsWith(type, StringComparison.Ordinal) ? t : $"{type} ({t})")
                : type,
        };
        return text.Length > 300 ? string.Concat(text.AsSpan(0, 300), "…") : text;
    }

    /// <summary>A message with its sender, as in "received X from /user/a".</summary>
    public static string DescribeEnvelope(object message, IActorRef? sender) =>
        $"{DescribeMessage(message)} from {(sender is null ? "no sender" : sender.Path.ToString())}";

    /// <summary>A type's name with generic arguments, e.g. <c>List&lt;Int32&gt;</c>.</summary>
    public static string TypeName(Type type)
    {
        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return $"{(tick < 0 ? name : name[..tick])}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
    }

    /// <summary>A duration in the unit a reader expects: "250 ms", "3 s", "1 h".</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        if (duration == global::System.Threading.Timeout.InfiniteTimeSpan)
        {
            return "infinite";
        }

        if (duration < TimeSpan.FromSeconds(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.###} ms");
        }

        if (duration >= TimeSpan.FromHours(1) && duration.Ticks % TimeSpan.TicksPerHour == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{duration.TotalHours:0} h");
        }

        if (duration >= TimeSpan.FromMinutes(1) && duration.Ticks % TimeSpan.TicksPerMinute == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMinutes:0} min");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###} s");
    }

    public static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    public static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
