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

    [Theory]
    [InlineData("directory")]
    [InlineData("sqlite")]
    [InlineData("memory")]
    [InlineData("simulated")]
    public async Task Fenced_EveryStoreTheFactoryMakes_GivesAViewOfItsKind(string kind)
    {
        var options = new StoreOptions { Kind = kind, Directory = _temp.Combine("data"), SqlitePath = _temp.Combine("db/store.db") };
        await using IPageStore store = PageStores.Create(options);
        FencedStoreView view = PageStores.Fenced(store, 7);
        Assert.Equal(kind, view.Kind);
        Assert.Equal(7, view.Generation);
        Assert.Same(store, view.Inner);
    }

    [Fact]
    public void Fenced_StoreThatDoesNotFence_ThrowsNamingItsKind()
    {
        IPageStore view = PageStores.Fenced(new MemoryStore(), 1);
        var error = Assert.Throws<ArgumentException>(() => PageStores.Fenced(view, 2));
        Assert.Contains("'memory'", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(FencedStoreView), error.Message, StringComparison.Ordinal);

        var faulty = new FaultyStore(view, FaultOptions.None);
        error = Assert.Throws<ArgumentException>(() => PageStores.Fenced(faulty, 2));
        Assert.Contains("FaultyStore", error.Message, StringComparison.Ordinal);
        Assert.Contains("'memory'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fenced_GenerationBelowOne_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PageStores.Fenced(new MemoryStore(), 0));
        Assert.Equal("generation", error.ParamName);
    }
}
