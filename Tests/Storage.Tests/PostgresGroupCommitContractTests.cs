using ActorPager.Storage.Internal;
using Npgsql;

namespace ActorPager.Storage.Tests;

/// <summary>The group commit contract, run against <see cref="PostgresStore"/> in a schema of its own.</summary>
[RequiresPostgres]
[Collection(PostgresCollection.Name)]
public sealed class PostgresGroupCommitContractTests(PostgresServer server) : GroupCommitContractTests
{
    /// <summary>A schema for this test alone, dropped afterwards.</summary>
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N");

    /// <summary>The store, typed.</summary>
    private PostgresStore Postgres => (PostgresStore)Store;

    protected override GroupCommitStatistics Statistics => Postgres.Statistics;

    protected override bool FailCommits
    {
        set => Postgres.FaultBeforeCommit = value ? _ => new NpgsqlException("injected: permanent") : null;
    }

    internal override GroupCommitter Committer => Postgres.Committer;

    protected override ValueTask<IFencedPageStore> OpenAsync() =>
        new(new PostgresStore(server.ConnectionString, _schema, groupCommitWindow: TimeSpan.FromMilliseconds(1), maxBatch: MaxBatch, retryBackoff: TimeSpan.Zero));

    protected override async ValueTask CleanupAsync() => await PostgresSchemas.DropAsync(server.ConnectionString, _schema);
}
