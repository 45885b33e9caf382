namespace ActorPager.Storage.Tests;

/// <summary>The store contract, run against <see cref="SqliteStore"/> in a temporary database file.</summary>
public sealed class SqliteStoreContractTests : PageStoreContractTests
{
    /// <summary>Holds the database file.</summary>
    private readonly TempDirectory _temp = new();

    protected override string ExpectedKind => "sqlite";

    protected override ValueTask<IPageStore> OpenAsync() => new(new SqliteStore(_temp.Combine("store.db")));

    protected override ValueTask CleanupAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }
}
