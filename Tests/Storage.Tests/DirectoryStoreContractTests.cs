namespace ActorPager.Storage.Tests;

/// <summary>The store contract, run against <see cref="DirectoryStore"/> in a temporary directory.</summary>
public sealed class DirectoryStoreContractTests : PageStoreContractTests
{
    /// <summary>Holds the store's root, and nothing else, so a test sees anything written beside it.</summary>
    private readonly TempDirectory _temp = new();

    protected override string ExpectedKind => "directory";

    /// <summary>The directory store keeps fences in the instance (one process owns a directory).</summary>
    protected override bool FenceSurvivesReopening => false;

    protected override ValueTask<IPageStore> OpenAsync() => new(new DirectoryStore(_temp.Combine("root"), maxOpenFiles: 8));

    protected override ValueTask CleanupAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    protected override ValueTask AssertNothingTouchedAsync()
    {
        Assert.Equal([_temp.Combine("root")], Directory.GetFileSystemEntries(_temp.Path));
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Combine("root")));
        return ValueTask.CompletedTask;
    }
}
