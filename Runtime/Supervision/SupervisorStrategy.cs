namespace ActorPager.Runtime;

/// <summary>What a supervisor does with a child that failed.</summary>
public enum Directive
{
    /// <summary>Keep the child's instance and state; go on with its next message.</summary>
    Resume,

    /// <summary>Replace the child's instance with a fresh one; its mailbox, and the messages in it, are kept.</summary>
    Restart,

    /// <summary>Stop the child.</summary>
    Stop,

    /// <summary>Fail the supervisor itself with the same exception, handing the decision up.</summary>
    Escalate,
}

/// <summary>Chooses a <see cref="Directive"/> for an exception.</summary>
/// <param name="cause">What the child threw.</param>
public delegate Directive Decider(Exception cause);

/// <summary>
/// How an actor supervises its children: a decider plus a retry limit. When a child has been
/// restarted more than <see cref="MaxNrOfRetries"/> times within <see cref="WithinTimeRange"/>,
/// it is stopped instead.
/// </summary>
public abstract class SupervisorStrategy
{
    /// <summary>Creates a strategy.</summary>
    /// <param name="maxNrOfRetries">Restarts allowed within the window; -1 for no limit.</param>
    /// <param name="withinTimeRange">The window; <see cref="Timeout.InfiniteTimeSpan"/> for all time.</param>
    /// <param name="decider">The decider.</param>
    protected SupervisorStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Decider decider)
    {
        ArgumentNullException.ThrowIfNull(decider);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNrOfRetries, -1);
        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange;
        Decider = decider;
    }

    /// <summary>Restarts allowed within <see cref="WithinTimeRange"/>; -1 for no limit.</summary>
    public int MaxNrOfRetries { get; }

    /// <summary>The window the retry limit counts in.</summary>
    public TimeSpan WithinTimeRange { get; }

    /// <summary>The decider.</summary>
    public Decider Decider { get; }

    /// <summary>True when a decision applies to every child, not only the failed one.</summary>
    public abstract bool AppliesToAllChildren { get; }

    /// <summary>
    /// The default decider: <see cref="ActorInitializationException"/>, <see cref="ActorKilledException"/>
    /// and <see cref="DeathPactException"/> stop the child; any other exception restarts it.
    /// </summary>
    public static Decider DefaultDecider { get; } = static cause => cause switch
    {
        ActorInitializationException or ActorKilledException or DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>The strategy actors use unless they override <see cref="ActorBase.SupervisorStrategy"/>: one-for-one with the default decider and no retry limit.</summary>
    public static SupervisorStrategy Default { get; } = new OneForOneStrategy(-1, Timeout.InfiniteTimeSpan, DefaultDecider);

    /// <summary>A strategy that stops any child that fails.</summary>
    public static SupervisorStrategy StoppingStrategy { get; } = new OneForOneStrategy(-1, Timeout.InfiniteTimeSpan, static _ => Directive.Stop);

    /// <summary>
    /// Counts a restart against <paramref name="stats"/> at <paramref name="now"/>; false when the
    /// limit is exceeded and the child must be stopped instead.
    /// </summary>
    internal bool RequestRestartPermission(ChildRestartStats stats, TimeSpan now)
    {
        if (MaxNrOfRetries < 0)
        {
            return true;
        }

        if (WithinTimeRange == Timeout.InfiniteTimeSpan)
        {
            stats.Retries++;
            return stats.Retries <= MaxNrOfRetries;
        }

        if (stats.Retries == 0 || now - stats.WindowStart > WithinTimeRange)
        {
            stats.WindowStart = now;
            stats.Retries = 1;
            return MaxNrOfRetries >= 1;
        }

        stats.Retries++;
        return stats.Retries <= MaxNrOfRetries;
    }
}

/// <summary>Applies each decision to the failed child only.</summary>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    /// <summary>Creates the strategy.</summary>
    /// <param name="maxNrOfRetries">Restarts allowed within the window; -1 for no limit.</param>
    /// <param name="withinTimeRange">The window; <see cref="Timeout.InfiniteTimeSpan"/> for all time.</param>
    /// <param name="decider">The decider.</param>
    public OneForOneStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Decider decider)
        : base(maxNrOfRetries, withinTimeRange, decider)
    {
    }

    /// <summary>Creates the strategy with no retry limit.</summary>
    public OneForOneStrategy(Decider decider)
        : this(-1, Timeout.InfiniteTimeSpan, decider)
    {
    }

    /// <inheritdoc />
    public override bool AppliesToAllChildren => false;
}

/// <summary>Applies each decision to every child of the supervisor.</summary>
public sealed class AllForOneStrategy : SupervisorStrategy
{
    /// <summary>Creates the strategy.</summary>
    /// <param name="maxNrOfRetries">Restarts allowed within the window; -1 for no limit.</param>
    /// <param name="withinTimeRange">The window; <see cref="Timeout.InfiniteTimeSpan"/> for all time.</param>
    /// <param name="decider">The decider.</param>
    public AllForOneStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Decider decider)
        : base(maxNrOfRetries, withinTimeRange, decider)
    {
    }

    /// <summary>Creates the strategy with no retry limit.</summary>
    public AllForOneStrategy(Decider decider)
        : this(-1, Timeout.InfiniteTimeSpan, decider)
    {
    }

    /// <inheritdoc />
    public override bool AppliesToAllChildren => true;
}

/// <summary>A child's restart count within the current window.</summary>
internal sealed class ChildRestartStats
{
    /// <summary>Restarts counted in the current window.</summary>
    public int Retries;

    /// <summary>When the current window started (scheduler time).</summary>
    public TimeSpan WindowStart;
}
