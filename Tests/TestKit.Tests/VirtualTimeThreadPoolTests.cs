using ActorPager.Runtime;

namespace ActorPager.TestKit.Tests;

/// <summary>The thread pool with a virtual-time scheduler: timers fire only when the test advances the clock.</summary>
public sealed class VirtualTimeThreadPoolTests : TestKit
{
    public VirtualTimeThreadPoolTests()
        : base(TestKitSettings.VirtualTime(seed: 9))
    {
    }

    [Fact]
    public void AdvanceTime_PastATimer_ReplyArrives()
    {
        var clock = Assert.IsType<VirtualTimeScheduler>(Sys.Scheduler);
        var delayed = ActorOf(Props.Create(() => new DelayedReplyActor()));
        delayed.Tell(new ReplyLater(TimeSpan.FromMinutes(5), "after five minutes"), TestActor);

        // The actor sets its timer on a pool thread: advance only once it has.
        AwaitCondition(() => clock.PendingCount == 1);
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));

        AdvanceTime(TimeSpan.FromMinutes(5));

        ExpectMsg("after five minutes");
        Assert.Equal(TimeSpan.FromMinutes(5), Sys.Scheduler.Elapsed);
    }

    [Fact]
    public void Within_VirtualScheduler_MeasuresVirtualTime()
    {
        Within(TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61), () => AdvanceTime(TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Failure_VirtualThreadPool_ContextSaysTheClockIsAdvancedByHand()
    {
        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectMsg<string>(TimeSpan.FromMilliseconds(50)));

        Assert.Contains("seed 9, thread-pool dispatcher, virtual time 0 ms (advanced by hand)", ex.Message, StringComparison.Ordinal);
    }
}
