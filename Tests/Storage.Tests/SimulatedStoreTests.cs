namespace ActorPager.Storage.Tests;

/// <summary>The controller side of <see cref="SimulatedStore"/>: the caller of Complete decides the order of I/O.</summary>
public sealed class SimulatedStoreTests
{
    [Fact]
    public async Task Write_NotCompleted_IsPendingAndHasNoEffect()
    {
        await using var store = new SimulatedStore();
        ValueTask<StoreResult> write = store.WriteAsync("f", 0, new byte[] { 1, 2, 3 }, WriteDurability.Durable);

        Assert.False(write.IsCompleted);
        SimulatedOperation pending = Assert.Single(store.Pending);
        Assert.Equal(SimulatedOperationKind.Write, pending.OperationKind);
        Assert.Equal("#1 write 'f' [0, +3) durable", pending.Description);
        Assert.Equal(0, store.Volume.GetSize("f"));

        Assert.Equal(StoreResult.Ok(3), store.Complete(0));
        Assert.True(write.IsCompleted);
        Assert.Equal(StoreResult.Ok(3), await write);
        Assert.Equal(3, store.Volume.GetSize("f"));
    }

    [Fact]
    public async Task Complete_OutOfCallOrder_AppliesEffectsInCompletionOrder()
    {
        await using var store = new SimulatedStore();
        ValueTask<StoreResult> first = store.WriteAsync("f", 0, new byte[] { 1 }, WriteDurability.Buffered);
        ValueTask<StoreResult> second = store.WriteAsync("f", 0, new byte[] { 2 }, WriteDurability.Buffered);
        var buffer = new byte[1];
        ValueTask<StoreResult> read = store.ReadAsync("f", 0, buffer);

        // The second write lands first, then the read sees it, then the first write overwrites it.
        store.Complete(1);
        store.Complete(1);
        Assert.Equal(2, buffer[0]);
        Assert.False(first.IsCompleted);
        store.Complete(0);

        Assert.True((await first).IsOk);
        Assert.True((await second).IsOk);
        Assert.Equal(1, (await read).Bytes);
        var after = new byte[1];
        MemoryStoreRead(store.Volume, after);
        Assert.Equal(1, after[0]);
    }

    [Fact]
    public async Task Complete_RunsTheContinuationOnTheCompletingThreadBeforeReturning()
    {
        await using var store = new SimulatedStore();
        int? continuationThread = null;
        Task awaiting = AwaitAndRecordAsync(store.FlushAsync("f"), id => continuationThread = id);

        store.Complete(0);
        Assert.Equal(Environment.CurrentManagedThreadId, continuationThread);
        await awaiting;
    }

    [Fact]
    public async Task Fail_WritePending_AnswersTheErrorAndAppliesNothing()
    {
        await using var store = new SimulatedStore();
        ValueTask<StoreResult> write = store.WriteAsync("f", 0, new byte[] { 9 }, WriteDurability.Durable);
        var error = new StoreError(StoreErrorKind.Injected, "disk on fire", true);
        store.Fail(store.Pending[0], error);

        StoreResult result = await write;
        Assert.Equal(StoreStatus.Error, result.Status);
        Assert.Same(error, result.Error);
        Assert.Equal(0, store.Volume.GetSize("f"));
        Assert.Empty(store.Pending);
    }

    [Fact]
    public async Task OperationQueued_RaisedForEachCallInOrder()
    {
        await using var store = new SimulatedStore();
        var seen = new List<string>();
        store.OperationQueued += op => seen.Add(op.Description);
        _ = store.SetSizeAsync("a", 10);
        _ = store.GetSizeAsync("a");
        _ = store.ReadAsync("a", 0, new byte[4], ReadOptions.WithHoles);
        Assert.Equal(["#1 setsize 'a' 10", "#2 getsize 'a'", "#3 read 'a' [0, +4) holes"], seen);
        Assert.Equal(3, store.CompleteAll());
    }

    [Fact]
    public async Task CompleteAll_ContinuationsQueueMore_CompletesThoseToo()
    {
        await using var store = new SimulatedStore();
        Task chain = ChainAsync(store);
        Assert.Equal(3, store.CompleteAll());
        await chain;
        Assert.Equal(2, store.Volume.GetSize("f"));

        static async Task ChainAsync(SimulatedStore store)
        {
            // ConfigureAwait(false): xunit's synchronisation context would otherwise post the
            // continuation instead of letting the store run it on the completing thread.
            await store.WriteAsync("f", 0, new byte[] { 1 }, WriteDurability.Buffered).ConfigureAwait(false);
            await store.WriteAsync("f", 1, new byte[] { 2 }, WriteDurability.Buffered).ConfigureAwait(false);
            await store.FlushAsync("f").ConfigureAwait(false);
        }
    }

    [Fact]
    public async Task DisposeAsync_WithPendingOperations_FailsThemWithDisposed()
    {
        var store = new SimulatedStore();
        ValueTask<StoreResult> write = store.WriteAsync("f", 0, new byte[] { 1 }, WriteDurability.Durable);
        await store.DisposeAsync();
        Assert.Equal(StoreErrorKind.Disposed, (await write).Error?.Kind);
        Assert.Equal(0, store.Volume.GetSize("f"));
    }

    [Fact]
    public async Task InvalidName_AnsweredAtOnceWithoutQueuing()
    {
        await using var store = new SimulatedStore();
        ValueTask<StoreResult> write = store.WriteAsync("../x", 0, new byte[] { 1 }, WriteDurability.Durable);
        Assert.True(write.IsCompleted);
        Assert.Equal(StoreErrorKind.InvalidName, (await write).Error?.Kind);
        Assert.Empty(store.Pending);
    }

    [Fact]
    public async Task Complete_IndexNotPending_ThrowsAndChangesNothing()
    {
        await using var store = new SimulatedStore();
        _ = store.FlushAsync("f");
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Complete(1));
        Assert.Single(store.Pending);
    }

    /// <summary>Awaits a store call and reports the thread its continuation ran on.</summary>
    private static async Task AwaitAndRecordAsync(ValueTask<StoreResult> call, Action<int> record)
    {
        // ConfigureAwait(false): no synchronisation context, as in an actor's dispatcher.
        await call.ConfigureAwait(false);
        record(Environment.CurrentManagedThreadId);
    }

    /// <summary>Reads the first byte of "f" straight from a volume.</summary>
    private static void MemoryStoreRead(MemoryVolume volume, byte[] buffer) => Assert.True(volume.Read("f", 0, buffer, false).IsOk);

    [Fact]
    public async Task FencedWrite_CompletedAfterAFence_IsRefusedWhenItCompletes()
    {
        await using var store = new SimulatedStore();
        ValueTask<StoreResult> write = store.WriteAsync("f", 0, new byte[] { 1, 2, 3 }, WriteDurability.Durable, 1);
        ValueTask<StoreResult> fence = store.FenceAsync("f", 2);
        Assert.Equal(["#1 write 'f' [0, +3) durable generation 1", "#2 fence 'f' at generation 2"], store.Pending.Select(o => o.Description));
        Assert.Equal(SimulatedOperationKind.Fence, store.Pending[1].OperationKind);
        Assert.Equal(2, store.Pending[1].Generation);

        Assert.Equal(StoreResult.Ok(2), store.Complete(1));
        Assert.Equal(StoreErrorKind.Fenced, store.Complete(0).Error?.Kind);
        Assert.Equal(StoreResult.Ok(2), await fence);
        Assert.Equal(StoreErrorKind.Fenced, (await write).Error?.Kind);
        Assert.Equal(0, store.Volume.GetSize("f"));
    }

    [Fact]
    public async Task FencedWrite_CompletedBeforeTheFence_Lands()
    {
        await using var store = new SimulatedStore();
        ValueTask<StoreResult> write = store.WriteAsync("f", 0, new byte[] { 1, 2, 3 }, WriteDurability.Durable, 1);
        ValueTask<StoreResult> fence = store.FenceAsync("f", 2);
        ValueTask<StoreResult> read = store.GetFenceAsync("f");
        Assert.Equal("#3 getfence 'f'", store.Pending[2].Description);

        Assert.Equal(3, store.CompleteAll());
        Assert.Equal(StoreResult.Ok(3), await write);
        Assert.Equal(StoreResult.Ok(2), await fence);
        Assert.Equal(StoreResult.Ok(2), await read);
        Assert.Equal(3, store.Volume.GetSize("f"));
    }

    [Fact]
    public async Task ReadVector_SeveralBuffers_OneReadOperationPerBufferInTurn()
    {
        await using var store = new SimulatedStore();
        var first = new byte[4096];
        var second = new byte[4096];
        ValueTask<StoreResult> read = store.ReadVectorAsync("f", 0, [first, second]);
        Assert.Equal("#1 read 'f' [0, +4096)", Assert.Single(store.Pending).Description);
        store.Complete(0);
        Assert.Equal("#2 read 'f' [4096, +4096)", Assert.Single(store.Pending).Description);
        store.Complete(0);
        Assert.Equal(StoreResult.Ok(0), await read);
    }
}
