using ActorPager.Runtime;

namespace ActorPager.Runtime.Tests;

/// <summary>
/// The mailbox under many producers and one consumer on the thread-pool dispatcher: nothing is
/// lost and each producer's messages arrive in the order it sent them. Covers the runner's
/// plain-read look at the system queue and a busy mailbox re-queueing itself with its scheduled
/// bit kept (throughput 1 makes every message end a turn with work left).
/// </summary>
public sealed class MailboxQueueTests
{
    private const int Producers = 8;
    private const int PerProducer = 50_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(30)]
    [InlineData(1)]
    public async Task Tell_ManyProducers_NoLossAndPerProducerOrder(int throughput)
    {
        await using var system = ActorSystem.Create("mailbox", new ActorSystemSettings { Throughput = throughput });
        var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = system.ActorOf(Props.Create(() => new OrderChecker(Producers * PerProducer, done)), "consumer");

        using var start = new Barrier(Producers);
        var threads = new Thread[Producers];
        for (var p = 0; p < Producers; p++)
        {
            var producer = p;
            threads[p] = new Thread(() =>
            {
                start.SignalAndWait();
                for (var seq = 0; seq < PerProducer; seq++)
                {
                    consumer.Tell(new Item(producer, seq));
                }
            });
            threads[p].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        var violation = await done.Task.WaitAsync(Bound);
        Assert.Null(violation);
    }

    [Fact]
    public async Task Tell_ManyProducersWithSystemMessages_NoLossAndPerProducerOrder()
    {
        // Watch/unwatch traffic keeps the system queue busy while user messages stream in.
        await using var system = ActorSystem.Create("mailbox-sys");
        var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = system.ActorOf(Props.Create(() => new OrderChecker(Producers * PerProducer, done)), "consumer");
        var watcher = system.ActorOf(Props.Create(() => new Churner(consumer)), "watcher");

        var producers = new Task[Producers];
        for (var p = 0; p < Producers; p++)
        {
            var producer = p;
            producers[p] = Task.Factory.StartNew(
                () =>
                {
                    for (var seq = 0; seq < PerProducer; seq++)
                    {
                        consumer.Tell(new Item(producer, seq));
                        if (seq % 1000 == 0)
                        {
                            watcher.Tell(Churner.Churn.Instance);
                        }
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        await Task.WhenAll(producers).WaitAsync(Bound);
        var violation = await done.Task.WaitAsync(Bound);
        Assert.Null(violation);
    }

    private sealed record Item(int Producer, int Seq);

    /// <summary>Checks each producer's sequence; completes with null, or with the first violation.</summary>
    private sealed class OrderChecker(int expected, TaskCompletionSource<string?> done) : ActorBase
    {
        private readonly int[] _next = new int[Producers];
        private int _received;

        protected internal override bool Receive(object message)
        {
            if (message is not Item item)
            {
                return false;
            }

            if (item.Seq != _next[item.Producer])
            {
                done.TrySetResult($"producer {item.Producer}: expected seq {_next[item.Producer]}, got {item.Seq} after {_received} messages");
            }

            _next[item.Producer] = item.Seq + 1;
            if (++_received == expected)
            {
                done.TrySetResult(null);
            }

            return true;
        }
    }

    /// <summary>Watches and unwatches its subject on each Churn, sending system messages to it.</summary>
    private sealed class Churner(IActorRef subject) : ActorBase
    {
        protected internal override bool Receive(object message)
        {
            if (message is Churn)
            {
                Context.Watch(subject);
                Context.Unwatch(subject);
                return true;
            }

            return false;
        }

        public sealed class Churn
        {
            public static readonly Churn Instance = new();
        }
    }
}
