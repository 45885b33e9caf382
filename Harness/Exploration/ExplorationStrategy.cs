namespace ActorPager.Harness.Exploration;

/// <summary>How the explorer chooses schedules.</summary>
public enum ExplorationStrategy
{
    /// <summary>Uniformly random choice at every step, one run per seed.</summary>
    Random,

    /// <summary>Probabilistic concurrency testing with a depth bound, one run per seed.</summary>
    Pct,

    /// <summary>Every schedule up to a bound, depth first (for small scenarios); seeds number the schedules.</summary>
    Exhaustive,
}
