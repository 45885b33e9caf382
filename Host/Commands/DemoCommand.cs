using System.CommandLine;
using ActorPager.Runtime;

namespace ActorPager.Host;

/// <summary>
/// <c>actorpager demo</c>: a short scripted workload that shows the actor runtime at work — a
/// ping-pong on the thread pool, a supervised failure and restart, and the same small system run
/// twice on the deterministic dispatcher with one seed, giving the same trace hash.
/// (The pager demo replaces it when the pager lands.)
/// </summary>
internal static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var seed = new Option<long>("--seed") { Description = "Seed of the deterministic part of the demo.", DefaultValueFactory = _ => 7 };
        var command = new Command("demo", "Start an embedded actor system, run a short scripted workload and print what happened.");
        command.Options.Add(seed);
        command.SetAction((parse, _) => RunAsync(parse.GetValue(seed)));
        return command;
    }

    private static async Task<int> RunAsync(long seed)
    {
        Console.WriteLine("ActorPager demo: the actor runtime at work");
        await using (var system = ActorSystem.Create("demo", new ActorSystemSettings { LogToStandardError = false }))
        {
            var ponger = system.ActorOf(Props.Create(() => new Ponger()), "ponger");
            var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            system.ActorOf(Props.Create(() => new Pinger(ponger, 100_000, done)), "pinger");
            var rounds = await done.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            Console.WriteLine($"  ping-pong: {rounds:N0} round trips between /user/pinger and /user/ponger on the thread pool");

            var failures = new List<string>();
            using var subscription = system.EventStream.Subscribe<LogEvent>(e =>
            {
                lock (failures)
                {
                    failures.Add(e.Message);
                }
            });
            var counter = system.ActorOf(Props.Create(() => new Counter()), "counter");
            counter.Tell(1);
            counter.Tell(2);
            counter.Tell("boom");
            counter.Tell(3);
            var total = await counter.Ask<int>(Counter.Get.Instance, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            Console.WriteLine($"  supervision: /user/counter failed on \"boom\", was restarted with its mailbox kept; after the restart it counted {total} (the 3 sent after the failure)");
            lock (failures)
            {
                foreach (var f in failures)
                {
                    Console.WriteLine($"    logged: {f}");
                }
            }
        }

        var first = RunDeterministic(seed);
        var second = RunDeterministic(seed);
        var other = RunDeterministic(seed + 1);
        Console.WriteLine($"  deterministic: seed {seed} -> {first.Steps} deliveries, trace hash {first.Hash:x16}; again -> {second.Hash:x16} ({(first.Hash == second.Hash ? "identical" : "DIFFERENT")})");
        Console.WriteLine($"  deterministic: seed {seed + 1} -> trace hash {other.Hash:x16}");
        return first.Hash == second.Hash ? 0 : 1;
    }

    private static (long Steps, ulong Hash) RunDeterministic(long seed)
    {
        var system = ActorSystem.Create("det", new ActorSystemSettings { Dispatcher = DispatcherKind.Deterministic, Seed = seed, LogToStandardError = false });
        var ponger = system.ActorOf(Props.Create(() => new Ponger()), "ponger");
        var done = new TaskCompletionSource<int>();
        for (var i = 0; i < 3; i++)
        {
            var signal = i == 0 ? done : new TaskCompletionSource<int>();
            system.ActorOf(Props.Create(() => new Pinger(ponger, 5, signal)), $"pinger-{i}");
        }

        var dispatcher = system.Deterministic!;
        dispatcher.RunUntilQuiescent();
        var terminated = system.Terminate();
        dispatcher.RunUntil(() => terminated.IsCompleted);
        return (dispatcher.StepCount, dispatcher.Trace.Hash);
    }

    private sealed class Ponger : ReceiveActor
    {
        public Ponger() => Receive<int>(n => Sender.Tell(n + 1, Self));
    }

    private sealed class Pinger : ReceiveActor
    {
        public Pinger(IActorRef ponger, int rounds, TaskCompletionSource<int> done)
        {
            Receive<int>(n =>
            {
                if (n >= rounds)
                {
                    done.TrySetResult(n);
                }
                else
                {
                    ponger.Tell(n, Self);
                }
            });
            ponger.Tell(0, Self);
        }
    }

    private sealed class Counter : ReceiveActor
    {
        private int _total;

        public Counter()
        {
            Receive<int>(n => _total += n);
            Receive<string>(s => throw new InvalidOperationException($"cannot count \"{s}\""));
            Receive<Get>(_ => Sender.Tell(_total, Self));
        }

        public sealed class Get
        {
            public static readonly Get Instance = new();
        }
    }
}
