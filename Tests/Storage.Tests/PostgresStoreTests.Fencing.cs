using Npgsql;

namespace ActorPager.Storage.Tests;

/// <summary>Fencing in PostgreSQL: two store instances on one schema are two nodes; fences are rows both see.</summary>
public sealed partial class PostgresStoreTests
{
    [StoreFact]
    public async Task Fence_ByOneNode_RefusesTheOtherNodesOlderWrites()
    {
        await using PostgresStore a = Open();
        await using PostgresStore b = Open();
        Assert.Equal(2, (await a.FenceAsync("f", 2)).Bytes);

        StoreResult stale = await b.WriteAsync("f", 0, new byte[] { 1, 2, 3 }, WriteDurability.Durable, 1);
        Assert.Equal(StoreErrorKind.Fenced, stale.Error?.Kind);
        Assert.Contains("fenced at generation 2", stale.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(StoreErrorKind.Fenced, (await b.SetSizeAsync("f", 10, 1)).Error?.Kind);
        Assert.Equal(StoreErrorKind.Fenced, (await b.FenceAsync("f", 1)).Error?.Kind);
        Assert.Equal(2, (await b.GetFenceAsync("f")).Bytes);
        Assert.Equal(0, (await a.GetSizeAsync("f")).Bytes);

        Assert.True((await b.WriteAsync("f", 0, new byte[] { 4, 5, 6 }, WriteDurability.Durable, 2)).IsOk);
        var buffer = new byte[3];
        Assert.Equal(3, (await a.ReadAsync("f", 0, buffer)).Bytes);
        Assert.Equal([4, 5, 6], buffer);
    }

    [StoreFact]
    public async Task FencedWrites_OfOneNodeRacingTheOtherNodesFence_NoneCommitsAfterItAnswers()
    {
        // Small batches, so that many transactions of the writing node race the fence.
        await using PostgresStore writer = Open(maxBatch: 8);
        await using PostgresStore fencer = Open();
        Assert.True((await writer.InitializeAsync()).IsOk);
        Assert.True((await fencer.InitializeAsync()).IsOk);
        for (int round = 0; round < 4; round++)
        {
            await FencingRace.RunAsync(writer, fencer, $"race{round}", 128);
        }
    }

    [StoreFact]
    public async Task Commit_TransientFailureWithAFencedChange_RetriedAndStillRefusedAlone()
    {
        await using PostgresStore store = Open();
        Assert.True((await store.FenceAsync("a", 2)).IsOk);
        store.FaultBeforeCommit = attempt => attempt == 1 ? Transient() : null;
        ValueTask<StoreResult> stale, other;
        using (store.Committer.HoldCommits())
        {
            stale = store.WriteAsync("a", 0, new byte[] { 1 }, WriteDurability.Durable, 1);
            other = store.WriteAsync("b", 0, new byte[] { 2 }, WriteDurability.Durable, 1);
        }

        Assert.Equal(StoreErrorKind.Fenced, (await stale).Error?.Kind);
        Assert.Equal(StoreResult.Ok(1), await other);
        Assert.Equal(1, store.Statistics.Retries);
        Assert.Equal(0, (await store.GetSizeAsync("a")).Bytes);
    }

    [StoreFact]
    public async Task Open_SchemaAtVersion1_MigratesToTheFenceTable()
    {
        await using (PostgresStore first = Open())
        {
            Assert.True((await first.InitializeAsync()).IsOk);
        }

        // Make the schema what a build before fencing left: no fence table, version 1.
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP TABLE {_schema}.fence; DELETE FROM {_schema}.schema_version WHERE version = 2", connection);
            await command.ExecuteNonQueryAsync();
        }

        await using PostgresStore second = Open();
        Assert.Equal(3, (await second.FenceAsync("f", 3)).Bytes);
        Assert.Equal(3, (await second.GetFenceAsync("f")).Bytes);
        await using var check = new NpgsqlConnection(server.ConnectionString);
        await check.OpenAsync();
        await using var versions = new NpgsqlCommand($"SELECT max(version) FROM {_schema}.schema_version", check);
        Assert.Equal(2, (int)(await versions.ExecuteScalarAsync())!);
    }
}
