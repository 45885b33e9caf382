using System.Globalization;
using Npgsql;

namespace ActorPager.Bench.Cluster;

/// <summary>
/// A fresh PostgreSQL database for one benchmark run: made with a unique name on the server the
/// connection string names (through its <c>postgres</c> database), dropped again on dispose.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    /// <summary>The variables the server's connection string is read from, first set wins.</summary>
    public static readonly string[] Variables = ["ACTORPAGER_BENCH_POSTGRES", "ACTORPAGER_TEST_POSTGRES"];

    private readonly string _admin;

    private BenchDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>An Npgsql connection string to the new database.</summary>
    public string ConnectionString { get; }

    /// <summary>The server's connection string from <see cref="Variables"/>, or null when none is set.</summary>
    public static string? ServerConnectionString() =>
        Variables.Select(Environment.GetEnvironmentVariable).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    /// <summary>Creates a database called <c>actorpager_bench_PURPOSE_RANDOM</c> on the server of <paramref name="server"/>.</summary>
    public static async Task<BenchDatabase> CreateAsync(string server, string purpose)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"actorpager_bench_{purpose}_{Guid.NewGuid().ToString("N")[..16]}");
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new BenchDatabase(admin, name, new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
    }

    /// <summary>
    /// The server's next transaction id (<c>pg_snapshot_xmax(pg_current_snapshot())</c>). Only a
    /// transaction that writes takes an id, so the difference over a stretch of time counts the
    /// write transactions (the commits that wait for a WAL flush) the whole server did, at once,
    /// without the delay of the statistics views. Server-wide: meaningful while nothing else
    /// writes to the server (the throwaway one of .ci/postgres.sh).
    /// </summary>
    public async Task<long> NextTransactionIdAsync()
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint", connection);
        return await query.ExecuteScalarAsync() is long xid ? xid : 0;
    }

    /// <summary>Drops the database, closing whatever sessions still use it (ours pooled, or a killed node's).</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException e)
        {
            Console.Error.WriteLine($"cluster bench: could not drop database {Name}: {e.Message}");
        }
    }
}
