namespace ActorPager.Runtime;

/// <summary>
/// Runs a whole actor system on one logical thread: the thread that calls <see cref="Step"/> (or
/// one of the <c>Run</c> methods). At each step a seeded <see cref="IScheduleStrategy"/> picks one
/// candidate (an actor with a deliverable message, or a pending external event) and exactly one
/// delivery happens. When nothing can run, virtual time jumps to the next timer. The same seed
/// and the same code give the same order of every delivery; <see cref="Trace"/> records it.
/// </summary>
/// <remarks>
/// Determinism holds when every message is sent from actor code or from the thread driving the
/// dispatcher. A Tell from another thread (a Task continuation on the thread pool) is accepted
/// safely but makes the run depend on timing: route such work through an
/// <see cref="IExternalEventSource"/> instead.
/// </remarks>
public sealed class DeterministicDispatcher : MessageDispatcher
{
    // The runnable set is touched by Tell (any thread, in principle) and by Step; one lock keeps
    // it consistent. Its order is the order in which mailboxes became runnable, which is itself
    // deterministic when the run is.
    private readonly Lock _lock = new();
    private readonly List<Mailbox> _runnable = [];
    private readonly List<IExternalEventSource> _sources = [];
    private readonly List<ScheduleCandidate> _candidates = [];
    private readonly VirtualTimeScheduler _clock;
    private int _stepping;

    internal DeterministicDispatcher(string id, long seed, IScheduleStrategy strategy, VirtualTimeScheduler clock, int traceLimit)
        : base(id, throughput: 1)
    {
        Seed = seed;
        Strategy = strategy;
        _clock = clock;
        Trace = new DeliveryTrace(traceLimit);
    }

    /// <summary>The seed of this run.</summary>
    public long Seed { get; }

    /// <summary>The strategy choosing each step.</summary>
    public IScheduleStrategy Strategy { get; }

    /// <summary>Every delivery so far.</summary>
    public DeliveryTrace Trace { get; }

    /// <summary>Steps taken so far.</summary>
    public long StepCount { get; private set; }

    /// <summary>The virtual clock this dispatcher advances.</summary>
    public VirtualTimeScheduler Clock => _clock;

    /// <summary>Called after every step with the delivery it made; monitors check invariants here.</summary>
    public event Action<Delivery>? Delivered;

    /// <summary>True when no actor can run and no external event is pending (timers may still be due later).</summary>
    public bool IsIdle
    {
        get
        {
            lock (_lock)
            {
                return _runnable.Count == 0 && PendingExternal() == 0;
            }
        }
    }

    /// <summary>Adds a source of external events whose order this dispatcher decides.</summary>
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
    /// <paramref name="timeLimit"/>). Returns false when there was nothing to do.
    /// </summary>
    public bool Step(bool advanceTime = true, TimeSpan? timeLimit = null)
    {
        EnterStep();

        // Continuations of tasks completed during the step (an Ask's reply, a simulated disk's
        // I/O) run inline only on a thread without a synchronization context; test runners
        // install one, which would post them to the thread pool and out of the run's order.
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return StepCore(advanceTime, timeLimit);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
            Volatile.Write(ref _stepping, 0);
        }
    }

    private bool StepCore(bool advanceTime, TimeSpan? timeLimit)
    {
        Mailbox? mailbox = null;
        IExternalEventSource? source = null;
        var sourceIndex = -1;
        string? externalId = null;
        lock (_lock)
        {
            _candidates.Clear();
            foreach (var m in _runnable)
            {
                _candidates.Add(new ScheduleCandidate(m.Cell.PathString, CandidateKind.Actor));
            }

            foreach (var s in _sources)
            {
                for (var i = 0; i < s.PendingCount; i++)
                {
                    _candidates.Add(new ScheduleCandidate(s.Describe(i), CandidateKind.External));
                }
            }

            if (_candidates.Count > 0)
            {
                // The strategy is asked even when there is one candidate: a replay walks the
                // recorded trace one delivery per choice, and a step it never saw left it
                // comparing every later step with an earlier delivery (it diverged at once).
                var choice = Strategy.Choose(_candidates, StepCount);
                if ((uint)choice >= (uint)_candidates.Count)
                {
                    throw new InvalidOperationException($"strategy {Strategy.Name} chose candidate {choice} of {_candidates.Count}");
                }

                if (choice < _runnable.Count)
                {
                    mailbox = _runnable[choice];
                    _runnable.RemoveAt(choice);
                }
                else
                {
                    externalId = _candidates[choice].Id;
                    var k = choice - _runnable.Count;
                    foreach (var s in _sources)
                    {
                        if (k < s.PendingCount)
                        {
                            source = s;
                            sourceIndex = k;
                            break;
                        }

                        k -= s.PendingCount;
                    }
                }
            }
        }

        if (mailbox is not null)
        {
            RunMailbox(mailbox);
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

    private void RunMailbox(Mailbox mailbox)
    {
        var cell = mailbox.Cell;
        var delivered = mailbox.ProcessOne(out var message, out var sender, out var isSystem);
        mailbox.SetAsIdle();
        RegisterForExecution(mailbox, hasMessageHint: false, hasSystemMessageHint: false);
        if (delivered)
        {
            Record(new Delivery(
                StepCount,
                isSystem ? DeliveryKind.System : DeliveryKind.User,
                cell.PathString,
                sender?.Path.ToString(),
                message is SystemMessage ? message.ToString()! : message!.GetType().Name));
        }
    }

    private void Record(Delivery delivery)
    {
        Trace.Add(delivery);
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
                    $"the deterministic dispatcher (seed {Seed}, strategy {Strategy.Name}) took more than {maxSteps} steps without finishing: a livelock or a periodic timer");
            }
        }

        return steps;
    }

    /// <inheritdoc />
    private protected override void Execute(Mailbox mailbox)
    {
        lock (_lock)
        {
            _runnable.Add(mailbox);
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

    private void EnterStep()
    {
        // One logical thread: two threads stepping at once (or a handler stepping from inside a
        // step) would run two actors concurrently and break every guarantee.
        if (Interlocked.Exchange(ref _stepping, 1) != 0)
        {
            throw new InvalidOperationException(
                "the deterministic dispatcher was stepped while a step was running (from another thread, or from inside an actor)");
        }
    }

}
