using ActorPager.Harness.Dispatch;

namespace ActorPager.Harness.Exploration;

/// <summary>
/// Follows a list of choices, one per call (clamped to the candidates offered); after its end
/// always takes the first candidate. It counts its own calls rather than steps: a step that only
/// fires timers asks no strategy, so step numbers and choices do not line up.
/// </summary>
internal sealed class ScriptedStrategy(IReadOnlyList<int> script) : IScheduleStrategy
{
    private int _next;

    public string Name => "replay";

    public int Choose(IReadOnlyList<ScheduleCandidate> candidates, long step)
    {
        var i = _next++;
        return i < script.Count ? Math.Min(script[i], candidates.Count - 1) : 0;
    }
}
