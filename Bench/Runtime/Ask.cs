using System.Threading.Channels;
using Akka.Actor;
using BenchmarkDotNet.Attributes;

namespace ActorPager.Bench.Runtime;

/// <summary>
/// Ask round trips: one caller awaits <c>echo.Ask&lt;object&gt;(message)</c> to an actor that
/// replies to <c>Sender</c>, one ask at a time (a round trip, not a pipelined batch), with the
/// default 5 s timeout, so every ask also sets and cancels its timer. The peer is the floor of
/// any such round trip on the thread pool: a Channel read loop that completes a
/// <see cref="TaskCompletionSource{T}"/> carried in the request.
/// </summary>
public sealed class AskWorkload : IDisposable
{
    private static readonly object Request = new();

    private readonly ActorSystem _system;
    private readonly IActorRef _echo;
    private readonly Channel<TaskCompletionSource<object>> _requests =
        Channel.CreateUnbounded<TaskCompletionSource<object>>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Task _server;

    /// <summary>Creates the actor system, the echo actor and the channel server.</summary>
    public AskWorkload()
    {
        _system = BenchSystem.Create("ask");
        _echo = _system.ActorOf(Props.Create<Echo>(), "echo");
        _server = Task.Run(() => Serve(_requests.Reader));
    }

    /// <summary><paramref name="count"/> sequential asks.</summary>
    public async Task AskSequential(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _echo.Ask<object>(Request).ConfigureAwait(false);
        }
    }

    /// <summary><paramref name="count"/> sequential request/reply round trips through a Channel loop.</summary>
    public async Task ChannelSequential(int count)
    {
        var writer = _requests.Writer;
        for (var i = 0; i < count; i++)
        {
            var reply = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
            writer.TryWrite(reply);
            await reply.Task.ConfigureAwait(false);
        }
    }

    private static async Task Serve(ChannelReader<TaskCompletionSource<object>> reader)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var reply))
            {
                reply.TrySetResult(Request);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _requests.Writer.Complete();
        _server.Wait();
        _system.Terminate().Wait();
    }

    /// <summary>Replies with the request.</summary>
    private sealed class Echo : ActorBase
    {
        protected override bool Receive(object message)
        {
            Sender.Tell(message, Self);
            return true;
        }
    }
}

/// <summary>Ask round trip: ns and bytes per sequential ask; see <see cref="AskWorkload"/>.</summary>
[MemoryDiagnoser]
public class AskBenchmarks
{
    private const int Count = 20_000;
    private AskWorkload _workload = null!;

    /// <summary>Creates the echo actor.</summary>
    [GlobalSetup]
    public void Setup() => _workload = new AskWorkload();

    /// <summary>Stops the actor system.</summary>
    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    /// <summary>A Channel request carrying a TaskCompletionSource, completed by a read loop.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public Task ChannelRequestReply() => _workload.ChannelSequential(Count);

    /// <summary>Ask, awaited one at a time.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public Task Ask() => _workload.AskSequential(Count);
}
