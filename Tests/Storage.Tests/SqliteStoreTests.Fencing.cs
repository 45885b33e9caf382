using Microsoft.Data.Sqlite;

namespace ActorPager.Storage.Tests;

/// <summary>Fencing in SQLite: fences are rows checked inside each transaction, in order with the changes around them.</summary>
public sealed partial class SqliteStoreTests
{
    [Fact]
    public async Task GroupCommit_FenceQueuedBetweenWrites_TheEarlierWriteCommitsAndTheLaterIsRefused()
    {
        await using var store = new SqliteStore(_temp.Combine("f.db"), groupCommitWindow: TimeSpan.Zero);
        ValueTask<StoreResult> earlier, fence, later;
        using (store.Committer.HoldCommits())
        {
            earlier = store.WriteAsync("f", 0, new byte[] { 1 }, WriteDurability.Buffered, 1);
            fence = store.FenceAsync("f", 2);
            later = store.WriteAsync("f", 1, new byte[] { 2 }, WriteDurability.Buffered, 1);
        }

        Assert.Equal(StoreResult.Ok(1), await earlier);
        Assert.Equal(StoreResult.Ok(2), await fence);
        Assert.Equal(StoreErrorKind.Fenced, (await later).Error?.Kind);
        Assert.Equal(1, store.Statistics.Transactions);
        Assert.Equal(1, store.Statistics.DurableTransactions);
        Assert.Equal(1, (await store.GetSizeAsync("f")).Bytes);
    }

    [Fact]
    public async Task Fence_ByAnotherStoreOnTheSameDatabase_RefusesThisStoresOlderWrite()
    {
        string path = _temp.Combine("shared.db");
        await using var a = new SqliteStore(path);
        await using var b = new SqliteStore(path);
        Assert.True((await b.WriteAsync("f", 0, new byte[] { 1 }, WriteDurability.Durable, 1)).IsOk);
        Assert.True((await a.FenceAsync("f", 2)).IsOk);

        StoreResult stale = await b.WriteAsync("f", 0, new byte[] { 9, 9 }, WriteDurability.Durable, 1);
        Assert.Equal(StoreErrorKind.Fenced, stale.Error?.Kind);
        Assert.Equal(2, (await b.GetFenceAsync("f")).Bytes);
        Assert.Equal(1, (await a.GetSizeAsync("f")).Bytes);
    }

    [Fact]
    public async Task Open_Version1Database_GetsTheFenceTableAndVersion2()
    {
        string path = _temp.Combine("v1.db");
        await new SqliteStore(path).DisposeAsync();

        // Make the database what a build before fencing left: no fence table, version 1.
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE fence; UPDATE meta SET value = 1 WHERE key = 'schema_version';";
            await command.ExecuteNonQueryAsync();
        }

        await using (var store = new SqliteStore(path))
        {
            Assert.Equal(3, (await store.FenceAsync("f", 3)).Bytes);
            Assert.Equal(3, (await store.GetFenceAsync("f")).Bytes);
        }

        await using var check = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await check.OpenAsync();
        await using var version = check.CreateCommand();
        version.CommandText = "SELECT value FROM meta WHERE key = 'schema_version'";
        Assert.Equal(2L, await version.ExecuteScalarAsync());
    }
}
