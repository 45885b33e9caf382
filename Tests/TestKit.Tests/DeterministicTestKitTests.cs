using System.Diagnostics;
using Akka.Actor;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ActorPager.TestKit.Tests;

/// <summary>What the deterministic kit adds to Akka.TestKit: waiting is stepping, time is virtual, failures start with the seed, runs replay.</summary>
public sealed class DeterministicTestKitTests(ITestOutputHelper output) : DeterministicTestKit(output, seed: 1234)
{
    [Fact]
    public void ExpectNext_ReplyDueInTenMinutes_ArrivesWithTheClockAtTenMinutes()
    {
        var delayed = Spawn(Props.Create(() => new DelayedReplyActor()), "delayed");
        var wall = Stopwatch.StartNew();

        delayed.Tell(new ReplyLater(TimeSpan.FromMinutes(10), "done"), TestActor);

        Assert.Equal("done", ExpectNext<string>(within: TimeSpan.FromMinutes(11)));
        Assert.Equal(TimeSpan.FromMinutes(10), Clock.Elapsed);

        // A wait in real time would take the ten minutes; stepping takes milliseconds.
        Assert.True(wall.Elapsed < TimeSpan.FromMinutes(1), $"a 10-minute virtual wait took {wall.Elapsed} of wall time");
    }

    [Fact]
    public void ExpectNext_ReplyLaterThanTheLimit_FailsStartingWithTheSeedAndTheClockAtTheLimit()
    {
        var delayed = Spawn(Props.Create(() => new DelayedReplyActor()), "delayed");
        delayed.Tell(new ReplyLater(TimeSpan.FromSeconds(4), "late"), TestActor);

        var ex = Assert.Throws<XunitException>(() => ExpectNext<string>());

        Assert.StartsWith("seed 1234 (trace ", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"waited {DefaultWithin} of virtual time for a String at {TestActor.Path}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(DefaultWithin, Clock.Elapsed);
        Assert.Equal("late", ExpectNext<string>());
        Assert.Equal(TimeSpan.FromSeconds(4), Clock.Elapsed);
    }

    [Fact]
    public void ExpectNext_OtherType_FailsStartingWithTheSeedNamingWhatCame()
    {
        Spawn(Props.Create(() => new EchoActor()), "echo").Tell(1, TestActor);

        var ex = Assert.Throws<XunitException>(() => ExpectNext<string>());

        Assert.StartsWith("seed 1234 (trace ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected a String", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got Int32: 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectNext_OnAProbe_StepsUntilTheProbeHasIt()
    {
        var probe = CreateTestProbe("replies");
        var echo = Spawn(Props.Create(() => new EchoActor()), "echo");
        echo.Tell("to the probe", probe.Ref);
        Assert.False(probe.HasMessages, "the echo ran before the kit stepped");

        Assert.Equal("to the probe", ExpectNext<string>(probe));
        Assert.False(HasMessages);
    }

    [Fact]
    public void ExpectQuiet_NothingArrives_PassesAndMovesTheClockByTheDuration()
    {
        var delayed = Spawn(Props.Create(() => new DelayedReplyActor()), "delayed");
        delayed.Tell(new ReplyLater(TimeSpan.FromHours(2), "in two hours"), TestActor);

        ExpectQuiet(TimeSpan.FromHours(1));

        Assert.Equal(TimeSpan.FromHours(1), Clock.Elapsed);
    }

    [Fact]
    public void ExpectQuiet_SomethingArrives_FailsStartingWithTheSeedNamingIt()
    {
        var delayed = Spawn(Props.Create(() => new DelayedReplyActor()), "delayed");
        delayed.Tell(new ReplyLater(TimeSpan.FromSeconds(30), "half a minute"), TestActor);

        var ex = Assert.Throws<XunitException>(() => ExpectQuiet(TimeSpan.FromMinutes(1)));

        Assert.StartsWith("seed 1234 (trace ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got String: half a minute", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunUntil_TimerDueIn30Seconds_StepsThroughItToThatVirtualTime()
    {
        var probe = CreateTestProbe();
        var delayed = Spawn(Props.Create(() => new DelayedReplyActor()), "delayed");
        delayed.Tell(new ReplyLater(TimeSpan.FromSeconds(30), "tick"), probe.Ref);

        RunUntil(() => probe.HasMessages, "the tick", TimeSpan.FromMinutes(1));

        Assert.Equal(TimeSpan.FromSeconds(30), Clock.Elapsed);
    }

    [Fact]
    public void RunUntil_ConditionNeverHolds_FailsStartingWithTheSeedNamingWhatItWaitedFor()
    {
        var ex = Assert.Throws<XunitException>(() => RunUntil(() => false, "a miracle", TimeSpan.FromSeconds(10)));

        Assert.StartsWith("seed 1234 (trace ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("waited 00:00:10 of virtual time for a miracle", ex.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(10), Clock.Elapsed);
    }

    [Fact]
    public void Spawn_ChildMadeWithPlainProps_RunsOnTheDeterministicDispatcherOnTheTestThread()
    {
        var parent = Spawn(Props.Create(() => new ParentActor()), "parent");

        parent.Tell("where do you run?", TestActor);

        var runsOn = ExpectNext<RunsOn>();
        Assert.Same(Dispatcher, runsOn.Dispatcher);
        Assert.Equal(Environment.CurrentManagedThreadId, runsOn.Thread);
        Assert.Contains(Dispatcher.Trace.Deliveries, d => d.Recipient == "/user/run/parent/child" && d.Message == "String");
    }

    [Fact]
    public void BeginRun_SameSeedTwice_SameTraceAndOtherSeedsDiffer()
    {
        var first = EchoRun(99);
        Assert.Equal(first, EchoRun(99));
        Assert.Contains(Enumerable.Range(1, 10), seed => EchoRun(seed) != first);
    }

    [Fact]
    public void SameSeed_OnTwoKits_SameTrace()
    {
        using var a = new SeededKit(7);
        using var b = new SeededKit(7);
        Assert.Equal(a.EchoRun(7), b.EchoRun(7));
    }

    /// <summary>Four echo actors answer the test actor, in an order the seed decides; the run's trace hash.</summary>
    private ulong EchoRun(long seed) => EchoRun(this, seed);

    internal static ulong EchoRun(DeterministicTestKit kit, long seed)
    {
        kit.BeginRun(seed);
        var echoes = Enumerable.Range(0, 4).Select(i => kit.Spawn(Props.Create(() => new EchoActor()), $"echo-{i}")).ToList();
        foreach (var echo in echoes)
        {
            echo.Tell(echo.Path.Name, kit.TestActor);
        }

        for (var i = 0; i < echoes.Count; i++)
        {
            kit.ExpectNext<string>();
        }

        return kit.Dispatcher.Trace.Hash;
    }

    /// <summary>A kit made inside a test, to compare two systems.</summary>
    private sealed class SeededKit(long seed) : DeterministicTestKit(seed: seed)
    {
        public ulong EchoRun(long run) => DeterministicTestKitTests.EchoRun(this, run);
    }
}
