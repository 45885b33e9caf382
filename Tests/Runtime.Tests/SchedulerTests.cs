namespace ActorPager.Runtime.Tests;

public sealed class SchedulerTests
{
    [Fact]
    public void Virtual_TellOnce_FiresAtItsTimeAndNotBefore()
    {
        var clock = new VirtualTimeScheduler();
        var probe = new TestRef();
        clock.ScheduleTellOnce(TimeSpan.FromSeconds(2), probe, "ding", null);
        clock.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Empty(probe.Messages);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["ding"], probe.Messages);
        Assert.Equal(VirtualTimeScheduler.Epoch + TimeSpan.FromSeconds(2), clock.UtcNow);
    }

    [Fact]
    public void Virtual_SameDeadline_FiresInOrderSet()
    {
        var clock = new VirtualTimeScheduler();
        var probe = new TestRef();
        for (var i = 0; i < 5; i++)
        {
            clock.ScheduleTellOnce(TimeSpan.FromSeconds(1), probe, i, null);
        }

        clock.ScheduleTellOnce(TimeSpan.FromMilliseconds(500), probe, "first", null);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["first", 0, 1, 2, 3, 4], probe.Messages);
    }

    [Fact]
    public void Virtual_Cancel_PreventsFiring()
    {
        var clock = new VirtualTimeScheduler();
        var probe = new TestRef();
        var timer = clock.ScheduleTellOnce(TimeSpan.FromSeconds(1), probe, "no", null);
        timer.Cancel();
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(timer.IsCancellationRequested);
        Assert.Empty(probe.Messages);
        Assert.Equal(0, clock.PendingCount);
    }

    [Fact]
    public void Virtual_Repeatedly_FiresEveryIntervalUntilCancelled()
    {
        var clock = new VirtualTimeScheduler();
        var probe = new TestRef();
        var timer = clock.ScheduleTellRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), probe, "tick", null);
        clock.Advance(TimeSpan.FromSeconds(7)); // 1, 3, 5, 7
        Assert.Equal(4, probe.Count);
        timer.Cancel();
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(4, probe.Count);
    }

    [Fact]
    public void Virtual_ScheduleOnceAction_RunsAndNextDeadlineReports()
    {
        var clock = new VirtualTimeScheduler();
        var ran = false;
        clock.ScheduleOnce(TimeSpan.FromMinutes(1), () => ran = true);
        Assert.Equal(TimeSpan.FromMinutes(1), clock.NextDeadline);
        clock.AdvanceTo(TimeSpan.FromMinutes(1));
        Assert.True(ran);
        Assert.Null(clock.NextDeadline);
    }

    [Fact]
    public void Virtual_Repeatedly_ZeroInterval_Throws()
    {
        var clock = new VirtualTimeScheduler();
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.ScheduleTellRepeatedly(TimeSpan.Zero, TimeSpan.Zero, new TestRef(), "x", null));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public async Task Deterministic_PeriodicTimerInActor_RunForCountsTicks()
    {
        await using var system = Systems.Deterministic(1);
        var probe = new TestRef();
        ICancelable? timer = null;
        var actor = system.ActorOf(FuncActor.Props(
            (self, m) =>
            {
                probe.Tell(self.Ctx.Scheduler.Elapsed);
                if (self.Ctx.Scheduler.Elapsed >= TimeSpan.FromSeconds(3))
                {
                    timer!.Cancel();
                }
            },
            new ActorHooks { PreStart = self => timer = self.Ctx.Scheduler.ScheduleTellRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), self.Me, "tick", self.Me) }));
        system.Det().RunFor(TimeSpan.FromSeconds(10));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)], probe.Messages.Cast<TimeSpan>());
        Assert.Equal(TimeSpan.FromSeconds(10), system.Scheduler.Elapsed);
    }

    [Fact]
    public async Task Deterministic_TimerToStoppedActor_GoesToDeadLetters()
    {
        await using var system = Systems.Deterministic(1);
        using var dead = new EventLog<DeadLetter>(system);
        var actor = system.ActorOf(Props.Create(() => new Echo()));
        system.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(1), actor, "wake", null);
        system.Stop(actor);
        system.Det().RunUntilQuiescent();
        Assert.Equal("wake", Assert.Single(dead.Events).Message);
    }

    [Fact]
    public async Task ReceiveTimeout_NoMessages_DeliveredAfterTimeoutAndRepeats()
    {
        await using var system = Systems.Deterministic(1);
        var probe = new TestRef();
        system.ActorOf(FuncActor.Props(
            (self, m) => probe.Tell(self.Ctx.Scheduler.Elapsed),
            new ActorHooks { PreStart = self => self.Ctx.SetReceiveTimeout(TimeSpan.FromSeconds(2)) }));
        system.Det().RunFor(TimeSpan.FromSeconds(5));
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], probe.Messages.Cast<TimeSpan>());
    }

    [Fact]
    public async Task ReceiveTimeout_MessagesResetIt_NullTurnsItOff()
    {
        await using var system = Systems.Deterministic(1);
        var probe = new TestRef();
        var actor = system.ActorOf(FuncActor.Props(
            (self, m) =>
            {
                if (m is ReceiveTimeout)
                {
                    probe.Tell(self.Ctx.Scheduler.Elapsed);
                }
                else if (m is "off")
                {
                    self.Ctx.SetReceiveTimeout(null);
                }
            },
            new ActorHooks { PreStart = self => self.Ctx.SetReceiveTimeout(TimeSpan.FromSeconds(2)) }));
        system.Det().RunUntilIdle();
        system.Det().RunFor(TimeSpan.FromSeconds(1.5));
        actor.Tell("keep-alive");
        system.Det().RunFor(TimeSpan.FromSeconds(1.5));
        Assert.Empty(probe.Messages); // reset at 1.5 s, so not due until 3.5 s
        system.Det().RunFor(TimeSpan.FromSeconds(0.5));
        Assert.Equal([TimeSpan.FromSeconds(3.5)], probe.Messages.Cast<TimeSpan>());
        actor.Tell("off");
        system.Det().RunFor(TimeSpan.FromSeconds(30));
        Assert.Single(probe.Messages);
    }

    [Fact]
    public async Task ReceiveTimeout_NonPositive_Throws()
    {
        await using var system = Systems.Deterministic(1);
        Exception? caught = null;
        system.ActorOf(FuncActor.Props((_, _) => { }, new ActorHooks
        {
            PreStart = self =>
            {
                try
                {
                    self.Ctx.SetReceiveTimeout(TimeSpan.Zero);
                }
                catch (ArgumentOutOfRangeException ex)
                {
                    caught = ex;
                }
            },
        }));
        system.Det().RunUntilIdle();
        Assert.NotNull(caught);
    }

    [Fact]
    public async Task ThreadPool_WithVirtualScheduler_AdvancedByHand()
    {
        await using var system = ActorSystem.Create("vt", Systems.PoolSettings() with { Scheduler = SchedulerKind.Virtual });
        var clock = Assert.IsType<VirtualTimeScheduler>(system.Scheduler);
        var probe = new TestRef();
        var actor = system.ActorOf(FuncActor.Props((_, m) => probe.Tell(m)));
        system.Scheduler.ScheduleTellOnce(TimeSpan.FromDays(1), actor, "tomorrow", null);
        Assert.Equal(0, probe.Count);
        clock.Advance(TimeSpan.FromDays(1));
        await probe.WaitForCount(1);
        Assert.Equal(["tomorrow"], probe.Messages);
    }

    [Fact]
    public async Task RealTime_TellOnce_FiresNoEarlierThanDelay()
    {
        using var scheduler = new RealTimeScheduler(TimeSpan.FromMilliseconds(1), 8);
        var probe = new TestRef();
        var start = scheduler.Elapsed;
        scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(30), probe, "go", null); // beyond one turn of an 8-slot wheel
        await probe.WaitForCount(1);
        Assert.True(scheduler.Elapsed - start >= TimeSpan.FromMilliseconds(30), $"fired after {(scheduler.Elapsed - start).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task RealTime_ManyTimers_FireInDeadlineOrder()
    {
        using var scheduler = new RealTimeScheduler(TimeSpan.FromMilliseconds(1), 16);
        var probe = new TestRef();
        foreach (var ms in new[] { 40, 5, 25, 60, 15 })
        {
            scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(ms), probe, ms, null);
        }

        await probe.WaitForCount(5);
        Assert.Equal([5, 15, 25, 40, 60], probe.Messages.Cast<int>());
    }

    [Fact]
    public async Task RealTime_CancelledAndRepeating_StopsAfterCancel()
    {
        using var scheduler = new RealTimeScheduler(TimeSpan.FromMilliseconds(1), 64);
        var probe = new TestRef();
        var never = scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(20), probe, "never", null);
        never.Cancel();
        var ticks = new TestRef("ticks");
        var repeating = scheduler.ScheduleTellRepeatedly(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(2), ticks, "tick", null);
        await ticks.WaitForCount(3);
        repeating.Cancel();
        var afterCancel = ticks.Count;

        // A marker timer well after cancellation: once it fires, a live repeating timer would have fired many times.
        scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(60), probe, "marker", null);
        await probe.WaitForCount(1);
        Assert.Equal(["marker"], probe.Messages);
        Assert.InRange(ticks.Count, afterCancel, afterCancel + 1); // one may have been in flight when Cancel ran
    }

    [Fact]
    public async Task RealTime_FailingAction_IsLoggedOnEventStream()
    {
        await using var system = Systems.Pool();
        var logged = new TaskCompletionSource<LogEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub = system.EventStream.Subscribe<LogEvent>(e => logged.TrySetResult(e));
        system.Scheduler.ScheduleOnce(TimeSpan.FromMilliseconds(1), () => throw new TestFailure("timer broke"));
        var e = await logged.Task.Within("the scheduler's log event");
        Assert.Contains("timer broke", e.Message, StringComparison.Ordinal);
        Assert.IsType<TestFailure>(e.Cause);
    }
}
