using ActorPager.Runtime;

namespace ActorPager.TestKit.Internal;

/// <summary>Within, AwaitCondition and AwaitAssert: shared by the kit and every probe.</summary>
internal sealed partial class TestKitEnvironment
{
    /// <summary>How often a real-time AwaitCondition or AwaitAssert checks when no message wakes it.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(10);

    public T Within<T>(TimeSpan min, TimeSpan max, Func<T> function, string? hint)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfLessThan(min, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);

        // Within measures on the system's scheduler, so on virtual time it measures virtual time;
        // the expectations inside wait on the waiting clock, up to the block's deadline.
        var virtualMeasure = System.Scheduler is VirtualTimeScheduler;
        var start = System.Scheduler.Elapsed;
        PushWithin(Now + Resolve(max));
        T result;
        try
        {
            result = function();
        }
        finally
        {
            PopWithin();
        }

        var elapsed = System.Scheduler.Elapsed - start;
        var allowed = virtualMeasure ? max : TestKitSettings.Dilated(max);
        var clock = virtualMeasure ? " of virtual time" : "";
        if (elapsed < min)
        {
            throw Failure("Within", $"the block to take at least {FormatDuration(min)}{clock}", $"it took {FormatDuration(elapsed)}", hint);
        }

        if (elapsed > allowed)
        {
            throw Failure("Within", $"the block to take at most {FormatDuration(allowed)}{clock}", $"it took {FormatDuration(elapsed)}", hint);
        }

        return result;
    }

    public void AwaitCondition(Func<bool> condition, TimeSpan? max, TimeSpan? interval, string? message)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var timeout = Timeout(max);
        if (!AwaitCore(condition, timeout, Signal, interval ?? DefaultPollInterval))
        {
            throw Failure("AwaitCondition", "the condition to become true", $"it was still false {Within(timeout)}", message);
        }
    }

    public void AwaitAssert(Action assertion, TimeSpan? duration, TimeSpan? interval)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        var timeout = Timeout(duration);
        Exception? last = null;
        bool Passes()
        {
            try
            {
                assertion();
                return true;
            }
#pragma warning disable CA1031 // AwaitAssert retries on any failure of the assertion and reports the last one.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                last = ex;
                return false;
            }
        }

        if (!AwaitCore(Passes, timeout, Signal, interval ?? DefaultPollInterval))
        {
            var why = last is null ? "" : $": {last.GetType().Name}: {last.Message}";
            throw Failure("AwaitAssert", "the assertion to pass", $"it still failed {Within(timeout)}{why}", null, last);
        }
    }
}
