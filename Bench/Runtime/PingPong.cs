using System.Threading.Channels;
using System.Threading.Tasks.Dataflow;
using Akka.Actor;
using BenchmarkDotNet.Attributes;

namespace ActorPager.Bench.Runtime;

/// <summary>
/// Ping-pong, the same work three ways. Two parties bounce one preallocated message object back
/// and forth with <see cref="InFlight"/> messages in flight: party A is seeded with K messages,
/// each party forwards every message it receives to the other until it has forwarded
/// <c>S</c>, so a round delivers exactly <c>K + 2S</c> messages. The actor pair replies to
/// <c>Sender</c>; the ActionBlock pair posts to the other block; the Channel pair runs two
/// <c>WaitToReadAsync</c>/<c>TryRead</c> loops over unbounded single-reader channels.
/// </summary>
public sealed class PingPongWorkload : IDisposable
{
    /// <summary>The one message object every party bounces.</summary>
    private static readonly object Ball = new();

    private readonly ActorSystem _system;
    private readonly IActorRef _actorA;
    private readonly IActorRef _actorB;
    private readonly Round _round = new();
    private readonly BlockState _blockState = new();
    private readonly ActionBlock<object> _blockA;
    private readonly ActionBlock<object> _blockB;

    /// <summary>Creates the actor system, the two actors and the two blocks.</summary>
    /// <param name="inFlight">K: messages in flight.</param>
    /// <param name="forwardsPerParty">S: messages each party forwards per round.</param>
    public PingPongWorkload(int inFlight, int forwardsPerParty)
    {
        InFlight = inFlight;
        ForwardsPerParty = forwardsPerParty;
        _system = BenchSystem.Create("pingpong");
        _actorA = _system.ActorOf(Props.Create<Party>(), "a");
        _actorB = _system.ActorOf(Props.Create<Party>(), "b");

        var state = _blockState;
        var round = _round;
        ActionBlock<object>? blockB = null;
        _blockA = new ActionBlock<object>(ball =>
        {
            if (state.ASendsLeft > 0)
            {
                state.ASendsLeft--;
                blockB!.Post(ball);
            }

            if (--state.AReceivesLeft == 0)
            {
                round.PartyDone();
            }
        });
        var blockA = _blockA;
        _blockB = blockB = new ActionBlock<object>(ball =>
        {
            if (state.BSendsLeft > 0)
            {
                state.BSendsLeft--;
                blockA.Post(ball);
            }

            if (--state.BReceivesLeft == 0)
            {
                round.PartyDone();
            }
        });
    }

    /// <summary>K: messages in flight.</summary>
    public int InFlight { get; }

    /// <summary>S: messages each party forwards per round.</summary>
    public int ForwardsPerParty { get; }

    /// <summary>Messages delivered per round: K + 2S.</summary>
    public int MessagesPerRound => InFlight + (2 * ForwardsPerParty);

    /// <summary>One round between the two actors.</summary>
    public void RunActors()
    {
        _round.Reset();
        _actorA.Tell(new Party.Start(ForwardsPerParty, InFlight + ForwardsPerParty, _round));
        _actorB.Tell(new Party.Start(ForwardsPerParty, ForwardsPerParty, _round));
        for (var i = 0; i < InFlight; i++)
        {
            _actorA.Tell(Ball, _actorB);
        }

        _round.Wait();
    }

    /// <summary>One round between the two ActionBlocks.</summary>
    public void RunActionBlocks()
    {
        _round.Reset();
        _blockState.ASendsLeft = ForwardsPerParty;
        _blockState.AReceivesLeft = InFlight + ForwardsPerParty;
        _blockState.BSendsLeft = ForwardsPerParty;
        _blockState.BReceivesLeft = ForwardsPerParty;

        // The blocks are idle here; posting publishes the fields above to their workers.
        for (var i = 0; i < InFlight; i++)
        {
            _blockA.Post(Ball);
        }

        _round.Wait();
    }

    /// <summary>One round between two Channel read loops.</summary>
    public void RunChannels()
    {
        var options = new UnboundedChannelOptions { SingleReader = true };
        var toA = Channel.CreateUnbounded<object>(options);
        var toB = Channel.CreateUnbounded<object>(options);
        for (var i = 0; i < InFlight; i++)
        {
            toA.Writer.TryWrite(Ball);
        }

        var a = Task.Run(() => Loop(toA.Reader, toB.Writer, ForwardsPerParty, InFlight + ForwardsPerParty));
        var b = Task.Run(() => Loop(toB.Reader, toA.Writer, ForwardsPerParty, ForwardsPerParty));
        Task.WaitAll(a, b);
    }

    private static async Task Loop(ChannelReader<object> reader, ChannelWriter<object> partner, int sends, int receives)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var ball))
            {
                if (sends > 0)
                {
                    sends--;
                    partner.TryWrite(ball);
                }

                if (--receives == 0)
                {
                    return;
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _blockA.Complete();
        _blockB.Complete();
        _system.Terminate().Wait();
        _round.Dispose();
    }

    /// <summary>Counters of the ActionBlock pair; each pair of fields is touched only by its block.</summary>
    private sealed class BlockState
    {
        public int ASendsLeft;
        public int AReceivesLeft;
        public int BSendsLeft;
        public int BReceivesLeft;
    }

    /// <summary>One side of the actor pair.</summary>
    private sealed class Party : ActorBase
    {
        private int _sendsLeft;
        private int _receivesLeft;
        private Round? _round;

        protected override bool Receive(object message)
        {
            if (ReferenceEquals(message, Ball))
            {
                if (_sendsLeft > 0)
                {
                    _sendsLeft--;
                    Sender.Tell(message, Self);
                }

                if (--_receivesLeft == 0)
                {
                    _round!.PartyDone();
                }

                return true;
            }

            if (message is Start start)
            {
                _sendsLeft = start.Sends;
                _receivesLeft = start.Receives;
                _round = start.Round;
                return true;
            }

            return false;
        }

        /// <summary>Sets the counters for a round.</summary>
        public sealed record Start(int Sends, int Receives, Round Round);
    }
}

/// <summary>Two parties finishing a round; the measuring thread blocks until both have.</summary>
public sealed class Round : IDisposable
{
    private readonly ManualResetEventSlim _done = new(false);
    private int _left;

    /// <summary>Arms the round for <paramref name="parties"/> parties.</summary>
    public void Reset(int parties = 2)
    {
        _done.Reset();
        Volatile.Write(ref _left, parties);
    }

    /// <summary>One party has finished.</summary>
    public void PartyDone()
    {
        if (Interlocked.Decrement(ref _left) == 0)
        {
            _done.Set();
        }
    }

    /// <summary>Blocks until every party has finished.</summary>
    public void Wait() => _done.Wait();

    /// <inheritdoc />
    public void Dispose() => _done.Dispose();
}

/// <summary>Ping-pong: actors vs ActionBlock (baseline) vs Channel read loops; see <see cref="PingPongWorkload"/>.</summary>
[MemoryDiagnoser]
public class PingPongBenchmarks
{
    private const int Forwards = 500_000;
    private PingPongWorkload _workload = null!;

    /// <summary>K: messages in flight, the same for all three.</summary>
    [Params(1, 16)]
    public int InFlight { get; set; }

    /// <summary>Creates the pairs.</summary>
    [GlobalSetup]
    public void Setup() => _workload = new PingPongWorkload(InFlight, Forwards);

    /// <summary>Stops the actor system.</summary>
    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    /// <summary>Two ActionBlocks.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = 2 * Forwards)]
    public void ActionBlock() => _workload.RunActionBlocks();

    /// <summary>Two Channel read loops.</summary>
    [Benchmark(OperationsPerInvoke = 2 * Forwards)]
    public void Channels() => _workload.RunChannels();

    /// <summary>Two actors.</summary>
    [Benchmark(OperationsPerInvoke = 2 * Forwards)]
    public void Actors() => _workload.RunActors();
}
