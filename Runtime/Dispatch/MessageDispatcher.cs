namespace ActorPager.Runtime;

/// <summary>
/// Decides when and on which thread a mailbox runs. The thread-pool dispatcher runs mailboxes
/// on .NET's pool, one actor at a time, a batch of messages per turn; the deterministic
/// dispatcher runs the whole system on the caller's thread, one delivery per step, in an order
/// chosen by a seeded strategy.
/// </summary>
public abstract class MessageDispatcher
{
    /// <summary>Creates a dispatcher.</summary>
    /// <param name="id">Its id, as named in <see cref="Props.WithDispatcher"/>.</param>
    /// <param name="throughput">User messages one actor may handle per turn before yielding its thread.</param>
    private protected MessageDispatcher(string id, int throughput)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(throughput, 1);
        Id = id;
        Throughput = throughput;
    }

    /// <summary>The dispatcher's id.</summary>
    public string Id { get; }

    /// <summary>User messages one actor may handle per turn before it yields its thread.</summary>
    public int Throughput { get; }

    /// <summary>Schedules <paramref name="mailbox"/> if it has work and is not already scheduled.</summary>
    internal void RegisterForExecution(Mailbox mailbox, bool hasMessageHint, bool hasSystemMessageHint)
    {
        if (CanBeScheduled(mailbox, hasMessageHint, hasSystemMessageHint) && mailbox.SetAsScheduled())
        {
            Execute(mailbox);
        }
    }

    private static bool CanBeScheduled(Mailbox mailbox, bool hasMessageHint, bool hasSystemMessageHint)
    {
        if (mailbox.IsClosed)
        {
            return false;
        }

        if (hasSystemMessageHint || mailbox.HasSystemMessages)
        {
            return true;
        }

        return !mailbox.IsSuspended && (hasMessageHint || mailbox.HasMessages);
    }

    /// <summary>Runs (or queues to run) a mailbox that was just marked scheduled.</summary>
    private protected abstract void Execute(Mailbox mailbox);

    /// <summary>
    /// Queues again a mailbox that ended its turn with work left and is still marked scheduled.
    /// The default treats it like any other scheduling.
    /// </summary>
    internal virtual void Reschedule(Mailbox mailbox) => Execute(mailbox);

    /// <summary>Called once when the system has terminated.</summary>
    internal virtual void Shutdown()
    {
    }
}

/// <summary>
/// Runs mailboxes on the .NET thread pool. A mailbox is its own <see cref="IThreadPoolWorkItem"/>,
/// so scheduling it allocates nothing; a turn handles up to <see cref="MessageDispatcher.Throughput"/>
/// user messages, then yields the thread so one busy actor cannot starve the rest.
/// </summary>
public sealed class ThreadPoolDispatcher : MessageDispatcher
{
    /// <summary>Creates the dispatcher.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="throughput">User messages per turn.</param>
    public ThreadPoolDispatcher(string id, int throughput)
        : base(id, throughput)
    {
    }

    /// <inheritdoc />
    /// <remarks>
    /// A mailbox woken by a send from a pool thread (one actor telling another) goes to that
    /// thread's local queue, as a task continuation would: the receiver runs next on the same
    /// core, with the message still in its cache; idle threads steal it otherwise. From any other
    /// thread the pool uses its global queue.
    /// </remarks>
    private protected override void Execute(Mailbox mailbox) =>
        ThreadPool.UnsafeQueueUserWorkItem(mailbox, preferLocal: true);

    /// <inheritdoc />
    /// <remarks>
    /// A mailbox that used up its throughput goes to the global queue, behind the work already
    /// waiting: the local queue is taken newest first, so queueing it there would run it again
    /// at once and the yield would starve the rest.
    /// </remarks>
    internal override void Reschedule(Mailbox mailbox) =>
        ThreadPool.UnsafeQueueUserWorkItem(mailbox, preferLocal: false);
}
