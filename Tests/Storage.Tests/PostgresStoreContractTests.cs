using Npgsql;

namespace ActorPager.Storage.Tests;

/// <summary>The store contract, run against <see cref="PostgresStore"/> in a schema of its own.</summary>
[RequiresPostgres]
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreContractTests(PostgresServer server) : PageStoreContractTests
{
    /// <summary>A schema for this test alone, dropped afterwards.</summary>
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N");

    protected override string ExpectedKind => "postgres";

    protected override ValueTask<IPageStore> OpenAsync() =>
        new(new PostgresStore(server.ConnectionString, _schema, groupCommitWindow: TimeSpan.FromMilliseconds(1)));

    protected override async ValueTask CleanupAsync() => await PostgresSchemas.DropAsync(server.ConnectionString, _schema);
}

/// <summary>Removes test schemas.</summary>
internal static class PostgresSchemas
{
    /// <summary>Drops a schema and everything in it.</summary>
    public static async Task DropAsync(string connectionString, string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}
