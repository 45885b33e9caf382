using ActorPager.Runtime;

namespace ActorPager.Runtime.Tests;

/// <summary>Repeating and one-shot entries after the repeat interval became a property of the repeating kind only.</summary>
public sealed class ScheduledWorkIntervalTests
{
    [Fact]
    public void ScheduleTellRepeatedly_VirtualTime_RepeatsUntilCancelled()
    {
        var scheduler = new VirtualTimeScheduler();
        var receiver = new CountingRef();
        var timer = scheduler.ScheduleTellRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), receiver, "tick", null);

        scheduler.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(3, receiver.Count); // at 1 s, 3 s, 5 s

        timer.Cancel();
        scheduler.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, receiver.Count);
        Assert.Equal(0, scheduler.PendingCount);
    }

    [Fact]
    public void ScheduleTellOnce_VirtualTime_FiresOnce()
    {
        var scheduler = new VirtualTimeScheduler();
        var receiver = new CountingRef();
        scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(1), receiver, "once", null);

        scheduler.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, receiver.Count);
        Assert.Equal(0, scheduler.PendingCount);
    }

    private sealed class CountingRef : IActorRef
    {
        public int Count { get; private set; }

        public ActorPath Path { get; } = ActorPath.Root("counting");

        public void Tell(object message, IActorRef? sender = null) => Count++;

        public bool Equals(IActorRef? other) => ReferenceEquals(this, other);
    }
}
