namespace ActorPager.TestKit;

/// <summary>Blocks with time bounds, and waiting for conditions: shared with the probes of the same test.</summary>
public sealed partial class TestProbe
{
    /// <summary>
    /// Runs <paramref name="action"/> and asserts it took at most <paramref name="max"/>.
    /// Expectations inside that name no timeout wait only for what is left of it.
    /// </summary>
    /// <exception cref="TestKitAssertionException">The block took longer.</exception>
    public void Within(TimeSpan max, Action action) => Within(TimeSpan.Zero, max, action);

    /// <summary>
    /// Runs <paramref name="action"/> and asserts it took between <paramref name="min"/> and
    /// <paramref name="max"/>, measured on the system's scheduler: virtual time when the system
    /// runs on it, real time (with <paramref name="max"/> dilated) otherwise.
    /// </summary>
    /// <exception cref="TestKitAssertionException">The block was quicker than <paramref name="min"/> or slower than <paramref name="max"/>.</exception>
    public void Within(TimeSpan min, TimeSpan max, Action action, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        _env.Within(min, max, () => { action(); return true; }, hint);
    }

    /// <summary>As <see cref="Within(TimeSpan, Action)"/>, returning what <paramref name="function"/> returns.</summary>
    public T Within<T>(TimeSpan max, Func<T> function) => _env.Within(TimeSpan.Zero, max, function, null);

    /// <summary>As <see cref="Within(TimeSpan, TimeSpan, Action, string)"/>, returning what <paramref name="function"/> returns.</summary>
    public T Within<T>(TimeSpan min, TimeSpan max, Func<T> function, string? hint = null) => _env.Within(min, max, function, hint);

    /// <summary>
    /// Waits until <paramref name="condition"/> is true. On the deterministic dispatcher it steps
    /// the system, checking after every step, up to <paramref name="max"/> of virtual time. On the
    /// thread pool it checks every <paramref name="interval"/> (10 ms) and whenever a probe of the
    /// test receives a message, up to <paramref name="max"/> of real time.
    /// </summary>
    /// <param name="condition">Read-only and quick: it runs many times.</param>
    /// <param name="max">How long; <see cref="RemainingOrDefault"/> when null.</param>
    /// <param name="interval">The polling interval on the thread pool (ignored on the deterministic dispatcher).</param>
    /// <param name="message">Words added to the failure message.</param>
    /// <exception cref="TestKitAssertionException">The condition was still false at the end.</exception>
    public void AwaitCondition(Func<bool> condition, TimeSpan? max = null, TimeSpan? interval = null, string? message = null) =>
        _env.AwaitCondition(condition, max, interval, message);

    /// <summary>
    /// Runs <paramref name="assertion"/> until it stops throwing, the way
    /// <see cref="AwaitCondition"/> checks its condition.
    /// </summary>
    /// <exception cref="TestKitAssertionException">It still threw at the end; the last failure is the inner exception.</exception>
    public void AwaitAssert(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null) =>
        _env.AwaitAssert(assertion, duration, interval);
}
