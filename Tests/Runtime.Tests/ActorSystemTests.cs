namespace ActorPager.Runtime.Tests;

public sealed class ActorSystemTests
{
    [Fact]
    public async Task Create_WithNameAndSettings_KeepsBoth()
    {
        var settings = Systems.PoolSettings() with { Throughput = 7, AskTimeout = TimeSpan.FromSeconds(3) };
        await using var system = ActorSystem.Create("named-system_1", settings);
        Assert.Equal("named-system_1", system.Name);
        Assert.Same(settings, system.Settings);
        Assert.Equal(7, system.Dispatchers.Default.Throughput);
        Assert.Null(system.Deterministic);
        Assert.IsType<RealTimeScheduler>(system.Scheduler);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-lead")]
    [InlineData("has space")]
    [InlineData("sla/sh")]
    public void Create_InvalidName_ThrowsNamingTheName(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => ActorSystem.Create(name, Systems.PoolSettings()));
        Assert.Contains($"'{name}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Deterministic_UsesVirtualTimeAndOneDispatcher()
    {
        await using var system = Systems.Deterministic(3);
        Assert.NotNull(system.Deterministic);
        Assert.IsType<VirtualTimeScheduler>(system.Scheduler);
        Assert.Same(system.Deterministic, system.Dispatchers.Lookup("anything"));
        Assert.Equal(3, system.Seed);
    }

    [Fact]
    public async Task ActorOf_TopLevel_LivesUnderUserGuardian()
    {
        await using var system = Systems.Deterministic(1, "paths");
        var a = system.ActorOf(Props.Create(() => new Echo()), "a");
        Assert.Equal("actorpager://paths/user/a", a.Path.ToString());
        Assert.Equal("/user/a", a.Path.ToStringWithoutAddress());
        Assert.Equal("a", a.Path.Name);
        Assert.Equal(["user", "a"], a.Path.Elements);
        Assert.Equal("actorpager://paths/user", system.UserGuardian.Path.ToString());
        Assert.Equal(system.UserGuardian.Path, a.Path.Parent);
    }

    [Fact]
    public async Task SystemActorOf_LivesUnderSystemGuardian()
    {
        await using var system = Systems.Deterministic(1, "paths");
        var s = system.SystemActorOf(Props.Create(() => new Echo()), "svc");
        Assert.Equal("actorpager://paths/system/svc", s.Path.ToString());
    }

    [Fact]
    public async Task ActorOf_Child_PathNestsUnderParentAndParentIsKnown()
    {
        await using var system = Systems.Deterministic(1, "paths");
        var log = new TestRef();
        var parent = system.ActorOf(
            FuncActor.Props((self, m) =>
            {
                if (m is "spawn")
                {
                    var child = self.Ctx.ActorOf(FuncActor.Props((c, _) => log.Tell(c.Ctx.Parent)), "kid");
                    child.Tell("who");
                    log.Tell(child);
                }
            }),
            "mom");
        parent.Tell("spawn");
        system.Det().RunUntilIdle();
        var child = Assert.IsAssignableFrom<IActorRef>(log.Messages[0]);
        Assert.Equal("actorpager://paths/user/mom/kid", child.Path.ToString());
        Assert.Equal(parent, log.Messages[1]);
    }

    [Fact]
    public async Task ActorOf_NoName_GeneratesUniqueDollarNames()
    {
        await using var system = Systems.Deterministic(1);
        var a = system.ActorOf(Props.Create(() => new Echo()));
        var b = system.ActorOf(Props.Create(() => new Echo()));
        Assert.StartsWith("$", a.Path.Name, StringComparison.Ordinal);
        Assert.StartsWith("$", b.Path.Name, StringComparison.Ordinal);
        Assert.NotEqual(a.Path, b.Path);
    }

    [Fact]
    public async Task ActorOf_DuplicateSiblingName_ThrowsClearError()
    {
        await using var system = Systems.Deterministic(1, "dup");
        system.ActorOf(Props.Create(() => new Echo()), "same");
        var ex = Assert.Throws<InvalidActorNameException>(() => system.ActorOf(Props.Create(() => new Echo()), "same"));
        Assert.Contains("'same'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not unique", ex.Message, StringComparison.Ordinal);
        Assert.Contains("actorpager://dup/user/same", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActorOf_SameNameUnderDifferentParents_IsAllowed()
    {
        await using var system = Systems.Deterministic(1);
        var log = new TestRef();
        Props Parent() => FuncActor.Props((self, _) => { }, new ActorHooks { PreStart = self => log.Tell(self.Ctx.ActorOf(Props.Create(() => new Echo()), "worker")) });
        system.ActorOf(Parent(), "p1");
        system.ActorOf(Parent(), "p2");
        system.Det().RunUntilIdle();
        Assert.Equal(2, log.Count);
        Assert.NotEqual(((IActorRef)log.Messages[0]).Path, ((IActorRef)log.Messages[1]).Path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("$reserved")]
    [InlineData("a/b")]
    [InlineData("a b")]
    public async Task ActorOf_InvalidName_Throws(string name)
    {
        await using var system = Systems.Deterministic(1);
        Assert.Throws<InvalidActorNameException>(() => system.ActorOf(Props.Create(() => new Echo()), name));
    }

    [Fact]
    public async Task ActorOf_NameOfStoppedActor_CanBeReusedAfterTerminated()
    {
        await using var system = Systems.Deterministic(1);
        var first = system.ActorOf(Props.Create(() => new Echo()), "reuse");
        system.Det().RunUntilIdle();
        system.Stop(first);
        system.Det().RunUntilIdle();
        var second = system.ActorOf(Props.Create(() => new Echo()), "reuse");
        Assert.NotEqual(first, second);
        Assert.Equal(first.Path, second.Path);
    }

    [Fact]
    public void ActorBase_CreatedWithNew_ThrowsExplaining()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new Echo());
        Assert.Contains("Props.Create", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActorRef_Equality_IsPerIncarnation()
    {
        await using var system = Systems.Deterministic(1);
        var a = system.ActorOf(Props.Create(() => new Echo()), "a");
        var b = system.ActorOf(Props.Create(() => new Echo()), "b");
        Assert.Equal(a, a);
        Assert.True(a.Equals((object)a));
        Assert.NotEqual(a, b);
        Assert.Equal(a.GetHashCode(), a.GetHashCode());
        Assert.Equal(a.Path.ToString(), a.ToString());
        var set = new HashSet<IActorRef> { a, b, a };
        Assert.Equal(2, set.Count);
    }

    [Fact]
    public async Task Tell_WithSender_ReceiverSeesSender_WithoutSenderSeesDeadLetters()
    {
        await using var system = Systems.Deterministic(1);
        var probe = new TestRef();
        var senders = new List<IActorRef>();
        var actor = system.ActorOf(FuncActor.Props((self, _) => senders.Add(self.From)));
        actor.Tell("with", probe);
        actor.Tell("without");
        system.Det().RunUntilIdle();
        Assert.Equal([probe, system.DeadLetters], senders);
    }

    [Fact]
    public async Task Tell_NullMessage_Throws()
    {
        await using var system = Systems.Deterministic(1);
        var actor = system.ActorOf(Props.Create(() => new Echo()));
        Assert.Throws<ArgumentNullException>(() => actor.Tell(null!));
    }

    [Fact]
    public async Task Props_Factory_CalledOncePerIncarnation()
    {
        await using var system = Systems.Deterministic(1);
        var made = 0;
        var props = Props.Create(() =>
        {
            made++;
            return new FuncActor((_, m) => m is "boom" ? throw new TestFailure("boom") : true);
        });
        Assert.Equal(typeof(FuncActor), props.ActorType);
        var actor = system.ActorOf(props);
        system.Det().RunUntilIdle();
        Assert.Equal(1, made);
        actor.Tell("boom");
        system.Det().RunUntilIdle();
        Assert.Equal(2, made);
    }

    [Fact]
    public async Task Props_WithMailboxAndDispatcher_AreKeptAndImmutable()
    {
        var props = Props.Create<PlainActor>();
        var bounded = props.WithMailbox(MailboxOptions.Bounded(4, MailboxOverflow.Reject)).WithDispatcher("fast");
        Assert.Null(props.Mailbox);
        Assert.Equal(Dispatchers.DefaultDispatcherId, props.Dispatcher);
        Assert.Equal(4, bounded.Mailbox!.Capacity);
        Assert.Equal(MailboxOverflow.Reject, bounded.Mailbox.Overflow);
        Assert.Equal("fast", bounded.Dispatcher);

        await using var system = ActorSystem.Create("props", Systems.PoolSettings() with { ExtraDispatchers = new Dictionary<string, int> { ["fast"] = 100 } });
        var actor = system.ActorOf(bounded.WithMailbox(MailboxOptions.Unbounded).WithDispatcher("fast"));
        Assert.Equal("fast", ((ActorCell)actor).Mailbox.Dispatcher.Id);
        Assert.Equal(100, ((ActorCell)actor).Mailbox.Dispatcher.Throughput);
    }

    [Fact]
    public async Task Props_UnknownDispatcher_ThrowsListingConfiguredOnes()
    {
        await using var system = Systems.Pool();
        var ex = Assert.Throws<ArgumentException>(() => system.ActorOf(Props.Create<PlainActor>().WithDispatcher("nope")));
        Assert.Contains("'nope'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Dispatchers.DefaultDispatcherId, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Props_FactoryReturningSameInstance_FailsTheRestart()
    {
        await using var system = Systems.Deterministic(1);
        using var logs = new EventLog<LogEvent>(system);
        FuncActor? shared = null;
        var actor = system.ActorOf(Props.Create(() => shared ??= new FuncActor((_, m) => m is "boom" ? throw new TestFailure() : true)), "reused");
        system.Det().RunUntilIdle();
        actor.Tell("boom");
        system.Det().RunUntilIdle();
        Assert.True(((ActorCell)actor).IsTerminated);
        Assert.Contains(logs.Events, e => e.Cause is ActorInitializationException && e.Message.Contains("reuse", StringComparison.Ordinal) || e.Cause?.Message.Contains("reuse", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Context_ChildrenAndChild_ListLiveChildrenInCreationOrder()
    {
        await using var system = Systems.Deterministic(1);
        var log = new TestRef();
        var parent = system.ActorOf(FuncActor.Props((self, m) =>
        {
            switch (m)
            {
                case "make":
                    self.Ctx.ActorOf(Props.Create<PlainActor>(), "x");
                    self.Ctx.ActorOf(Props.Create<PlainActor>(), "y");
                    self.Ctx.ActorOf(Props.Create<PlainActor>(), "z");
                    break;
                case "stop-y":
                    self.Ctx.Stop(self.Ctx.Child("y")!);
                    break;
                case "list":
                    log.Tell(string.Join(",", self.Ctx.Children.Select(c => c.Path.Name)) + "|" + (self.Ctx.Child("y") is null ? "no-y" : "y"));
                    break;
            }
        }));
        parent.Tell("make");
        parent.Tell("list");
        system.Det().RunUntilIdle();
        parent.Tell("stop-y");
        system.Det().RunUntilIdle();
        parent.Tell("list");
        system.Det().RunUntilIdle();
        Assert.Equal(["x,y,z|y", "x,z|no-y"], log.Messages);
    }

    [Fact]
    public async Task Context_System_And_Scheduler_AreTheSystems()
    {
        await using var system = Systems.Deterministic(1);
        var seen = new List<object>();
        var actor = system.ActorOf(FuncActor.Props((self, _) =>
        {
            seen.Add(self.Ctx.System);
            seen.Add(self.Ctx.Scheduler);
            seen.Add(self.Ctx.Self);
        }));
        actor.Tell("go");
        system.Det().RunUntilIdle();
        Assert.Same(system, seen[0]);
        Assert.Same(system.Scheduler, seen[1]);
        Assert.Same(actor, seen[2]);
    }

    [Fact]
    public async Task Context_Random_SameSeedAndPath_SameNumbers_OtherSeed_Differs()
    {
        static async Task<int[]> Draw(long seed)
        {
            await using var system = Systems.Deterministic(seed);
            var draws = new List<int>();
            var actor = system.ActorOf(FuncActor.Props((self, _) => draws.Add(self.Ctx.Random.Next())), "dice");
            for (var i = 0; i < 5; i++)
            {
                actor.Tell(i);
            }

            system.Det().RunUntilIdle();
            return [.. draws];
        }

        Assert.Equal(await Draw(11), await Draw(11));
        Assert.NotEqual(await Draw(11), await Draw(12));
    }

    [Fact]
    public async Task Terminate_StopsChildrenBeforeParents_RunsEveryPostStop()
    {
        await using var system = Systems.Deterministic(5);
        var order = new List<string>();
        Props Node(string name, int depth) => FuncActor.Props(
            (_, _) => { },
            new ActorHooks
            {
                PreStart = self =>
                {
                    if (depth > 0)
                    {
                        self.Ctx.ActorOf(Node(name + "a", depth - 1), name + "a");
                        self.Ctx.ActorOf(Node(name + "b", depth - 1), name + "b");
                    }
                },
                PostStop = _ => order.Add(name),
            });
        system.ActorOf(Node("r", 2), "r");
        system.ActorOf(Node("s", 1), "s");
        system.Det().RunUntilIdle();
        var done = system.Terminate();
        Assert.True(system.Det().RunUntil(() => done.IsCompleted), $"seed 5: not terminated; stopped {string.Join(",", order)}");
        Assert.Equal(10, order.Count);
        foreach (var name in order)
        {
            // every descendant (a longer name with this prefix) stopped before it
            var at = order.IndexOf(name);
            Assert.All(order.Where(n => n.Length > name.Length && n.StartsWith(name, StringComparison.Ordinal)), d => Assert.True(order.IndexOf(d) < at, $"seed 5: {d} stopped after its ancestor {name}"));
        }
    }

    [Fact]
    public async Task Terminate_ThreadPool_WhenTerminatedCompletesAfterPostStops()
    {
        var system = Systems.Pool();
        var stopped = 0;
        for (var i = 0; i < 20; i++)
        {
            system.ActorOf(FuncActor.Props((_, _) => { }, new ActorHooks { PostStop = _ => Interlocked.Increment(ref stopped) }));
        }

        await system.Terminate().Within("system termination");
        Assert.True(system.WhenTerminated.IsCompletedSuccessfully);
        Assert.Equal(20, Volatile.Read(ref stopped));
    }

    [Fact]
    public async Task Terminate_Twice_ReturnsSameCompletedTask()
    {
        var system = Systems.Pool();
        await system.Terminate().Within("first termination");
        await system.Terminate().Within("second termination");
        Assert.Same(system.WhenTerminated, system.Terminate());
    }

    [Fact]
    public async Task ActorOf_AfterTerminate_Throws()
    {
        var system = Systems.Pool();
        await system.Terminate().Within("termination");
        Assert.Throws<InvalidOperationException>(() => system.ActorOf(Props.Create<PlainActor>()));
    }

    [Fact]
    public async Task Tell_AfterTerminate_GoesToDeadLetters()
    {
        var system = Systems.Pool();
        using var dead = new EventLog<DeadLetter>(system);
        var actor = system.ActorOf(Props.Create<PlainActor>(), "late");
        await system.Terminate().Within("termination");
        actor.Tell("hello?");
        Assert.Contains(dead.Events, d => Equals(d.Message, "hello?") && d.Recipient.Equals(actor));
    }

    internal sealed class PlainActor : ActorBase
    {
        protected internal override bool Receive(object message) => true;
    }
}
