using ActorPager.Harness.Dispatch;

namespace ActorPager.Harness.Exploration;

/// <summary>Records the choice made at each step that offered one, and how many candidates there were.</summary>
internal sealed class RecordingStrategy(IScheduleStrategy inner) : IScheduleStrategy
{
    public List<int> Choices { get; } = [];

    public List<int> Counts { get; } = [];

    public string Name => inner.Name;

    public int Choose(IReadOnlyList<ScheduleCandidate> candidates, long step)
    {
        var choice = inner.Choose(candidates, step);
        Choices.Add(choice);
        Counts.Add(candidates.Count);
        return choice;
    }
}
