namespace ActorPager.Storage.Tests;

/// <summary>
/// The contract every <see cref="IPageStore"/> keeps, run unchanged against each store by a
/// derived class that says how to open the store at this test's location.
/// </summary>
public abstract partial class PageStoreContractTests : StoreTests<IPageStore>
{
    /// <summary>The pager's page size.</summary>
    protected const int Page = 4096;

    /// <summary>The kind the store must report.</summary>
    protected abstract string ExpectedKind { get; }

    /// <summary>Whether the store tells holes when asked (all stores here do).</summary>
    protected virtual bool ReportsHoles => true;

    /// <summary>Bytes of a recognisable pattern: each seed gives different bytes, none of them all zero.</summary>
    protected static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(((i * 31) + (seed * 17) + 1) % 251 + 1);
        }

        return bytes;
    }

    /// <summary>A buffer filled with 0xEE, so a test sees whether a read cleared it.</summary>
    protected static byte[] Dirty(int length)
    {
        var bytes = new byte[length];
        bytes.AsSpan().Fill(0xEE);
        return bytes;
    }

    /// <summary>Asserts a result is Ok and returns its byte count.</summary>
    protected static long AssertOk(StoreResult result)
    {
        Assert.True(result.IsOk, $"expected Ok, got {result}");
        Assert.Null(result.Error);
        return result.Bytes;
    }

    [StoreFact]
    public void Kind_Always_IsTheStoresKind() => Assert.Equal(ExpectedKind, Store.Kind);

    [StoreFact]
    public async Task Read_FileNeverWritten_ZerosAndNoBytesInside()
    {
        byte[] buffer = Dirty(Page);
        StoreResult result = await Store.ReadAsync("never", 0, buffer);
        Assert.Equal(0, AssertOk(result));
        Assert.All(buffer, b => Assert.Equal(0, b));
        Assert.Equal(0, AssertOk(await Store.GetSizeAsync("never")));
    }

    [StoreFact]
    public async Task Write_ThenRead_ReturnsTheData()
    {
        byte[] data = Pattern(2 * Page, 1);
        Assert.Equal(2 * Page, AssertOk(await Store.WriteAsync("f", 0, data, WriteDurability.Durable)));
        byte[] buffer = Dirty(2 * Page);
        Assert.Equal(2 * Page, AssertOk(await Store.ReadAsync("f", 0, buffer)));
        Assert.Equal(data, buffer);
        Assert.Equal(2 * Page, AssertOk(await Store.GetSizeAsync("f")));
    }

    [StoreFact]
    public async Task Write_PastTheEnd_ExtendsTheFileAndTheGapReadsZeros()
    {
        byte[] first = Pattern(100, 2);
        byte[] far = Pattern(Page, 3);
        AssertOk(await Store.WriteAsync("f", 0, first, WriteDurability.Buffered));
        AssertOk(await Store.WriteAsync("f", 5 * Page, far, WriteDurability.Buffered));
        Assert.Equal(6 * Page, AssertOk(await Store.GetSizeAsync("f")));

        byte[] buffer = Dirty(6 * Page);
        Assert.Equal(6 * Page, AssertOk(await Store.ReadAsync("f", 0, buffer)));
        Assert.Equal(first, buffer[..100]);
        Assert.All(buffer[100..(5 * Page)], b => Assert.Equal(0, b));
        Assert.Equal(far, buffer[(5 * Page)..]);
    }

    [StoreFact]
    public async Task Read_PastTheEnd_ZerosAndCountsOnlyBytesInside()
    {
        byte[] data = Pattern(Page + 100, 4);
        AssertOk(await Store.WriteAsync("f", 0, data, WriteDurability.Buffered));
        byte[] buffer = Dirty(2 * Page);
        Assert.Equal(Page + 100, AssertOk(await Store.ReadAsync("f", 0, buffer)));
        Assert.Equal(data, buffer[..(Page + 100)]);
        Assert.All(buffer[(Page + 100)..], b => Assert.Equal(0, b));

        byte[] beyond = Dirty(Page);
        Assert.Equal(0, AssertOk(await Store.ReadAsync("f", 10 * Page, beyond)));
        Assert.All(beyond, b => Assert.Equal(0, b));
    }

    [StoreFact]
    public async Task Read_HoleInsideTheSize_ReadsZeros()
    {
        AssertOk(await Store.WriteAsync("f", 3 * Page, Pattern(Page, 5), WriteDurability.Buffered));
        byte[] buffer = Dirty(Page);
        Assert.Equal(Page, AssertOk(await Store.ReadAsync("f", Page, buffer)));
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [StoreFact]
    public async Task Read_HoleWithReportHoles_AnswersHoleAndZeros()
    {
        AssertOk(await Store.WriteAsync("f", 0, Pattern(Page, 6), WriteDurability.Buffered));
        AssertOk(await Store.WriteAsync("f", 8 * Page, Pattern(Page, 7), WriteDurability.Buffered));
        byte[] buffer = Dirty(2 * Page);
        StoreResult result = await Store.ReadAsync("f", 3 * Page, buffer, ReadOptions.WithHoles);
        Assert.Equal(ReportsHoles ? StoreStatus.Hole : StoreStatus.Ok, result.Status);
        Assert.Equal(2 * Page, result.Bytes);
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [StoreFact]
    public async Task Read_WrittenRangeWithReportHoles_AnswersOk()
    {
        byte[] data = Pattern(2 * Page, 8);
        AssertOk(await Store.WriteAsync("f", 4 * Page, data, WriteDurability.Buffered));
        byte[] buffer = Dirty(2 * Page);
        Assert.Equal(2 * Page, AssertOk(await Store.ReadAsync("f", 4 * Page, buffer, ReadOptions.WithHoles)));
        Assert.Equal(data, buffer);
    }

    [StoreFact]
    public async Task Read_PastTheEndWithReportHoles_AnswersOkWithNoBytes()
    {
        AssertOk(await Store.WriteAsync("f", 0, Pattern(Page, 9), WriteDurability.Buffered));
        byte[] buffer = Dirty(Page);
        Assert.Equal(0, AssertOk(await Store.ReadAsync("f", 4 * Page, buffer, ReadOptions.WithHoles)));
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [StoreFact]
    public async Task Write_NotAlignedToPages_KeepsTheNeighbouringBytes()
    {
        byte[] whole = Pattern(3 * Page, 10);
        AssertOk(await Store.WriteAsync("f", 0, whole, WriteDurability.Durable));
        byte[] patch = Pattern(Page + 20, 11);
        AssertOk(await Store.WriteAsync("f", Page - 10, patch, WriteDurability.Durable));
        patch.CopyTo(whole, Page - 10);

        byte[] buffer = Dirty(3 * Page);
        Assert.Equal(3 * Page, AssertOk(await Store.ReadAsync("f", 0, buffer)));
        Assert.Equal(whole, buffer);

        byte[] middle = Dirty(50);
        Assert.Equal(50, AssertOk(await Store.ReadAsync("f", (2 * Page) - 25, middle)));
        Assert.Equal(whole[((2 * Page) - 25)..((2 * Page) + 25)], middle);
    }

    [StoreFact]
    public async Task SetSize_Truncate_LaterReadPastItIsZero()
    {
        byte[] data = Pattern(3 * Page, 12);
        AssertOk(await Store.WriteAsync("f", 0, data, WriteDurability.Durable));
        AssertOk(await Store.SetSizeAsync("f", Page + 100));
        Assert.Equal(Page + 100, AssertOk(await Store.GetSizeAsync("f")));

        byte[] buffer = Dirty(3 * Page);
        Assert.Equal(Page + 100, AssertOk(await Store.ReadAsync("f", 0, buffer)));
        Assert.Equal(data[..(Page + 100)], buffer[..(Page + 100)]);
        Assert.All(buffer[(Page + 100)..], b => Assert.Equal(0, b));

        // Growing again must not bring the old bytes back.
        AssertOk(await Store.SetSizeAsync("f", 3 * Page));
        buffer = Dirty(3 * Page);
        Assert.Equal(3 * Page, AssertOk(await Store.ReadAsync("f", 0, buffer)));
        Assert.Equal(data[..(Page + 100)], buffer[..(Page + 100)]);
        Assert.All(buffer[(Page + 100)..], b => Assert.Equal(0, b));
    }

    [StoreFact]
    public async Task SetSize_Extend_ReadsZerosAndIsAHole()
    {
        AssertOk(await Store.SetSizeAsync("f", 4 * Page));
        Assert.Equal(4 * Page, AssertOk(await Store.GetSizeAsync("f")));
        byte[] buffer = Dirty(Page);
        StoreResult result = await Store.ReadAsync("f", 2 * Page, buffer, ReadOptions.WithHoles);
        Assert.Equal(ReportsHoles ? StoreStatus.Hole : StoreStatus.Ok, result.Status);
        Assert.Equal(Page, result.Bytes);
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [StoreFact]
    public async Task SetSize_ToZero_FileReadsAsNeverWritten()
    {
        AssertOk(await Store.WriteAsync("f", 0, Pattern(2 * Page, 13), WriteDurability.Buffered));
        AssertOk(await Store.SetSizeAsync("f", 0));
        Assert.Equal(0, AssertOk(await Store.GetSizeAsync("f")));
        AssertOk(await Store.WriteAsync("f", Page, Pattern(10, 14), WriteDurability.Buffered));
        byte[] buffer = Dirty(Page);
        Assert.Equal(Page, AssertOk(await Store.ReadAsync("f", 0, buffer)));
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [StoreFact]
    public async Task Write_ConcurrentToDistinctPages_AllLand()
    {
        const int Pages = 48;
        var writes = new Task<StoreResult>[Pages];
        for (int i = 0; i < Pages; i++)
        {
            var durability = i % 3 == 0 ? WriteDurability.Durable : WriteDurability.Buffered;
            writes[i] = Store.WriteAsync("c", (long)i * Page, Pattern(Page, 100 + i), durability).AsTask();
        }

        foreach (StoreResult result in await Task.WhenAll(writes))
        {
            Assert.Equal(Page, AssertOk(result));
        }

        Assert.Equal(Pages * Page, AssertOk(await Store.GetSizeAsync("c")));
        byte[] buffer = Dirty(Pages * Page);
        Assert.Equal(Pages * Page, AssertOk(await Store.ReadAsync("c", 0, buffer)));
        for (int i = 0; i < Pages; i++)
        {
            Assert.True(Pattern(Page, 100 + i).AsSpan().SequenceEqual(buffer.AsSpan(i * Page, Page)), $"page {i} did not land");
        }
    }

    [StoreFact]
    public async Task Write_ConcurrentToDistinctFiles_AllLand()
    {
        const int Files = 16;
        var writes = new Task<StoreResult>[Files];
        for (int i = 0; i < Files; i++)
        {
            writes[i] = Store.WriteAsync($"dir{i % 3}/file{i}", 0, Pattern(Page, 200 + i), WriteDurability.Durable).AsTask();
        }

        foreach (StoreResult result in await Task.WhenAll(writes))
        {
            AssertOk(result);
        }

        for (int i = 0; i < Files; i++)
        {
            byte[] buffer = Dirty(Page);
            Assert.Equal(Page, AssertOk(await Store.ReadAsync($"dir{i % 3}/file{i}", 0, buffer)));
            Assert.Equal(Pattern(Page, 200 + i), buffer);
        }
    }

    [StoreFact]
    public async Task Write_Durable_SurvivesDisposingAndReopeningTheStore()
    {
        byte[] data = Pattern(2 * Page, 15);
        AssertOk(await Store.WriteAsync("d/durable", Page, data, WriteDurability.Durable));
        await Store.DisposeAsync();
        Store = await OpenAsync();

        Assert.Equal(3 * Page, AssertOk(await Store.GetSizeAsync("d/durable")));
        byte[] buffer = Dirty(3 * Page);
        Assert.Equal(3 * Page, AssertOk(await Store.ReadAsync("d/durable", 0, buffer)));
        Assert.All(buffer[..Page], b => Assert.Equal(0, b));
        Assert.Equal(data, buffer[Page..]);
    }

    [StoreFact]
    public async Task Flush_AfterBufferedWritesAndSetSize_AllSurviveReopening()
    {
        AssertOk(await Store.WriteAsync("b", 0, Pattern(3 * Page, 16), WriteDurability.Buffered));
        AssertOk(await Store.SetSizeAsync("b", 2 * Page));
        AssertOk(await Store.FlushAsync("b"));
        await Store.DisposeAsync();
        Store = await OpenAsync();

        Assert.Equal(2 * Page, AssertOk(await Store.GetSizeAsync("b")));
        byte[] buffer = Dirty(2 * Page);
        Assert.Equal(2 * Page, AssertOk(await Store.ReadAsync("b", 0, buffer)));
        Assert.Equal(Pattern(3 * Page, 16)[..(2 * Page)], buffer);
    }

    [StoreFact]
    public async Task Flush_FileNeverWritten_AnswersOk() => AssertOk(await Store.FlushAsync("nothing"));

    public static TheoryData<string> InvalidNames =>
    [
        "",
        "/etc/passwd",
        "../escape",
        "a/../../escape",
        "a/..",
        "./a",
        "a//b",
        "a/",
        "nul\0byte",
        "back\\slash",
        "C:drive",
        "tab\there",
    ];

    [StoreTheory]
    [MemberData(nameof(InvalidNames))]
    public async Task EveryOperation_InvalidName_AnswersInvalidNameAndTouchesNothing(string name)
    {
        byte[] buffer = Dirty(Page);
        StoreResult[] results =
        [
            await Store.WriteAsync(name, 0, Pattern(Page, 17), WriteDurability.Durable),
            await Store.ReadAsync(name, 0, buffer),
            await Store.GetSizeAsync(name),
            await Store.SetSizeAsync(name, Page),
            await Store.FlushAsync(name),
        ];

        foreach (StoreResult result in results)
        {
            Assert.Equal(StoreStatus.Error, result.Status);
            Assert.Equal(StoreErrorKind.InvalidName, result.Error!.Kind);
            Assert.Contains("file name", result.Error.Message, StringComparison.Ordinal);
            Assert.False(result.Error.IsTransient);
        }

        Assert.All(buffer, b => Assert.Equal(0xEE, b));
        await AssertNothingTouchedAsync();
    }

    /// <summary>Asserts that nothing was created at the store's location; stores that can look do.</summary>
    protected virtual ValueTask AssertNothingTouchedAsync() => ValueTask.CompletedTask;

    [StoreFact]
    public async Task ReadAndWrite_NegativeOffset_AnswerInvalidArgument()
    {
        StoreResult write = await Store.WriteAsync("f", -1, Pattern(10, 18), WriteDurability.Durable);
        StoreResult read = await Store.ReadAsync("f", -4096, new byte[10]);
        Assert.Equal(StoreErrorKind.InvalidArgument, write.Error?.Kind);
        Assert.Equal(StoreErrorKind.InvalidArgument, read.Error?.Kind);
        Assert.Contains("-1", write.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(0, AssertOk(await Store.GetSizeAsync("f")));
    }

    [StoreFact]
    public async Task SetSize_Negative_AnswersInvalidArgumentAndKeepsTheSize()
    {
        AssertOk(await Store.WriteAsync("f", 0, Pattern(10, 19), WriteDurability.Buffered));
        StoreResult result = await Store.SetSizeAsync("f", -5);
        Assert.Equal(StoreErrorKind.InvalidArgument, result.Error?.Kind);
        Assert.Contains("-5", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(10, AssertOk(await Store.GetSizeAsync("f")));
    }

    [StoreFact]
    public async Task Write_EndPastTheLargestSize_AnswersInvalidArgument()
    {
        StoreResult result = await Store.WriteAsync("f", long.MaxValue - 5, Pattern(10, 20), WriteDurability.Buffered);
        Assert.Equal(StoreErrorKind.InvalidArgument, result.Error?.Kind);
    }

    [StoreFact]
    public async Task EveryOperation_AfterDispose_AnswersDisposed()
    {
        await Store.DisposeAsync();
        StoreResult[] results =
        [
            await Store.WriteAsync("f", 0, Pattern(10, 21), WriteDurability.Durable),
            await Store.ReadAsync("f", 0, new byte[10]),
            await Store.GetSizeAsync("f"),
            await Store.SetSizeAsync("f", 10),
            await Store.FlushAsync("f"),
        ];
        Assert.All(results, r => Assert.Equal(StoreErrorKind.Disposed, r.Error?.Kind));
    }

    [StoreFact]
    public async Task Read_CancelledToken_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Store.ReadAsync("f", 0, new byte[10], default, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Store.WriteAsync("f", 0, new byte[10], WriteDurability.Durable, cts.Token));
        Assert.Equal(0, AssertOk(await Store.GetSizeAsync("f")));
    }

    [StoreFact]
    public async Task Write_Empty_AnswersOkWithoutChangingTheSize()
    {
        AssertOk(await Store.WriteAsync("f", 0, Pattern(10, 22), WriteDurability.Buffered));
        Assert.Equal(0, AssertOk(await Store.WriteAsync("f", Page, ReadOnlyMemory<byte>.Empty, WriteDurability.Durable)));
        Assert.Equal(10, AssertOk(await Store.GetSizeAsync("f")));
    }
}
