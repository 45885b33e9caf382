using ActorPager.Runtime;
using ActorPager.TestKit.Internal;

namespace ActorPager.TestKit;

/// <summary>
/// Asserts that a block of test code leads to a number of matching events on the system's
/// <see cref="EventStream"/> (log events, dead letters, unhandled messages). Made by
/// <see cref="EventFilterFactory"/>. Matching events are still published to other subscribers.
/// </summary>
public sealed class EventFilter
{
    private readonly TestKitEnvironment _env;
    private readonly Type _channel;
    private readonly Func<object, bool> _matches;
    private readonly string _description;

    internal EventFilter(TestKitEnvironment environment, Type channel, Func<object, bool> matches, string description)
    {
        _env = environment;
        _channel = channel;
        _matches = matches;
        _description = description;
    }

    /// <summary>Runs <paramref name="action"/> and asserts exactly one matching event was published.</summary>
    /// <exception cref="TestKitAssertionException">None (within the timeout) or more than one was.</exception>
    public void ExpectOne(Action action, TimeSpan? timeout = null) => Expect(1, action, timeout);

    /// <summary>
    /// Runs <paramref name="action"/> and asserts exactly <paramref name="expectedCount"/> matching
    /// events were published. On the deterministic dispatcher it steps the system until they have
    /// been (at most <paramref name="timeout"/> of virtual time), then runs it until idle so that
    /// extra events show up. On the thread pool it waits until they have been, then counts;
    /// with a count of zero it counts at once.
    /// </summary>
    /// <param name="expectedCount">How many; zero asserts none.</param>
    /// <param name="action">The code that should cause them.</param>
    /// <param name="timeout">How long to wait; the default (or what is left of <c>Within</c>) when null.</param>
    /// <exception cref="TestKitAssertionException">Another number was published; the message lists the near misses.</exception>
    public void Expect(int expectedCount, Action action, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedCount);
        ArgumentNullException.ThrowIfNull(action);
        var gate = new object();
        var matched = new List<object>();
        var others = new List<object>();
        int Count()
        {
            lock (gate)
            {
                return matched.Count;
            }
        }

        var wait = _env.Timeout(timeout);
        using (_env.System.EventStream.Subscribe<object>(e =>
        {
            if (!_channel.IsInstanceOfType(e))
            {
                return;
            }

            lock (gate)
            {
                (_matches(e) ? matched : others).Add(e);
                Monitor.PulseAll(gate);
            }
        }))
        {
            action();
            if (_env.Deterministic is { } deterministic)
            {
                _env.AwaitCore(() => Count() >= expectedCount, wait, gate, wait);
                deterministic.RunUntilIdle();
            }
            else
            {
                lock (gate)
                {
                    var infinite = wait == Timeout.InfiniteTimeSpan;
                    var deadline = infinite ? TimeSpan.MaxValue : _env.Now + wait;
                    while (matched.Count < expectedCount)
                    {
                        var remaining = infinite ? TimeSpan.FromMilliseconds(int.MaxValue - 1) : deadline - _env.Now;
                        if (remaining <= TimeSpan.Zero)
                        {
                            break;
                        }

                        Monitor.Wait(gate, remaining);
                    }
                }
            }
        }

        lock (gate)
        {
            if (matched.Count == expectedCount)
            {
                return;
            }

            var seen = matched.Count < expectedCount ? $" {_env.Within(wait)}" : "";
            var nearMisses = others.Count == 0
                ? ""
                : $"; other events on that channel: [{string.Join("; ", others.Take(10).Select(TestKitEnvironment.DescribeMessage))}{(others.Count > 10 ? "; …" : "")}]";
            throw _env.Failure(
                "EventFilter.Expect",
                $"{expectedCount} {_description}",
                $"{matched.Count} arrived{seen}{nearMisses}",
                null);
        }
    }
}
