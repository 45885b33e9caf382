using ActorPager.Harness.Dispatch;
using ActorPager.TestKit;
using Akka.Actor;
using Akka.Event;
using Xunit.Abstractions;

namespace ActorPager.Harness.Tests;

/// <summary>The deterministic dispatcher on Akka.NET: one delivery per step, chosen by a seeded strategy, and the same run for the same seed.</summary>
public sealed class DispatcherTests(ITestOutputHelper output) : DeterministicTestKit(output)
{
    private DeterministicDispatcher D => Deterministic.Dispatcher;

    /// <summary>Three ring actors pass a countdown of 20; returns the trace hash and the number handled.</summary>
    private (ulong Hash, int Handled, IReadOnlyList<Delivery> Trace) Ring(long seed, IScheduleStrategy? strategy = null)
    {
        Deterministic.BeginRun(seed, strategy ?? new RandomStrategy(seed));
        var handled = new int[1];
        var a = Deterministic.Home.ActorOf(Props.Create(() => new RingActor(handled)), "a");
        var b = Deterministic.Home.ActorOf(Props.Create(() => new RingActor(handled)), "b");
        var c = Deterministic.Home.ActorOf(Props.Create(() => new RingActor(handled)), "c");
        a.Tell(b);
        b.Tell(c);
        c.Tell(a);
        a.Tell(20);
        D.RunUntilIdle();
        var result = (D.Trace.Hash, handled[0], D.Trace.Deliveries.ToArray());
        Deterministic.EndRun();
        return result;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(123456789)]
    public void Run_SameSeedTwice_IdenticalTrace(long seed)
    {
        var first = Ring(seed);
        var second = Ring(seed);
        Assert.Equal(21, first.Handled);
        Assert.True(first.Hash == second.Hash, $"seed {seed}: trace {first.Hash:x16} then {second.Hash:x16}");
        Assert.Equal(first.Trace.Select(d => d.ToString()), second.Trace.Select(d => d.ToString()));
    }

    [Fact]
    public void Run_DifferentSeeds_ExploreDifferentSchedules()
    {
        var hashes = Enumerable.Range(1, 100).Select(seed => Ring(seed).Hash).ToHashSet();
        Assert.True(hashes.Count >= 90, $"only {hashes.Count} distinct traces of 100 seeds");
    }

    [Fact]
    public void Run_EveryMessage_DeliveredExactlyOnceAsOneStep()
    {
        for (var seed = 1; seed <= 50; seed++)
        {
            var (_, handled, trace) = Ring(seed);
            Assert.True(handled == 21, $"seed {seed}: handled {handled} of 21");
            Assert.True(trace.Count(d => d.Message == "Int32") == 21, $"seed {seed}: {trace.Count(d => d.Message == "Int32")} Int32 deliveries traced");
        }
    }

    [Fact]
    public void Run_NewActor_SeesCreateBeforeAnyUserMessage()
    {
        var (_, _, trace) = Ring(3);
        foreach (var actor in new[] { "/user/run/a", "/user/run/b", "/user/run/c" })
        {
            var first = trace.First(d => d.Recipient == actor);
            Assert.Equal((DeliveryKind.System, "Create"), (first.Kind, first.Message));
        }
    }

    [Fact]
    public void Trace_RecordsSenderRecipientAndType()
    {
        var (_, _, trace) = Ring(5);
        Assert.Contains(trace, d => d.Kind == DeliveryKind.User && d.Sender == "/user/run/a" && d.Recipient == "/user/run/b" && d.Message == "Int32");
        Assert.All(trace, d => Assert.Equal(trace.ToList().IndexOf(d), d.Step));
    }

    [Fact]
    public void Trace_TellWithNoSender_NamesNoSender()
    {
        Deterministic.BeginRun(1, new RandomStrategy(1));
        var seen = new List<object>();
        var target = Deterministic.Home.ActorOf(Props.Create(() => new RecordingActor(seen)), "target");

        // Akka gives such an envelope the dead-letter ref as its sender; the trace shows none.
        target.Tell("anonymous", ActorRefs.NoSender);
        D.RunUntilIdle();

        var delivery = Assert.Single(D.Trace.Deliveries, d => d.Message == "String");
        Assert.Null(delivery.Sender);
        Assert.EndsWith(" user    - -> /user/run/target: String", delivery.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Pct_SameSeedSameTrace_DifferentSeedsDiffer()
    {
        var a = Ring(11, new PctStrategy(11, 3, 60));
        var b = Ring(11, new PctStrategy(11, 3, 60));
        Assert.Equal(a.Hash, b.Hash);
        var hashes = Enumerable.Range(1, 50).Select(s => Ring(s, new PctStrategy(s, 3, 60)).Hash).ToHashSet();
        Assert.True(hashes.Count > 10, $"PCT gave {hashes.Count} distinct traces of 50 seeds");
    }

    [Fact]
    public void Replay_RecordedTrace_ReproducesTheRun()
    {
        var original = Ring(42);
        var replayed = Ring(0, new ReplayStrategy(original.Trace));
        Assert.Equal(original.Hash, replayed.Hash);
    }

    [Fact]
    public void Replay_TraceOfAnotherRun_ThrowsDiverged()
    {
        var other = Ring(42).Trace.Take(5).ToArray();
        Assert.Throws<ReplayDivergedException>(() => Ring(0, new ReplayStrategy(other)));
    }

    [Fact]
    public void Stash_UnstashAll_DeliversStashedInOrderBeforeLaterMessages()
    {
        for (var seed = 1; seed <= 30; seed++)
        {
            Deterministic.BeginRun(seed, new RandomStrategy(seed));
            var seen = new List<object>();
            var gate = Deterministic.Home.ActorOf(Props.Create(() => new GateActor(seen)), "gate");
            gate.Tell(1);
            gate.Tell(2);
            gate.Tell(3);
            gate.Tell("open");
            gate.Tell(4);
            D.RunUntilIdle();
            Assert.True(seen.SequenceEqual([1, 2, 3, 4]), $"seed {seed}: {string.Join(",", seen)}");
            Deterministic.EndRun();
        }
    }

    [Fact]
    public void DeathWatch_StoppedActor_WatcherGetsExactlyOneTerminated()
    {
        for (var seed = 1; seed <= 100; seed++)
        {
            Deterministic.BeginRun(seed, new RandomStrategy(seed));
            var seen = new List<object>();
            var watcher = Deterministic.Home.ActorOf(Props.Create(() => new WatcherActor(seen)), "watcher");
            var subject = Deterministic.Home.ActorOf(Props.Create(() => new RecordingActor(new List<object>())), "subject");
            watcher.Tell(subject);
            subject.Tell(PoisonPill.Instance);
            D.RunUntilIdle();
            Assert.True(seen.Count == 1 && seen[0] is Terminated t && t.ActorRef.Equals(subject), $"seed {seed}: watcher saw {string.Join(",", seen)}");
            Deterministic.EndRun();
        }
    }

    [Fact]
    public void HeldMessages_ToAStoppedActor_BecomeDeadLettersOnce()
    {
        // A probe receives on the publishing thread: the dead letters are there when the step ends.
        var dead = CreateTestProbe();
        Sys.EventStream.Subscribe(dead.Ref, typeof(DeadLetter));
        for (var seed = 1; seed <= 20; seed++)
        {
            Deterministic.BeginRun(seed, new RandomStrategy(seed));
            var seen = new List<object>();
            var target = Deterministic.Home.ActorOf(Props.Create(() => new RecordingActor(seen)), "target");
            ((IInternalActorRef)target).Stop();
            for (var i = 0; i < 5; i++)
            {
                target.Tell(i);
            }

            D.RunUntilIdle();
            Deterministic.EndRun();
            var deadInts = 0;
            while (dead.HasMessages)
            {
                deadInts += dead.ReceiveOne(TimeSpan.Zero) is DeadLetter { Message: int } ? 1 : 0;
            }

            Assert.True(seen.Count + deadInts == 5, $"seed {seed}: handled {seen.Count}, dead {deadInts}");
        }
    }

    [Fact]
    public void Supervision_ChildThrows_ParentRestartsItAndLaterMessagesArrive()
    {
        ulong? first = null;
        for (var round = 0; round < 2; round++)
        {
            Deterministic.BeginRun(9, new RandomStrategy(9));
            var seen = new List<object>();
            var starts = new int[1];
            var parent = Deterministic.Home.ActorOf(Props.Create(() => new ParentActor(seen, starts)), "parent");
            parent.Tell("a");
            parent.Tell("boom");
            parent.Tell("b");
            D.RunUntilIdle();
            Assert.Equal(["a", "b"], seen);
            Assert.Equal(2, starts[0]);
            first ??= D.Trace.Hash;
            Assert.Equal(first, D.Trace.Hash);
            Deterministic.EndRun();
        }
    }

    [Fact]
    public void EndRun_FreesNames_SoEveryRunReusesThem()
    {
        for (var seed = 1; seed <= 20; seed++)
        {
            Deterministic.BeginRun(seed, new RandomStrategy(seed));
            var a = Deterministic.Home.ActorOf(Props.Create(() => new RecordingActor(new List<object>())), "same");
            Assert.Equal("/user/run/same", a.Path.ToStringWithoutAddress());
            Deterministic.EndRun();
            Assert.Equal(0, D.ActorCount - 1);
        }
    }

    [Fact]
    public void Step_FromInsideAnActor_Throws()
    {
        Deterministic.BeginRun(1, new RandomStrategy(1));
        var errors = new List<Exception>();
        var stepper = Deterministic.Home.ActorOf(Props.Create(() => new StepperActor(D, errors)), "stepper");
        stepper.Tell("step");
        D.RunUntilIdle();
        var error = Assert.Single(errors);
        Assert.Contains("while a step was running", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunUntilIdle_Livelock_ThrowsNamingSeed()
    {
        Deterministic.BeginRun(77, new RandomStrategy(77));
        var handled = new int[1];
        var a = Deterministic.Home.ActorOf(Props.Create(() => new RingActor(handled)), "a");
        a.Tell(a);
        a.Tell(int.MaxValue);
        var error = Assert.Throws<InvalidOperationException>(() => D.RunUntilIdle(maxSteps: 1_000));
        Assert.Contains("seed 77", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalSource_EventsAreCandidatesAndTraced()
    {
        Deterministic.BeginRun(3, new RandomStrategy(3));
        var source = new CountingSource(3);
        D.AddExternalSource(source);
        D.RunUntilIdle();
        Assert.Equal(3, source.Ran);
        Assert.Equal(3, D.Trace.Deliveries.Count(d => d.Kind == DeliveryKind.External && d.Recipient.StartsWith("event ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Delivered_Event_SeesEveryStep()
    {
        var seen = 0L;
        D.Delivered += _ => seen++;
        var (_, _, trace) = Ring(4);
        Assert.True(seen >= trace.Count);
    }

    [Fact]
    public async Task Ask_ReplyIsAChoice_AndTheContinuationRunsInsideTheStep()
    {
        Deterministic.BeginRun(5, new RandomStrategy(5));
        var echo = Deterministic.Home.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var continuedOnSteppingThread = false;
        var stepping = Environment.CurrentManagedThreadId;
        async Task<object> Client()
        {
            var reply = await Deterministic.Ask(echo, "hello", TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            continuedOnSteppingThread = Environment.CurrentManagedThreadId == stepping;
            return reply;
        }

        var client = Client();
        D.RunUntil(() => client.IsCompleted);
        Assert.Equal("hello", await client);
        Assert.True(continuedOnSteppingThread);
        Assert.Contains(D.Trace.Deliveries, d => d.Kind == DeliveryKind.External && d.Recipient == "reply 1 String");
    }

    [Fact]
    public async Task Ask_NoReply_TimesOutInVirtualTime()
    {
        Deterministic.BeginRun(5, new RandomStrategy(5));
        var silent = Deterministic.Home.ActorOf(Props.Create(() => new RecordingActor(new List<object>())), "silent");
        var ask = Deterministic.Ask(silent, "anyone?", TimeSpan.FromMinutes(10));
        D.RunUntil(() => ask.IsCompleted);
        await Assert.ThrowsAsync<AskTimeoutException>(() => ask);
        Assert.Equal(TimeSpan.FromMinutes(10), Deterministic.Clock.Elapsed);
    }

    /// <summary>Tries to step the dispatcher from inside its own turn.</summary>
    private sealed class StepperActor(DeterministicDispatcher d, List<Exception> errors) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            try
            {
                d.Step();
            }
            catch (InvalidOperationException e)
            {
                errors.Add(e);
            }
        }
    }

    private sealed class CountingSource(int events) : IExternalEventSource
    {
        public int Ran { get; private set; }

        public int PendingCount => events - Ran;

        public string Describe(int index) => $"event {Ran + index}";

        public void Run(int index) => Ran++;
    }
}
