using ActorPager.Actors;
using ActorPager.Runtime;
using ActorPager.Storage;

namespace ActorPager.TestKit.Harness;

/// <summary>
/// A workload the explorer runs under many schedules: code that opens files on the mount
/// <c>m</c> and drives reads, writes, syncs and truncates. Everything a scenario awaits must use
/// <c>ConfigureAwait(false)</c>: its continuations then run inside the dispatcher's steps, in
/// the explored order.
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
        DaemonInterval = TimeSpan.FromHours(1),
        DirtyAge = TimeSpan.FromHours(2),
    };

    /// <summary>Store operations the strategy may choose to fail in one run.</summary>
    public virtual int FaultBudget => 1;

    /// <summary>Files on the disk before the run, by name.</summary>
    public virtual IReadOnlyDictionary<string, byte[]> InitialFiles { get; } = new Dictionary<string, byte[]>();

    /// <summary>Starts the workload; returns the tasks whose completion ends the run.</summary>
    public abstract IReadOnlyList<Task> Start(ScenarioContext context);
}

/// <summary>What a scenario can use in one run.</summary>
public sealed class ScenarioContext
{
    internal ScenarioContext(ActorSystem system, PagerSystem pager, SimulatedStore store)
    {
        System = system;
        Pager = pager;
        Store = store;
    }

    /// <summary>The actor system (deterministic dispatcher).</summary>
    public ActorSystem System { get; }

    /// <summary>The pager, with the store mounted as <c>m</c>.</summary>
    public PagerSystem Pager { get; }

    /// <summary>The simulated disk.</summary>
    public SimulatedStore Store { get; }

    /// <summary>Opens <paramref name="path"/> on the mount.</summary>
    public Task<PagerFile> OpenAsync(string path) => Pager.OpenAsync("m", path);
}
