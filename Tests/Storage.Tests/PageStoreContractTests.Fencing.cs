namespace ActorPager.Storage.Tests;

/// <summary>Fencing by ownership generation (<see cref="IFencedPageStore"/>): every store fences, and keeps the same contract.</summary>
public abstract partial class PageStoreContractTests
{
    /// <summary>Whether a fence outlives the store instance that raised it (a new instance on the same data still sees it).</summary>
    protected virtual bool FenceSurvivesReopening => true;

    /// <summary>The store under test as a fenced store.</summary>
    private IFencedPageStore Fenced => Assert.IsAssignableFrom<IFencedPageStore>(Store);

    /// <summary>Asserts a refusal: kind Fenced, not transient, the message naming the file, the caller's generation and the fence.</summary>
    private static void AssertFenced(StoreResult result, string file, string operation, long generation, long fence)
    {
        Assert.Equal(StoreStatus.Error, result.Status);
        Assert.Equal(StoreErrorKind.Fenced, result.Error!.Kind);
        Assert.False(result.Error.IsTransient);
        Assert.Equal($"'{file}': {operation} of generation {generation} refused: the file is fenced at generation {fence} (a newer owner)", result.Error.Message);
    }

    [StoreFact]
    public async Task FencedWrite_OlderThanTheFence_RefusedAndChangesNothing()
    {
        byte[] data = Pattern(2 * Page, 60);
        Assert.Equal(2 * Page, AssertOk(await Fenced.WriteAsync("a/f", 0, data, WriteDurability.Durable, 1)));
        Assert.Equal(2, AssertOk(await Fenced.FenceAsync("a/f", 2)));

        // Over the data and past the end: neither the bytes nor the size may change.
        AssertFenced(await Fenced.WriteAsync("a/f", Page, Pattern(2 * Page, 61), WriteDurability.Durable, 1), "a/f", "write", 1, 2);
        AssertFenced(await Fenced.WriteAsync("a/f", 0, Pattern(10, 62), WriteDurability.Buffered, 1), "a/f", "write", 1, 2);

        Assert.Equal(2 * Page, AssertOk(await Store.GetSizeAsync("a/f")));
        byte[] buffer = Dirty(3 * Page);
        Assert.Equal(2 * Page, AssertOk(await Store.ReadAsync("a/f", 0, buffer)));
        Assert.Equal(data, buffer[..(2 * Page)]);
    }

    [StoreFact]
    public async Task FencedWrite_EqualOrNewerGeneration_WritesAndLeavesTheFenceWhereItWas()
    {
        AssertOk(await Fenced.FenceAsync("f", 2));
        Assert.Equal(Page, AssertOk(await Fenced.WriteAsync("f", 0, Pattern(Page, 63), WriteDurability.Durable, 2)));
        byte[] newer = Pattern(Page, 64);
        Assert.Equal(Page, AssertOk(await Fenced.WriteAsync("f", Page, newer, WriteDurability.Buffered, 3)));
        Assert.Equal(2, AssertOk(await Fenced.GetFenceAsync("f")));

        // Only FenceAsync raises the fence: generation 2 still writes after a write of 3.
        byte[] again = Pattern(Page, 65);
        AssertOk(await Fenced.WriteAsync("f", 0, again, WriteDurability.Durable, 2));
        byte[] buffer = Dirty(2 * Page);
        Assert.Equal(2 * Page, AssertOk(await Store.ReadAsync("f", 0, buffer)));
        Assert.Equal(again, buffer[..Page]);
        Assert.Equal(newer, buffer[Page..]);
    }

    [StoreFact]
    public async Task Fence_LowerThanTheCurrent_RefusedAndKeepsTheFence()
    {
        Assert.Equal(5, AssertOk(await Fenced.FenceAsync("f", 5)));
        AssertFenced(await Fenced.FenceAsync("f", 3), "f", "fence", 3, 5);
        Assert.Equal(5, AssertOk(await Fenced.GetFenceAsync("f")));

        // Equal is idempotent; higher raises.
        Assert.Equal(5, AssertOk(await Fenced.FenceAsync("f", 5)));
        Assert.Equal(6, AssertOk(await Fenced.FenceAsync("f", 6)));
        Assert.Equal(6, AssertOk(await Fenced.GetFenceAsync("f")));
        AssertFenced(await Fenced.WriteAsync("f", 0, Pattern(10, 66), WriteDurability.Durable, 5), "f", "write", 5, 6);
    }

    [StoreFact]
    public async Task GetFence_NeverFenced_AnswersZero()
    {
        Assert.Equal(0, AssertOk(await Fenced.GetFenceAsync("never")));
        AssertOk(await Store.WriteAsync("written", 0, Pattern(10, 67), WriteDurability.Durable));
        Assert.Equal(0, AssertOk(await Fenced.GetFenceAsync("written")));
    }

    [StoreFact]
    public async Task FencedSetSize_OlderThanTheFence_RefusedAndKeepsTheSizeAndData()
    {
        byte[] data = Pattern(3 * Page, 68);
        AssertOk(await Store.WriteAsync("f", 0, data, WriteDurability.Durable));
        AssertOk(await Fenced.FenceAsync("f", 4));

        AssertFenced(await Fenced.SetSizeAsync("f", Page, 3), "f", "set size", 3, 4);
        AssertFenced(await Fenced.SetSizeAsync("f", 5 * Page, 1), "f", "set size", 1, 4);
        Assert.Equal(3 * Page, AssertOk(await Store.GetSizeAsync("f")));
        byte[] buffer = Dirty(3 * Page);
        Assert.Equal(3 * Page, AssertOk(await Store.ReadAsync("f", 0, buffer)));
        Assert.Equal(data, buffer);

        AssertOk(await Fenced.SetSizeAsync("f", Page, 4));
        Assert.Equal(Page, AssertOk(await Store.GetSizeAsync("f")));
    }

    [StoreFact]
    public async Task FencedWriteVector_OlderThanTheFence_RefusedWholeAndWritesNothing()
    {
        AssertOk(await Fenced.FenceAsync("v", 2));
        byte[] data = Pattern(3 * Page, 69);
        AssertFenced(await Fenced.WriteVectorAsync("v", 0, Sources(data, Page, Page, Page), WriteDurability.Durable, 1), "v", "write", 1, 2);
        Assert.Equal(0, AssertOk(await Store.GetSizeAsync("v")));

        Assert.Equal(3 * Page, AssertOk(await Fenced.WriteVectorAsync("v", 0, Sources(data, Page, 2 * Page), WriteDurability.Buffered, 2)));
        byte[] buffer = Dirty(3 * Page);
        Assert.Equal(3 * Page, AssertOk(await Store.ReadAsync("v", 0, buffer)));
        Assert.Equal(data, buffer);
    }

    [StoreFact]
    public async Task Fence_OfOneFile_DoesNotFenceAnother()
    {
        AssertOk(await Fenced.FenceAsync("d/a", 3));
        Assert.Equal(10, AssertOk(await Fenced.WriteAsync("d/b", 0, Pattern(10, 70), WriteDurability.Durable, 1)));
        AssertOk(await Fenced.SetSizeAsync("d/b", 20, 1));
        Assert.Equal(0, AssertOk(await Fenced.GetFenceAsync("d/b")));
        Assert.Equal(20, AssertOk(await Store.GetSizeAsync("d/b")));
        AssertFenced(await Fenced.WriteAsync("d/a", 0, Pattern(10, 71), WriteDurability.Durable, 1), "d/a", "write", 1, 3);
    }

    [StoreFact]
    public async Task UnfencedCalls_AfterAFence_StillChangeTheFile()
    {
        AssertOk(await Fenced.FenceAsync("f", long.MaxValue - 1));
        byte[] data = Pattern(2 * Page, 72);
        AssertOk(await Store.WriteAsync("f", 0, data, WriteDurability.Durable));
        AssertOk(await Fenced.WriteVectorAsync("f", 2 * Page, Sources(data, Page, Page), WriteDurability.Buffered));
        Assert.Equal(4 * Page, AssertOk(await Store.GetSizeAsync("f")));
        AssertOk(await Store.SetSizeAsync("f", 3 * Page));
        Assert.Equal(3 * Page, AssertOk(await Store.GetSizeAsync("f")));
        Assert.Equal(long.MaxValue - 1, AssertOk(await Fenced.GetFenceAsync("f")));
    }

    [StoreFact]
    public async Task FencedView_CarriesItsGenerationAndPassesTheRestThrough()
    {
        FencedStoreView first = PageStores.Fenced(Store, 1);
        Assert.Equal(ExpectedKind, first.Kind);
        Assert.Equal(1, first.Generation);
        Assert.Same(Store, first.Inner);

        byte[] data = Pattern(2 * Page, 73);
        AssertOk(await first.WriteAsync("f", 0, data, WriteDurability.Durable));
        AssertOk(await Fenced.FenceAsync("f", 2));

        AssertFenced(await first.WriteAsync("f", 0, Pattern(Page, 74), WriteDurability.Durable), "f", "write", 1, 2);
        AssertFenced(await first.WriteVectorAsync("f", 0, Sources(Pattern(2 * Page, 75), Page, Page), WriteDurability.Durable), "f", "write", 1, 2);
        AssertFenced(await first.SetSizeAsync("f", 0), "f", "set size", 1, 2);

        // Reads, sizes and flushes are never fenced.
        byte[] buffer = Dirty(2 * Page);
        Assert.Equal(2 * Page, AssertOk(await first.ReadAsync("f", 0, buffer)));
        Assert.Equal(data, buffer);
        buffer = Dirty(2 * Page);
        Assert.Equal(2 * Page, AssertOk(await first.ReadVectorAsync("f", 0, Split(buffer, Page, Page))));
        Assert.Equal(data, buffer);
        Assert.Equal(2 * Page, AssertOk(await first.GetSizeAsync("f")));
        AssertOk(await first.FlushAsync("f"));

        FencedStoreView second = PageStores.Fenced(Store, 2);
        AssertOk(await second.SetSizeAsync("f", Page));
        Assert.Equal(Page, AssertOk(await second.GetSizeAsync("f")));

        // The view owns nothing: disposing it leaves the store open.
        await first.DisposeAsync();
        Assert.Equal(Page, AssertOk(await Store.GetSizeAsync("f")));
    }

    [StoreFact]
    public async Task FencedCalls_InvalidGenerationOrName_AnswerInvalidAndTouchNothing()
    {
        StoreResult[] badGenerations =
        [
            await Fenced.FenceAsync("f", 0),
            await Fenced.FenceAsync("f", -3),
            await Fenced.WriteAsync("f", 0, Pattern(10, 76), WriteDurability.Durable, 0),
            await Fenced.WriteVectorAsync("f", 0, Sources(Pattern(2 * Page, 77), Page, Page), WriteDurability.Durable, -1),
            await Fenced.SetSizeAsync("f", 10, 0),
        ];
        foreach (StoreResult result in badGenerations)
        {
            Assert.Equal(StoreErrorKind.InvalidArgument, result.Error?.Kind);
            Assert.Contains("generation", result.Error!.Message, StringComparison.Ordinal);
            Assert.Contains("'f'", result.Error.Message, StringComparison.Ordinal);
        }

        StoreResult[] badNames =
        [
            await Fenced.FenceAsync("../f", 1),
            await Fenced.GetFenceAsync("../f"),
            await Fenced.WriteAsync("../f", 0, Pattern(10, 78), WriteDurability.Durable, 1),
            await Fenced.SetSizeAsync("../f", 10, 1),
        ];
        Assert.All(badNames, r => Assert.Equal(StoreErrorKind.InvalidName, r.Error?.Kind));

        Assert.Equal(0, AssertOk(await Fenced.GetFenceAsync("f")));
        Assert.Equal(0, AssertOk(await Store.GetSizeAsync("f")));
        await AssertNothingTouchedAsync();
    }

    [StoreFact]
    public async Task FencedCalls_AfterDispose_AnswerDisposed()
    {
        IFencedPageStore store = Fenced;
        await Store.DisposeAsync();
        StoreResult[] results =
        [
            await store.FenceAsync("f", 1),
            await store.GetFenceAsync("f"),
            await store.WriteAsync("f", 0, Pattern(10, 79), WriteDurability.Durable, 1),
            await store.WriteVectorAsync("f", 0, Sources(Pattern(2 * Page, 80), Page, Page), WriteDurability.Durable, 1),
            await store.SetSizeAsync("f", 10, 1),
        ];
        Assert.All(results, r => Assert.Equal(StoreErrorKind.Disposed, r.Error?.Kind));
    }

    [StoreFact]
    public async Task Fence_AfterReopeningTheStore_KeptWhereTheStoreKeepsIt()
    {
        AssertOk(await Fenced.FenceAsync("d/f", 3));
        await Store.DisposeAsync();
        Store = await OpenAsync();

        StoreResult stale = await Fenced.WriteAsync("d/f", 0, Pattern(10, 81), WriteDurability.Durable, 2);
        if (FenceSurvivesReopening)
        {
            Assert.Equal(3, AssertOk(await Fenced.GetFenceAsync("d/f")));
            AssertFenced(stale, "d/f", "write", 2, 3);
            Assert.Equal(0, AssertOk(await Store.GetSizeAsync("d/f")));
        }
        else
        {
            // A fence kept by the process: a new instance starts unfenced.
            Assert.Equal(0, AssertOk(await Fenced.GetFenceAsync("d/f")));
            Assert.Equal(10, AssertOk(stale));
        }
    }

    [StoreFact]
    public async Task FencedWrites_RacingAFence_NoneCommitsAfterItAnswers() =>
        await FencingRace.RunAsync(Fenced, Fenced, "race", 96);
}
