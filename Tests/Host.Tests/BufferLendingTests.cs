using System.Buffers;
using System.Numerics;
using ActorPager.Actors;
using ActorPager.Service;
using ActorPager.Storage;
using ActorPager.TestKit;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace ActorPager.Host.Tests;

/// <summary>
/// Issue 11, 7a: a read or write handler lends its pooled buffer to a VM object (the Memory in a
/// Read or Write message). When the ask times out, the object may still hold it, waiting for its
/// getpages; the buffer must not go back to the pool then, or the next request that rents it has
/// its bytes overwritten by (or copied into) another file's page.
/// </summary>
/// <remarks>
/// The page service runs over a pager on the deterministic dispatcher with a store whose I/O
/// completes only when the test says, so the ask times out (after the pager's operation timeout,
/// in virtual time) while the object is still waiting for the read. The pool hands out the array
/// returned last, as ArrayPool.Shared's per-thread cache does.
/// </remarks>
public sealed class BufferLendingTests(ITestOutputHelper output) : DeterministicServiceKit(output)
{
    [Fact]
    public void Write_AskTimesOutWhileTheObjectWaitsForItsPage_ALaterRequestsBytesNeverReachTheFile()
    {
        var pool = new LastReturnedPool();
        var (service, store) = StartService(pool);
        var a = Open(service, store, "a", fill: 0xaa);
        var b = Open(service, store, "b", fill: 0xbb, resident: true);

        // Request 1 writes into a's page 0, which is not resident: the object faults it in, the
        // read waits in the store, and the ask times out while the object holds the body.
        var body1 = Bytes(100, 0x11);
        var first = Send(service, "PUT", "a", "?offset=100", body1);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, first.Response.StatusCode);
        Assert.Contains(store.Pending, op => op.File == "a");

        // Request 2 writes another file; b's page is resident, so it is done at once.
        var body2 = Bytes(100, 0x22);
        var second = Send(service, "PUT", "b", "?offset=0", body2);
        Assert.Equal(StatusCodes.Status200OK, second.Response.StatusCode);

        // a's read completes: the object copies the body it was lent into a's page.
        CompleteAll(store, "a");
        var page = Send(service, "GET", "a", "?offset=100&length=100");
        Assert.Equal(StatusCodes.Status200OK, page.Response.StatusCode);
        var bytes = Body(page);
        Assert.False(bytes.SequenceEqual(body2), $"{Tag}: a's page holds the body of a later write to another file (b): the timed-out write's buffer went back to the pool while a's VM object still held it (pool handed out {pool.Reused} reused arrays)");
        Assert.Equal(body1, bytes);
        Assert.Equal(Bytes(100, 0x22), ReadNow(b, 0, 100));
    }

    [Fact]
    public void Read_AskTimesOutWhileTheObjectWaitsForItsPage_ItsPageNeverLandsInALaterRequestsBuffer()
    {
        var pool = new LastReturnedPool();
        var (service, store) = StartService(pool);
        Open(service, store, "a", fill: 0xaa);
        var b = Open(service, store, "b", fill: 0xbb);

        // Request 1 reads a's page 0, which is not resident: the ask times out while the object
        // holds the destination, waiting for the store.
        var first = Send(service, "GET", "a", "?offset=0&length=100");
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, first.Response.StatusCode);

        // Request 2 writes b's page 0, also not resident: the object holds its body until b's read is done.
        var body2 = Bytes(100, 0x22);
        var second = Start(service, "PUT", "b", "?offset=0", body2);
        RunUntil(() => store.Pending.Any(op => op.File == "b"), "b's getpages");
        Assert.False(second.Task.IsCompleted);

        // a's read completes first: a's object copies a's page into the buffer it was lent.
        CompleteAll(store, "a");
        CompleteAll(store, "b");
        RunUntil(() => second.Task.IsCompleted, "the write to b");
        Assert.Equal(StatusCodes.Status200OK, second.Context.Response.StatusCode);
        var bytes = ReadNow(b, 0, 100);
        Assert.False(bytes.SequenceEqual(Bytes(100, 0xaa)), $"{Tag}: b's page holds a's bytes: the timed-out read's buffer went back to the pool while a's VM object still held it, and the write to b rented it (pool handed out {pool.Reused} reused arrays)");
        Assert.Equal(body2, bytes);
    }

    /// <summary>A pool that hands out the array returned last (when it is long enough), as ArrayPool.Shared's per-thread cache does.</summary>
    private sealed class LastReturnedPool : ArrayPool<byte>
    {
        private readonly Stack<byte[]> _free = new();

        /// <summary>Rents answered with a returned array.</summary>
        public int Reused { get; private set; }

        public override byte[] Rent(int minimumLength)
        {
            if (_free.TryPeek(out var last) && last.Length >= minimumLength)
            {
                Reused++;
                return _free.Pop();
            }

            // Power-of-two sizes, as ArrayPool.Shared's buckets: a 100-byte body fits a 128-byte array with room to see its end.
            return new byte[BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, minimumLength))];
        }

        public override void Return(byte[] array, bool clearArray = false)
        {
            if (clearArray)
            {
                Array.Clear(array);
            }

            _free.Push(array);
        }
    }
}
