using System.Threading.Channels;
using System.Threading.Tasks.Dataflow;
using Akka.Actor;
using BenchmarkDotNet.Attributes;

namespace ActorPager.Bench.Runtime;

/// <summary>
/// Fan-in, the same work three ways: <see cref="Producers"/> producers, each on its own thread,
/// send <see cref="PerProducer"/> copies of one preallocated message to one consumer, which
/// counts them; a round ends when the consumer has counted all of them. The consumer is an
/// actor (<c>Tell</c>), an ActionBlock (<c>Post</c>) or a loop reading an unbounded
/// single-reader Channel (<c>TryWrite</c>).
/// </summary>
public sealed class FanInWorkload : IDisposable
{
    /// <summary>Producers per round.</summary>
    public const int Producers = 8;

    private static readonly object Item = new();

    private readonly ActorSystem _system;
    private readonly IActorRef _actor;
    private readonly Round _round = new();
    private readonly ActionBlock<object> _block;
    private readonly Counter _blockCounter = new();

    /// <summary>Creates the actor system, the consuming actor and the consuming block.</summary>
    /// <param name="perProducer">Messages each producer sends per round.</param>
    public FanInWorkload(int perProducer)
    {
        PerProducer = perProducer;
        _system = BenchSystem.Create("fanin");
        _actor = _system.ActorOf(Props.Create<Consumer>(), "consumer");
        var counter = _blockCounter;
        var round = _round;
        _block = new ActionBlock<object>(_ =>
        {
            if (--counter.Left == 0)
            {
                round.PartyDone();
            }
        });
    }

    /// <summary>Messages each producer sends per round.</summary>
    public int PerProducer { get; }

    /// <summary>Messages per round.</summary>
    public int MessagesPerRound => Producers * PerProducer;

    /// <summary>One round into the actor.</summary>
    public void RunActor()
    {
        _round.Reset(1);
        _actor.Tell(new Consumer.Start(MessagesPerRound, _round));
        var actor = _actor;
        Produce(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                actor.Tell(Item);
            }
        });
        _round.Wait();
    }

    /// <summary>One round into the ActionBlock.</summary>
    public void RunActionBlock()
    {
        _round.Reset(1);
        _blockCounter.Left = MessagesPerRound;
        var block = _block;
        Produce(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                block.Post(Item);
            }
        });
        _round.Wait();
    }

    /// <summary>One round into a Channel read loop.</summary>
    public void RunChannel()
    {
        var channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        var consumer = Task.Run(() => Consume(channel.Reader, MessagesPerRound));
        var writer = channel.Writer;
        Produce(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                writer.TryWrite(Item);
            }
        });
        consumer.Wait();
    }

    private static async Task Consume(ChannelReader<object> reader, int left)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out _))
            {
                if (--left == 0)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Runs <paramref name="body"/> on <see cref="Producers"/> fresh threads and waits for them.</summary>
    private static void Produce(Action body)
    {
        var threads = new Thread[Producers];
        for (var p = 0; p < Producers; p++)
        {
            threads[p] = new Thread(() => body()) { IsBackground = true };
            threads[p].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _block.Complete();
        _system.Terminate().Wait();
        _round.Dispose();
    }

    /// <summary>What the block counts down; touched only by the block's worker.</summary>
    private sealed class Counter
    {
        public int Left;
    }

    /// <summary>The consuming actor.</summary>
    private sealed class Consumer : ActorBase
    {
        private int _left;
        private Round? _round;

        protected override bool Receive(object message)
        {
            if (ReferenceEquals(message, Item))
            {
                if (--_left == 0)
                {
                    _round!.PartyDone();
                }

                return true;
            }

            if (message is Start start)
            {
                _left = start.Count;
                _round = start.Round;
                return true;
            }

            return false;
        }

        /// <summary>Sets the count for a round.</summary>
        public sealed record Start(int Count, Round Round);
    }
}

/// <summary>Fan-in of 8 producers: actor vs ActionBlock (baseline) vs Channel read loop; see <see cref="FanInWorkload"/>.</summary>
[MemoryDiagnoser]
public class FanInBenchmarks
{
    private const int PerProducer = 250_000;
    private FanInWorkload _workload = null!;

    /// <summary>Creates the consumers.</summary>
    [GlobalSetup]
    public void Setup() => _workload = new FanInWorkload(PerProducer);

    /// <summary>Stops the actor system.</summary>
    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    /// <summary>Into an ActionBlock.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = FanInWorkload.Producers * PerProducer)]
    public void ActionBlock() => _workload.RunActionBlock();

    /// <summary>Into a Channel read loop.</summary>
    [Benchmark(OperationsPerInvoke = FanInWorkload.Producers * PerProducer)]
    public void Channels() => _workload.RunChannel();

    /// <summary>Into an actor.</summary>
    [Benchmark(OperationsPerInvoke = FanInWorkload.Producers * PerProducer)]
    public void Actor() => _workload.RunActor();
}
