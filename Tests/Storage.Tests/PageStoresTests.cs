namespace ActorPager.Storage.Tests;

/// <summary>The factory picks the store the configuration names.</summary>
public sealed class PageStoresTests : IDisposable
{
    /// <summary>Holds directory and SQLite stores.</summary>
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("directory")]
    [InlineData("sqlite")]
    [InlineData("memory")]
    [InlineData("simulated")]
    [InlineData(" SQLite ")]
    public async Task Create_KnownKind_MakesThatStore(string kind)
    {
        var options = new StoreOptions { Kind = kind, Directory = _temp.Combine("data"), SqlitePath = _temp.Combine("db/store.db") };
        await using IPageStore store = PageStores.Create(options);
        Assert.Equal(kind.Trim().ToLowerInvariant(), store.Kind);
    }

    [Fact]
    public void Create_UnknownKind_ThrowsNamingTheKinds()
    {
        var error = Assert.Throws<ArgumentException>(() => PageStores.Create(new StoreOptions { Kind = "tape" }));
        Assert.Contains("'tape'", error.Message, StringComparison.Ordinal);
        Assert.Contains("directory, sqlite, postgres, memory, simulated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_PostgresWithoutConnectionString_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => PageStores.Create(new StoreOptions { Kind = "postgres" }));
        Assert.Contains("connection-string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new StoreOptions();
        Assert.Equal("directory", options.Kind);
        Assert.Equal("./data", options.Directory);
        Assert.Equal(SqliteSynchronous.Full, options.SqliteSynchronous);
        Assert.Equal(TimeSpan.FromMilliseconds(2), options.GroupCommitWindow);
    }
}
