namespace ActorPager.Harness.Exploration;

/// <summary>The outcome of exploring a scenario.</summary>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="Pager">The pager's name.</param>
/// <param name="Strategy">The strategy.</param>
/// <param name="Runs">Runs made.</param>
/// <param name="Violation">The run with the first violation found, or null.</param>
/// <param name="DistinctTraces">Different schedules seen (by trace hash).</param>
public sealed record ExplorationResult(string Scenario, string Pager, ExplorationStrategy Strategy, int Runs, RunResult? Violation, int DistinctTraces);
