using System.Buffers;
using ActorPager.Actors;

namespace ActorPager.Service;

/// <summary>
/// A buffer rented from a pool for one request and lent to a VM object: the <c>Memory</c> of a
/// <c>Read</c> (the object copies pages into it) or a <c>Write</c> (the object copies from it).
/// The object may touch it in any later turn, once its getpages is done, and only its reply says
/// it is finished. So the buffer goes back to the pool only when the pager call ended with the
/// object's answer; when the call ended any other way (the ask timed out, the system is gone), it
/// is left to the garbage collector: no later request can rent it, so the object's late copy
/// cannot land in another request's bytes, nor another request's bytes in this file's page.
/// </summary>
/// <remarks>
/// <para>Why not the alternatives (issue 11, 7a):</para>
/// <list type="bullet">
/// <item>Copying at the boundary (lend the object a private array, copy it to or from the pooled
/// one after the reply) would copy every byte twice and allocate per request, large-object heap
/// included for big bodies: DESIGN.md's "a client's read copies out once, a write copies in once".</item>
/// <item>Returning the buffer when the late reply arrives would need the reply: Akka's ask sends a
/// reply that comes after the timeout to dead letters, so it would take a second wait per request
/// and a way to give up on it when the object never answers (it died).</item>
/// </list>
/// <para>An ask that times out is rare (the pager is stuck or overloaded, and the client gets
/// 503): one array lost to the GC then costs less than either, and nothing on the hot path.</para>
/// <para>Conservative on purpose: a write with sync whose write was answered but whose fsync timed
/// out drops its buffer too, although the object was done with it.</para>
/// </remarks>
internal sealed class LentBuffer(ArrayPool<byte> pool, int minimumLength) : IDisposable
{
    /// <summary>Set while a pager call that was handed the buffer has not ended with the object's answer.</summary>
    private bool _lent;

    /// <summary>The array, rented when first used (a read answered in a message of its own never rents one).</summary>
    private byte[]? _array;

    /// <summary>The rented array (possibly longer than asked).</summary>
    public byte[] Array => _array ??= pool.Rent(minimumLength);

    /// <summary>Replaces <see cref="Array"/> with one of at least <paramref name="minimumLength"/> bytes holding its first <paramref name="keep"/> bytes; only before it is lent.</summary>
    public void Grow(int keep, int minimumLength)
    {
        var bigger = pool.Rent(minimumLength);
        Array.AsSpan(0, keep).CopyTo(bigger);
        pool.Return(Array);
        _array = bigger;
    }

    /// <summary>
    /// Awaits <paramref name="call"/>, a pager call that was handed this buffer. A result or a
    /// <see cref="PagerException"/> (a rejection, a failed page: both are the object's answer)
    /// means the object is done with it; anything else (<c>AskTimeoutException</c> above all)
    /// leaves it lent, so <see cref="Dispose"/> will not return it to the pool.
    /// </summary>
    public async Task<T> LendAsync<T>(Task<T> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        _lent = true;
        try
        {
            var result = await call.ConfigureAwait(false);
            _lent = false;
            return result;
        }
        catch (PagerException)
        {
            _lent = false;
            throw;
        }
    }

    /// <summary>Returns the array to the pool unless a VM object may still hold it.</summary>
    public void Dispose()
    {
        if (!_lent && _array is not null)
        {
            pool.Return(_array);
        }
    }
}
