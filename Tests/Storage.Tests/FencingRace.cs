namespace ActorPager.Storage.Tests;

/// <summary>
/// The race of fencing: writes of an old generation in flight while a fence of a newer one is
/// raised. What it checks is exact whatever the interleaving: a write that answers Ok committed
/// before the fence answered (nothing older may commit after), so it is in a read made right
/// after the fence answered; a write refused with Fenced left nothing; nothing changes after the
/// fence answered; and a write of the old generation made afterwards is refused.
/// </summary>
internal static class FencingRace
{
    /// <summary>The pager's page size; each write fills its own page.</summary>
    private const int Page = 4096;

    /// <summary>
    /// Issues <paramref name="writes"/> writes of generation 1 through <paramref name="writer"/>, one
    /// page each, half before and half after asking <paramref name="fencer"/> to fence the file at
    /// 2 (once the first write has answered), then checks the outcome. The writer and the fencer
    /// may be one store, or two on the same data (two nodes).
    /// </summary>
    public static async Task RunAsync(IFencedPageStore writer, IFencedPageStore fencer, string file, int writes)
    {
        var results = new Task<StoreResult>[writes];
        for (int i = 0; i < writes / 2; i++)
        {
            results[i] = Write(writer, file, i, 1).AsTask();
        }

        // Once the first write has landed the others are flowing: the fence then meets writes in
        // every state (queued, in a transaction, committed), not only writes yet to start.
        await results[0];
        Task<StoreResult> fence = fencer.FenceAsync(file, 2).AsTask();
        for (int i = writes / 2; i < writes; i++)
        {
            results[i] = Write(writer, file, i, 1).AsTask();
        }

        StoreResult fenced = await fence;
        Assert.True(fenced.IsOk, $"the fence failed: {fenced}");

        // Everything an Ok write wrote must already be here: nothing of generation 1 may commit later.
        byte[] snapshot = await ReadAllAsync(fencer, file, writes);
        await Task.WhenAll(results);

        for (int i = 0; i < writes; i++)
        {
            StoreResult result = results[i].Result;
            ReadOnlySpan<byte> page = snapshot.AsSpan(i * Page, Page);
            if (result.IsOk)
            {
                Assert.True(page.SequenceEqual(Data(i)), $"write {i} answered Ok but was not in the file when the fence answered");
            }
            else
            {
                Assert.True(result.Error?.Kind == StoreErrorKind.Fenced, $"write {i} answered {result}, neither Ok nor Fenced");
                Assert.True(page.IndexOfAnyExcept((byte)0) < 0, $"write {i} was refused but its page holds data");
            }
        }

        Assert.Equal(snapshot, await ReadAllAsync(fencer, file, writes));
        StoreResult late = await Write(writer, file, writes, 1);
        Assert.Equal(StoreErrorKind.Fenced, late.Error?.Kind);
    }

    /// <summary>The bytes of write <paramref name="i"/>: never zero, different for each write.</summary>
    private static byte[] Data(int i)
    {
        var bytes = new byte[Page];
        for (int b = 0; b < Page; b++)
        {
            bytes[b] = (byte)(((b * 7) + (i * 13)) % 251 + 1);
        }

        return bytes;
    }

    /// <summary>Write <paramref name="i"/>: its page, durable or buffered in turn.</summary>
    private static ValueTask<StoreResult> Write(IFencedPageStore store, string file, int i, long generation) =>
        store.WriteAsync(file, (long)i * Page, Data(i), i % 2 == 0 ? WriteDurability.Durable : WriteDurability.Buffered, generation);

    /// <summary>Reads the pages of every write.</summary>
    private static async Task<byte[]> ReadAllAsync(IPageStore store, string file, int writes)
    {
        var buffer = new byte[writes * Page];
        StoreResult read = await store.ReadAsync(file, 0, buffer);
        Assert.True(read.IsOk, $"the read failed: {read}");
        return buffer;
    }
}
