using ActorPager.Runtime;

namespace ActorPager.Runtime.Tests;

/// <summary>
/// The real-time scheduler's thread is signalled only while it sleeps with no timer pending; a
/// timer set while it ticks must still fire. Each test waits on the timers themselves, with a
/// generous bound that names what it waited for.
/// </summary>
public sealed class RealTimeSchedulerWakeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ScheduleOnce_AfterIdle_Fires()
    {
        using var scheduler = new RealTimeScheduler(TimeSpan.FromMilliseconds(1), 64);
        for (var round = 0; round < 3; round++)
        {
            // Each round starts from an idle thread: the previous timer fired and none is pending.
            var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            scheduler.ScheduleOnce(TimeSpan.FromMilliseconds(2), fired.SetResult);
            await fired.Task.WaitAsync(Bound);
        }
    }

    [Fact]
    public async Task ScheduleOnce_WhileTicking_FiresEveryTimer()
    {
        using var scheduler = new RealTimeScheduler(TimeSpan.FromMilliseconds(1), 64);

        // A far timer keeps the thread ticking; timers set meanwhile do not signal it.
        var far = scheduler.ScheduleOnce(TimeSpan.FromMinutes(5), () => { });
        var fired = new TaskCompletionSource[50];
        for (var i = 0; i < fired.Length; i++)
        {
            var done = fired[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            scheduler.ScheduleOnce(TimeSpan.FromMilliseconds(1 + (i % 5)), done.SetResult);
        }

        await Task.WhenAll(fired.Select(f => f.Task)).WaitAsync(Bound);
        far.Cancel();
    }

    [Fact]
    public async Task ScheduleOnce_CancelledThenNew_FiresTheNewOne()
    {
        using var scheduler = new RealTimeScheduler(TimeSpan.FromMilliseconds(1), 64);
        for (var i = 0; i < 100; i++)
        {
            // As sequential asks do: set a timer and cancel it at once, so the count returns to zero.
            scheduler.ScheduleOnce(TimeSpan.FromSeconds(5), () => { }).Cancel();
        }

        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        scheduler.ScheduleOnce(TimeSpan.FromMilliseconds(2), fired.SetResult);
        await fired.Task.WaitAsync(Bound);
    }
}
