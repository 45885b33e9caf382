namespace ActorPager.Runtime.Tests;

public sealed class DeterministicDispatcherTests
{
    /// <summary>Five producers each sending ten messages to one consumer that replies to each: plenty of interleavings.</summary>
    private static DeliveryTrace RunScenario(ActorSystemSettings settings)
    {
        var system = ActorSystem.Create("scenario", settings);
        var consumer = system.ActorOf(FuncActor.Props((self, m) =>
        {
            self.From.Tell(self.Ctx.Random.Next(3));
        }), "consumer");
        for (var p = 0; p < 5; p++)
        {
            var producer = system.ActorOf(FuncActor.Props((self, m) =>
            {
                if (m is "go")
                {
                    for (var i = 0; i < 10; i++)
                    {
                        consumer.Tell(i, self.Me);
                    }
                }
            }), $"producer-{p}");
            producer.Tell("go");
        }

        system.Det().RunUntilIdle();
        var terminated = system.Terminate();
        system.Det().RunUntil(() => terminated.IsCompleted);
        return system.Det().Trace;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(-7)]
    public void Run_SameSeedTwice_IdenticalTraceHash(long seed)
    {
        var first = RunScenario(Systems.DeterministicSettings(seed));
        var second = RunScenario(Systems.DeterministicSettings(seed));
        Assert.True(first.Hash == second.Hash, $"seed {seed}: hashes {first.Hash:x16} and {second.Hash:x16} differ");
        Assert.Equal(first.Deliveries, second.Deliveries);
    }

    [Fact]
    public void Run_DifferentSeeds_DifferentTraces()
    {
        var hashes = Enumerable.Range(0, 10).Select(seed => RunScenario(Systems.DeterministicSettings(seed)).Hash).ToHashSet();
        Assert.True(hashes.Count >= 9, $"only {hashes.Count} distinct traces from 10 seeds");
    }

    [Fact]
    public void Run_Pct_SameSeedSameTrace_DifferentSeedsDiffer()
    {
        static ActorSystemSettings Pct(long seed) => Systems.DeterministicSettings(seed) with { Strategy = "pct", PctDepth = 3, MaxSteps = 300 };
        Assert.Equal(RunScenario(Pct(5)).Hash, RunScenario(Pct(5)).Hash);
        var hashes = Enumerable.Range(0, 10).Select(seed => RunScenario(Pct(seed)).Hash).ToHashSet();
        Assert.True(hashes.Count >= 2, $"pct: only {hashes.Count} distinct traces from 10 seeds");
    }

    [Fact]
    public void Replay_RecordedTrace_ReproducesTheRun()
    {
        const long seed = 99;
        var original = RunScenario(Systems.DeterministicSettings(seed));
        var replayed = RunScenario(Systems.DeterministicSettings(12345) with { Strategy = "replay", ReplayTrace = original.Deliveries });
        Assert.True(original.Hash == replayed.Hash, $"seed {seed}: replay hash {replayed.Hash:x16} differs from {original.Hash:x16}");
    }

    [Fact]
    public void Replay_ThroughReplayStrategyFactory_ReproducesTheRun()
    {
        var original = RunScenario(Systems.DeterministicSettings(3));
        var replayed = RunScenario(Systems.DeterministicSettings(0) with { StrategyFactory = _ => new ReplayStrategy(original.Deliveries) });
        Assert.Equal(original.Hash, replayed.Hash);
    }

    [Fact]
    public void Replay_DivergingRun_ThrowsReplayDiverged()
    {
        var original = RunScenario(Systems.DeterministicSettings(3));
        var wrong = original.Deliveries.Select(d => d with { Recipient = d.Recipient + "-elsewhere" }).ToArray();
        Assert.Throws<ReplayDivergedException>(() => RunScenario(Systems.DeterministicSettings(3) with { Strategy = "replay", ReplayTrace = wrong }));
    }

    [Fact]
    public void Settings_UnknownStrategyOrReplayWithoutTrace_Throw()
    {
        Assert.Throws<ArgumentException>(() => ActorSystem.Create("x", Systems.DeterministicSettings(1) with { Strategy = "bogus" }));
        Assert.Throws<ArgumentException>(() => ActorSystem.Create("x", Systems.DeterministicSettings(1) with { Strategy = "replay" }));
    }

    [Fact]
    public async Task Trace_RecordsDeliveriesWithSenderRecipientAndType()
    {
        await using var system = Systems.Deterministic(1, "tr");
        var echo = system.ActorOf(Props.Create(() => new Echo()), "echo");
        var probe = new TestRef();
        system.Det().RunUntilIdle();
        var before = system.Det().Trace.Count;
        echo.Tell(17, probe);
        system.Det().RunUntilIdle();
        var d = Assert.Single(system.Det().Trace.Deliveries.Skip((int)before));
        Assert.Equal(DeliveryKind.User, d.Kind);
        Assert.Equal("actorpager://tr/user/echo", d.Recipient);
        Assert.Equal("actorpager://test/probe", d.Sender);
        Assert.Equal("Int32", d.Message);
        Assert.Contains(system.Det().Trace.Deliveries, x => x.Kind == DeliveryKind.System && x.Message == "Create");
        Assert.Contains("hash", system.Det().Trace.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Step_FromInsideAnActor_Throws()
    {
        await using var system = Systems.Deterministic(1);
        Exception? caught = null;
        var actor = system.ActorOf(FuncActor.Props((self, _) =>
        {
            try
            {
                self.Ctx.System.Det().Step();
            }
            catch (InvalidOperationException ex)
            {
                caught = ex;
            }
        }));
        actor.Tell("x");
        system.Det().RunUntilIdle();
        Assert.NotNull(caught);
    }

    [Fact]
    public async Task RunUntilIdle_Livelock_ThrowsNamingSeed()
    {
        await using var system = Systems.Deterministic(77);
        var pingPong = system.ActorOf(FuncActor.Props((self, m) => self.Me.Tell(m)));
        pingPong.Tell("forever");
        var ex = Assert.Throws<InvalidOperationException>(() => system.Det().RunUntilIdle(maxSteps: 1000));
        Assert.Contains("seed 77", ex.Message, StringComparison.Ordinal);
        system.Stop(pingPong);
    }

    [Fact]
    public async Task IdleDispatcher_AdvancesVirtualTimeToNextTimer()
    {
        await using var system = Systems.Deterministic(1);
        var probe = new TestRef();
        system.Scheduler.ScheduleTellOnce(TimeSpan.FromHours(3), probe, "late", null);
        system.Det().RunUntilIdle();
        Assert.Empty(probe.Messages);
        Assert.True(system.Det().IsIdle);
        system.Det().RunUntilQuiescent();
        Assert.Equal(["late"], probe.Messages);
        Assert.Equal(TimeSpan.FromHours(3), system.Scheduler.Elapsed);
        Assert.Contains(system.Det().Trace.Deliveries, d => d.Kind == DeliveryKind.Timer);
    }

    [Fact]
    public async Task ExternalSource_EventsAreCandidatesAndTraced()
    {
        await using var system = Systems.Deterministic(4);
        var probe = new TestRef();
        var source = new ListSource(probe, 3);
        system.Det().AddExternalSource(source);
        Assert.False(system.Det().IsIdle);
        system.Det().RunUntilIdle();
        Assert.Equal(3, probe.Count);
        Assert.Equal(3, system.Det().Trace.Deliveries.Count(d => d.Kind == DeliveryKind.External));
    }

    [Fact]
    public async Task Delivered_Event_SeesEveryStep()
    {
        await using var system = Systems.Deterministic(1);
        var seen = 0L;
        system.Det().Delivered += _ => seen++;
        system.ActorOf(Props.Create(() => new Echo())).Tell("x");
        system.Det().RunUntilIdle();
        Assert.Equal(system.Det().StepCount, seen);
    }

    private sealed class ListSource(IActorRef target, int count) : IExternalEventSource
    {
        private readonly List<int> _pending = [.. Enumerable.Range(0, count)];

        public int PendingCount => _pending.Count;

        public string Describe(int index) => $"io-{_pending[index]}";

        public void Run(int index)
        {
            target.Tell(_pending[index]);
            _pending.RemoveAt(index);
        }
    }
}
