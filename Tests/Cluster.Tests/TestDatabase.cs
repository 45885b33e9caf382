using System.Globalization;
using Npgsql;

namespace ActorPager.Cluster.Tests;

/// <summary>
/// A fresh PostgreSQL database for one test's cluster (its store and its files' journals), on the
/// server named by <see cref="Variable"/>, so runs never share journals or files. Created on the
/// server's <c>postgres</c> database; dropped, with any connection left to it, when disposed.
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    /// <summary>The environment variable holding an Npgsql connection string of the server (set by .ci/postgres.sh).</summary>
    public const string Variable = "ACTORPAGER_TEST_POSTGRES";

    /// <summary>The schema the store's tables are in (reference.conf: actorpager.storage.postgres.schema).</summary>
    public const string StoreSchema = "actorpager";

    /// <summary>Why the cluster tests are skipped, or null when they can run.</summary>
    public static readonly string? SkipReason = string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable))
        ? "cluster tests skipped: " + Variable + " is not set; to run them, set it to an Npgsql connection string (eval \"$(bash .ci/postgres.sh)\" starts a throwaway server and prints it)"
        : null;

    /// <summary>The connection string of the server's maintenance database, where databases are created and dropped.</summary>
    private readonly string _maintenance;

    private TestDatabase(string name, string connectionString, string maintenance)
    {
        Name = name;
        ConnectionString = connectionString;
        _maintenance = maintenance;
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>The Npgsql connection string of the database (what the nodes get as --connection).</summary>
    public string ConnectionString { get; }

    /// <summary>Creates a database with a unique name.</summary>
    public static async Task<TestDatabase> CreateAsync()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException(SkipReason);
        }

        var name = "actorpager_cluster_" + Guid.NewGuid().ToString("N")[..12];
        var maintenance = new NpgsqlConnectionStringBuilder(configured) { Database = "postgres", Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(maintenance))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new TestDatabase(name, new NpgsqlConnectionStringBuilder(configured) { Database = name }.ConnectionString, maintenance);
    }

    /// <summary>The rows of the store's pages table for <paramref name="file"/>: page index to the row's bytes.</summary>
    public async Task<IReadOnlyDictionary<long, byte[]>> ReadPagesAsync(string file)
    {
        var pages = new Dictionary<long, byte[]>();
        await using var connection = new NpgsqlConnection(PlainConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT idx, data FROM {StoreSchema}.pages WHERE file = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            pages[reader.GetInt64(0)] = reader.GetFieldValue<byte[]>(1);
        }

        return pages;
    }

    /// <summary>The store's size of <paramref name="file"/> (its files row), or null when it has none.</summary>
    public async Task<long?> ReadSizeAsync(string file) =>
        await ScalarAsync($"SELECT size FROM {StoreSchema}.files WHERE file = $1", file);

    /// <summary>The store's fence of <paramref name="file"/> (the lowest generation whose writes it takes), or null when it has none.</summary>
    public async Task<long?> ReadFenceAsync(string file) =>
        await ScalarAsync($"SELECT generation FROM {StoreSchema}.fence WHERE file = $1", file);

    /// <summary>Drops the database, closing any connection a killed node left to it.</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_maintenance);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>The connection string without pooling, so dropping the database finds no idle connection of ours.</summary>
    private string PlainConnectionString => new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString;

    private async Task<long?> ScalarAsync(string sql, string file)
    {
        await using var connection = new NpgsqlConnection(PlainConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file });
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }
}
