using System.Diagnostics;
using ActorPager.Runtime;

namespace ActorPager.TestKit.Tests;

/// <summary>The thread pool on real time: waits are real and bounded, time factor applies.</summary>
public sealed class ThreadPoolTestKitTests : TestKit
{
    [Fact]
    public void Constructor_Default_RunsOnTheThreadPoolWithRealTime()
    {
        Assert.Null(Deterministic);
        Assert.IsType<RealTimeScheduler>(Sys.Scheduler);
        Assert.Equal(nameof(ThreadPoolTestKitTests), Sys.Name);
    }

    [Fact]
    public void ExpectNoMsg_RealTime_WaitsTheWholeDuration()
    {
        var wall = Stopwatch.StartNew();

        ExpectNoMsg(TimeSpan.FromMilliseconds(150));

        Assert.True(wall.Elapsed >= TimeSpan.FromMilliseconds(140), $"ExpectNoMsg(150 ms) returned after {wall.Elapsed}");
    }

    [Fact]
    public void ExpectMsg_ScheduledReply_ArrivesOnRealTime()
    {
        var delayed = ActorOf(Props.Create(() => new DelayedReplyActor()));

        delayed.Tell(new ReplyLater(TimeSpan.FromMilliseconds(50), "soon"), TestActor);

        ExpectMsg("soon");
    }

    [Fact]
    public void ExpectMsg_FromAnotherThread_WakesTheWaiter()
    {
        var sender = CreateTestProbe();
        using var started = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            started.Wait();
            TestActor.Tell("from elsewhere", sender);
        });
        thread.Start();

        started.Set();
        ExpectMsgFrom<string>(sender);
        thread.Join();
    }

    [Fact]
    public void AdvanceTime_RealTime_ThrowsInvalidOperation()
    {
        Assert.Throws<InvalidOperationException>(() => AdvanceTime(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Dispose_ThreadPool_TerminatesTheSystem()
    {
        var kit = new TestKit(TestKitSettings.ThreadPool(3));
        kit.ActorOf(Props.Create(() => new EchoActor()));

        kit.Dispose();

        Assert.True(kit.Sys.WhenTerminated.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task TestProbe_OutsideAKit_WorksOnAPlainSystem()
    {
        var system = ActorSystem.Create("plain", TestKitSettings.ThreadPool(11));
        try
        {
            var probe = new TestProbe(system, "outside");
            var echo = system.ActorOf(Props.Create(() => new EchoActor()));

            probe.Send(echo, "hi");

            probe.ExpectMsgFrom<string>(echo, s => s == "hi");
            Assert.EndsWith("/temp/outside", probe.Path.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Theory]
    [InlineData(null, 1.0)]
    [InlineData("3", 3.0)]
    [InlineData("0.5", 0.5)]
    [InlineData("-2", 1.0)]
    [InlineData("fast", 1.0)]
    public void ReadTimeFactor_EnvironmentText_ParsesPositiveNumbersOnly(string? text, double expected)
    {
        Assert.Equal(expected, TestKitSettings.ReadTimeFactor(text));
    }

    [Fact]
    public void Dilated_Infinite_StaysInfinite()
    {
        Assert.Equal(Timeout.InfiniteTimeSpan, TestKitSettings.Dilated(Timeout.InfiniteTimeSpan));
        Assert.Equal(TimeSpan.FromSeconds(TestKitSettings.TimeFactor), TestKitSettings.Dilated(TimeSpan.FromSeconds(1)));
    }
}
