namespace ActorPager.Storage.Tests;

/// <summary>What only the SQLite store does: group commit, row sizes, its own checks, fences in the database.</summary>
public sealed partial class SqliteStoreTests : IDisposable
{
    /// <summary>Holds the database file.</summary>
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task DurableWrites_QueuedTogether_ShareOneTransactionAndCompleteOnlyAfterIt()
    {
        await using var store = new SqliteStore(_temp.Combine("g.db"), groupCommitWindow: TimeSpan.Zero, maxBatch: 64);
        var writes = new List<ValueTask<StoreResult>>();
        using (store.Committer.HoldCommits())
        {
            for (int i = 0; i < 40; i++)
            {
                writes.Add(store.WriteAsync("f", i * 4096L, new byte[4096], WriteDurability.Durable));
            }

            Assert.All(writes, w => Assert.False(w.IsCompleted, "a durable write completed before its transaction committed"));
            Assert.Equal(0, store.Statistics.Transactions);
        }

        foreach (ValueTask<StoreResult> write in writes)
        {
            Assert.True((await write).IsOk);
        }

        GroupCommitStatistics statistics = store.Statistics;
        Assert.Equal(1, statistics.Transactions);
        Assert.Equal(1, statistics.DurableTransactions);
        Assert.Equal(40, statistics.Operations);
        Assert.Equal(40, statistics.LargestBatch);
    }

    [Fact]
    public async Task DurableWrites_MoreThanTheBatchLimit_SplitIntoBatchesOfTheLimit()
    {
        await using var store = new SqliteStore(_temp.Combine("g.db"), groupCommitWindow: TimeSpan.Zero, maxBatch: 16);
        var writes = new List<ValueTask<StoreResult>>();
        using (store.Committer.HoldCommits())
        {
            for (int i = 0; i < 40; i++)
            {
                writes.Add(store.WriteAsync("f", i * 4096L, new byte[4096], WriteDurability.Durable));
            }
        }

        foreach (ValueTask<StoreResult> write in writes)
        {
            Assert.True((await write).IsOk);
        }

        Assert.Equal(3, store.Statistics.Transactions);
        Assert.Equal(16, store.Statistics.LargestBatch);
    }

    [Fact]
    public async Task BufferedWrites_Alone_CommitWithoutDurability()
    {
        await using var store = new SqliteStore(_temp.Combine("b.db"));
        Assert.True((await store.WriteAsync("f", 0, new byte[10], WriteDurability.Buffered)).IsOk);
        Assert.Equal(0, store.Statistics.DurableTransactions);
        Assert.True((await store.FlushAsync("f")).IsOk);
        Assert.Equal(1, store.Statistics.DurableTransactions);
    }

    [Fact]
    public async Task Open_ExistingDatabaseWithAnotherRowSize_Throws()
    {
        string path = _temp.Combine("rows.db");
        await (new SqliteStore(path, rowSize: 4096)).DisposeAsync();
        var error = Assert.Throws<InvalidOperationException>(() => new SqliteStore(path, rowSize: 8192));
        Assert.Contains("4096", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_SmallRowsAcrossManyRows_ReadsBackAndTellsHolesPerRow()
    {
        await using var store = new SqliteStore(_temp.Combine("small.db"), rowSize: 512);
        byte[] data = Enumerable.Range(0, 1500).Select(i => (byte)(i % 250 + 1)).ToArray();
        Assert.True((await store.WriteAsync("f", 700, data, WriteDurability.Durable)).IsOk);
        var buffer = new byte[1500];
        Assert.Equal(1500, (await store.ReadAsync("f", 700, buffer)).Bytes);
        Assert.Equal(data, buffer);
        Assert.Equal(StoreStatus.Hole, (await store.ReadAsync("f", 0, new byte[512], ReadOptions.WithHoles)).Status);
        Assert.Equal(StoreStatus.Ok, (await store.ReadAsync("f", 0, new byte[513], ReadOptions.WithHoles)).Status);
    }
}
