using System.Collections.Concurrent;

namespace ActorPager.Runtime.Tests;

public sealed class MailboxTests
{
    private sealed record Numbered(int Producer, int N);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Tell_OneSenderOneReceiver_Deterministic_KeepsOrderUnderInterleaving(long seed)
    {
        await using var system = Systems.Deterministic(seed);
        var received = new List<Numbered>();
        var receiver = system.ActorOf(FuncActor.Props((_, m) => received.Add((Numbered)m)), "receiver");
        for (var p = 0; p < 4; p++)
        {
            var producer = p;
            var sender = system.ActorOf(FuncActor.Props((self, _) =>
            {
                for (var i = 0; i < 50; i++)
                {
                    receiver.Tell(new Numbered(producer, i), self.Me);
                }
            }));
            sender.Tell("go");
        }

        system.Det().RunUntilIdle();
        Assert.True(received.Count == 200, $"seed {seed}: {received.Count} of 200 arrived");
        for (var p = 0; p < 4; p++)
        {
            var mine = received.Where(r => r.Producer == p).Select(r => r.N).ToArray();
            Assert.True(mine.SequenceEqual(Enumerable.Range(0, 50)), $"seed {seed}: producer {p} arrived as {string.Join(",", mine)}");
        }
    }

    [Fact]
    public async Task Tell_OneSenderActorOneReceiver_ThreadPool_KeepsOrder()
    {
        await using var system = Systems.Pool();
        const int count = 20_000;
        var done = new TaskCompletionSource<int[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var got = new int[count];
        var receiver = system.ActorOf(FuncActor.Props((self, m) =>
        {
            got[self.Counter++] = (int)m;
            if (self.Counter == count)
            {
                done.SetResult(got);
            }
        }));
        var sender = system.ActorOf(FuncActor.Props((self, _) =>
        {
            for (var i = 0; i < count; i++)
            {
                receiver.Tell(i, self.Me);
            }
        }));
        sender.Tell("go");
        var result = await done.Task.Within($"{count} ordered messages");
        Assert.Equal(Enumerable.Range(0, count), result);
    }

    [Fact]
    public async Task Tell_ManyThreadsToOneActor_ThreadPool_PerSenderOrderKept()
    {
        await using var system = Systems.Pool();
        const int producers = 4;
        const int each = 25_000;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var next = new int[producers];
        var errors = new ConcurrentQueue<string>();
        var receiver = system.ActorOf(FuncActor.Props((self, m) =>
        {
            var n = (Numbered)m;
            if (next[n.Producer] != n.N)
            {
                errors.Enqueue($"producer {n.Producer}: expected {next[n.Producer]}, got {n.N}");
            }

            next[n.Producer] = n.N + 1;
            if (++self.Counter == producers * each)
            {
                done.SetResult();
            }
        }));
        var threads = Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < each; i++)
            {
                receiver.Tell(new Numbered(p, i));
            }
        })).ToArray();
        await Task.WhenAll(threads).Within("producers");
        await done.Task.Within("every message");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Tell_MillionMessages_ThreadPool_NoneLost()
    {
        await using var system = Systems.Pool();
        const int producers = 4;
        const int each = 250_000;
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var counter = system.ActorOf(FuncActor.Props((self, m) =>
        {
            if (++self.Counter == producers * each)
            {
                done.SetResult(self.Counter);
            }
        }));
        var message = new object();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var sends = Enumerable.Range(0, producers).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < each; i++)
            {
                counter.Tell(message);
            }
        })).ToArray();
        await Task.WhenAll(sends).Within("the producers");
        Assert.Equal(producers * each, await done.Task.Within("a million messages"));
        Assert.Equal(0, system.DeadLetterCount);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"a million messages took {watch.Elapsed}");
    }

    [Fact]
    public async Task SystemMessage_Stop_OvertakesQueuedUserMessages()
    {
        await using var system = Systems.Deterministic(1);
        using var dead = new EventLog<DeadLetter>(system);
        var handled = new List<object>();
        var actor = system.ActorOf(FuncActor.Props((_, m) => handled.Add(m)));
        system.Det().RunUntilIdle();
        actor.Tell(1);
        actor.Tell(2);
        actor.Tell(3);
        system.Stop(actor);
        system.Det().RunUntilIdle();
        Assert.Empty(handled);
        Assert.Equal([1, 2, 3], dead.Events.Select(d => d.Message));
        Assert.All(dead.Events, d => Assert.Equal("recipient stopped", d.Reason));
    }

    [Fact]
    public async Task SystemMessage_WhileActorBusy_ThreadPool_RunsBeforeTheRestOfTheQueue()
    {
        await using var system = Systems.Pool();
        using var dead = new EventLog<DeadLetter>(system);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var gate = new ManualResetEventSlim(false);
        var handled = new ConcurrentQueue<object>();
        var actor = system.ActorOf(FuncActor.Props((_, m) =>
        {
            handled.Enqueue(m);
            if (m is "block")
            {
                entered.SetResult();
                gate.Wait(Systems.Patience);
            }
        }));
        actor.Tell("block");
        await entered.Task.Within("the actor to block");
        for (var i = 0; i < 10; i++)
        {
            actor.Tell(i);
        }

        var watcherSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(FuncActor.Props((_, m) => watcherSeen.TrySetResult(), new ActorHooks { PreStart = self => self.Ctx.Watch(actor) }));
        system.Stop(actor);
        gate.Set();
        await watcherSeen.Task.Within("Terminated");
        Assert.Equal(["block"], handled);
        Assert.Equal(10, dead.Events.Count(d => d.Message is int));
    }

    [Fact]
    public async Task PoisonPill_HandlesEarlierMessages_DeadLettersLaterOnes()
    {
        await using var system = Systems.Deterministic(1);
        using var dead = new EventLog<DeadLetter>(system);
        var handled = new List<object>();
        var actor = system.ActorOf(FuncActor.Props((_, m) => handled.Add(m)));
        actor.Tell(1);
        actor.Tell(2);
        actor.Tell(PoisonPill.Instance);
        actor.Tell(3);
        system.Det().RunUntilIdle();
        Assert.Equal([1, 2], handled);
        Assert.Equal([3], dead.Events.Select(d => d.Message));
        Assert.True(((ActorCell)actor).IsTerminated);
    }

    [Fact]
    public async Task Tell_ToStoppedActor_PublishesDeadLetterWithSenderAndRecipient()
    {
        await using var system = Systems.Deterministic(1);
        using var dead = new EventLog<DeadLetter>(system);
        var actor = system.ActorOf(Props.Create(() => new Echo()));
        system.Stop(actor);
        system.Det().RunUntilIdle();
        var probe = new TestRef();
        actor.Tell("late", probe);
        var letter = Assert.Single(dead.Events);
        Assert.Equal("late", letter.Message);
        Assert.Same(probe, letter.Sender);
        Assert.Same(actor, letter.Recipient);
        Assert.Equal(1, system.DeadLetterCount);
    }

    [Fact]
    public async Task BoundedMailbox_DeadLetterPolicy_OverflowGoesToDeadLetters()
    {
        await using var system = Systems.Deterministic(1);
        using var dead = new EventLog<DeadLetter>(system);
        var handled = new List<object>();
        var actor = system.ActorOf(FuncActor.Props((_, m) => handled.Add(m)).WithMailbox(MailboxOptions.Bounded(2)));
        for (var i = 0; i < 5; i++)
        {
            actor.Tell(i);
        }

        system.Det().RunUntilIdle();
        Assert.Equal([0, 1], handled);
        Assert.Equal([2, 3, 4], dead.Events.Select(d => d.Message));
        Assert.All(dead.Events, d => Assert.Contains("mailbox full (2 messages)", d.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BoundedMailbox_RejectPolicy_ThrowsToSender_AndEnqueuesNothing()
    {
        await using var system = Systems.Deterministic(1, "rej");
        using var dead = new EventLog<DeadLetter>(system);
        var handled = new List<object>();
        var actor = system.ActorOf(FuncActor.Props((_, m) => handled.Add(m)).WithMailbox(MailboxOptions.Bounded(1, MailboxOverflow.Reject)), "small");
        actor.Tell("fits");
        var ex = Assert.Throws<MailboxFullException>(() => actor.Tell("too many"));
        Assert.Contains("actorpager://rej/user/small", ex.Message, StringComparison.Ordinal);
        Assert.Contains("String", ex.Message, StringComparison.Ordinal);
        system.Det().RunUntilIdle();
        Assert.Equal(["fits"], handled);
        Assert.Empty(dead.Events);
    }

    [Fact]
    public async Task BoundedMailbox_AfterDraining_AcceptsAgain()
    {
        await using var system = Systems.Deterministic(1);
        var handled = new List<object>();
        var actor = system.ActorOf(FuncActor.Props((_, m) => handled.Add(m)).WithMailbox(MailboxOptions.Bounded(2, MailboxOverflow.Reject)));
        for (var round = 0; round < 3; round++)
        {
            actor.Tell(round * 2);
            actor.Tell((round * 2) + 1);
            system.Det().RunUntilIdle();
        }

        Assert.Equal(Enumerable.Range(0, 6).Cast<object>(), handled);
    }

    [Fact]
    public void MailboxOptions_Bounded_RejectsCapacityBelowOne()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MailboxOptions.Bounded(0));
        Assert.False(MailboxOptions.Unbounded.IsBounded);
        Assert.True(MailboxOptions.Bounded(1).IsBounded);
    }

    [Fact]
    public async Task DefaultMailbox_FromSettings_AppliesToPropsWithoutMailbox()
    {
        await using var system = ActorSystem.Create("bounded-default", Systems.DeterministicSettings(1) with { DefaultMailbox = MailboxOptions.Bounded(1) });
        using var dead = new EventLog<DeadLetter>(system);
        var actor = system.ActorOf(Props.Create(() => new Echo()));
        actor.Tell(1);
        actor.Tell(2);
        Assert.Single(dead.Events);
    }

    [Fact]
    public async Task ThreadPoolTurn_HandlesAtMostThroughputMessages()
    {
        await using var system = ActorSystem.Create("batch", Systems.PoolSettings() with { Throughput = 3 });
        var testThread = -1;
        var onTestThread = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = (ActorCell)system.ActorOf(FuncActor.Props((self, m) =>
        {
            if (m is "ping")
            {
                self.From.Tell("pong");
                return;
            }

            if (Environment.CurrentManagedThreadId == Volatile.Read(ref testThread))
            {
                onTestThread++;
            }

            if (++self.Counter == 10)
            {
                done.SetResult();
            }
        }));
        await actor.Ask<string>("ping", Systems.Patience).Within("the actor to start");

        // Hold the scheduled bit so the pool cannot take the mailbox, queue ten messages, then
        // run one turn on a thread of our own (not a pool thread, which could also pick up the
        // pool's later turns): it must stop after three and hand the rest to the pool.
        Assert.True(SpinWait.SpinUntil(() => actor.Mailbox.SetAsScheduled(), Systems.Patience), "the mailbox stayed scheduled");
        for (var i = 0; i < 10; i++)
        {
            actor.Tell(i);
        }

        var turn = new Thread(() =>
        {
            testThread = Environment.CurrentManagedThreadId;
            actor.Mailbox.Execute();
        });
        turn.Start();
        turn.Join();
        await done.Task.Within("all ten messages");
        Assert.Equal(3, onTestThread);
    }

    [Fact]
    public async Task Tell_RacingSelfStop_ThreadPool_EveryMessageHandledOrDeadLetteredOnce()
    {
        for (var round = 0; round < 20; round++)
        {
            await using var system = Systems.Pool();
            var dead = 0;
            using var sub = system.EventStream.Subscribe<DeadLetter>(d =>
            {
                if (d.Message is Numbered)
                {
                    Interlocked.Increment(ref dead);
                }
            });
            var handled = 0;
            var watcherDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var actor = system.ActorOf(FuncActor.Props((self, m) =>
            {
                if (m is Numbered && Interlocked.Increment(ref handled) == 3000)
                {
                    self.Ctx.Stop(self.Me);
                }
            }));
            system.ActorOf(FuncActor.Props((_, _) => watcherDone.TrySetResult(), new ActorHooks { PreStart = self => self.Ctx.Watch(actor) }));
            var senders = Enumerable.Range(0, 4).Select(p => Task.Run(() =>
            {
                for (var i = 0; i < 2500; i++)
                {
                    actor.Tell(new Numbered(p, i));
                }
            })).ToArray();
            await Task.WhenAll(senders).Within("senders");
            await watcherDone.Task.Within("the actor to stop");
            Assert.True(handled + Volatile.Read(ref dead) == 10_000, $"round {round}: handled {handled} + dead {dead} != 10000");
        }
    }
}
