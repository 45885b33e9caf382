using Microsoft.Data.Sqlite;

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
    public async Task DurableWrite_SameBytesAsTheBufferedWriteBefore_StillWritesARowSoTheCommitSyncs()
    {
        // SQLite leaves a page alone when a row is rewritten with the bytes it holds, and a commit
        // that changed no page syncs nothing: the durable write would answer with the buffered
        // bytes still unsynced, and a flush after it would be skipped.
        string path = _temp.Combine("same.db");
        await using var store = new SqliteStore(path, groupCommitWindow: TimeSpan.Zero);
        byte[] page = Enumerable.Range(0, 4096).Select(i => (byte)(i % 251)).ToArray();
        Assert.True((await store.WriteAsync("f", 0, page, WriteDurability.Buffered)).IsOk);
        long before = DurableCommitCount(path);
        Assert.True((await store.WriteAsync("f", 0, page, WriteDurability.Durable)).IsOk);
        Assert.Equal(before + 1, DurableCommitCount(path));
    }

    [Fact]
    public async Task DurableCommit_OfOnlyARefusedWrite_StillWritesARowSoTheCommitSyncs()
    {
        string path = _temp.Combine("refused.db");
        await using var store = new SqliteStore(path, groupCommitWindow: TimeSpan.Zero);
        Assert.True((await store.FenceAsync("f", 2)).IsOk);
        long before = DurableCommitCount(path);
        Assert.Equal(StoreErrorKind.Fenced, (await store.WriteAsync("f", 0, new byte[] { 1 }, WriteDurability.Durable, 1)).Error?.Kind);
        Assert.Equal(before + 1, DurableCommitCount(path));
    }

    /// <summary>The meta row every durable transaction changes, read on a connection of its own.</summary>
    private static long DurableCommitCount(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = 'flushes'";
        return (long)command.ExecuteScalar()!;
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
