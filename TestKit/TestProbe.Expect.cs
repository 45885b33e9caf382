using ActorPager.Runtime;
using ActorPager.TestKit.Internal;

namespace ActorPager.TestKit;

/// <summary>Expectations: each reads messages from the queue, waiting on the waiting clock.</summary>
public sealed partial class TestProbe
{
    /// <summary>The time left in the innermost <c>Within</c> block.</summary>
    /// <exception cref="InvalidOperationException">Not inside <c>Within</c>.</exception>
    public TimeSpan Remaining => _env.WithinEnd is { } end
        ? TestKitEnvironment.Max(TimeSpan.Zero, end - _env.Now)
        : throw new InvalidOperationException("Remaining is defined only inside Within(...); use RemainingOrDefault");

    /// <summary>The time left in the innermost <c>Within</c> block, or the default timeout (3 s, dilated when real) outside one.</summary>
    public TimeSpan RemainingOrDefault => _env.RemainingOrDefault;

    /// <summary>Reads the next message, which must be a <typeparamref name="T"/>.</summary>
    /// <param name="duration">How long to wait; <see cref="RemainingOrDefault"/> when null.</param>
    /// <param name="hint">Words added to the failure message.</param>
    /// <returns>The message.</returns>
    /// <exception cref="TestKitAssertionException">Nothing arrived in time, or something else did.</exception>
    public T ExpectMsg<T>(TimeSpan? duration = null, string? hint = null) =>
        ExpectCore<T>(Op<T>("ExpectMsg"), $"a message of type {Name<T>()}", null, null, duration, hint);

    /// <summary>Reads the next message, which must equal <paramref name="message"/>.</summary>
    /// <param name="message">The expected message (compared with <see cref="object.Equals(object)"/>).</param>
    /// <param name="duration">How long to wait; <see cref="RemainingOrDefault"/> when null.</param>
    /// <param name="hint">Words added to the failure message.</param>
    /// <returns>The message that arrived.</returns>
    /// <exception cref="TestKitAssertionException">Nothing arrived in time, or something else did.</exception>
    public T ExpectMsg<T>(T message, TimeSpan? duration = null, string? hint = null) =>
        ExpectCore<T>(Op<T>("ExpectMsg"), TestKitEnvironment.DescribeMessage(message), m => Equals(m, message), null, duration, hint);

    /// <summary>Reads the next message, which must be a <typeparamref name="T"/> for which <paramref name="isMessage"/> is true.</summary>
    /// <param name="isMessage">The condition the message must meet.</param>
    /// <param name="duration">How long to wait; <see cref="RemainingOrDefault"/> when null.</param>
    /// <param name="hint">Words added to the failure message (say what the predicate checks).</param>
    /// <returns>The message.</returns>
    /// <exception cref="TestKitAssertionException">Nothing arrived in time, or something else did.</exception>
    public T ExpectMsg<T>(Predicate<T> isMessage, TimeSpan? duration = null, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(isMessage);
        return ExpectCore<T>(Op<T>("ExpectMsg"), $"a message of type {Name<T>()} matching the predicate", m => isMessage(m), null, duration, hint);
    }

    /// <summary>Reads the next message, which must be a <typeparamref name="T"/> sent by <paramref name="sender"/>.</summary>
    /// <returns>The message.</returns>
    /// <exception cref="TestKitAssertionException">Nothing arrived in time, or something else did, or from someone else.</exception>
    public T ExpectMsgFrom<T>(IActorRef sender, TimeSpan? duration = null, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(sender);
        return ExpectCore<T>(Op<T>("ExpectMsgFrom"), $"a message of type {Name<T>()} from {sender.Path}", null, sender, duration, hint);
    }

    /// <summary>Reads the next message, which must be a <typeparamref name="T"/> sent by <paramref name="sender"/> for which <paramref name="isMessage"/> is true.</summary>
    /// <returns>The message.</returns>
    /// <exception cref="TestKitAssertionException">Nothing arrived in time, or something else did, or from someone else.</exception>
    public T ExpectMsgFrom<T>(IActorRef sender, Predicate<T> isMessage, TimeSpan? duration = null, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(isMessage);
        return ExpectCore<T>(Op<T>("ExpectMsgFrom"), $"a message of type {Name<T>()} matching the predicate from {sender.Path}", m => isMessage(m), sender, duration, hint);
    }

    /// <summary>Reads the next message, which must be the <see cref="Terminated"/> of <paramref name="target"/> (watch it first).</summary>
    /// <returns>The Terminated message.</returns>
    /// <exception cref="TestKitAssertionException">Nothing arrived in time, or something else did.</exception>
    public Terminated ExpectTerminated(IActorRef target, TimeSpan? duration = null, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        return ExpectCore<Terminated>("ExpectTerminated", $"Terminated of {target.Path}", t => t.ActorRef.Equals(target), null, duration, hint);
    }

    /// <summary>
    /// Asserts that no message arrives for <paramref name="duration"/>. On the deterministic
    /// dispatcher it runs the system until nothing can run and no timer is due within the
    /// duration, then moves virtual time to its end: no wall time is spent. On the thread pool it
    /// waits the real duration (dilated).
    /// </summary>
    /// <param name="duration">How long; <see cref="RemainingOrDefault"/> when null.</param>
    /// <param name="hint">Words added to the failure message.</param>
    /// <exception cref="TestKitAssertionException">A message arrived (it is consumed).</exception>
    public void ExpectNoMsg(TimeSpan? duration = null, string? hint = null)
    {
        var timeout = _env.Timeout(duration);
        if (TryReceive(timeout, out var message, out var sender))
        {
            throw _env.Failure("ExpectNoMsg", $"no message {_env.Within(timeout)}", $"received {TestKitEnvironment.DescribeEnvelope(message, sender)}", hint);
        }
    }

    /// <summary>
    /// Reads as many messages as <paramref name="messages"/> holds, in any order; together they
    /// must equal <paramref name="messages"/> (as a multiset), all within the default time.
    /// </summary>
    /// <returns>The messages, in the order they arrived.</returns>
    /// <exception cref="TestKitAssertionException">A message was not among those expected, or not all arrived in time.</exception>
    public IReadOnlyList<T> ExpectMsgAllOf<T>(params T[] messages) => ExpectMsgAllOf(_env.RemainingOrDefault, messages, resolved: true);

    /// <summary>As <see cref="ExpectMsgAllOf{T}(T[])"/>, all within <paramref name="max"/>.</summary>
    /// <returns>The messages, in the order they arrived.</returns>
    /// <exception cref="TestKitAssertionException">A message was not among those expected, or not all arrived in time.</exception>
    public IReadOnlyList<T> ExpectMsgAllOf<T>(TimeSpan max, params T[] messages) => ExpectMsgAllOf(max, messages, resolved: false);

    private List<T> ExpectMsgAllOf<T>(TimeSpan max, T[] messages, bool resolved)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var timeout = resolved ? max : _env.Timeout(max);
        var deadline = Deadline(timeout);
        var missing = new List<T>(messages);
        var received = new List<T>(messages.Length);
        var expected = $"all of [{string.Join(", ", messages.Select(m => TestKitEnvironment.DescribeMessage(m)))}] in any order";
        while (missing.Count > 0)
        {
            if (!TryReceive(RemainingUntil(deadline), out var message, out var sender))
            {
                throw _env.Failure(
                    Op<T>("ExpectMsgAllOf"),
                    expected,
                    $"only {received.Count} of {messages.Length} arrived {_env.Within(timeout)}; still missing [{string.Join(", ", missing.Select(m => TestKitEnvironment.DescribeMessage(m)))}]",
                    null);
            }

            var index = message is T typed ? missing.FindIndex(m => Equals(m, typed)) : -1;
            if (index < 0)
            {
                throw _env.Failure(
                    Op<T>("ExpectMsgAllOf"),
                    expected,
                    $"received {TestKitEnvironment.DescribeEnvelope(message, sender)}, which is not among those still expected [{string.Join(", ", missing.Select(m => TestKitEnvironment.DescribeMessage(m)))}]",
                    null);
            }

            missing.RemoveAt(index);
            received.Add((T)message);
        }

        return received;
    }

    /// <summary>Reads the next message, which must equal one of <paramref name="messages"/>.</summary>
    /// <returns>The message.</returns>
    /// <exception cref="TestKitAssertionException">Nothing arrived in time, or something else did.</exception>
    public T ExpectMsgAnyOf<T>(params T[] messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return ExpectCore<T>(
            Op<T>("ExpectMsgAnyOf"),
            $"any of [{string.Join(", ", messages.Select(m => TestKitEnvironment.DescribeMessage(m)))}]",
            m => messages.Any(e => Equals(e, m)),
            null,
            null,
            null);
    }

    /// <summary>Reads the next message of any type, or returns null when none arrives within <paramref name="max"/>.</summary>
    public object? ReceiveOne(TimeSpan? max = null) =>
        TryReceive(_env.Timeout(max), out var message, out _) ? message : null;

    /// <summary>Reads <paramref name="n"/> messages of any type, all within <paramref name="max"/>.</summary>
    /// <returns>The messages, in the order they arrived.</returns>
    /// <exception cref="TestKitAssertionException">Fewer arrived in time.</exception>
    public IReadOnlyList<object> ReceiveN(int n, TimeSpan? max = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var timeout = _env.Timeout(max);
        var deadline = Deadline(timeout);
        var received = new List<object>(n);
        while (received.Count < n)
        {
            if (!TryReceive(RemainingUntil(deadline), out var message, out _))
            {
                throw _env.Failure(
                    "ReceiveN",
                    $"{n} messages",
                    $"only {received.Count} arrived {_env.Within(timeout)}: [{string.Join(", ", received.Select(TestKitEnvironment.DescribeMessage))}]",
                    null);
            }

            received.Add(message);
        }

        return received;
    }

    /// <summary>Reads and drops messages until one for which <paramref name="isMessage"/> is true arrives.</summary>
    /// <returns>That message.</returns>
    /// <exception cref="TestKitAssertionException">None arrived within <paramref name="max"/>; the message lists those skipped.</exception>
    public object FishForMessage(Predicate<object> isMessage, TimeSpan? max = null, string? hint = null) =>
        FishForMessage<object>(isMessage, max, hint);

    /// <summary>Reads and drops messages until a <typeparamref name="T"/> for which <paramref name="isMessage"/> is true arrives; other types are dropped too.</summary>
    /// <returns>That message.</returns>
    /// <exception cref="TestKitAssertionException">None arrived within <paramref name="max"/>; the message lists those skipped.</exception>
    public T FishForMessage<T>(Predicate<T> isMessage, TimeSpan? max = null, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(isMessage);
        var timeout = _env.Timeout(max);
        var deadline = Deadline(timeout);
        var skipped = new List<object>();
        while (true)
        {
            if (!TryReceive(RemainingUntil(deadline), out var message, out _))
            {
                var list = skipped.Count == 0
                    ? "nothing arrived"
                    : $"{skipped.Count} other messages arrived: [{string.Join(", ", skipped.Take(20).Select(TestKitEnvironment.DescribeMessage))}{(skipped.Count > 20 ? ", …" : "")}]";
                throw _env.Failure(Op<T>("FishForMessage"), $"a message of type {Name<T>()} matching the predicate {_env.Within(timeout)}", list, hint);
            }

            if (message is T typed && isMessage(typed))
            {
                return typed;
            }

            skipped.Add(message);
        }
    }

    private T ExpectCore<T>(string operation, string expected, Func<T, bool>? matches, IActorRef? from, TimeSpan? duration, string? hint)
    {
        var timeout = _env.Timeout(duration);
        if (!TryReceive(timeout, out var message, out var sender))
        {
            throw _env.Failure(operation, expected, $"nothing arrived {_env.Within(timeout)}", hint);
        }

        if (message is not T typed || (matches is not null && !matches(typed)) || (from is not null && !from.Equals(sender)))
        {
            throw _env.Failure(operation, expected, $"received {TestKitEnvironment.DescribeEnvelope(message, sender)}", hint);
        }

        return typed;
    }

    private TimeSpan? Deadline(TimeSpan timeout) => timeout == Timeout.InfiniteTimeSpan ? null : _env.Now + timeout;

    private TimeSpan RemainingUntil(TimeSpan? deadline) =>
        deadline is { } d ? TestKitEnvironment.Max(TimeSpan.Zero, d - _env.Now) : Timeout.InfiniteTimeSpan;

    private static string Name<T>() => TestKitEnvironment.TypeName(typeof(T));

    private static string Op<T>(string method) => $"{method}<{Name<T>()}>";
}
