namespace ActorPager.Runtime.Tests;

public sealed class DeathWatchTests
{
    /// <summary>An actor that watches what it is told to ("watch"/"unwatch" + ref) and reports every Terminated to <paramref name="log"/>.</summary>
    private static Props Watcher(TestRef log) => FuncActor.Props((self, m) =>
    {
        switch (m)
        {
            case (string op, IActorRef target) when op == "watch":
                self.Ctx.Watch(target);
                break;
            case (string op, IActorRef target) when op == "unwatch":
                self.Ctx.Unwatch(target);
                break;
            case Terminated t:
                log.Tell(t);
                break;
        }
    });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Watch_ActorStops_TerminatedExactlyOnce(long seed)
    {
        await using var system = Systems.Deterministic(seed);
        var log = new TestRef();
        var target = system.ActorOf(Props.Create(() => new Echo()), "target");
        var watcher = system.ActorOf(Watcher(log));
        watcher.Tell(("watch", target));
        watcher.Tell(("watch", target));
        system.Det().RunUntilIdle();
        system.Stop(target);
        system.Det().RunUntilIdle();
        var t = Assert.Single(log.OfType<Terminated>());
        Assert.Same(target, t.ActorRef);
    }

    [Fact]
    public async Task Watch_AlreadyDeadActor_TerminatedExactlyOnce()
    {
        await using var system = Systems.Deterministic(1);
        var log = new TestRef();
        var target = system.ActorOf(Props.Create(() => new Echo()));
        system.Stop(target);
        system.Det().RunUntilIdle();
        var watcher = system.ActorOf(Watcher(log));
        watcher.Tell(("watch", target));
        system.Det().RunUntilIdle();
        Assert.Same(target, Assert.Single(log.OfType<Terminated>()).ActorRef);
    }

    [Fact]
    public async Task Watch_RacingTheStop_Deterministic_TerminatedExactlyOnceForEverySeed()
    {
        for (var seed = 0; seed < 40; seed++)
        {
            await using var system = Systems.Deterministic(seed);
            var log = new TestRef();
            var target = system.ActorOf(Props.Create(() => new Echo()));
            var watcher = system.ActorOf(Watcher(log));
            watcher.Tell(("watch", target));
            target.Tell(PoisonPill.Instance);
            system.Det().RunUntilIdle();
            Assert.True(log.OfType<Terminated>().Count == 1, $"seed {seed}: {log.Count} Terminated messages");
        }
    }

    [Fact]
    public async Task Watch_ManyWatchersRacingStop_ThreadPool_EachGetsOneTerminated()
    {
        await using var system = Systems.Pool();
        var log = new TestRef();
        var target = system.ActorOf(Props.Create(() => new Echo()));
        const int watchers = 50;
        for (var i = 0; i < watchers; i++)
        {
            system.ActorOf(Watcher(log)).Tell(("watch", target));
        }

        target.Tell(PoisonPill.Instance);
        await log.WaitForCount(watchers);

        // A further watch after the death still gets exactly one answer.
        system.ActorOf(Watcher(log)).Tell(("watch", target));
        await log.WaitForCount(watchers + 1);
        var roundTrip = await system.ActorOf(Props.Create(() => new Echo())).Ask<string>("flush", Systems.Patience).Within("a round trip");
        Assert.Equal("flush", roundTrip);
        Assert.Equal(watchers + 1, log.Count);
    }

    [Fact]
    public async Task Unwatch_BeforeStop_NoTerminated()
    {
        await using var system = Systems.Deterministic(1);
        var log = new TestRef();
        var target = system.ActorOf(Props.Create(() => new Echo()));
        var watcher = system.ActorOf(Watcher(log));
        watcher.Tell(("watch", target));
        watcher.Tell(("unwatch", target));
        system.Det().RunUntilIdle();
        system.Stop(target);
        system.Det().RunUntilIdle();
        Assert.Empty(log.Messages);
    }

    [Fact]
    public async Task Unwatch_AfterTerminatedQueued_DropsIt()
    {
        await using var system = Systems.Deterministic(1);
        var log = new TestRef();
        var target = system.ActorOf(Props.Create(() => new Echo()));
        var watcher = (ActorCell)system.ActorOf(Watcher(log));
        watcher.Tell(("watch", target));
        system.Det().RunUntilIdle();
        system.Stop(target);

        // Run until the Terminated sits in the watcher's mailbox, then unwatch ahead of it.
        Assert.True(system.Det().RunUntil(() => watcher.Mailbox.NumberOfMessages > 0), "the Terminated never queued");
        watcher.Mailbox.Prepend([new Envelope(("unwatch", (IActorRef)target), null)]);
        system.Det().RunUntilIdle();
        Assert.Empty(log.Messages);
    }

    [Fact]
    public async Task Watch_UnhandledTerminated_FailsWatcherWithDeathPact()
    {
        await using var system = Systems.Deterministic(1);
        using var logs = new EventLog<LogEvent>(system);
        var target = system.ActorOf(Props.Create(() => new Echo()));
        var watcher = system.ActorOf(FuncActor.Props((self, m) => m is not Terminated, new ActorHooks { PreStart = self => self.Ctx.Watch(target) }));
        system.Det().RunUntilIdle();
        system.Stop(target);
        system.Det().RunUntilIdle();
        Assert.True(((ActorCell)watcher).IsTerminated);
        Assert.Contains(logs.Events, e => e.Cause is DeathPactException);
    }

    [Fact]
    public async Task Watch_Child_TerminatedOnceEvenThoughParentIsAlsoNotified()
    {
        await using var system = Systems.Deterministic(1);
        var log = new TestRef();
        var parent = system.ActorOf(FuncActor.Props(
            (self, m) =>
            {
                if (m is Terminated t)
                {
                    log.Tell(t);
                }
                else
                {
                    self.Ctx.Stop(self.Ctx.Child("kid")!);
                }
            },
            new ActorHooks { PreStart = self => self.Ctx.Watch(self.Ctx.ActorOf(Props.Create(() => new Echo()), "kid")) }));
        parent.Tell("stop-kid");
        system.Det().RunUntilIdle();
        Assert.Single(log.Messages);
    }

    [Fact]
    public async Task Watch_RefWithoutLifecycle_TreatedAsDead_TerminatedOnce()
    {
        await using var system = Systems.Deterministic(1);
        var log = new TestRef();
        var outside = new TestRef("outside");
        var watcher = system.ActorOf(Watcher(log));
        watcher.Tell(("watch", (IActorRef)outside));
        system.Det().RunUntilIdle();
        Assert.Same(outside, Assert.Single(log.OfType<Terminated>()).ActorRef);
    }

    [Fact]
    public async Task Watch_DeadLetters_TerminatedAtOnce()
    {
        await using var system = Systems.Deterministic(1);
        var log = new TestRef();
        var watcher = system.ActorOf(Watcher(log));
        watcher.Tell(("watch", system.DeadLetters));
        system.Det().RunUntilIdle();
        Assert.Same(system.DeadLetters, Assert.Single(log.OfType<Terminated>()).ActorRef);
    }

    [Fact]
    public async Task Watch_Self_IsIgnored()
    {
        await using var system = Systems.Deterministic(1);
        var log = new TestRef();
        var actor = system.ActorOf(FuncActor.Props((self, m) => log.Tell(m), new ActorHooks { PreStart = self => self.Ctx.Watch(self.Me) }));
        actor.Tell("hi");
        system.Det().RunUntilIdle();
        system.Stop(actor);
        system.Det().RunUntilIdle();
        Assert.Equal(["hi"], log.Messages);
    }

    [Fact]
    public async Task Stop_ChildStillProcessingChildren_ParentWaitsForGrandchildren()
    {
        await using var system = Systems.Deterministic(2);
        var order = new List<string>();
        var grandchild = FuncActor.Props((_, _) => { }, new ActorHooks { PostStop = _ => order.Add("grandchild") });
        var child = FuncActor.Props((_, _) => { }, new ActorHooks { PreStart = s => s.Ctx.ActorOf(grandchild, "g"), PostStop = _ => order.Add("child") });
        var parent = system.ActorOf(FuncActor.Props((_, _) => { }, new ActorHooks { PreStart = s => s.Ctx.ActorOf(child, "c"), PostStop = _ => order.Add("parent") }));
        system.Det().RunUntilIdle();
        system.Stop(parent);
        system.Det().RunUntilIdle();
        Assert.Equal(["grandchild", "child", "parent"], order);
    }
}
