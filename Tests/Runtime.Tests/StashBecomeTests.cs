namespace ActorPager.Runtime.Tests;

public sealed class StashBecomeTests
{
    /// <summary>Stashes everything until "open", then handles messages in a new behaviour.</summary>
    private sealed class Gate : ReceiveActor
    {
        public Gate(List<string> log)
        {
            Receive<string>(s => s == "open", _ =>
            {
                Become(() =>
                {
                    Receive<string>(s => s == "boom", _ => throw new TestFailure("open failed"));
                    Receive<string>(s => log.Add("open:" + s));
                });
                Context.UnstashAll();
            });
            Receive<string>(s => s == "boom", _ => throw new TestFailure("closed failed"));
            ReceiveAny(_ => Context.Stash());
        }
    }

    /// <summary>A typed actor with predicates and stacked behaviours.</summary>
    private sealed class Typed : ReceiveActor
    {
        public Typed(List<string> log)
        {
            Receive<int>(i => i < 0, i => log.Add($"negative {i}"));
            Receive<int>(i => log.Add($"int {i}"));
            Receive<string>(s => s.StartsWith("maybe", StringComparison.Ordinal) ? Handled(log, s) : false);
            Receive<string>(s => s == "push", _ => BecomeStacked(() => Receive<string>(s => s == "pop", _ => UnbecomeStacked())));
            Receive<string>(s => log.Add($"string {s}"));
        }

        private static bool Handled(List<string> log, string s)
        {
            if (s == "maybe-not")
            {
                return false;
            }

            log.Add($"maybe {s}");
            return true;
        }
    }

    [Fact]
    public async Task ReceiveActor_TypedHandlersAndPredicates_FirstMatchWins()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<string>();
        var actor = system.ActorOf(Props.Create(() => new Typed(log)));
        actor.Tell(-3);
        actor.Tell(4);
        actor.Tell("maybe-yes");
        actor.Tell("maybe-not");
        actor.Tell("plain");
        system.Det().RunUntilIdle();
        Assert.Equal(["negative -3", "int 4", "maybe maybe-yes", "string maybe-not", "string plain"], log);
    }

    [Fact]
    public async Task ReceiveActor_NoMatchingHandler_IsUnhandled()
    {
        await using var system = Systems.Deterministic(1);
        using var unhandled = new EventLog<UnhandledMessage>(system);
        var actor = system.ActorOf(Props.Create(() => new Typed([])));
        actor.Tell(2.5);
        system.Det().RunUntilIdle();
        Assert.Equal(2.5, Assert.Single(unhandled.Events).Message);
    }

    [Fact]
    public async Task BecomeStacked_Unbecome_ReturnsToPreviousBehaviour()
    {
        await using var system = Systems.Deterministic(1);
        using var unhandled = new EventLog<UnhandledMessage>(system);
        var log = new List<string>();
        var actor = system.ActorOf(Props.Create(() => new Typed(log)));
        actor.Tell("push");
        actor.Tell(1); // the stacked behaviour handles only "pop"
        actor.Tell("pop");
        actor.Tell(2);
        system.Det().RunUntilIdle();
        Assert.Equal(["int 2"], log);
        Assert.Equal(1, Assert.Single(unhandled.Events).Message);
    }

    [Fact]
    public async Task Context_BecomeDiscardOld_ReplacesAndUnbecomeNeverGoesBelowInitial()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<string>();
        var actor = system.ActorOf(FuncActor.Props((self, m) =>
        {
            log.Add("initial " + m);
            if (m is "become")
            {
                self.Ctx.Become(x =>
                {
                    log.Add("second " + x);
                    if (x is "unbecome")
                    {
                        self.Ctx.Unbecome();
                        self.Ctx.Unbecome();
                    }

                    return true;
                });
            }
        }));
        actor.Tell("a");
        actor.Tell("become");
        actor.Tell("b");
        actor.Tell("unbecome");
        actor.Tell("c");
        system.Det().RunUntilIdle();
        Assert.Equal(["initial a", "initial become", "second b", "second unbecome", "initial c"], log);
    }

    [Fact]
    public async Task Stash_SurvivesBecome_UnstashAllReplaysInOrderBeforeNewMessages()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<string>();
        var actor = system.ActorOf(Props.Create(() => new Gate(log)));
        actor.Tell("1");
        actor.Tell("2");
        actor.Tell("3");
        actor.Tell("open");
        actor.Tell("4");
        system.Det().RunUntilIdle();
        Assert.Equal(["open:1", "open:2", "open:3", "open:4"], log);
    }

    [Fact]
    public async Task Unstash_One_PutsOldestBackFirst()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<object>();
        var actor = system.ActorOf(FuncActor.Props((self, m) =>
        {
            if (m is "release")
            {
                self.Ctx.Unstash();
            }
            else if (self.Counter++ < 3)
            {
                self.Ctx.Stash();
            }
            else
            {
                log.Add(m);
            }
        }));
        actor.Tell("a");
        actor.Tell("b");
        actor.Tell("c");
        system.Det().RunUntilIdle();
        actor.Tell("release");
        system.Det().RunUntilIdle();
        Assert.Equal(["a"], log);
        Assert.Equal(2, ((ActorCell)actor).StashCount);
    }

    [Fact]
    public async Task Stash_AcrossRestart_NewInstanceSeesStashedMessagesFirst()
    {
        await using var system = Systems.Deterministic(1);
        var log = new List<string>();
        var actor = system.ActorOf(Props.Create(() => new Gate(log)));
        actor.Tell("1");
        actor.Tell("2");
        actor.Tell("boom");   // restart: the behaviour resets, the stash goes back to the mailbox
        actor.Tell("open");
        actor.Tell("3");
        system.Det().RunUntilIdle();
        Assert.Equal(["open:1", "open:2", "open:3"], log);
    }

    [Fact]
    public async Task Stash_ThenFailInSameMessage_StashedMessageIsRedeliveredAfterRestart()
    {
        await using var system = Systems.Deterministic(1);
        var failures = 0;
        var log = new List<string>();
        var actor = system.ActorOf(FuncActor.Props((self, m) =>
        {
            if (m is "stash-and-fail" && failures == 0)
            {
                self.Ctx.Stash();
                failures++;
                throw new TestFailure("after stash");
            }

            log.Add((string)m);
        }));
        actor.Tell("stash-and-fail");
        actor.Tell("next");
        system.Det().RunUntilIdle();
        Assert.Equal(["stash-and-fail", "next"], log);
    }

    [Fact]
    public async Task Stash_WhenActorStops_StashedMessagesGoToDeadLetters()
    {
        await using var system = Systems.Deterministic(1);
        using var dead = new EventLog<DeadLetter>(system);
        var actor = system.ActorOf(Props.Create(() => new Gate([])));
        actor.Tell("x");
        actor.Tell("y");
        system.Det().RunUntilIdle();
        system.Stop(actor);
        system.Det().RunUntilIdle();
        Assert.Equal(["x", "y"], dead.Events.Select(d => d.Message));
        Assert.All(dead.Events, d => Assert.Contains("stashed", d.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stash_OutsideAMessage_Throws()
    {
        await using var system = Systems.Deterministic(1);
        Exception? caught = null;
        system.ActorOf(FuncActor.Props((_, _) => { }, new ActorHooks
        {
            PreStart = self =>
            {
                try
                {
                    self.Ctx.Stash();
                }
                catch (InvalidOperationException ex)
                {
                    caught = ex;
                }
            },
        }));
        system.Det().RunUntilIdle();
        Assert.NotNull(caught);
    }

    [Fact]
    public async Task Stash_ThreadPool_UnstashAllKeepsOrderUnderLoad()
    {
        await using var system = Systems.Pool();
        var sink = new TestRef();
        var actor = system.ActorOf(FuncActor.Props((self, m) =>
        {
            if (m is "open")
            {
                self.Counter = 1;
                self.Ctx.UnstashAll();
            }
            else if (self.Counter == 0)
            {
                self.Ctx.Stash();
            }
            else
            {
                sink.Tell(m);
            }
        }));
        for (var i = 0; i < 500; i++)
        {
            actor.Tell(i);
        }

        actor.Tell("open");
        for (var i = 500; i < 1000; i++)
        {
            actor.Tell(i);
        }

        await sink.WaitForCount(1000);
        Assert.Equal(Enumerable.Range(0, 1000).Cast<object>(), sink.Messages);
    }
}
