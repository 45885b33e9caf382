using ActorPager.Actors;

namespace ActorPager.Harness.Exploration;

/// <summary>
/// A workload the explorer runs under many schedules: code that opens files on the mount
/// <c>m</c> and drives reads, writes, syncs and truncates through <see cref="ScenarioContext"/>.
/// Everything a scenario awaits must come from the context (its <see cref="ScenarioContext.Ask"/>,
/// the files it opens) and use <c>ConfigureAwait(false)</c>: the replies are then choices of the
/// schedule, and the continuations run inside the dispatcher's steps, in the explored order.
/// </summary>
public abstract class Scenario
{
    /// <summary>A short name for reports.</summary>
    public abstract string Name { get; }

    /// <summary>The VM settings (small, so clusters and shortages happen in few steps).</summary>
    public virtual PagerOptions Options { get; } = new()
    {
        PhysicalMemory = 32 * 4096,
        ClusterMax = 4,
        ReadBehind = 1,
        ReadAhead = 2,
        ReadAheadMax = 4,
        DaemonInterval = TimeSpan.FromHours(1),
        DirtyAge = TimeSpan.FromHours(2),
    };

    /// <summary>Store operations the strategy may choose to fail in one run.</summary>
    public virtual int FaultBudget => 1;

    /// <summary>Files on the disk before the run, by name.</summary>
    public virtual IReadOnlyDictionary<string, byte[]> InitialFiles { get; } = new Dictionary<string, byte[]>();

    /// <summary>
    /// Starts the workload; returns the tasks whose completion ends the run. It is called on the
    /// thread driving the run, outside any step, so it may make actors with <see cref="ScenarioContext.Home"/>.
    /// </summary>
    public abstract IReadOnlyList<Task> Start(ScenarioContext context);
}
