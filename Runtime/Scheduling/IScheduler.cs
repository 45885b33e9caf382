namespace ActorPager.Runtime;

/// <summary>A scheduled action that can be called off.</summary>
public interface ICancelable
{
    /// <summary>True once <see cref="Cancel"/> has been called.</summary>
    bool IsCancellationRequested { get; }

    /// <summary>Calls the scheduled action off; a no-op when it already ran (for a one-shot) or was cancelled.</summary>
    void Cancel();
}

/// <summary>
/// The system's only source of time. Actors read the clock and set timers here, never through
/// <see cref="DateTime"/> or <see cref="Task.Delay(TimeSpan)"/>, so the same code runs on real time
/// and on virtual time.
/// </summary>
public interface IScheduler
{
    /// <summary>Time since the scheduler started; monotonic. On virtual time it moves only when advanced.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>Wall-clock time (real time), or a fixed epoch plus <see cref="Elapsed"/> (virtual time).</summary>
    DateTimeOffset UtcNow { get; }

    /// <summary>Sends <paramref name="message"/> to <paramref name="receiver"/> once, after <paramref name="delay"/>.</summary>
    ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender);

    /// <summary>Sends <paramref name="message"/> after <paramref name="initialDelay"/>, then every <paramref name="interval"/>, until cancelled.</summary>
    ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender);

    /// <summary>Runs <paramref name="action"/> once after <paramref name="delay"/>, on the scheduler's thread. Keep it short; prefer messages.</summary>
    ICancelable ScheduleOnce(TimeSpan delay, Action action);
}

/// <summary>
/// A timer entry. It is also the node of the real-time wheel's bucket list, so scheduling
/// allocates this one object and nothing else; an Ask's promise is itself its timeout entry.
/// </summary>
public abstract class ScheduledWork : ICancelable
{
    // State transitions happen under the owning scheduler's lock: Pending -> Cancelled, or
    // Pending -> Running -> (Pending again when repeating | Done).
    private const int Pending = 0;
    private const int Done = 1;
    private const int Cancelled = 2;

    private int _state;

    /// <summary>The scheduler tick (real time) or the virtual time in ticks (virtual time) at which it is due.</summary>
    internal long Deadline;

    /// <summary>Wheel bucket links.</summary>
    internal ScheduledWork? Prev;

    /// <summary>Wheel bucket links.</summary>
    internal ScheduledWork? NextInBucket;

    /// <summary>Whether the entry is in a bucket now.</summary>
    internal bool Linked;

    /// <summary>The scheduler that holds the entry, for cancellation.</summary>
    internal SchedulerBase? Owner;

    /// <summary>
    /// The repeat interval, or zero for a one-shot. A property rather than a field so one-shot
    /// entries (every Ask's promise is one) do not carry it.
    /// </summary>
    internal virtual TimeSpan Interval => TimeSpan.Zero;

    /// <inheritdoc />
    public bool IsCancellationRequested => Volatile.Read(ref _state) == Cancelled;

    /// <inheritdoc />
    public void Cancel()
    {
        if (Interval > TimeSpan.Zero)
        {
            Volatile.Write(ref _state, Cancelled);
            Owner?.Remove(this);
        }
        else if (Interlocked.CompareExchange(ref _state, Cancelled, Pending) == Pending)
        {
            Owner?.Remove(this);
        }
    }

    /// <summary>Claims a one-shot entry for running; false when it was cancelled.</summary>
    internal bool TryClaim() =>
        Interval > TimeSpan.Zero ? Volatile.Read(ref _state) != Cancelled : Interlocked.CompareExchange(ref _state, Done, Pending) == Pending;

    /// <summary>Does the work. Runs on the scheduler's thread (real time) or the advancing thread (virtual time).</summary>
    protected internal abstract void Run();
}

/// <summary>Common parts of the two schedulers.</summary>
public abstract class SchedulerBase : IScheduler
{
    /// <summary>Where a failing scheduled action is reported.</summary>
    private protected Action<Exception>? OnError { get; private set; }

    /// <inheritdoc />
    public abstract TimeSpan Elapsed { get; }

    /// <inheritdoc />
    public abstract DateTimeOffset UtcNow { get; }

    /// <inheritdoc />
    public ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        var work = new TellWork(receiver, message, sender);
        Schedule(work, delay);
        return work;
    }

    /// <inheritdoc />
    public ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var work = new RepeatedTellWork(receiver, message, sender, interval);
        Schedule(work, initialDelay);
        return work;
    }

    /// <inheritdoc />
    public ICancelable ScheduleOnce(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var work = new ActionWork(action);
        Schedule(work, delay);
        return work;
    }

    /// <summary>Adds an entry due after <paramref name="delay"/>.</summary>
    internal abstract void Schedule(ScheduledWork work, TimeSpan delay);

    /// <summary>Removes a cancelled entry.</summary>
    internal abstract void Remove(ScheduledWork work);

    internal void SetErrorHandler(Action<Exception> onError) => OnError = onError;

    /// <summary>Runs a due entry and re-arms it when it repeats.</summary>
    private protected void Fire(ScheduledWork work)
    {
        if (!work.TryClaim())
        {
            return;
        }

        try
        {
            work.Run();
        }
#pragma warning disable CA1031 // A failing timer action must not kill the timer thread; it is reported.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            OnError?.Invoke(ex);
        }

        if (work.Interval > TimeSpan.Zero && !work.IsCancellationRequested)
        {
            Schedule(work, work.Interval);
        }
    }

    private sealed class TellWork(IActorRef receiver, object message, IActorRef? sender) : ScheduledWork
    {
        protected internal override void Run() => receiver.Tell(message, sender);
    }

    private sealed class RepeatedTellWork(IActorRef receiver, object message, IActorRef? sender, TimeSpan interval) : ScheduledWork
    {
        internal override TimeSpan Interval => interval;

        protected internal override void Run() => receiver.Tell(message, sender);
    }

    private sealed class ActionWork(Action action) : ScheduledWork
    {
        protected internal override void Run() => action();
    }
}
