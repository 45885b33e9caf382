using System.Runtime.CompilerServices;
using ActorPager.Runtime;

namespace ActorPager.TestKit.Tests;

/// <summary>
/// What every expectation of the kit promises, run on the thread pool and on the deterministic
/// dispatcher. Failing expectations use short timeouts so the thread-pool run stays quick.
/// </summary>
public abstract class ProbeContractTests : TestKit
{
    /// <summary>The timeout of expectations that are meant to fail.</summary>
    protected static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);

    protected ProbeContractTests(ActorSystemSettings settings)
        : base(settings)
    {
    }

    private IActorRef Echo() => ActorOf(Props.Create(() => new EchoActor()));

    [Fact]
    public void ExpectMsg_EchoedMessage_ReturnsItAndSetsLastSender()
    {
        var echo = Echo();
        echo.Tell("hello", TestActor);

        Assert.Equal("hello", ExpectMsg("hello"));
        Assert.Equal(echo, LastSender);
        Assert.Equal("hello", LastMessage);
    }

    [Fact]
    public void ExpectMsg_Predicate_ReturnsMatchingMessage()
    {
        Echo().Tell(42, TestActor);

        Assert.Equal(42, ExpectMsg<int>(n => n > 40));
    }

    [Fact]
    public void ExpectMsg_PredicateFails_MessageNamesExpectedArrivedAndSeed()
    {
        Echo().Tell("a", TestActor);

        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectMsg<string>(s => s == "b", hint: "the second reply"));

        Assert.Contains("ExpectMsg<String> failed (the second reply)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected a message of type String matching the predicate", ex.Message, StringComparison.Ordinal);
        Assert.Contains("received String \"a\" from actorpager://", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"seed {Seed}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Seed, ex.Seed);
    }

    [Fact]
    public void ExpectMsg_WrongType_MessageNamesBothTypes()
    {
        Echo().Tell(7, TestActor);

        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectMsg<string>());

        Assert.Contains("expected a message of type String", ex.Message, StringComparison.Ordinal);
        Assert.Contains("received Int32 (7)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsg_ByValueMismatch_Throws()
    {
        Echo().Tell("x", TestActor);

        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectMsg("y"));

        Assert.Equal("String \"y\"", ex.Expected);
        Assert.StartsWith("received String \"x\"", ex.Arrived, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsg_NothingArrives_MessageSaysNothingWithinTheTimeout()
    {
        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectMsg<string>(Short));

        Assert.Contains("nothing arrived within 200 ms", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"seed {Seed}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectNoMsg_NothingSent_Returns()
    {
        Echo();

        ExpectNoMsg(Short);

        Assert.False(HasMessages);
    }

    [Fact]
    public void ExpectNoMsg_MessageArrives_ThrowsNamingIt()
    {
        Echo().Tell("unexpected", TestActor);

        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectNoMsg(TimeSpan.FromSeconds(3)));

        Assert.Contains("expected no message within", ex.Message, StringComparison.Ordinal);
        Assert.Contains("received String \"unexpected\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsgAllOf_AnyOrder_ReturnsAllInArrivalOrder()
    {
        var echo = Echo();
        echo.Tell(1, TestActor);
        echo.Tell(2, TestActor);
        echo.Tell(3, TestActor);

        var got = ExpectMsgAllOf(3, 1, 2);

        Assert.Equal([1, 2, 3], got);
    }

    [Fact]
    public void ExpectMsgAllOf_UnexpectedMessage_ThrowsNamingIt()
    {
        var echo = Echo();
        echo.Tell(1, TestActor);
        echo.Tell(9, TestActor);

        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectMsgAllOf(1, 2));

        Assert.Contains("received Int32 (9)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("still expected [Int32 (2)]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsgAllOf_OneMissing_ThrowsListingIt()
    {
        Echo().Tell("a", TestActor);
        AwaitCondition(() => HasMessages);

        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectMsgAllOf(Short, "a", "b"));

        Assert.Contains("only 1 of 2 arrived", ex.Message, StringComparison.Ordinal);
        Assert.Contains("still missing [String \"b\"]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsgAnyOf_OneOfThem_ReturnsIt()
    {
        Echo().Tell("green", TestActor);

        Assert.Equal("green", ExpectMsgAnyOf("red", "green"));
    }

    [Fact]
    public void ExpectMsgAnyOf_NoneOfThem_Throws()
    {
        Echo().Tell("blue", TestActor);

        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectMsgAnyOf("red", "green"));

        Assert.Contains("expected any of [String \"red\", String \"green\"]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("received String \"blue\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReceiveN_ThreeSent_ReturnsThemInOrder()
    {
        var echo = Echo();
        echo.Tell("a", TestActor);
        echo.Tell(2, TestActor);
        echo.Tell("c", TestActor);

        Assert.Equal(["a", 2, "c"], ReceiveN(3));
    }

    [Fact]
    public void ReceiveN_TooFew_ThrowsListingThoseThatArrived()
    {
        Echo().Tell("only", TestActor);
        AwaitCondition(() => HasMessages);

        var ex = Assert.Throws<TestKitAssertionException>(() => ReceiveN(2, Short));

        Assert.Contains("expected 2 messages", ex.Message, StringComparison.Ordinal);
        Assert.Contains("only 1 arrived within 200 ms", ex.Message, StringComparison.Ordinal);
        Assert.Contains("String \"only\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReceiveOne_NothingSent_ReturnsNull()
    {
        Assert.Null(ReceiveOne(Short));
    }

    [Fact]
    public void FishForMessage_OthersFirst_SkipsThemAndReturnsTheMatch()
    {
        var echo = Echo();
        echo.Tell("noise", TestActor);
        echo.Tell(1, TestActor);
        echo.Tell(5, TestActor);
        echo.Tell("after", TestActor);

        Assert.Equal(5, FishForMessage<int>(n => n > 3));
        Assert.Equal("after", ExpectMsg<string>());
    }

    [Fact]
    public void FishForMessage_NoMatch_ThrowsListingSkippedMessages()
    {
        Echo().Tell("noise", TestActor);
        AwaitCondition(() => HasMessages);

        var ex = Assert.Throws<TestKitAssertionException>(() => FishForMessage(m => m is int, Short));

        Assert.Contains("1 other messages arrived: [String \"noise\"]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectTerminated_WatchedActorStops_ReturnsTerminatedOfIt()
    {
        var echo = Echo();
        Watch(echo);

        echo.Tell(PoisonPill.Instance);

        Assert.Equal(echo, ExpectTerminated(echo).ActorRef);
        Assert.Equal(echo, LastSender);
    }

    [Fact]
    public void ExpectTerminated_WatchAfterStop_StillReturnsTerminated()
    {
        var echo = Echo();
        var probe = CreateTestProbe();
        probe.Watch(echo);
        Sys.Stop(echo);
        probe.ExpectTerminated(echo);

        Watch(echo);

        ExpectTerminated(echo);
    }

    [Fact]
    public void ExpectTerminated_OtherMessageFirst_ThrowsNamingTheTarget()
    {
        var echo = Echo();
        echo.Tell("still alive", TestActor);

        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectTerminated(echo));

        Assert.Contains($"expected Terminated of {echo.Path}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unwatch_BeforeStop_NoTerminatedArrives()
    {
        var echo = Echo();
        Watch(echo);
        Unwatch(echo);

        Sys.Stop(echo);

        ExpectNoMsg(Short);
    }

    [Fact]
    public void Probe_WatchedByAnActor_StoppingItNotifiesTheWatcher()
    {
        var probe = CreateTestProbe("watched");
        var watcher = ActorOf(Props.Create(() => new WatchingActor(probe, TestActor)));
        watcher.Tell("watching?", TestActor);
        ExpectMsg("watching");

        Sys.Stop(probe);

        ExpectMsg("terminated watched");
        Assert.True(probe.IsTerminated);
    }

    [Fact]
    public void Probe_WatchingAnotherProbe_GetsItsTerminated()
    {
        var watcher = CreateTestProbe();
        var watched = CreateTestProbe();
        watcher.Watch(watched);

        Sys.Stop(watched);

        watcher.ExpectTerminated(watched);
    }

    [Fact]
    public void Probe_AsSender_GetsTheReply()
    {
        var echo = Echo();
        var probe = CreateTestProbe();

        probe.Send(echo, "ping");

        Assert.Equal("ping", probe.ExpectMsgFrom<string>(echo));
        ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public void ExpectMsgFrom_OtherSender_ThrowsNamingBothSenders()
    {
        var echo = Echo();
        var other = CreateTestProbe("other");
        echo.Tell("ping", TestActor);

        var ex = Assert.Throws<TestKitAssertionException>(() => ExpectMsgFrom<string>(other));

        Assert.Contains($"from {other.Path}", ex.Expected, StringComparison.Ordinal);
        Assert.Contains($"from {echo.Path}", ex.Arrived, StringComparison.Ordinal);
    }

    [Fact]
    public void Reply_AfterExpectMsg_ReachesTheLastSender()
    {
        var asker = CreateTestProbe();
        var answerer = CreateTestProbe();
        asker.Send(answerer, "question");
        answerer.ExpectMsg("question");

        answerer.Reply("answer");

        Assert.Equal("answer", asker.ExpectMsgFrom<string>(answerer));
    }

    [Fact]
    public void Reply_BeforeAnyMessage_ThrowsInvalidOperation()
    {
        Assert.Throws<InvalidOperationException>(() => Reply("nobody asked"));
    }

    [Fact]
    public void Forward_LastMessage_KeepsTheOriginalSender()
    {
        var origin = CreateTestProbe();
        var middle = CreateTestProbe();
        var echo = Echo();
        origin.Send(middle, "via");
        middle.ExpectMsg("via");

        middle.Forward(echo);

        origin.ExpectMsgFrom<string>(echo, s => s == "via");
    }

    [Fact]
    public void IgnoreMessages_Matching_AreDroppedUntilIgnoreNoMessages()
    {
        var echo = Echo();
        IgnoreMessages<string>(s => s.StartsWith("tick", StringComparison.Ordinal));
        echo.Tell("tick 1", TestActor);
        echo.Tell("real", TestActor);

        Assert.Equal("real", ExpectMsg<string>());

        IgnoreNoMessages();
        echo.Tell("tick 2", TestActor);
        ExpectMsg("tick 2");
    }

    [Fact]
    public void Within_QuickBlock_ReturnsItsValue()
    {
        Echo().Tell("fast", TestActor);

        var got = Within(TimeSpan.FromSeconds(3), () => ExpectMsg<string>());

        Assert.Equal("fast", got);
    }

    [Fact]
    public void Within_QuickerThanMin_ThrowsSayingHowLongItTook()
    {
        var ex = Assert.Throws<TestKitAssertionException>(() => Within(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), () => { }));

        Assert.Contains("expected the block to take at least 1 s", ex.Message, StringComparison.Ordinal);
        Assert.Contains("it took", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Within_InsideIt_RemainingIsBoundedByMax()
    {
        Within(TimeSpan.FromSeconds(2), () => Assert.InRange(Remaining, TimeSpan.Zero, TestKitSettings.Dilated(TimeSpan.FromSeconds(2))));

        Assert.Throws<InvalidOperationException>(() => Remaining);
    }

    [Fact]
    public void AwaitCondition_ActorCatchesUp_Returns()
    {
        var count = new StrongBox<int>();
        var counter = ActorOf(Props.Create(() => new CountingActor(count)));
        for (var i = 0; i < 3; i++)
        {
            counter.Tell(i);
        }

        AwaitCondition(() => Volatile.Read(ref count.Value) == 3);
    }

    [Fact]
    public void AwaitCondition_NeverTrue_ThrowsWithTheGivenMessage()
    {
        var ex = Assert.Throws<TestKitAssertionException>(() => AwaitCondition(() => false, Short, message: "the cache to drain"));

        Assert.Contains("AwaitCondition failed (the cache to drain)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("it was still false within 200 ms", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"seed {Seed}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AwaitAssert_EventuallyPasses_Returns()
    {
        var count = new StrongBox<int>();
        var counter = ActorOf(Props.Create(() => new CountingActor(count)));
        counter.Tell("a");
        counter.Tell("b");

        AwaitAssert(() => Assert.Equal(2, Volatile.Read(ref count.Value)));
    }

    [Fact]
    public void AwaitAssert_NeverPasses_ThrowsWithTheLastFailureInside()
    {
        var ex = Assert.Throws<TestKitAssertionException>(() => AwaitAssert(() => Assert.Equal(1, 2), Short));

        Assert.Contains("it still failed within 200 ms", ex.Message, StringComparison.Ordinal);
        Assert.Contains(": EqualException: Assert.Equal() Failure", ex.Message, StringComparison.Ordinal);
        Assert.IsType<Xunit.Sdk.EqualException>(ex.InnerException);
    }

    [Fact]
    public void EventFilter_ActorThrows_ErrorAndExceptionAreLogged()
    {
        var thrower = ActorOf(Props.Create(() => new ThrowingActor()));

        EventFilter.Error(contains: "boom").ExpectOne(() => thrower.Tell("boom"));
        EventFilter.Exception<InvalidOperationException>().ExpectOne(() => thrower.Tell("boom"));
    }

    [Fact]
    public void EventFilter_NothingLogged_ThrowsNamingTheFilter()
    {
        var echo = Echo();

        var ex = Assert.Throws<TestKitAssertionException>(() => EventFilter.Error(contains: "boom").ExpectOne(() => echo.Tell("calm"), Short));

        Assert.Contains("expected 1 Error log event containing \"boom\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("0 arrived within 200 ms", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EventFilter_StoppedProbe_LateMessageIsADeadLetter()
    {
        var probe = CreateTestProbe();
        Sys.Stop(probe);

        EventFilter.DeadLetter<string>(s => s == "late").ExpectOne(() => probe.Tell("late"));
        Assert.False(probe.HasMessages);
    }

    [Fact]
    public void EventFilter_UnhandledMessage_IsPublished()
    {
        var ints = ActorOf(Props.Create(() => new IntOnlyActor()));

        EventFilter.Unhandled<string>().ExpectOne(() => ints.Tell("not an int"));
    }

    [Fact]
    public void EventFilter_DebugBelowTheSystemsLevel_ThrowsInvalidOperation()
    {
        Assert.Throws<InvalidOperationException>(() => EventFilter.Debug());
    }
}
