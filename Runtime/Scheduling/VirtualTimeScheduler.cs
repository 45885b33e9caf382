namespace ActorPager.Runtime;

/// <summary>
/// A scheduler on virtual time: the clock moves only when advanced, by hand
/// (<see cref="Advance"/>) or by the deterministic dispatcher when nothing else can run. Timers
/// due at the same instant fire in the order they were set. No thread, no wall clock.
/// </summary>
public sealed class VirtualTimeScheduler : SchedulerBase
{
    /// <summary>The fixed wall-clock time at which virtual time starts: 2000-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock _lock = new();
    private readonly PriorityQueue<ScheduledWork, (long Deadline, long Sequence)> _queue = new();
    private long _now;
    private long _sequence;

    /// <inheritdoc />
    public override TimeSpan Elapsed => TimeSpan.FromTicks(Volatile.Read(ref _now));

    /// <inheritdoc />
    public override DateTimeOffset UtcNow => Epoch + Elapsed;

    /// <summary>Timers not yet fired or cancelled.</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                DropCancelled();
                return _queue.Count;
            }
        }
    }

    /// <summary>When the next timer is due (virtual elapsed time), or null when none is pending.</summary>
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
            ScheduledWork? due;
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

            // Fire outside the lock: the work may schedule more timers (a repeating one re-arms).
            Fire(due);
        }
    }

    internal override void Schedule(ScheduledWork work, TimeSpan delay)
    {
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        lock (_lock)
        {
            work.Owner = this;
            work.Deadline = _now + delay.Ticks;
            _queue.Enqueue(work, (work.Deadline, _sequence++));
        }
    }

    internal override void Remove(ScheduledWork work)
    {
        // Cancelled entries are dropped lazily when they reach the head of the queue.
    }

    private void DropCancelled()
    {
        while (_queue.TryPeek(out var head, out _) && head.IsCancellationRequested)
        {
            _queue.Dequeue();
        }
    }
}
