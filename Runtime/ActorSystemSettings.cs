namespace ActorPager.Runtime;

/// <summary>Which dispatcher runs the system's actors.</summary>
public enum DispatcherKind
{
    /// <summary>The .NET thread pool: real concurrency, for production.</summary>
    ThreadPool,

    /// <summary>One logical thread, a seeded choice at every step, virtual time: for tests and the harness.</summary>
    Deterministic,
}

/// <summary>Which clock the system's scheduler keeps.</summary>
public enum SchedulerKind
{
    /// <summary>Real time, with a timing wheel on a background thread.</summary>
    RealTime,

    /// <summary>Virtual time, advanced by hand or by the deterministic dispatcher.</summary>
    Virtual,
}

/// <summary>
/// How an <see cref="ActorSystem"/> is set up. The defaults suit production; hocon/reference.conf
/// documents each setting under <c>actorpager.actor</c>, <c>actorpager.scheduler</c> and
/// <c>actorpager.deterministic</c>, and <c>ActorPager.Actors.PagerConfiguration.Runtime</c> reads
/// them from a loaded configuration.
/// </summary>
public sealed record ActorSystemSettings
{
    /// <summary>The default settings.</summary>
    public static ActorSystemSettings Default { get; } = new();

    /// <summary>The dispatcher kind (<c>actorpager.actor.default-dispatcher.type</c>).</summary>
    public DispatcherKind Dispatcher { get; init; } = DispatcherKind.ThreadPool;

    /// <summary>User messages per actor turn on the thread pool (<c>actorpager.actor.default-dispatcher.throughput</c>).</summary>
    public int Throughput { get; init; } = 30;

    /// <summary>More thread-pool dispatchers by id, with their throughput, for <see cref="Props.WithDispatcher"/>.</summary>
    public IReadOnlyDictionary<string, int> ExtraDispatchers { get; init; } = new Dictionary<string, int>();

    /// <summary>The mailbox of actors whose props name none (<c>actorpager.actor.default-mailbox</c>).</summary>
    public MailboxOptions DefaultMailbox { get; init; } = MailboxOptions.Unbounded;

    /// <summary>The timeout of an Ask that names none (<c>actorpager.actor.ask-timeout</c>).</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The scheduler kind (<c>actorpager.scheduler.type</c>); the deterministic dispatcher always uses virtual time.</summary>
    public SchedulerKind Scheduler { get; init; } = SchedulerKind.RealTime;

    /// <summary>The real-time scheduler's resolution (<c>actorpager.scheduler.tick-duration</c>).</summary>
    public TimeSpan SchedulerTick { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Buckets of the real-time scheduler's wheel (<c>actorpager.scheduler.ticks-per-wheel</c>).</summary>
    public int TicksPerWheel { get; init; } = 512;

    /// <summary>The seed of every random source in the system (<c>actorpager.deterministic.seed</c>).</summary>
    public long Seed { get; init; }

    /// <summary>The deterministic strategy: <c>random</c>, <c>pct</c> or <c>replay</c> (<c>actorpager.deterministic.strategy</c>).</summary>
    public string Strategy { get; init; } = "random";

    /// <summary>The bug depth PCT targets (<c>actorpager.deterministic.pct-depth</c>).</summary>
    public int PctDepth { get; init; } = 3;

    /// <summary>The expected run length PCT spreads its change points over, and the step bound of a run (<c>actorpager.deterministic.max-steps</c>).</summary>
    public long MaxSteps { get; init; } = 1_000_000;

    /// <summary>The trace to follow when <see cref="Strategy"/> is <c>replay</c>.</summary>
    public IReadOnlyList<Delivery>? ReplayTrace { get; init; }

    /// <summary>A strategy of one's own; overrides <see cref="Strategy"/> when set.</summary>
    public Func<long, IScheduleStrategy>? StrategyFactory { get; init; }

    /// <summary>Deliveries the trace keeps in memory (the hash covers every one).</summary>
    public int TraceLimit { get; init; } = 1_000_000;

    /// <summary>The lowest level written to standard error (<c>actorpager.log-level</c>); events below it are not even published.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>Whether log events at or above <see cref="LogLevel"/> are written to standard error.</summary>
    public bool LogToStandardError { get; init; } = true;

    internal IScheduleStrategy CreateStrategy()
    {
        if (StrategyFactory is not null)
        {
            return StrategyFactory(Seed);
        }

        return Strategy switch
        {
            "random" => new RandomStrategy(Seed),
            "pct" => new PctStrategy(Seed, PctDepth, MaxSteps),
            "replay" => new ReplayStrategy(ReplayTrace ?? throw new ArgumentException("strategy 'replay' needs ReplayTrace", nameof(ReplayTrace))),
            _ => throw new ArgumentException($"unknown deterministic strategy '{Strategy}': expected random, pct or replay", nameof(Strategy)),
        };
    }
}
