using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Dispatch;
using Akka.Dispatch.SysMsg;

namespace ActorPager.Harness.Dispatch;

/// <summary>
/// An Akka.NET dispatcher that runs the actors on it one message at a time, in an order chosen by
/// a seeded <see cref="IScheduleStrategy"/>, on the thread that calls <see cref="Step"/> (or one of
/// the <c>Run</c> methods). Every user and system message sent to such an actor is held here
/// instead of in the actor's mailbox; a step picks one candidate (an actor with a held message,
/// or a pending external event such as a simulated disk's I/O completion), hands exactly one
/// message to the actor's real Akka mailbox and runs that mailbox inline. When nothing can run,
/// virtual time (<see cref="VirtualTimeScheduler"/>) jumps to the next timer. The same seed and the
/// same code give the same order of every delivery; <see cref="Trace"/> records it and hashes it.
/// </summary>
/// <remarks>
/// <para>Plug it in with <see cref="DeterministicSystem.Config"/>: a dispatcher section naming
/// <see cref="DeterministicDispatcherConfigurator"/> and the virtual-time scheduler. Only actors
/// created with <c>Props.WithDispatcher(DeterministicSystem.DispatcherId)</c> run here; Akka's
/// own actors (guardians, loggers) stay on the default dispatcher, so creating a system does not
/// need the loop to be pumped.</para>
/// <para>Determinism holds when every message to these actors is sent from their own code, from
/// a timer, or from the thread driving the dispatcher. A Tell from another thread (a task
/// continuation on the thread pool) is accepted safely but makes the run depend on timing:
/// route such work through an <see cref="IExternalEventSource"/> instead.</para>
/// </remarks>
public sealed class DeterministicDispatcher : MessageDispatcher
{
    // Held messages, the runnable list and the external sources are touched by Tell (any thread,
    // in principle) and by Step; one lock keeps them consistent. It is never held while an actor
    // runs. The runnable list's order is the order in which actors became runnable, which is
    // itself deterministic when the run is.
    private readonly Lock _lock = new();
    private readonly Dictionary<ActorCell, Slot> _slots = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Mailbox, Slot> _byMailbox = new(ReferenceEqualityComparer.Instance);
    private readonly List<Slot> _runnable = [];
    private readonly List<IExternalEventSource> _sources = [];
    private readonly List<ScheduleCandidate> _candidates = [];
    private readonly List<IRunnable> _tasks = [];
    private readonly VirtualTimeScheduler _clock;
    private readonly DeliveryTrace _trace;
    private IScheduleStrategy _strategy;

    /// <summary>The slot whose held message is being handed to its mailbox right now; its mailbox's registration is ours, not Akka's.</summary>
    private Slot? _releasing;

    /// <summary>Set while the permanent inhabitant is added: the runnable it schedules is dropped.</summary>
    private readonly bool _addingInhabitant;

    private int _stepping;

    internal DeterministicDispatcher(MessageDispatcherConfigurator configurator, VirtualTimeScheduler clock)
        : base(configurator)
    {
        _clock = clock;

        // One user message per mailbox run. Akka's loop runs up to Throughput messages and also
        // stops when the deadline has passed; a deadline of one tick stops it after the first.
        Throughput = 1;
        ThroughputDeadlineTime = 1;
        _strategy = new RandomStrategy(0);
        _trace = new DeliveryTrace();

        // A dispatcher whose last actor detaches schedules its own shutdown on the (virtual)
        // scheduler; that timer would show up in the next run. One inhabitant that never leaves
        // keeps it from ever being scheduled.
        _addingInhabitant = true;
        try
        {
            Schedule(static () => { });
        }
        finally
        {
            _addingInhabitant = false;
        }
    }

    /// <summary>How many deliveries a trace keeps (its hash covers all of them); applies from the next <see cref="Reset"/>.</summary>
    public int TraceLimit { get; set; } = 1_000_000;

    /// <summary>The seed of this run.</summary>
    public long Seed { get; private set; }

    /// <summary>The strategy choosing each step.</summary>
    public IScheduleStrategy Strategy => _strategy;

    /// <summary>Every delivery of this run so far. The next run (<see cref="Reset"/>) starts it again: copy what must outlive the run.</summary>
    public DeliveryTrace Trace => _trace;

    /// <summary>Steps taken in this run.</summary>
    public long StepCount { get; private set; }

    /// <summary>The virtual clock this dispatcher advances.</summary>
    public VirtualTimeScheduler Clock => _clock;

    /// <summary>Actors attached to this dispatcher and not yet detached.</summary>
    public int ActorCount
    {
        get
        {
            lock (_lock)
            {
                return _slots.Count;
            }
        }
    }

    /// <summary>Called after every step with the delivery it made; monitors check invariants here.</summary>
    public event Action<Delivery>? Delivered;

    /// <summary>
    /// Called after every step that delivered a message to an actor, with the message itself (a
    /// user message, or Akka's system message) and the recipient, for monitors that inspect contents.
    /// </summary>
    public event Action<Delivery, object, IActorRef>? MessageDelivered;

    /// <summary>True when no actor can run and no external event is pending (timers may still be due later).</summary>
    public bool IsIdle
    {
        get
        {
            lock (_lock)
            {
                return _runnable.Count == 0 && _tasks.Count == 0 && PendingExternal() == 0;
            }
        }
    }

    /// <summary>
    /// Starts a new run on this dispatcher: a seed, a strategy, an empty trace and step count, and
    /// no external sources. Actors still attached keep their held messages; virtual time is not
    /// touched (see <see cref="VirtualTimeScheduler.Reset"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Called during a step.</exception>
    public void Reset(long seed, IScheduleStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        if (Volatile.Read(ref _stepping) != 0)
        {
            throw new InvalidOperationException("the deterministic dispatcher cannot be reset from inside a step");
        }

        lock (_lock)
        {
            Seed = seed;
            _strategy = strategy;
            _trace.Clear(TraceLimit);
            StepCount = 0;
            _sources.Clear();
        }
    }

    /// <summary>Adds a source of external events whose order this dispatcher decides, for the current run.</summary>
    public void AddExternalSource(IExternalEventSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (_lock)
        {
            _sources.Add(source);
        }
    }

    /// <summary>
    /// Runs one step: a delivery chosen by the strategy or, when nothing can run and
    /// <paramref name="advanceTime"/> is set, a jump of virtual time to the next timer (not beyond
    /// <paramref name="timeLimit"/>, in <see cref="VirtualTimeScheduler.Elapsed"/> terms). Returns
    /// false when there was nothing to do.
    /// </summary>
    /// <exception cref="InvalidOperationException">Stepped from inside a step (another thread, or an actor).</exception>
    public bool Step(bool advanceTime = true, TimeSpan? timeLimit = null)
    {
        // One logical thread: two threads stepping at once (or a handler stepping from inside a
        // step) would run two actors concurrently and break every guarantee.
        if (Interlocked.Exchange(ref _stepping, 1) != 0)
        {
            throw new InvalidOperationException(
                "the deterministic dispatcher was stepped while a step was running (from another thread, or from inside an actor)");
        }

        // Continuations of tasks completed during the step (a simulated disk's I/O, a reply to a
        // harness ask) run inline only on a thread without a synchronization context; test
        // runners install one, which would post them out of the run's order. They also run as no
        // actor: Akka.TestKit makes its test actor the driving thread's current actor (the
        // implicit sender of a Tell), which would make the sender in the trace depend on who steps.
        var context = SynchronizationContext.Current;
        var cell = InternalCurrentActorCellKeeper.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        InternalCurrentActorCellKeeper.Current = null;
        try
        {
            return StepCore(advanceTime, timeLimit);
        }
        finally
        {
            InternalCurrentActorCellKeeper.Current = cell;
            SynchronizationContext.SetSynchronizationContext(context);
            Volatile.Write(ref _stepping, 0);
        }
    }

    private bool StepCore(bool advanceTime, TimeSpan? timeLimit)
    {
        Slot? slot = null;
        IRunnable? task = null;
        IExternalEventSource? source = null;
        var sourceIndex = -1;
        string? externalId = null;
        lock (_lock)
        {
            _candidates.Clear();
            foreach (var s in _runnable)
            {
                _candidates.Add(new ScheduleCandidate(s.Path, CandidateKind.Actor));
            }

            for (var i = 0; i < _tasks.Count; i++)
            {
                _candidates.Add(new ScheduleCandidate("dispatcher-task", CandidateKind.External));
            }

            foreach (var s in _sources)
            {
                var pending = s.PendingCount;
                for (var i = 0; i < pending; i++)
                {
                    _candidates.Add(new ScheduleCandidate(s.Describe(i), CandidateKind.External));
                }
            }

            if (_candidates.Count > 0)
            {
                // The strategy is asked even when there is one candidate: a replay walks the
                // recorded trace one delivery per choice.
                var choice = _strategy.Choose(_candidates, StepCount);
                if ((uint)choice >= (uint)_candidates.Count)
                {
                    throw new InvalidOperationException($"strategy {_strategy.Name} chose candidate {choice} of {_candidates.Count}");
                }

                if (choice < _runnable.Count)
                {
                    slot = _runnable[choice];
                    _runnable.RemoveAt(choice);
                    slot.Queued = false;
                }
                else if (choice < _runnable.Count + _tasks.Count)
                {
                    task = _tasks[choice - _runnable.Count];
                    _tasks.RemoveAt(choice - _runnable.Count);
                }
                else
                {
                    externalId = _candidates[choice].Id;
                    var k = choice - _runnable.Count - _tasks.Count;
                    foreach (var s in _sources)
                    {
                        var pending = s.PendingCount;
                        if (k < pending)
                        {
                            source = s;
                            sourceIndex = k;
                            break;
                        }

                        k -= pending;
                    }
                }
            }
        }

        if (slot is not null)
        {
            RunSlot(slot);
            return true;
        }

        if (task is not null)
        {
            task.Run();
            Record(new Delivery(StepCount, DeliveryKind.External, "dispatcher-task", null, "dispatcher-task"));
            return true;
        }

        if (source is not null)
        {
            source.Run(sourceIndex);
            Record(new Delivery(StepCount, DeliveryKind.External, externalId!, null, externalId!));
            return true;
        }

        if (advanceTime && _clock.NextDeadline is { } next && (timeLimit is null || next <= timeLimit.Value))
        {
            _clock.AdvanceTo(next);
            Record(new Delivery(StepCount, DeliveryKind.Timer, $"t={next.TotalMilliseconds}ms", null, "timers fired"));
            return true;
        }

        return false;
    }

    /// <summary>Hands one held message of <paramref name="slot"/> to its real mailbox and runs the mailbox inline.</summary>
    private void RunSlot(Slot slot)
    {
        var cell = slot.Cell;
        DeliveryKind kind;
        object message;
        SystemMessage? system = null;
        Envelope envelope = default;
        string? sender = null;
        var senderInRun = true;
        lock (_lock)
        {
            if (slot.MailboxWantsToRun)
            {
                // Akka scheduled the real mailbox itself: the Create it enqueued at start,
                // messages put back by UnstashAll, a resume after a failure. Run it as it is.
                slot.MailboxWantsToRun = false;
                kind = slot.CreatePending ? DeliveryKind.System : DeliveryKind.User;
                message = slot.CreatePending ? CreateMarker.Instance : PeekMailbox(cell) ?? MailboxMarker.Instance;
                slot.CreatePending = false;
            }
            else if (slot.System.TryDequeue(out system))
            {
                kind = DeliveryKind.System;
                message = system;
            }
            else
            {
                envelope = slot.User.Dequeue();
                kind = DeliveryKind.User;
                message = Unwrap(envelope.Message);
                sender = SenderOfLocked(envelope.Sender, out senderInRun);
            }
        }

        // Hand the message to the real mailbox. Akka registers the mailbox for execution, which
        // lands in ExecuteTask: _releasing tells it that this registration is the step's own.
        if (system is not null || envelope.Message is not null)
        {
            _releasing = slot;
            try
            {
                if (system is not null)
                {
                    base.SystemDispatch(cell, system);
                }
                else
                {
                    base.Dispatch(cell, envelope);
                }
            }
            finally
            {
                _releasing = null;
            }
        }

        cell.Mailbox?.Run();

        lock (_lock)
        {
            if (!slot.Detached && !slot.Queued && slot.HasWork)
            {
                slot.Queued = true;
                _runnable.Add(slot);
            }
        }

        var delivery = new Delivery(StepCount, kind, slot.Path, sender, Describe(message));
        Record(delivery, senderInRun);
        MessageDelivered?.Invoke(delivery, message, cell.Self);
    }

    /// <summary>
    /// The sender's path as the trace names it, and whether the sender belongs to the run: an
    /// actor on this dispatcher or a harness ask's reply address. Any other sender (a test kit's
    /// test actor or probe, whose names Akka.TestKit numbers across the whole process) is named in
    /// the trace but left out of its hash, so a seed's hash does not depend on what ran before.
    /// Called under the lock; the paths of the run's actors are the slots' own strings.
    /// </summary>
    private string? SenderOfLocked(IActorRef? sender, out bool inRun)
    {
        inRun = true;
        switch (sender)
        {
            case null or Nobody or DeadLetterActorRef:
                // Akka puts dead letters in an envelope told with no sender.
                return null;
            case ActorRefWithCell { Underlying: ActorCell cell } when cell.Dispatcher == this && _slots.TryGetValue(cell, out var slot):
                return slot.Path;
            case AskReplies.Promise promise:
                return promise.PathText;
        }

        inRun = false;
        return sender.Path.ToStringWithoutAddress();
    }

    private static string Describe(object message) => message switch
    {
        CreateMarker => "Create",
        MailboxMarker => "(mailbox)",
        _ => message.GetType().Name,
    };

    /// <summary>What the actor's code receives: a timer's message without Akka's timer wrapper.</summary>
    private static object Unwrap(object message) => message is IWrappedMessage wrapped ? Unwrap(wrapped.Message) : message;

    /// <summary>The user message at the head of a deque mailbox (one that stashes), without taking it.</summary>
    private static object? PeekMailbox(ActorCell cell)
    {
        if (cell.Mailbox?.MessageQueue is IDequeBasedMessageQueueSemantics deque && cell.Mailbox.MessageQueue.TryDequeue(out var head))
        {
            deque.EnqueueFirst(head);
            return head.Message;
        }

        return null;
    }

    private void Record(Delivery delivery, bool senderInRun = true)
    {
        _trace.Add(delivery, senderInRun);
        StepCount++;
        Delivered?.Invoke(delivery);
    }

    /// <summary>Runs steps without advancing time until nothing can run; returns the steps taken.</summary>
    /// <exception cref="InvalidOperationException">More than <paramref name="maxSteps"/> steps were needed (a livelock, or a bound set too low).</exception>
    public long RunUntilIdle(long maxSteps = 10_000_000) => RunWhile(static () => true, advanceTime: false, null, maxSteps);

    /// <summary>
    /// Runs steps, advancing virtual time through every timer, until nothing is left to do;
    /// returns the steps taken. Periodic timers keep a system busy forever: use
    /// <see cref="RunFor"/> for those.
    /// </summary>
    public long RunUntilQuiescent(long maxSteps = 10_000_000) => RunWhile(static () => true, advanceTime: true, null, maxSteps);

    /// <summary>Runs steps, advancing virtual time by at most <paramref name="duration"/>; returns the steps taken.</summary>
    public long RunFor(TimeSpan duration, long maxSteps = 10_000_000)
    {
        var limit = _clock.Elapsed + duration;
        var steps = RunWhile(static () => true, advanceTime: true, limit, maxSteps);
        if (_clock.Elapsed < limit)
        {
            _clock.AdvanceTo(limit);
        }

        return steps;
    }

    /// <summary>
    /// Runs steps until <paramref name="condition"/> holds, advancing virtual time when idle, but
    /// not past <paramref name="timeLimit"/> of virtual time from now. True when the condition was met.
    /// </summary>
    public bool RunUntil(Func<bool> condition, TimeSpan? timeLimit = null, long maxSteps = 10_000_000)
    {
        ArgumentNullException.ThrowIfNull(condition);
        TimeSpan? limit = timeLimit is null ? null : _clock.Elapsed + timeLimit.Value;
        RunWhile(() => !condition(), advanceTime: true, limit, maxSteps);
        return condition();
    }

    private long RunWhile(Func<bool> keepGoing, bool advanceTime, TimeSpan? timeLimit, long maxSteps)
    {
        long steps = 0;
        while (keepGoing())
        {
            if (!Step(advanceTime, timeLimit))
            {
                break;
            }

            if (++steps > maxSteps)
            {
                throw new InvalidOperationException(
                    $"the deterministic dispatcher (seed {Seed}, strategy {_strategy.Name}) took more than {maxSteps} steps without finishing: a livelock or a periodic timer");
            }
        }

        return steps;
    }

    /// <inheritdoc />
    public override void Attach(ActorCell cell)
    {
        lock (_lock)
        {
            var slot = SlotOf(cell);

            // ActorCell.Init put Create straight into the real mailbox; base.Attach registers the
            // mailbox for execution, which lands in ExecuteTask below.
            slot.CreatePending = true;
        }

        base.Attach(cell);
    }

    /// <inheritdoc />
    public override void Detach(ActorCell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        base.Detach(cell);

        // What the actor never received goes where Akka would have sent it: the cell's mailbox is
        // now the dead-letter mailbox, so held user messages become dead letters and held system
        // messages get their dead-letter treatment (a Watch is answered with a death notice).
        Slot slot;
        lock (_lock)
        {
            if (!_slots.Remove(cell, out var removed))
            {
                return;
            }

            slot = removed;
            _byMailbox.Remove(slot.Mailbox);
            slot.Detached = true;
            if (slot.Queued)
            {
                _runnable.Remove(slot);
                slot.Queued = false;
            }
        }

        while (slot.System.TryDequeue(out var system))
        {
            base.SystemDispatch(cell, system);
        }

        while (slot.User.TryDequeue(out var envelope))
        {
            base.Dispatch(cell, envelope);
        }
    }

    /// <inheritdoc />
    public override void Dispatch(ActorCell cell, Envelope envelope)
    {
        if (!TryHold(cell, envelope, static slot => slot.User))
        {
            base.Dispatch(cell, envelope);
        }
    }

    /// <inheritdoc />
    public override void SystemDispatch(ActorCell cell, SystemMessage message)
    {
        if (!TryHold(cell, message, static slot => slot.System))
        {
            base.SystemDispatch(cell, message);
        }
    }

    /// <summary>Holds <paramref name="message"/> in the actor's queue until a step hands it over; false for an actor already terminated (Akka then sends it on as it would).</summary>
    private bool TryHold<T>(ActorCell cell, T message, Func<Slot, Queue<T>> queue)
    {
        ArgumentNullException.ThrowIfNull(cell);
        lock (_lock)
        {
            if (cell.IsTerminated)
            {
                return false;
            }

            var slot = SlotOf(cell);
            queue(slot).Enqueue(message);
            MakeRunnable(slot);
            return true;
        }
    }

    /// <inheritdoc />
    protected override void ExecuteTask(IRunnable run)
    {
        lock (_lock)
        {
            if (run is Mailbox mailbox)
            {
                if (_byMailbox.TryGetValue(mailbox, out var slot) && slot != _releasing)
                {
                    slot.MailboxWantsToRun = true;
                    MakeRunnable(slot);
                }

                // Our own hand-over (the step runs the mailbox right after) or a mailbox of an
                // actor already detached: nothing to do.
                return;
            }

            if (!_addingInhabitant)
            {
                _tasks.Add(run);
            }
        }
    }

    /// <inheritdoc />
    protected override void Shutdown()
    {
        // Nothing to release: no threads. The permanent inhabitant means Akka never asks.
    }

    private Slot SlotOf(ActorCell cell)
    {
        if (!_slots.TryGetValue(cell, out var slot))
        {
            var mailbox = cell.Mailbox ?? throw new InvalidOperationException($"{cell.Self.Path} has no mailbox yet");
            slot = new Slot(cell, cell.Self.Path.ToStringWithoutAddress(), mailbox);
            _slots.Add(cell, slot);
            _byMailbox[mailbox] = slot;
        }

        return slot;
    }

    private void MakeRunnable(Slot slot)
    {
        if (!slot.Queued)
        {
            slot.Queued = true;
            _runnable.Add(slot);
        }
    }

    private int PendingExternal()
    {
        var n = 0;
        foreach (var s in _sources)
        {
            n += s.PendingCount;
        }

        return n;
    }

    /// <summary>One actor on this dispatcher: what it has been sent and not yet given.</summary>
    private sealed class Slot(ActorCell cell, string path, Mailbox mailbox)
    {
        public ActorCell Cell { get; } = cell;

        /// <summary>The actor's path without the address: its candidate id and trace name.</summary>
        public string Path { get; } = path;

        /// <summary>The real mailbox when the actor attached.</summary>
        public Mailbox Mailbox { get; } = mailbox;

        public Queue<SystemMessage> System { get; } = new();

        public Queue<Envelope> User { get; } = new();

        /// <summary>Akka registered the real mailbox for execution on its own (Create, unstashed messages, resume).</summary>
        public bool MailboxWantsToRun { get; set; }

        /// <summary>The real mailbox holds the Create that ActorCell.Init put there.</summary>
        public bool CreatePending { get; set; }

        /// <summary>In the runnable list.</summary>
        public bool Queued { get; set; }

        public bool Detached { get; set; }

        public bool HasWork => MailboxWantsToRun || System.Count > 0 || User.Count > 0;
    }

    /// <summary>Stands for the Create that Akka put in the real mailbox, in traces.</summary>
    private sealed class CreateMarker
    {
        public static readonly CreateMarker Instance = new();
    }

    /// <summary>Stands for a mailbox run whose message could not be seen in advance, in traces.</summary>
    private sealed class MailboxMarker
    {
        public static readonly MailboxMarker Instance = new();
    }
}
