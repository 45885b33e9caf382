namespace ActorPager.Harness.Exploration;

/// <summary>The outcome of one run.</summary>
/// <param name="Seed">The seed (for exhaustive search, the schedule's number).</param>
/// <param name="Steps">Steps taken.</param>
/// <param name="TraceHash">The trace's hash.</param>
/// <param name="Violation">The first rule broken, or null.</param>
/// <param name="Choices">The choice made at each step that offered one (for replay and shrinking).</param>
/// <param name="Counts">How many candidates each of those steps offered.</param>
public sealed record RunResult(long Seed, long Steps, ulong TraceHash, Violation? Violation, IReadOnlyList<int> Choices, IReadOnlyList<int> Counts)
{
    /// <summary>What the run's mapped reads did, as the monitor saw them.</summary>
    public MappedReadCounts MappedReads { get; init; }
}

/// <summary>Mapped reads in one run.</summary>
/// <param name="Begun">Mapped reads begun.</param>
/// <param name="Returned">Mapped reads that validated and returned bytes; the others fell back to a message.</param>
/// <param name="Unmapped">Mappings the monitor saw removed (a write, truncate, eviction or destroy took the page).</param>
public readonly record struct MappedReadCounts(int Begun, int Returned, int Unmapped);
