using System.Collections.Concurrent;
using Akka.Actor;

namespace ActorPager.Service.Cluster;

/// <summary>
/// The files this node owns now, each with its ownership generation and its entity. A file entity
/// enters its file once the journal took its <see cref="FileEvents.Owned"/> and the store its
/// fence, and leaves it when it stops. The page store this node mounts
/// (<see cref="OwnedStore"/>) writes a file only with the generation found here, so a node that
/// no longer owns a file writes nothing to it, and a write the store fences tells the entity.
/// </summary>
internal sealed class Ownership
{
    private readonly ConcurrentDictionary<string, Owner> _owners = new(StringComparer.Ordinal);

    /// <summary>One owned file: its generation and the entity that serves it.</summary>
    internal sealed record Owner(long Generation, IActorRef Entity);

    private long _takeOvers;
    private long _fenced;

    /// <summary>Files owned now.</summary>
    public int Count => _owners.Count;

    /// <summary>Files this node took over since it started (each a new generation).</summary>
    public long TakeOvers => Interlocked.Read(ref _takeOvers);

    /// <summary>Files this node gave up because a newer owner fenced it (a refused journal write or store write).</summary>
    public long Fenced => Interlocked.Read(ref _fenced);

    /// <summary>Counts a file given up to a newer owner.</summary>
    public void CountFenced() => Interlocked.Increment(ref _fenced);

    /// <summary>Every owned file, for /v1/cluster and for syncing at shutdown.</summary>
    public IReadOnlyList<KeyValuePair<string, Owner>> Snapshot() => [.. _owners];

    /// <summary>The generation this node writes <paramref name="file"/> with, or false when it does not own it.</summary>
    public bool TryGet(string file, out Owner owner) => _owners.TryGetValue(file, out owner!);

    /// <summary>Records that <paramref name="entity"/> owns <paramref name="file"/> at <paramref name="generation"/>.</summary>
    public void Enter(string file, long generation, IActorRef entity)
    {
        _owners[file] = new Owner(generation, entity);
        Interlocked.Increment(ref _takeOvers);
    }

    /// <summary>Forgets <paramref name="file"/> if <paramref name="entity"/> still owns it (a newer entity's entry stays).</summary>
    public void Leave(string file, IActorRef entity)
    {
        if (_owners.TryGetValue(file, out var owner) && owner.Entity.Equals(entity))
        {
            _owners.TryRemove(KeyValuePair.Create(file, owner));
        }
    }
}
