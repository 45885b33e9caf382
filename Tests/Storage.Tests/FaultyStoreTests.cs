namespace ActorPager.Storage.Tests;

/// <summary>Fault injection: decided by the seed, and faults never reach the inner store.</summary>
public sealed class FaultyStoreTests
{
    /// <summary>Runs the same calls through a faulty store and records what each answered.</summary>
    private static async Task<List<string>> RunAsync(int seed)
    {
        var options = new FaultOptions { Seed = seed, ErrorRate = 0.2, FailedWriteRate = 0.1, ShortWriteRate = 0.2 };
        await using var store = new FaultyStore(new MemoryStore(), options);
        var outcomes = new List<string>();
        for (int i = 0; i < 60; i++)
        {
            StoreResult result = i % 3 == 0
                ? await store.ReadAsync("f", i * 16L, new byte[16])
                : await store.WriteAsync("f", i * 16L, new byte[16], WriteDurability.Durable);
            outcomes.Add($"{result.Status}/{result.Bytes}/{result.Error?.Kind}");
        }

        return outcomes;
    }

    [Fact]
    public async Task Calls_SameSeed_SameFaults()
    {
        List<string> first = await RunAsync(7);
        List<string> second = await RunAsync(7);
        Assert.Equal(first, second);
        Assert.Contains(first, o => o.StartsWith("Error", StringComparison.Ordinal));
        Assert.Contains(first, o => o.StartsWith("Ok", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Calls_DifferentSeeds_DifferentFaults() => Assert.NotEqual(await RunAsync(7), await RunAsync(8));

    [Fact]
    public async Task Write_InjectedFailure_WritesNothing()
    {
        var inner = new MemoryStore();
        await using var store = new FaultyStore(inner, new FaultOptions { Seed = 1, FailedWriteRate = 1 });
        StoreResult result = await store.WriteAsync("f", 0, new byte[] { 1, 2 }, WriteDurability.Durable);
        Assert.Equal(StoreErrorKind.Injected, result.Error?.Kind);
        Assert.True(result.Error!.IsTransient);
        Assert.Contains("seed 1", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await inner.GetSizeAsync("f")).Bytes);
        Assert.Equal(1, store.InjectedErrors);
    }

    [Fact]
    public async Task Write_InjectedShortWrite_WritesOnlyThePrefixItReports()
    {
        var inner = new MemoryStore();
        await using var store = new FaultyStore(inner, new FaultOptions { Seed = 3, ShortWriteRate = 1 });
        byte[] data = Enumerable.Range(1, 100).Select(i => (byte)i).ToArray();
        StoreResult result = await store.WriteAsync("f", 0, data, WriteDurability.Durable);
        Assert.Equal(StoreStatus.Error, result.Status);
        Assert.Equal(StoreErrorKind.Injected, result.Error?.Kind);
        Assert.InRange(result.Bytes, 0, 99);
        Assert.Equal(result.Bytes, (await inner.GetSizeAsync("f")).Bytes);
        Assert.Contains($"{result.Bytes} of 100 bytes", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_InjectedLatency_WaitsOnTheDelayFunctionBeforeReachingTheStore()
    {
        var inner = new SimulatedStore();
        var gate = new TaskCompletionSource();
        var delays = new List<TimeSpan>();
        var options = new FaultOptions { Seed = 5, LatencyRate = 1, MaxLatency = TimeSpan.FromSeconds(1) };
        await using var store = new FaultyStore(inner, options, delay: (span, _) =>
        {
            delays.Add(span);
            return new ValueTask(gate.Task);
        });

        ValueTask<StoreResult> read = store.ReadAsync("f", 0, new byte[4]);
        Assert.False(read.IsCompleted);
        TimeSpan delay = Assert.Single(delays);
        Assert.InRange(delay, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Equal(0, inner.PendingCount);

        var queued = new TaskCompletionSource();
        inner.OperationQueued += _ => queued.TrySetResult();
        gate.SetResult();
        await queued.Task;
        inner.Complete(0);
        Assert.True((await read).IsOk);
        Assert.Equal(1, store.InjectedDelays);
    }

    [Fact]
    public async Task EveryCall_ErrorRateOne_AnswersInjectedAndNeverCrashes()
    {
        await using var store = new FaultyStore(new MemoryStore(), new FaultOptions { Seed = 9, ErrorRate = 1, TransientErrors = false });
        StoreResult[] results =
        [
            await store.ReadAsync("f", 0, new byte[1]),
            await store.WriteAsync("f", 0, new byte[1], WriteDurability.Buffered),
            await store.GetSizeAsync("f"),
            await store.SetSizeAsync("f", 3),
            await store.FlushAsync("f"),
        ];
        Assert.All(results, r => Assert.Equal(StoreErrorKind.Injected, r.Error?.Kind));
        Assert.All(results, r => Assert.False(r.Error!.IsTransient));
    }

    [Fact]
    public async Task FencedCalls_InjectedError_AnswerInjectedAndRaiseNothing()
    {
        var inner = new MemoryStore();
        await using var store = new FaultyStore(inner, new FaultOptions { Seed = 1, ErrorRate = 1 });
        StoreResult fence = await store.FenceAsync("f", 2);
        Assert.Equal(StoreErrorKind.Injected, fence.Error?.Kind);
        Assert.Contains("fence 'f' at generation 2", fence.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(StoreErrorKind.Injected, (await store.WriteAsync("f", 0, new byte[] { 1 }, WriteDurability.Durable, 2)).Error?.Kind);
        Assert.Equal(StoreErrorKind.Injected, (await store.GetFenceAsync("f")).Error?.Kind);
        Assert.Equal(0, (await inner.GetFenceAsync("f")).Bytes);
        Assert.Equal(0, (await inner.GetSizeAsync("f")).Bytes);
        Assert.Equal(3, store.InjectedErrors);
    }

    [Fact]
    public async Task FencedShortWrite_OfAStaleOwner_AnswersTheInnerRefusalAndWritesNothing()
    {
        var inner = new MemoryStore();
        Assert.True((await inner.FenceAsync("f", 2)).IsOk);
        await using var store = new FaultyStore(inner, new FaultOptions { Seed = 1, ShortWriteRate = 1 });
        StoreResult result = await store.WriteAsync("f", 0, new byte[100], WriteDurability.Durable, 1);
        Assert.Equal(StoreErrorKind.Fenced, result.Error?.Kind);
        Assert.Equal(0, (await inner.GetSizeAsync("f")).Bytes);
    }

    [Fact]
    public async Task FencedCalls_InnerStoreDoesNotFence_ThrowNamingItsKind()
    {
        await using var store = new FaultyStore(PageStores.Fenced(new MemoryStore(), 1), FaultOptions.None);
        var error = await Assert.ThrowsAsync<NotSupportedException>(async () => await store.FenceAsync("f", 2));
        Assert.Contains("'memory'", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(FencedStoreView), error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(async () => await store.WriteAsync("f", 0, new byte[1], WriteDurability.Durable, 1));

        // The unfenced calls still work.
        Assert.True((await store.WriteAsync("f", 0, new byte[1], WriteDurability.Durable)).IsOk);
    }
}
