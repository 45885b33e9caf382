using Akka.Actor;

namespace ActorPager.Actors;

/// <summary>
/// For a concurrency harness: scheduling points inside a mapped read (a read of resident pages
/// through the VM object's pmap, with no message), and what each mapped read returned, so a
/// monitor can check its bytes against the pages' history. A service leaves it unset: then a
/// mapped read runs straight through.
/// </summary>
public interface IMappedReadHooks
{
    /// <summary>A mapped read of <paramref name="vmObject"/> at <paramref name="offset"/> begins; the answer is handed back to <see cref="Returned"/>.</summary>
    /// <param name="vmObject">The VM object whose pages are read.</param>
    /// <param name="offset">The read's byte offset.</param>
    /// <param name="length">Bytes asked for.</param>
    long Began(IActorRef vmObject, long offset, int length);

    /// <summary>A point between two steps of a mapped read (pinning a page, copying half of it, validating), where other work may run.</summary>
    Task Step();

    /// <summary>The mapped read that began with <paramref name="mark"/> validated and returned <paramref name="bytes"/> (it did not fall back to a message).</summary>
    /// <param name="mark">What <see cref="Began"/> answered.</param>
    /// <param name="vmObject">The VM object whose pages were read.</param>
    /// <param name="offset">The read's byte offset.</param>
    /// <param name="bytes">The bytes returned.</param>
    void Returned(long mark, IActorRef vmObject, long offset, ReadOnlySpan<byte> bytes);
}
