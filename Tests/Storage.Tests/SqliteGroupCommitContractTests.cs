using ActorPager.Storage.Internal;
using Microsoft.Data.Sqlite;

namespace ActorPager.Storage.Tests;

/// <summary>The group commit contract, run against <see cref="SqliteStore"/> in a temporary database file.</summary>
public sealed class SqliteGroupCommitContractTests : GroupCommitContractTests
{
    /// <summary>Holds the database file.</summary>
    private readonly TempDirectory _temp = new();

    /// <summary>The store, typed.</summary>
    private SqliteStore Sqlite => (SqliteStore)Store;

    protected override GroupCommitStatistics Statistics => Sqlite.Statistics;

    protected override bool FailCommits
    {
        set => Sqlite.FaultBeforeCommit = value ? () => new SqliteException("injected: disk I/O error", 10) : null;
    }

    internal override GroupCommitter Committer => Sqlite.Committer;

    protected override ValueTask<IFencedPageStore> OpenAsync() =>
        new(new SqliteStore(_temp.Combine("store.db"), groupCommitWindow: TimeSpan.FromMilliseconds(1), maxBatch: MaxBatch));

    protected override ValueTask CleanupAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }
}
