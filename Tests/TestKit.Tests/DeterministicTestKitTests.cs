using System.Diagnostics;
using System.Runtime.CompilerServices;
using ActorPager.Runtime;

namespace ActorPager.TestKit.Tests;

/// <summary>What the deterministic dispatcher adds: waiting is stepping, time is virtual, runs replay.</summary>
public sealed class DeterministicTestKitTests : DeterministicTestKit
{
    public DeterministicTestKitTests()
        : base(seed: 1234)
    {
    }

    [Fact]
    public void ExpectNoMsg_OneHour_CostsNoWallTimeAndMovesTheVirtualClockAnHour()
    {
        ActorOf(Props.Create(() => new EchoActor())).Tell("warm-up", TestActor);
        ExpectMsg("warm-up");
        var before = Elapsed;
        var wall = Stopwatch.StartNew();

        ExpectNoMsg(TimeSpan.FromHours(1));

        Assert.Equal(TimeSpan.FromHours(1), Elapsed - before);
        Assert.True(wall.Elapsed < TimeSpan.FromSeconds(2), $"ExpectNoMsg(1 h) took {wall.Elapsed} of wall time");
    }

    [Fact]
    public void ExpectMsg_ReplyDueInTenMinutes_ArrivesAtOnceWithTheClockAtTenMinutes()
    {
        var delayed = ActorOf(Props.Create(() => new DelayedReplyActor()));
        var wall = Stopwatch.StartNew();

        delayed.Tell(new ReplyLater(TimeSpan.FromMinutes(10), "done"), TestActor);

        ExpectMsg("done", TimeSpan.FromMinutes(11));
        Assert.Equal(TimeSpan.FromMinutes(10), Elapsed);
        Assert.True(wall.Elapsed < TimeSpan.FromSeconds(2), $"a 10-minute virtual wait took {wall.Elapsed} of wall time");
    }

    [Fact]
    public void ExpectMsg_ReplyLaterThanTheDefault_FailsAfterThreeVirtualSeconds()
    {
        var delayed = ActorOf(Props.Create(() => new DelayedReplyActor()));
        delayed.Tell(new ReplyLater(TimeSpan.FromSeconds(4), "late"), TestActor);

        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectMsg<string>());

        Assert.Contains("nothing arrived within 3 s of virtual time", ex.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(3), Elapsed);
        ExpectMsg("late");
        Assert.Equal(TimeSpan.FromSeconds(4), Elapsed);
    }

    [Fact]
    public void ExpectMsg_Fails_MessageNamesSeedStepAndTraceHash()
    {
        ActorOf(Props.Create(() => new EchoActor())).Tell(1, TestActor);

        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectMsg(2));

        Assert.Contains("seed 1234, deterministic dispatcher (strategy random) at step ", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"at step {Dispatcher.StepCount}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"trace hash {Dispatcher.Trace.Hash:x16}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1234, ex.Seed);
    }

    [Fact]
    public void Within_OnVirtualTime_MeasuresVirtualTime()
    {
        var delayed = ActorOf(Props.Create(() => new DelayedReplyActor()));

        Within(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6), () =>
        {
            delayed.Tell(new ReplyLater(TimeSpan.FromSeconds(5), "five"), TestActor);
            ExpectMsg("five");
        });
    }

    [Fact]
    public void Within_BlockTakesLongerThanMax_ThrowsInVirtualTime()
    {
        var ex = Assert.Throws<TestKitAssertionException>(() => Within(TimeSpan.FromSeconds(1), () => AdvanceTime(TimeSpan.FromSeconds(2))));

        Assert.Contains("expected the block to take at most 1 s of virtual time, but it took 2 s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Within_ExpectationInside_WaitsOnlyForTheRemainingVirtualTime()
    {
        var delayed = ActorOf(Props.Create(() => new DelayedReplyActor()));
        delayed.Tell(new ReplyLater(TimeSpan.FromSeconds(5), "five"), TestActor);

        var ex = Assert.Throws<TestKitAssertionException>(() => Within(TimeSpan.FromSeconds(2), () => ExpectMsg("five")));

        Assert.Contains("nothing arrived within 2 s of virtual time", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AwaitCondition_TimerDueIn30Seconds_StepsThroughItWithoutWaiting()
    {
        var count = new StrongBox<int>();
        var counter = ActorOf(Props.Create(() => new CountingActor(count)));
        counter.Tell("tick-later");

        AwaitCondition(() => count.Value == 1, TimeSpan.FromMinutes(1));

        Assert.Equal(TimeSpan.FromSeconds(30), Elapsed);
    }

    [Fact]
    public void AwaitCondition_TimerBeyondTheLimit_FailsWithTheClockAtTheLimit()
    {
        var count = new StrongBox<int>();
        var counter = ActorOf(Props.Create(() => new CountingActor(count)));
        counter.Tell("tick-later");

        Assert.Throws<TestKitAssertionException>(() => AwaitCondition(() => count.Value == 1, TimeSpan.FromSeconds(10)));

        Assert.Equal(TimeSpan.FromSeconds(10), Elapsed);
        Assert.Equal(0, count.Value);
    }

    [Fact]
    public void AdvanceTime_FiresTimersDueInThatTime()
    {
        var delayed = ActorOf(Props.Create(() => new DelayedReplyActor()));
        delayed.Tell(new ReplyLater(TimeSpan.FromSeconds(90), "later"), TestActor);
        RunUntilIdle();
        Assert.False(HasMessages);

        AdvanceTime(TimeSpan.FromMinutes(2));

        Assert.True(HasMessages);
        Assert.Equal(TimeSpan.FromMinutes(2), Elapsed);
        ExpectMsg("later", TimeSpan.Zero);
    }

    [Fact]
    public void ExpectNoMsg_Default_RunsToQuiescenceAndFailsOnALateTimer()
    {
        var delayed = ActorOf(Props.Create(() => new DelayedReplyActor()));
        delayed.Tell(new ReplyLater(TimeSpan.FromSeconds(2), "inside the default"), TestActor);

        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectNoMsg());

        Assert.Contains("received String \"inside the default\"", ex.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(2), Elapsed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(99)]
    public void SameSeed_SameScenario_SameTraceHash(long seed)
    {
        static ulong Run(long seed)
        {
            using var kit = new DeterministicTestKit(seed);
            var echoes = Enumerable.Range(0, 4).Select(i => kit.ActorOf(Props.Create(() => new EchoActor()), $"echo-{i}")).ToList();
            foreach (var echo in echoes)
            {
                echo.Tell(echo.Path.Name, kit.TestActor);
            }

            kit.ReceiveN(4);
            return kit.Dispatcher.Trace.Hash;
        }

        Assert.Equal(Run(seed), Run(seed));
    }

    [Fact]
    public void Dispose_Deterministic_StepsUntilTheSystemHasTerminated()
    {
        var kit = new DeterministicTestKit(5);
        var probe = kit.CreateTestProbe();
        var echo = kit.ActorOf(Props.Create(() => new EchoActor()));
        probe.Watch(echo);

        kit.Dispose();

        Assert.True(kit.Sys.WhenTerminated.IsCompletedSuccessfully);
        probe.ExpectTerminated(echo, TimeSpan.Zero);
    }
}
