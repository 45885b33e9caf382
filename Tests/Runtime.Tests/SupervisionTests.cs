namespace ActorPager.Runtime.Tests;

public sealed class SupervisionTests
{
    /// <summary>A parent with the given strategy that creates the given children in PreStart and forwards "to:NAME:MSG".</summary>
    private static Props Supervisor(SupervisorStrategy strategy, params (string Name, Props Props)[] children) =>
        FuncActor.Props(
            (self, m) =>
            {
                if (m is string s && s.StartsWith("to:", StringComparison.Ordinal))
                {
                    var parts = s.Split(':', 3);
                    self.Ctx.Child(parts[1])!.Tell(parts[2], self.From);
                }
            },
            new ActorHooks
            {
                Strategy = strategy,
                PreStart = self =>
                {
                    foreach (var (name, props) in children)
                    {
                        self.Ctx.ActorOf(props, name);
                    }
                },
            });

    /// <summary>Logs "name:message" for every message and throws on "boom"; logs its lifecycle.</summary>
    private static Props Worker(string name, List<string> log) => FuncActor.Props(
        (self, m) =>
        {
            if (m is "boom")
            {
                throw new TestFailure($"{name} failed");
            }

            self.Counter++;
            log.Add($"{name}:{m}#{self.Counter}");
        },
        new ActorHooks
        {
            Constructed = _ => log.Add($"{name}:new"),
            PostStop = _ => log.Add($"{name}:PostStop"),
            PreRestart = (_, e, msg) => log.Add($"{name}:PreRestart({e.Message},{msg})"),
            PostRestart = (_, e) => log.Add($"{name}:PostRestart({e.Message})"),
        });

    [Fact]
    public async Task Restart_KeepsMailbox_LaterMessagesReachNewInstance()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<string>();
        var actor = system.ActorOf(Worker("w", log));
        actor.Tell("a");
        actor.Tell("boom");
        actor.Tell("b");
        actor.Tell("c");
        system.Det().RunUntilIdle();
        Assert.Equal(["w:new", "w:a#1", "w:PreRestart(w failed,boom)", "w:PostStop", "w:new", "w:PostRestart(w failed)", "w:b#1", "w:c#2"], log);
    }

    [Fact]
    public async Task Restart_FailedMessage_IsNotRedelivered()
    {
        await using var system = Systems.Deterministic(1);
        var seen = new List<object>();
        var actor = system.ActorOf(FuncActor.Props((_, m) =>
        {
            seen.Add(m);
            if (m is "boom")
            {
                throw new TestFailure();
            }
        }));
        actor.Tell("boom");
        actor.Tell("after");
        system.Det().RunUntilIdle();
        Assert.Equal(["boom", "after"], seen);
    }

    [Fact]
    public async Task Failure_IsLoggedWithMessageSenderAndCause()
    {
        await using var system = Systems.Deterministic(1, "logs");
        using var logs = new EventLog<LogEvent>(system);
        var actor = system.ActorOf(Worker("w", []), "worker");
        var probe = new TestRef("asker");
        actor.Tell("boom", probe);
        system.Det().RunUntilIdle();
        var e = Assert.Single(logs.Events, e => e.Level == LogLevel.Error);
        Assert.Equal("actorpager://logs/user/worker", e.Source);
        Assert.Contains("String (boom)", e.Message, StringComparison.Ordinal);
        Assert.Contains("from actorpager://test/asker", e.Message, StringComparison.Ordinal);
        Assert.Contains("w failed", e.Message, StringComparison.Ordinal);
        Assert.IsType<TestFailure>(e.Cause);
    }

    [Fact]
    public async Task Failure_InPreStart_IsLoggedAndStopsTheActorByDefault()
    {
        await using var system = Systems.Deterministic(1);
        using var logs = new EventLog<LogEvent>(system);
        var actor = system.ActorOf(FuncActor.Props((_, _) => { }, new ActorHooks { PreStart = _ => throw new TestFailure("no start") }), "bad");
        system.Det().RunUntilIdle();
        Assert.True(((ActorCell)actor).IsTerminated);
        Assert.Contains(logs.Events, e => e.Level == LogLevel.Error && e.Cause is ActorInitializationException { InnerException: TestFailure } && e.Message.Contains("no start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failure_InConstructor_IsLoggedAndStopsTheActor()
    {
        await using var system = Systems.Deterministic(1);
        using var logs = new EventLog<LogEvent>(system);
        var actor = system.ActorOf(Props.Create<FuncActor>(() => throw new TestFailure("ctor broke")), "bad");
        system.Det().RunUntilIdle();
        Assert.True(((ActorCell)actor).IsTerminated);
        Assert.Contains(logs.Events, e => e.Cause is ActorInitializationException && e.Message.Contains("ctor broke", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resume_KeepsInstanceAndState()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<string>();
        var parent = system.ActorOf(Supervisor(new OneForOneStrategy(_ => Directive.Resume), ("w", Worker("w", log))));
        parent.Tell("to:w:a");
        parent.Tell("to:w:boom");
        parent.Tell("to:w:b");
        system.Det().RunUntilIdle();
        Assert.Equal(["w:new", "w:a#1", "w:b#2"], log);
    }

    [Fact]
    public async Task Stop_Directive_StopsOnlyTheFailedChild()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<string>();
        var parent = system.ActorOf(Supervisor(new OneForOneStrategy(_ => Directive.Stop), ("x", Worker("x", log)), ("y", Worker("y", log))));
        parent.Tell("to:x:boom");
        system.Det().RunUntilIdle();
        parent.Tell("to:y:still-here");
        system.Det().RunUntilIdle();
        Assert.Contains("x:PostStop", log);
        Assert.DoesNotContain("y:PostStop", log);
        Assert.Contains("y:still-here#1", log);
    }

    [Fact]
    public async Task OneForOne_Restart_LeavesSiblingsAlone()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<string>();
        var parent = system.ActorOf(Supervisor(new OneForOneStrategy(_ => Directive.Restart), ("x", Worker("x", log)), ("y", Worker("y", log))));
        parent.Tell("to:y:one");
        parent.Tell("to:x:boom");
        parent.Tell("to:y:two");
        system.Det().RunUntilIdle();
        Assert.Equal(1, log.Count(l => l == "x:PostRestart(x failed)"));
        Assert.DoesNotContain(log, l => l.StartsWith("y:PreRestart", StringComparison.Ordinal));
        Assert.Contains("y:two#2", log);
    }

    [Fact]
    public async Task AllForOne_Restart_RestartsEverySibling()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<string>();
        var parent = system.ActorOf(Supervisor(new AllForOneStrategy(_ => Directive.Restart), ("x", Worker("x", log)), ("y", Worker("y", log))));
        parent.Tell("to:y:one");
        system.Det().RunUntilIdle();
        parent.Tell("to:x:boom");
        system.Det().RunUntilIdle();
        parent.Tell("to:y:two");
        system.Det().RunUntilIdle();
        Assert.Contains(log, l => l.StartsWith("x:PostRestart", StringComparison.Ordinal));
        Assert.Contains(log, l => l.StartsWith("y:PostRestart", StringComparison.Ordinal));
        Assert.Contains("y:two#1", log); // fresh instance: the count starts again
    }

    [Fact]
    public async Task AllForOne_Stop_StopsEverySibling()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<string>();
        var parent = system.ActorOf(Supervisor(new AllForOneStrategy(_ => Directive.Stop), ("x", Worker("x", log)), ("y", Worker("y", log))));
        parent.Tell("to:x:boom");
        system.Det().RunUntilIdle();
        Assert.Contains("x:PostStop", log);
        Assert.Contains("y:PostStop", log);
    }

    [Fact]
    public async Task Escalate_FailsTheParent_WhoseSupervisorRestartsIt()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<string>();
        var middle = Supervisor(new OneForOneStrategy(_ => Directive.Escalate), ("leaf", Worker("leaf", log)));
        var top = system.ActorOf(Supervisor(new OneForOneStrategy(e => e is TestFailure ? Directive.Restart : Directive.Stop), ("mid", middle)), "top");
        top.Tell("to:mid:to:leaf:boom");
        system.Det().RunUntilIdle();

        // The middle actor restarted: its default PreRestart stopped the old leaf, PreStart made a new one.
        Assert.Equal(2, log.Count(l => l == "leaf:new"));
        Assert.Contains("leaf:PostStop", log);
        top.Tell("to:mid:to:leaf:hello");
        system.Det().RunUntilIdle();
        Assert.Contains("leaf:hello#1", log);
    }

    [Fact]
    public async Task Decider_Throwing_Escalates()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<string>();
        var middle = Supervisor(new OneForOneStrategy(_ => throw new InvalidOperationException("bad decider")), ("leaf", Worker("leaf", log)));
        var top = system.ActorOf(Supervisor(new OneForOneStrategy(_ => Directive.Stop), ("mid", middle)), "top");
        top.Tell("to:mid:to:leaf:boom");
        system.Det().RunUntilIdle();
        Assert.Contains("leaf:PostStop", log);
        Assert.Null(((ActorCell)top).Child("mid"));
    }

    [Fact]
    public async Task RetryLimit_ExceededWithinWindow_StopsChildAndLogs()
    {
        await using var system = Systems.Deterministic(1);
        using var logs = new EventLog<LogEvent>(system);
        var log = new List<string>();
        var parent = system.ActorOf(Supervisor(new OneForOneStrategy(2, TimeSpan.FromMinutes(1), _ => Directive.Restart), ("w", Worker("w", log))), "p");
        for (var i = 0; i < 3; i++)
        {
            parent.Tell("to:w:boom");
            system.Det().RunUntilIdle();
        }

        Assert.Equal(2, log.Count(l => l.StartsWith("w:PostRestart", StringComparison.Ordinal)));
        Assert.Null(((ActorCell)parent).Child("w"));
        Assert.Contains(logs.Events, e => e.Message.Contains("exceeded 2 restarts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RetryLimit_FailuresSpreadBeyondWindow_KeepRestarting()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<string>();
        var parent = system.ActorOf(Supervisor(new OneForOneStrategy(1, TimeSpan.FromSeconds(10), _ => Directive.Restart), ("w", Worker("w", log))));
        for (var i = 0; i < 4; i++)
        {
            parent.Tell("to:w:boom");
            system.Det().RunUntilIdle();
            system.Det().RunFor(TimeSpan.FromSeconds(11));
        }

        Assert.Equal(4, log.Count(l => l.StartsWith("w:PostRestart", StringComparison.Ordinal)));
        Assert.NotNull(((ActorCell)parent).Child("w"));
    }

    [Fact]
    public async Task RetryLimit_Unlimited_RestartsForever()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<string>();
        var actor = system.ActorOf(Worker("w", log));
        for (var i = 0; i < 25; i++)
        {
            actor.Tell("boom");
        }

        actor.Tell("alive");
        system.Det().RunUntilIdle();
        Assert.Equal(25, log.Count(l => l.StartsWith("w:PostRestart", StringComparison.Ordinal)));
        Assert.Contains("w:alive#1", log);
    }

    [Fact]
    public async Task Kill_FailsWithActorKilled_AndDefaultStrategyStops()
    {
        await using var system = Systems.Deterministic(1);
        using var logs = new EventLog<LogEvent>(system);
        var log = new List<string>();
        var actor = system.ActorOf(Worker("w", log));
        actor.Tell(Kill.Instance);
        actor.Tell("after");
        system.Det().RunUntilIdle();
        Assert.Contains("w:PostStop", log);
        Assert.DoesNotContain("w:after#1", log);
        Assert.Contains(logs.Events, e => e.Cause is ActorKilledException);
    }

    [Fact]
    public void DefaultDecider_MapsExceptionsToDirectives()
    {
        Assert.Equal(Directive.Stop, SupervisorStrategy.DefaultDecider(new ActorInitializationException()));
        Assert.Equal(Directive.Stop, SupervisorStrategy.DefaultDecider(new ActorKilledException()));
        Assert.Equal(Directive.Stop, SupervisorStrategy.DefaultDecider(new DeathPactException()));
        Assert.Equal(Directive.Restart, SupervisorStrategy.DefaultDecider(new TestFailure()));
    }

    [Fact]
    public async Task Restart_ParentWithNamedChildInPreStart_RecreatesTheChild()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<string>();
        var parent = system.ActorOf(
            FuncActor.Props(
                (self, m) =>
                {
                    if (m is "boom")
                    {
                        throw new TestFailure("parent failed");
                    }

                    self.Ctx.Child("worker")!.Tell(m);
                },
                new ActorHooks { PreStart = self => self.Ctx.ActorOf(Worker("worker", log), "worker") }),
            "parent");
        parent.Tell("boom");
        parent.Tell("hello");
        system.Det().RunUntilIdle();
        Assert.False(((ActorCell)parent).IsTerminated, "the parent stopped instead of restarting: " + string.Join(", ", log));
        Assert.Contains("worker:hello#1", log);
        Assert.Equal(2, log.Count(l => l == "worker:new"));
    }

    [Fact]
    public async Task Restart_WhosePostRestartFailsOnce_ThenSucceeds_ProcessesLaterMessages()
    {
        await using var system = Systems.Deterministic(1);
        var postRestarts = 0;
        var handled = new List<object>();
        var props = FuncActor.Props(
            (_, m) =>
            {
                if (m is "boom")
                {
                    throw new TestFailure();
                }

                handled.Add(m);
            },
            new ActorHooks
            {
                PostRestart = (_, _) =>
                {
                    if (++postRestarts == 1)
                    {
                        throw new TestFailure("first restart fails");
                    }
                },
            });
        var parent = system.ActorOf(Supervisor(new OneForOneStrategy(_ => Directive.Restart), ("w", props)));
        parent.Tell("to:w:boom");
        parent.Tell("to:w:after");
        system.Det().RunUntilIdle();
        Assert.Equal(2, postRestarts);
        Assert.Equal(["after"], handled);
    }

    [Fact]
    public async Task Restart_OfTopLevelActor_UsesUserGuardianDefaultStrategy()
    {
        await using var system = Systems.Pool();
        var log = new List<string>();
        var actor = system.ActorOf(FuncActor.Props((self, m) =>
        {
            if (m is "boom")
            {
                throw new TestFailure();
            }

            self.From.Tell(++self.Counter);
        }));
        Assert.Equal(1, await actor.Ask<int>("x", Systems.Patience).Within("first reply"));
        actor.Tell("boom");
        Assert.Equal(1, await actor.Ask<int>("x", Systems.Patience).Within("reply after restart"));
    }
}
