namespace ActorPager.Storage.Tests;

/// <summary>Scatter/gather (<see cref="VectoredIo"/>): native in stores that implement <see cref="IVectoredPageStore"/>, the fallbacks elsewhere; the same contract either way.</summary>
public abstract partial class PageStoreContractTests
{
    /// <summary>Splits <paramref name="bytes"/> into buffers of the given lengths (views of it, so a read lands in it).</summary>
    private static Memory<byte>[] Split(byte[] bytes, params int[] lengths)
    {
        var buffers = new Memory<byte>[lengths.Length];
        int at = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            buffers[i] = bytes.AsMemory(at, lengths[i]);
            at += lengths[i];
        }

        Assert.Equal(bytes.Length, at);
        return buffers;
    }

    private static ReadOnlyMemory<byte>[] Sources(byte[] bytes, params int[] lengths) =>
        [.. Split(bytes, lengths).Select(m => (ReadOnlyMemory<byte>)m)];

    [StoreFact]
    public async Task WriteVector_ThenReadVector_RoundTripsAcrossOtherSplits()
    {
        byte[] data = Pattern(4 * Page, 40);
        Assert.Equal(4 * Page, AssertOk(await Store.WriteVectorAsync("v", Page, Sources(data, Page, 2 * Page, Page), WriteDurability.Buffered)));
        Assert.Equal(5 * Page, AssertOk(await Store.GetSizeAsync("v")));

        byte[] buffer = Dirty(4 * Page);
        Assert.Equal(4 * Page, AssertOk(await Store.ReadVectorAsync("v", Page, Split(buffer, Page, Page, Page, Page))));
        Assert.Equal(data, buffer);
        byte[] whole = Dirty(5 * Page);
        Assert.Equal(5 * Page, AssertOk(await Store.ReadAsync("v", 0, whole)));
        Assert.All(whole[..Page], b => Assert.Equal(0, b));
        Assert.Equal(data, whole[Page..]);
    }

    [StoreFact]
    public async Task WriteVector_Durable_SurvivesReopening()
    {
        byte[] data = Pattern(3 * Page, 41);
        Assert.Equal(3 * Page, AssertOk(await Store.WriteVectorAsync("d/v", 0, Sources(data, Page, Page, Page), WriteDurability.Durable)));
        await Store.DisposeAsync();
        Store = await OpenAsync();

        byte[] buffer = Dirty(3 * Page);
        Assert.Equal(3 * Page, AssertOk(await Store.ReadVectorAsync("d/v", 0, Split(buffer, Page, 2 * Page))));
        Assert.Equal(data, buffer);
    }

    [StoreFact]
    public async Task ReadVector_HoleBetweenWrittenPages_ReadsZerosThereAndOk()
    {
        byte[] first = Pattern(Page, 42);
        byte[] last = Pattern(Page, 43);
        AssertOk(await Store.WriteAsync("h", 0, first, WriteDurability.Buffered));
        AssertOk(await Store.WriteAsync("h", 2 * Page, last, WriteDurability.Buffered));

        byte[] buffer = Dirty(3 * Page);
        StoreResult result = await Store.ReadVectorAsync("h", 0, Split(buffer, Page, Page, Page), ReadOptions.WithHoles);
        Assert.Equal(StoreStatus.Ok, result.Status);
        Assert.Equal(3 * Page, result.Bytes);
        Assert.Equal(first, buffer[..Page]);
        Assert.All(buffer[Page..(2 * Page)], b => Assert.Equal(0, b));
        Assert.Equal(last, buffer[(2 * Page)..]);
    }

    [StoreFact]
    public async Task ReadVector_WholeRangeAHoleWithReportHoles_AnswersHoleAndZeros()
    {
        AssertOk(await Store.WriteAsync("h", 0, Pattern(Page, 44), WriteDurability.Buffered));
        AssertOk(await Store.WriteAsync("h", 8 * Page, Pattern(Page, 45), WriteDurability.Buffered));

        byte[] buffer = Dirty(2 * Page);
        StoreResult result = await Store.ReadVectorAsync("h", 3 * Page, Split(buffer, Page, Page), ReadOptions.WithHoles);
        Assert.Equal(ReportsHoles ? StoreStatus.Hole : StoreStatus.Ok, result.Status);
        Assert.Equal(2 * Page, result.Bytes);
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [StoreFact]
    public async Task ReadVector_PastTheEnd_ZerosEveryBufferAndCountsOnlyBytesInside()
    {
        byte[] data = Pattern(Page + 100, 46);
        AssertOk(await Store.WriteAsync("e", 0, data, WriteDurability.Buffered));

        byte[] buffer = Dirty(3 * Page);
        Assert.Equal(Page + 100, AssertOk(await Store.ReadVectorAsync("e", 0, Split(buffer, Page, Page, Page))));
        Assert.Equal(data, buffer[..(Page + 100)]);
        Assert.All(buffer[(Page + 100)..], b => Assert.Equal(0, b));

        byte[] beyond = Dirty(2 * Page);
        Assert.Equal(0, AssertOk(await Store.ReadVectorAsync("e", 10 * Page, Split(beyond, Page, Page))));
        Assert.All(beyond, b => Assert.Equal(0, b));
    }

    [StoreFact]
    public async Task ReadVector_FileNeverWritten_ZerosAndNoBytesInside()
    {
        byte[] buffer = Dirty(2 * Page);
        Assert.Equal(0, AssertOk(await Store.ReadVectorAsync("never", 0, Split(buffer, Page, Page))));
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [StoreFact]
    public async Task WriteVector_PastTheEnd_ExtendsAndTheGapReadsZeros()
    {
        AssertOk(await Store.WriteAsync("x", 0, Pattern(100, 47), WriteDurability.Buffered));
        byte[] data = Pattern(2 * Page, 48);
        AssertOk(await Store.WriteVectorAsync("x", 4 * Page, Sources(data, Page, Page), WriteDurability.Buffered));
        Assert.Equal(6 * Page, AssertOk(await Store.GetSizeAsync("x")));

        byte[] buffer = Dirty(6 * Page);
        Assert.Equal(6 * Page, AssertOk(await Store.ReadVectorAsync("x", 0, Split(buffer, 2 * Page, 2 * Page, 2 * Page))));
        Assert.All(buffer[100..(4 * Page)], b => Assert.Equal(0, b));
        Assert.Equal(data, buffer[(4 * Page)..]);
    }

    [StoreFact]
    public async Task ReadVector_BuffersNotAlignedToPages_PutsEveryByteInItsPlace()
    {
        byte[] data = Pattern((3 * Page) + 500, 49);
        AssertOk(await Store.WriteAsync("u", 0, data, WriteDurability.Buffered));

        // From inside the first page to past the end of the file, in buffers that cut pages (and
        // rows) anywhere: one byte, one that spans a whole page and parts of two others, and so on.
        const int Offset = 300;
        byte[] buffer = Dirty((4 * Page) - Offset);
        StoreResult result = await Store.ReadVectorAsync("u", Offset, Split(buffer, 100, 1, 5000, 3000, buffer.Length - 8101));
        Assert.Equal(data.Length - Offset, AssertOk(result));
        Assert.Equal(data[Offset..], buffer[..(data.Length - Offset)]);
        Assert.All(buffer[(data.Length - Offset)..], b => Assert.Equal(0, b));
    }

    [StoreFact]
    public async Task ReadVector_NegativeOffset_AnswersInvalidArgument()
    {
        StoreResult result = await Store.ReadVectorAsync("f", -1, Split(Dirty(2 * Page), Page, Page));
        Assert.Equal(StoreStatus.Error, result.Status);
        Assert.Equal(StoreErrorKind.InvalidArgument, result.Error!.Kind);
    }
}
