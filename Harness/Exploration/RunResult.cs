namespace ActorPager.Harness.Exploration;

/// <summary>The outcome of one run.</summary>
/// <param name="Seed">The seed (for exhaustive search, the schedule's number).</param>
/// <param name="Steps">Steps taken.</param>
/// <param name="TraceHash">The trace's hash.</param>
/// <param name="Violation">The first rule broken, or null.</param>
/// <param name="Choices">The choice made at each step that offered one (for replay and shrinking).</param>
/// <param name="Counts">How many candidates each of those steps offered.</param>
public sealed record RunResult(long Seed, long Steps, ulong TraceHash, Violation? Violation, IReadOnlyList<int> Choices, IReadOnlyList<int> Counts);
