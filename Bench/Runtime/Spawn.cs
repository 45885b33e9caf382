using Akka.Actor;
using BenchmarkDotNet.Attributes;

namespace ActorPager.Bench.Runtime;

/// <summary>
/// Spawn and stop: a fresh parent actor creates <see cref="Count"/> children with
/// <c>Context.ActorOf</c> in one message; the round waits until every child has run its
/// <c>PreStart</c>, then stops the parent and waits for the parent's <c>PostStop</c>, which runs
/// only after every child has stopped and been removed from the parent's table, so the time
/// covers the whole life of each child and all of the runtime's bookkeeping. The retained memory
/// of an idle actor is measured apart: <c>GC.GetTotalMemory(true)</c> before the parent is asked
/// to spawn and after all <see cref="Count"/> children have started (and never had a message).
/// </summary>
public sealed class SpawnWorkload : IDisposable
{
    private readonly ActorSystem _system;
    private readonly Props _parentProps;
    private readonly Round _started = new();
    private readonly Round _stopped = new();
    private IActorRef? _parent;

    /// <summary>Creates the actor system.</summary>
    /// <param name="count">Actors per round.</param>
    public SpawnWorkload(int count)
    {
        Count = count;
        _system = BenchSystem.Create("spawn");
        Idle.Started = _started;
        Parent.Stopped = _stopped;
        _parentProps = Props.Create<Parent>();
    }

    /// <summary>Actors per round.</summary>
    public int Count { get; }

    /// <summary>Spawns <see cref="Count"/> children, waits until all have started, and returns the bytes retained per child.</summary>
    public double SpawnAndMeasureRetained()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        Spawn();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        return (after - before) / (double)Count;
    }

    /// <summary>Spawns, starts, stops and waits for <see cref="Count"/> children.</summary>
    public void SpawnAndStop()
    {
        Spawn();
        StopAll();
    }

    /// <summary>Stops the parent of the last spawn and waits until it and its children have stopped.</summary>
    public void StopAll()
    {
        _stopped.Reset(1);
        _system.Stop(_parent!);
        _parent = null;
        _stopped.Wait();
    }

    private void Spawn()
    {
        _started.Reset(Count);
        _parent = _system.ActorOf(_parentProps);
        _parent.Tell(Count);
        _started.Wait();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _system.Terminate().Wait();
        _started.Dispose();
        _stopped.Dispose();
    }

    /// <summary>Spawns as many children as it is told; reports its own stop.</summary>
    private sealed class Parent : ActorBase
    {
        public static Round? Stopped;
        private static readonly Props ChildProps = Props.Create<Idle>();

        protected override bool Receive(object message)
        {
            if (message is int count)
            {
                for (var i = 0; i < count; i++)
                {
                    Context.ActorOf(ChildProps);
                }

                return true;
            }

            return false;
        }

        protected override void PostStop() => Stopped!.PartyDone();
    }

    /// <summary>
    /// An actor that only reports its start. The round is static so the instance is the smallest
    /// an actor can be (its header and the base class's one field): the retained figure is then
    /// the runtime's own cost.
    /// </summary>
    private sealed class Idle : ActorBase
    {
        public static Round? Started;

        protected override bool Receive(object message) => false;

        protected override void PreStart() => Started!.PartyDone();
    }
}

/// <summary>Spawn and stop 100,000 actors; see <see cref="SpawnWorkload"/>.</summary>
[MemoryDiagnoser]
public class SpawnBenchmarks
{
    private const int Count = 100_000;
    private SpawnWorkload _workload = null!;

    /// <summary>Creates the actor system.</summary>
    [GlobalSetup]
    public void Setup() => _workload = new SpawnWorkload(Count);

    /// <summary>Stops the actor system.</summary>
    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    /// <summary>Spawn, start, stop and wait, per actor.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public void SpawnAndStop() => _workload.SpawnAndStop();
}
