using Npgsql;

namespace ActorPager.Storage.Tests;

/// <summary>What only the PostgreSQL store does: retries, group commit, schema versions, fencing across nodes.</summary>
[RequiresPostgres]
[Collection(PostgresCollection.Name)]
public sealed partial class PostgresStoreTests(PostgresServer server) : IAsyncLifetime
{
    /// <summary>A schema for this test alone.</summary>
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await PostgresSchemas.DropAsync(server.ConnectionString, _schema);

    /// <summary>A store on this test's schema, retrying without pauses.</summary>
    private PostgresStore Open(int retryLimit = 3, int maxBatch = 256) =>
        new(server.ConnectionString, _schema, groupCommitWindow: TimeSpan.Zero, maxBatch: maxBatch, retryLimit: retryLimit, retryBackoff: TimeSpan.Zero);

    /// <summary>An exception Npgsql calls transient, as a dropped connection is.</summary>
    private static NpgsqlException Transient() => new("injected: connection lost", new TimeoutException());

    [StoreFact]
    public async Task Commit_TransientFailuresWithinTheBound_RetriedAndSucceeds()
    {
        await using PostgresStore store = Open(retryLimit: 3);
        Assert.True(PostgresStore.IsTransient(Transient()));
        var attempts = new List<int>();
        store.FaultBeforeCommit = attempt =>
        {
            attempts.Add(attempt);
            return attempt <= 2 ? Transient() : null;
        };

        StoreResult result = await store.WriteAsync("f", 0, new byte[] { 1, 2, 3 }, WriteDurability.Durable);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal([1, 2, 3], attempts);
        Assert.Equal(2, store.Statistics.Retries);
        var buffer = new byte[3];
        Assert.Equal(3, (await store.ReadAsync("f", 0, buffer)).Bytes);
        Assert.Equal([1, 2, 3], buffer);
    }

    [StoreFact]
    public async Task Commit_TransientFailuresBeyondTheBound_AnswersTransientErrorAndWritesNothing()
    {
        await using PostgresStore store = Open(retryLimit: 2);
        int attempts = 0;
        store.FaultBeforeCommit = _ =>
        {
            attempts++;
            return Transient();
        };

        StoreResult result = await store.WriteAsync("f", 0, new byte[] { 1 }, WriteDurability.Durable);
        Assert.Equal(StoreStatus.Error, result.Status);
        Assert.Equal(StoreErrorKind.Unavailable, result.Error?.Kind);
        Assert.True(result.Error!.IsTransient);
        Assert.Contains("after 3 attempts", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(3, attempts);
        Assert.Equal(1, store.Statistics.FailedTransactions);
        store.FaultBeforeCommit = null;
        Assert.Equal(0, (await store.GetSizeAsync("f")).Bytes);
    }

    [StoreFact]
    public async Task Commit_NonTransientFailure_NotRetried()
    {
        await using PostgresStore store = Open(retryLimit: 5);
        int attempts = 0;
        store.FaultBeforeCommit = _ =>
        {
            attempts++;
            return new NpgsqlException("injected: permanent");
        };

        StoreResult result = await store.WriteAsync("f", 0, new byte[] { 1 }, WriteDurability.Durable);
        Assert.Equal(StoreErrorKind.Io, result.Error?.Kind);
        Assert.False(result.Error!.IsTransient);
        Assert.Equal(1, attempts);
    }

    [StoreFact]
    public async Task DurableWrites_QueuedTogether_ShareOneTransactionAndCompleteOnlyAfterIt()
    {
        await using PostgresStore store = Open();
        Assert.True((await store.InitializeAsync()).IsOk);
        var writes = new List<ValueTask<StoreResult>>();
        using (store.Committer.HoldCommits())
        {
            for (int i = 0; i < 30; i++)
            {
                writes.Add(store.WriteAsync("f", i * 4096L, new byte[4096], WriteDurability.Durable));
            }

            Assert.All(writes, w => Assert.False(w.IsCompleted, "a durable write completed before its transaction committed"));
        }

        foreach (ValueTask<StoreResult> write in writes)
        {
            Assert.True((await write).IsOk);
        }

        Assert.Equal(1, store.Statistics.Transactions);
        Assert.Equal(30, store.Statistics.LargestBatch);
        Assert.Equal(30 * 4096, (await store.GetSizeAsync("f")).Bytes);
    }

    [StoreFact]
    public async Task ReadVector_ClusterAcrossRows_OneQueryScatteredIntoEveryBuffer()
    {
        await using PostgresStore store = Open();
        byte[] data = Enumerable.Range(0, 17 * 4096).Select(i => (byte)((i % 251) + 1)).ToArray();
        Assert.True((await store.WriteAsync("f", 0, data, WriteDurability.Durable)).IsOk);

        // A cluster as the pager reads it: sixteen page-sized buffers, one per row.
        long before = store.ReadQueries;
        var pages = new byte[16 * 4096];
        Memory<byte>[] frames = [.. Enumerable.Range(0, 16).Select(i => pages.AsMemory(i * 4096, 4096))];
        Assert.Equal(StoreResult.Ok(16 * 4096), await store.ReadVectorAsync("f", 4096, frames));
        Assert.Equal(before + 1, store.ReadQueries);
        Assert.Equal(data[4096..], pages);

        // Buffers whose boundaries fall inside rows, from inside a row to past the end of the file.
        var bytes = new byte[6 * 4096];
        bytes.AsSpan().Fill(0xEE);
        Memory<byte>[] parts = [bytes.AsMemory(0, 1000), bytes.AsMemory(1000, 4096), bytes.AsMemory(5096, 7000), bytes.AsMemory(12096)];
        Assert.Equal(StoreResult.Ok(3 * 4096 - 100), await store.ReadVectorAsync("f", (14 * 4096) + 100, parts));
        Assert.Equal(before + 2, store.ReadQueries);
        Assert.Equal(data[((14 * 4096) + 100)..], bytes[..((3 * 4096) - 100)]);
        Assert.All(bytes[((3 * 4096) - 100)..], b => Assert.Equal(0, b));
    }

    [StoreFact]
    public async Task DurableCommit_OfOnlyARefusedWrite_StillTakesATransactionIdSoTheCommitFlushes()
    {
        // A transaction without an id commits without waiting for the WAL flush; the durable
        // batch of a refused write would then cover nothing, and a flush after it would be skipped.
        await using PostgresStore store = Open();
        Assert.True((await store.FenceAsync("f", 2)).IsOk);
        long before = await NextTransactionIdAsync();
        Assert.Equal(StoreErrorKind.Fenced, (await store.WriteAsync("f", 0, new byte[] { 1 }, WriteDurability.Durable, 1)).Error?.Kind);
        Assert.True(await NextTransactionIdAsync() > before, "the durable batch of a refused write took no transaction id");
    }

    /// <summary>The server's next transaction id: it moves only when a transaction takes one.</summary>
    private async Task<long> NextTransactionIdAsync()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [StoreFact]
    public async Task Open_SchemaWithAnotherRowSize_AnswersCorrupt()
    {
        await using (PostgresStore first = Open())
        {
            Assert.True((await first.InitializeAsync()).IsOk);
        }

        await using var second = new PostgresStore(server.ConnectionString, _schema, rowSize: 8192);
        StoreResult result = await second.GetSizeAsync("f");
        Assert.Equal(StoreErrorKind.Corrupt, result.Error?.Kind);
        Assert.Contains("4096", result.Error!.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Initialize_Twice_RecordsEachSchemaVersionOnce()
    {
        await using (PostgresStore first = Open())
        {
            Assert.True((await first.InitializeAsync()).IsOk);
        }

        await using (PostgresStore second = Open())
        {
            Assert.True((await second.InitializeAsync()).IsOk);
        }

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*), max(version) FROM {_schema}.schema_version", connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(2, reader.GetInt64(0));
        Assert.Equal(2, reader.GetInt32(1));
    }

    [StoreFact]
    public async Task Read_ServerUnreachable_AnswersTransientErrorAfterRetries()
    {
        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Port = 1, Timeout = 2 };
        await using var store = new PostgresStore(builder.ConnectionString, _schema, retryLimit: 1, retryBackoff: TimeSpan.Zero);
        StoreResult result = await store.ReadAsync("f", 0, new byte[10]);
        Assert.Equal(StoreStatus.Error, result.Status);
        Assert.True(result.Error!.IsTransient, result.ToString());
    }
}
