using System.Collections.Concurrent;

namespace ActorPager.Runtime;

/// <summary>
/// One actor's queues and its run state. Many threads enqueue; only the thread running the
/// mailbox dequeues (multi-producer, single-consumer). System messages have their own intrusive
/// queue and are processed before any user message. On the thread-pool dispatcher the mailbox is
/// itself the work item, so scheduling it allocates nothing.
/// </summary>
internal sealed class Mailbox : IThreadPoolWorkItem
{
    // _status packs three things so a single CAS decides every race between senders and the
    // runner: bit 0 = closed (the actor has stopped), bit 1 = scheduled (a thread owns the
    // mailbox or it is queued to run), bits 2.. = how many times it is suspended.
    private const int ClosedBit = 1;
    private const int ScheduledBit = 2;
    private const int SuspendUnit = 4;

    /// <summary>The actor whose messages these are.</summary>
    private readonly ActorCell _cell;

    /// <summary>The dispatcher that runs the mailbox.</summary>
    private readonly MessageDispatcher _dispatcher;

    /// <summary>The bound and overflow policy.</summary>
    private readonly MailboxOptions _options;

    /// <summary>Run state: see the comment on the constants.</summary>
    private int _status;

    /// <summary>User messages; made on the first message so an idle actor that never got one carries no queue.</summary>
    private ConcurrentQueue<Envelope>? _queue;

    /// <summary>Messages put back in front of the queue by Unstash; touched only by the running thread.</summary>
    private Stack<Envelope>? _front;

    /// <summary>User messages waiting, for the bound; counted only when bounded.</summary>
    private int _count;

    /// <summary>Head of the system queue, newest first (senders push with a CAS).</summary>
    private SystemMessage? _systemHead;

    /// <summary>System messages taken from <see cref="_systemHead"/> and put in arrival order; runner only.</summary>
    private SystemMessage? _systemPending;

    public Mailbox(ActorCell cell, MessageDispatcher dispatcher, MailboxOptions options)
    {
        _cell = cell;
        _dispatcher = dispatcher;
        _options = options;
    }

    public ActorCell Cell => _cell;

    public MessageDispatcher Dispatcher => _dispatcher;

    public bool IsClosed => (Volatile.Read(ref _status) & ClosedBit) != 0;

    public bool IsSuspended => Volatile.Read(ref _status) >= SuspendUnit;

    public bool IsScheduled => (Volatile.Read(ref _status) & ScheduledBit) != 0;

    /// <summary>User messages waiting (an estimate while senders are active).</summary>
    public int NumberOfMessages => (_queue?.Count ?? 0) + (_front?.Count ?? 0);

    public bool HasMessages => (_front is { Count: > 0 }) || (_queue is { IsEmpty: false });

    public bool HasSystemMessages => _systemPending is not null || Volatile.Read(ref _systemHead) is not null;

    /// <summary>True when a runner would find something to do now.</summary>
    public bool HasWork => !IsClosed && (HasSystemMessages || (!IsSuspended && HasMessages));

    /// <summary>Queues a user message. False when it was not accepted (closed or full with dead-letter policy): the caller dead-letters it.</summary>
    public EnqueueOutcome Enqueue(object message, IActorRef? sender)
    {
        if (IsClosed)
        {
            return EnqueueOutcome.Closed;
        }

        if (_options.IsBounded && Interlocked.Increment(ref _count) > _options.Capacity)
        {
            Interlocked.Decrement(ref _count);
            return EnqueueOutcome.Full;
        }

        var queue = _queue ?? EnsureQueue();
        queue.Enqueue(new Envelope(message, sender));

        // A sender can lose the race with the actor stopping: the runner closed the mailbox and
        // drained it after our IsClosed check but before our enqueue. Drain again so the message
        // reaches dead letters instead of sitting in a dead queue.
        if (IsClosed)
        {
            DrainQueueToDeadLetters();
        }

        return EnqueueOutcome.Accepted;
    }

    private ConcurrentQueue<Envelope> EnsureQueue()
    {
        Interlocked.CompareExchange(ref _queue, new ConcurrentQueue<Envelope>(), null);
        return _queue!;
    }

    /// <summary>Takes the next user message; runner only.</summary>
    public bool TryDequeue(out Envelope envelope)
    {
        if (_front is { Count: > 0 } front)
        {
            envelope = front.Pop();
            return true;
        }

        if (_queue is { } queue && queue.TryDequeue(out envelope))
        {
            if (_options.IsBounded)
            {
                Interlocked.Decrement(ref _count);
            }

            return true;
        }

        envelope = default;
        return false;
    }

    /// <summary>Puts messages back in front of the queue, in the given order; runner only.</summary>
    public void Prepend(IReadOnlyList<Envelope> envelopes)
    {
        if (envelopes.Count == 0)
        {
            return;
        }

        _front ??= new Stack<Envelope>();
        for (var i = envelopes.Count - 1; i >= 0; i--)
        {
            _front.Push(envelopes[i]);
        }
    }

    /// <summary>Queues a system message (lock-free push).</summary>
    public void SystemEnqueue(SystemMessage message)
    {
        SystemMessage? head;
        do
        {
            head = Volatile.Read(ref _systemHead);
            message.Next = head;
        }
        while (Interlocked.CompareExchange(ref _systemHead, message, head) != head);

        if (IsClosed)
        {
            DrainSystemAfterClose();
        }
    }

    /// <summary>Takes the next system message in arrival order; runner only.</summary>
    public SystemMessage? TakeSystemMessage()
    {
        if (_systemPending is null)
        {
            // The pushed list is newest-first: take it whole and reverse it into arrival order.
            var list = Interlocked.Exchange(ref _systemHead, null);
            SystemMessage? reversed = null;
            while (list is not null)
            {
                var next = list.Next;
                list.Next = reversed;
                reversed = list;
                list = next;
            }

            _systemPending = reversed;
        }

        var message = _systemPending;
        if (message is not null)
        {
            _systemPending = message.Next;
            message.Next = null;
        }

        return message;
    }

    public bool SetAsScheduled()
    {
        while (true)
        {
            var s = Volatile.Read(ref _status);
            if ((s & (ClosedBit | ScheduledBit)) != 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _status, s | ScheduledBit, s) == s)
            {
                return true;
            }
        }
    }

    public void SetAsIdle()
    {
        while (true)
        {
            var s = Volatile.Read(ref _status);
            if (Interlocked.CompareExchange(ref _status, s & ~ScheduledBit, s) == s)
            {
                return;
            }
        }
    }

    public void Suspend()
    {
        while (true)
        {
            var s = Volatile.Read(ref _status);
            if ((s & ClosedBit) != 0 || Interlocked.CompareExchange(ref _status, s + SuspendUnit, s) == s)
            {
                return;
            }
        }
    }

    /// <summary>Undoes one suspension; true when the mailbox is no longer suspended.</summary>
    public bool Resume()
    {
        while (true)
        {
            var s = Volatile.Read(ref _status);
            if ((s & ClosedBit) != 0)
            {
                return false;
            }

            var next = s >= SuspendUnit ? s - SuspendUnit : s;
            if (Interlocked.CompareExchange(ref _status, next, s) == s)
            {
                return next < SuspendUnit;
            }
        }
    }

    /// <summary>Marks the mailbox closed for good and moves what is left to dead letters.</summary>
    public void Close()
    {
        while (true)
        {
            var s = Volatile.Read(ref _status);
            if (Interlocked.CompareExchange(ref _status, s | ClosedBit, s) == s)
            {
                break;
            }
        }

        DrainToDeadLetters();

        // System messages already taken from the shared list but not yet run (a Watch among
        // them must still be answered): hand each to the after-stop handler.
        var pending = _systemPending;
        _systemPending = null;
        while (pending is not null)
        {
            var next = pending.Next;
            pending.Next = null;
            _cell.SystemInvokeAfterStop(pending);
            pending = next;
        }

        DrainSystemAfterClose();
    }

    /// <summary>Runner only (from Close): the unstashed front and the queue go to dead letters.</summary>
    private void DrainToDeadLetters()
    {
        var deadLetters = _cell.SystemImpl.DeadLettersRef;
        while (TryDequeue(out var envelope))
        {
            deadLetters.Deliver(envelope.Message, envelope.Sender, _cell, "recipient stopped");
        }
    }

    /// <summary>
    /// Any thread, after Close: only the concurrent queue is drained. The front stack belongs to
    /// the runner, which emptied it in Close before any sender could see the mailbox closed.
    /// </summary>
    private void DrainQueueToDeadLetters()
    {
        if (_queue is not { } queue)
        {
            return;
        }

        var deadLetters = _cell.SystemImpl.DeadLettersRef;
        while (queue.TryDequeue(out var envelope))
        {
            if (_options.IsBounded)
            {
                Interlocked.Decrement(ref _count);
            }

            deadLetters.Deliver(envelope.Message, envelope.Sender, _cell, "recipient stopped");
        }
    }

    private void DrainSystemAfterClose()
    {
        var list = Interlocked.Exchange(ref _systemHead, null);
        while (list is not null)
        {
            var next = list.Next;
            list.Next = null;
            _cell.SystemInvokeAfterStop(list);
            list = next;
        }
    }

    /// <summary>Thread-pool entry: run system messages, then up to the throughput of user messages.</summary>
    public void Execute()
    {
        try
        {
            if (!IsClosed)
            {
                ProcessAllSystemMessages();
                ProcessMailbox(_dispatcher.Throughput);
            }
        }
        finally
        {
            SetAsIdle();

            // Messages that arrived after our last look would otherwise wait forever: their
            // senders saw the scheduled bit set and did not schedule us.
            _dispatcher.RegisterForExecution(this, hasMessageHint: false, hasSystemMessageHint: false);
        }
    }

    private void ProcessMailbox(int throughput)
    {
        var left = throughput;
        while (left-- > 0 && !IsClosed && !IsSuspended && TryDequeue(out var envelope))
        {
            _cell.Invoke(envelope);
            ProcessAllSystemMessages();
        }
    }

    private void ProcessAllSystemMessages()
    {
        while (!IsClosed && TakeSystemMessage() is { } message)
        {
            _cell.SystemInvoke(message);
        }
    }

    /// <summary>
    /// Deterministic entry: delivers exactly one message (system first) and says which. Returns
    /// false when there was nothing deliverable.
    /// </summary>
    public bool ProcessOne(out object? message, out IActorRef? sender, out bool isSystem)
    {
        message = null;
        sender = null;
        isSystem = false;
        if (IsClosed)
        {
            return false;
        }

        if (TakeSystemMessage() is { } system)
        {
            message = system;
            isSystem = true;
            _cell.SystemInvoke(system);
            return true;
        }

        if (!IsSuspended && TryDequeue(out var envelope))
        {
            message = envelope.Message;
            sender = envelope.Sender;
            _cell.Invoke(envelope);
            return true;
        }

        return false;
    }
}

/// <summary>What happened to a user message handed to a mailbox.</summary>
internal enum EnqueueOutcome
{
    Accepted,
    Closed,
    Full,
}
