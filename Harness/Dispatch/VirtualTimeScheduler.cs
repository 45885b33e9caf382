using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace ActorPager.Harness.Dispatch;

/// <summary>
/// Akka.NET's scheduler on virtual time (<c>akka.scheduler.implementation</c>): the clock moves
/// only when the deterministic dispatcher (or a test) advances it, and timers due at the same
/// instant fire in the order they were set. No thread and no wall clock are involved, so
/// <c>IWithTimers</c>, receive timeouts and <c>ScheduleTellRepeatedly</c> behave the same on
/// every run of a seed.
/// </summary>
/// <remarks>
/// Akka.TestKit's <c>TestScheduler</c> is the same idea, but it cannot say when its next timer is
/// due (the dispatcher must know, to jump to it when nothing else can run), keeps cancelled timers,
/// orders work with LINQ on every advance and throws for the <see cref="IRunnable"/> overloads.
/// This class keeps one priority queue keyed by (deadline, sequence) instead.
/// <see cref="ITimeProvider.MonotonicClock"/> is virtual here (actors measure ages with it);
/// Akka.TestKit's own time-outs use the real clock and are unaffected.
/// </remarks>
public sealed class VirtualTimeScheduler : IScheduler, IAdvancedScheduler
{
    /// <summary>The wall-clock time at which virtual time starts: 2000-01-01T00:00:00Z, so traces never depend on the real date.</summary>
    public static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock _lock = new();
    private readonly PriorityQueue<Work, (long Deadline, long Sequence)> _queue = new();
    private long _now;
    private long _sequence;

    /// <summary>Created by Akka.NET from <c>akka.scheduler.implementation</c>.</summary>
    /// <param name="config">The scheduler's configuration (unused).</param>
    /// <param name="log">The system's log (unused).</param>
    public VirtualTimeScheduler(Config config, ILoggingAdapter log)
    {
    }

    /// <summary>Virtual time since the clock started (or was last <see cref="Reset"/>).</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Volatile.Read(ref _now));

    /// <summary>When the next live timer is due, in <see cref="Elapsed"/> terms, or null when none is pending.</summary>
    public TimeSpan? NextDeadline
    {
        get
        {
            lock (_lock)
            {
                DropCancelled();
                return _queue.TryPeek(out _, out var key) ? TimeSpan.FromTicks(key.Deadline) : null;
            }
        }
    }

    /// <summary>Timers neither fired nor cancelled.</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                DropCancelled();
                var live = 0;
                foreach (var (work, _) in _queue.UnorderedItems)
                {
                    live += work.IsCancelled ? 0 : 1;
                }

                return live;
            }
        }
    }

    /// <inheritdoc />
    public DateTimeOffset Now => Epoch + Elapsed;

    /// <inheritdoc />
    public TimeSpan MonotonicClock => Elapsed;

    /// <inheritdoc />
    public TimeSpan HighResMonotonicClock => Elapsed;

    /// <inheritdoc />
    public IAdvancedScheduler Advanced => this;

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing every timer that falls due, in order.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        AdvanceTo(Elapsed + delta);
    }

    /// <summary>Moves the clock to <paramref name="elapsed"/> (never backwards), firing every timer due by then, in order.</summary>
    public void AdvanceTo(TimeSpan elapsed)
    {
        var target = elapsed.Ticks;
        while (true)
        {
            Work? due;
            lock (_lock)
            {
                DropCancelled();
                if (!_queue.TryPeek(out due, out var key) || key.Deadline > target)
                {
                    if (target > _now)
                    {
                        Volatile.Write(ref _now, target);
                    }

                    return;
                }

                _queue.Dequeue();
                if (key.Deadline > _now)
                {
                    Volatile.Write(ref _now, key.Deadline);
                }
            }

            // Fire outside the lock: the work may set more timers (a repeating one re-arms).
            Fire(due);
        }
    }

    /// <summary>Drops every pending timer and sets the clock back to zero, for the next run on the same system.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _queue.Clear();
            _sequence = 0;
            Volatile.Write(ref _now, 0);
        }
    }

    /// <inheritdoc />
    public void ScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef? sender) =>
        Add(delay, null, new Work(receiver, message, sender, null, null));

    /// <inheritdoc />
    public void ScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef? sender, ICancelable cancelable) =>
        Add(delay, null, new Work(receiver, message, sender, null, cancelable));

    /// <inheritdoc />
    public void ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef? sender) =>
        Add(initialDelay, interval, new Work(receiver, message, sender, null, null));

    /// <inheritdoc />
    public void ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef? sender, ICancelable cancelable) =>
        Add(initialDelay, interval, new Work(receiver, message, sender, null, cancelable));

    /// <inheritdoc />
    public void ScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        Add(delay, null, new Work(null, null, null, new ActionRunnable(action), cancelable));

    /// <inheritdoc />
    public void ScheduleOnce(TimeSpan delay, Action action) =>
        Add(delay, null, new Work(null, null, null, new ActionRunnable(action), null));

    /// <inheritdoc />
    public void ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Add(initialDelay, interval, new Work(null, null, null, new ActionRunnable(action), cancelable));

    /// <inheritdoc />
    public void ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action) =>
        Add(initialDelay, interval, new Work(null, null, null, new ActionRunnable(action), null));

    /// <inheritdoc />
    public void ScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        Add(delay, null, new Work(null, null, null, action, cancelable));

    /// <inheritdoc />
    public void ScheduleOnce(TimeSpan delay, IRunnable action) =>
        Add(delay, null, new Work(null, null, null, action, null));

    /// <inheritdoc />
    public void ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Add(initialDelay, interval, new Work(null, null, null, action, cancelable));

    /// <inheritdoc />
    public void ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action) =>
        Add(initialDelay, interval, new Work(null, null, null, action, null));

    private void Add(TimeSpan delay, TimeSpan? interval, Work work)
    {
        if (interval is { } every && every <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), every, "a repeating timer needs an interval above zero");
        }

        work.Interval = interval;
        Enqueue(work, delay);
    }

    private void Enqueue(Work work, TimeSpan delay)
    {
        var ticks = Math.Max(0, delay.Ticks);
        lock (_lock)
        {
            _queue.Enqueue(work, (_now + ticks, _sequence++));
        }
    }

    private void Fire(Work work)
    {
        if (work.IsCancelled)
        {
            return;
        }

        if (work.Receiver is { } receiver)
        {
            receiver.Tell(work.Message!, work.Sender ?? ActorRefs.NoSender);
        }
        else
        {
            work.Action!.Run();
        }

        if (work.Interval is { } interval && !work.IsCancelled)
        {
            Enqueue(work, interval);
        }
    }

    private void DropCancelled()
    {
        while (_queue.TryPeek(out var head, out _) && head.IsCancelled)
        {
            _queue.Dequeue();
        }
    }

    /// <summary>A pending timer: a message to tell or an action to run, maybe repeating.</summary>
    private sealed class Work(ICanTell? receiver, object? message, IActorRef? sender, IRunnable? action, ICancelable? cancelable)
    {
        public ICanTell? Receiver { get; } = receiver;

        public object? Message { get; } = message;

        public IActorRef? Sender { get; } = sender;

        public IRunnable? Action { get; } = action;

        public TimeSpan? Interval { get; set; }

        public bool IsCancelled => cancelable?.IsCancellationRequested == true;
    }
}
