using System.Diagnostics;

namespace ActorPager.Runtime;

/// <summary>
/// A scheduler on real time: a hashed timing wheel driven by one background thread. Setting or
/// cancelling a timer is O(1) under a short lock and allocates only the timer entry; the thread
/// sleeps while no timer is pending. Resolution is one tick (1 ms by default).
/// </summary>
public sealed class RealTimeScheduler : SchedulerBase, IDisposable
{
    private readonly Lock _lock = new();
    private readonly ScheduledWork?[] _wheel;
    private readonly int _mask;
    private readonly long _tickStopwatchTicks;
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly TimeSpan _tick;
    private readonly Thread _thread;
    private readonly List<ScheduledWork> _due = [];

    /// <summary>Wakes the thread when the first timer is set or the scheduler stops.</summary>
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private long _currentTick;
    private int _count;
    private bool _stopped;

    /// <summary>True while the thread waits for a first timer with no timeout; only then does Schedule signal it.</summary>
    private bool _sleeping;

    /// <summary>Creates the scheduler and starts its thread.</summary>
    /// <param name="tick">The resolution; at least 100 µs.</param>
    /// <param name="ticksPerWheel">Buckets in the wheel; rounded up to a power of two.</param>
    public RealTimeScheduler(TimeSpan tick, int ticksPerWheel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tick, TimeSpan.FromTicks(1000));
        ArgumentOutOfRangeException.ThrowIfLessThan(ticksPerWheel, 1);
        _tick = tick;
        _tickStopwatchTicks = Math.Max(1, (long)(tick.TotalSeconds * Stopwatch.Frequency));
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)ticksPerWheel);
        _wheel = new ScheduledWork?[size];
        _mask = size - 1;
        _thread = new Thread(Loop) { IsBackground = true, Name = "actorpager-scheduler" };
        _thread.Start();
    }

    /// <inheritdoc />
    public override TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    /// <inheritdoc />
    public override DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

    internal override void Schedule(ScheduledWork work, TimeSpan delay)
    {
        var elapsedTicks = Stopwatch.GetTimestamp() - _start;
        var delayTicks = (long)(Math.Max(0, delay.TotalSeconds) * Stopwatch.Frequency);
        var dueTick = (elapsedTicks + delayTicks + _tickStopwatchTicks - 1) / _tickStopwatchTicks;
        bool wake;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            work.Owner = this;
            work.Deadline = Math.Max(dueTick, _currentTick + 1);
            Link(work);
            _count++;

            // Signal only a thread that sleeps without a timeout. A ticking thread finds the new
            // entry on its next tick; signalling it as well (as every empty -> one-timer change
            // did, once per Ask when asks run one at a time) piles up releases that make its
            // timed waits return at once, so it spins on this lock.
            wake = _sleeping;
            _sleeping = false;
        }

        if (wake)
        {
            WakeUp();
        }
    }

    internal override void Remove(ScheduledWork work)
    {
        lock (_lock)
        {
            if (work.Linked)
            {
                Unlink(work);
                _count--;
            }
        }
    }

    /// <summary>Stops the thread; pending timers never fire.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _stopped = true;
        }

        WakeUp();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }

    private void WakeUp() => _signal.Release();

    private void Loop()
    {
        while (true)
        {
            bool idle;
            lock (_lock)
            {
                if (_stopped)
                {
                    return;
                }

                idle = _count == 0;
                _sleeping = idle;
            }

            if (idle)
            {
                // Nothing pending: sleep until a timer is set (Schedule releases the semaphore).
                _signal.Wait();
                continue;
            }

            var nextTickAt = (_currentTick + 1) * _tickStopwatchTicks;
            var wait = nextTickAt - (Stopwatch.GetTimestamp() - _start);
            if (wait > 0)
            {
                var ms = (int)Math.Ceiling(wait * 1000.0 / Stopwatch.Frequency);
                _signal.Wait(Math.Max(1, ms));
            }

            CollectDue();
            foreach (var work in _due)
            {
                Fire(work);
            }

            _due.Clear();
        }
    }

    private void CollectDue()
    {
        var nowTick = (Stopwatch.GetTimestamp() - _start) / _tickStopwatchTicks;
        lock (_lock)
        {
            if (nowTick <= _currentTick)
            {
                return;
            }

            // Visit each bucket the clock passed, at most once around the wheel.
            var span = Math.Min(nowTick - _currentTick, _wheel.Length);
            for (long t = 1; t <= span; t++)
            {
                var bucket = (int)((_currentTick + t) & _mask);
                var work = _wheel[bucket];
                while (work is not null)
                {
                    var next = work.NextInBucket;
                    if (work.Deadline <= nowTick)
                    {
                        Unlink(work);
                        _count--;
                        _due.Add(work);
                    }

                    work = next;
                }
            }

            _currentTick = nowTick;
        }

        // Entries of one bucket can be due at different rounds; fire in deadline order.
        if (_due.Count > 1)
        {
            _due.Sort(static (a, b) => a.Deadline.CompareTo(b.Deadline));
        }
    }

    private void Link(ScheduledWork work)
    {
        var bucket = (int)(work.Deadline & _mask);
        var head = _wheel[bucket];
        work.Prev = null;
        work.NextInBucket = head;
        if (head is not null)
        {
            head.Prev = work;
        }

        _wheel[bucket] = work;
        work.Linked = true;
    }

    private void Unlink(ScheduledWork work)
    {
        var bucket = (int)(work.Deadline & _mask);
        if (work.Prev is null)
        {
            _wheel[bucket] = work.NextInBucket;
        }
        else
        {
            work.Prev.NextInBucket = work.NextInBucket;
        }

        if (work.NextInBucket is not null)
        {
            work.NextInBucket.Prev = work.Prev;
        }

        work.Prev = null;
        work.NextInBucket = null;
        work.Linked = false;
    }

    /// <summary>The resolution.</summary>
    public TimeSpan Tick => _tick;
}
