using ActorPager.Harness.Dispatch;
using ActorPager.TestKit;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorPager.Harness.Tests;

/// <summary>Virtual time: Akka's scheduler API on a clock the dispatcher advances.</summary>
public sealed class SchedulerTests(ITestOutputHelper output) : DeterministicTestKit(output)
{
    [Fact]
    public void TellOnce_FiresAtItsTimeAndNotBefore()
    {
        var seen = new List<object>();
        var target = Deterministic.Home.ActorOf(Props.Create(() => new RecordingActor(seen)), "target");
        Clock.ScheduleTellOnce(TimeSpan.FromSeconds(5), target, "late", ActorRefs.NoSender);
        Clock.Advance(TimeSpan.FromSeconds(4.9));
        Deterministic.Dispatcher.RunUntilIdle();
        Assert.Empty(seen);
        Clock.Advance(TimeSpan.FromSeconds(0.1));
        Deterministic.Dispatcher.RunUntilIdle();
        Assert.Equal(["late"], seen);
    }

    [Fact]
    public void SameDeadline_FiresInTheOrderSet()
    {
        var order = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            var n = i;
            Clock.ScheduleOnce(TimeSpan.FromSeconds(1), () => order.Add(n));
        }

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([0, 1, 2, 3, 4], order);
    }

    [Fact]
    public void Cancel_PreventsFiring_AndNextDeadlineSkipsIt()
    {
        var fired = false;
        var cancel = new Cancelable((IActionScheduler)Clock);
        Clock.ScheduleOnce(TimeSpan.FromSeconds(1), () => fired = true, cancel);
        Clock.ScheduleOnce(TimeSpan.FromSeconds(3), () => { });
        cancel.Cancel();
        Assert.Equal(TimeSpan.FromSeconds(3), Clock.NextDeadline);
        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(fired);
    }

    [Fact]
    public void Repeatedly_FiresEveryIntervalUntilCancelled()
    {
        var count = 0;
        var cancel = new Cancelable((IActionScheduler)Clock);
        Clock.ScheduleRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), () => count++, cancel);
        Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(3, count);
        cancel.Cancel();
        Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, count);
        Assert.Null(Clock.NextDeadline);
    }

    [Fact]
    public void Repeatedly_ZeroInterval_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Clock.ScheduleRepeatedly(TimeSpan.Zero, TimeSpan.Zero, () => { }));

    [Fact]
    public void Now_IsTheEpochPlusVirtualTime_NotTheWallClock()
    {
        Clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(VirtualTimeScheduler.Epoch + TimeSpan.FromHours(3), Clock.Now);
        Assert.Equal(TimeSpan.FromHours(3), Clock.MonotonicClock);
    }

    [Fact]
    public void PeriodicTimer_InAnActor_RunForCountsTicks()
    {
        var ticks = new int[1];
        var ticker = Deterministic.Home.ActorOf(Props.Create(() => new TickerActor(ticks, TimeSpan.FromMilliseconds(100))), "ticker");
        Deterministic.Dispatcher.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(10, ticks[0]);
        ticker.Tell("stop");
        Deterministic.Dispatcher.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(10, ticks[0]);
        Assert.Equal(TimeSpan.FromSeconds(2), Clock.Elapsed);
    }

    [Fact]
    public void ReceiveTimeout_NoMessages_DeliveredAfterTimeoutAndRepeats_NullTurnsItOff()
    {
        var timeouts = new int[1];
        var idle = Deterministic.Home.ActorOf(Props.Create(() => new IdleActor(timeouts, TimeSpan.FromSeconds(1))), "idle");
        Deterministic.Dispatcher.RunFor(TimeSpan.FromSeconds(3.5));
        Assert.Equal(3, timeouts[0]);
        idle.Tell("off");
        Deterministic.Dispatcher.RunFor(TimeSpan.FromSeconds(10));
        Assert.Equal(3, timeouts[0]);
    }

    [Fact]
    public void BeginRun_DropsTimersOfThePreviousRunAndResetsTheClock()
    {
        Clock.ScheduleOnce(TimeSpan.FromSeconds(1), () => throw new InvalidOperationException("a timer of the previous run fired"));
        Clock.Advance(TimeSpan.FromMilliseconds(500));
        Deterministic.BeginRun(2, new RandomStrategy(2));
        Assert.Equal(TimeSpan.Zero, Clock.Elapsed);
        Assert.Null(Clock.NextDeadline);
        Clock.Advance(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Dispatcher_WithoutVirtualTime_RefusesWithAClearError()
    {
        var config = Akka.Configuration.ConfigurationFactory.ParseString("akka.scheduler.implementation = \"Akka.Actor.HashedWheelTimerScheduler, Akka\"")
            .WithFallback(DeterministicSystem.Config);
        using var system = ActorSystem.Create("real-time", config);
        var error = Assert.ThrowsAny<Exception>(() => DeterministicSystem.LookupDispatcher(system));
        Assert.Contains("akka.scheduler.implementation", error.ToString(), StringComparison.Ordinal);
        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
    }
}
