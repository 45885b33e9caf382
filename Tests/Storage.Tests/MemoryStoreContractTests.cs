namespace ActorPager.Storage.Tests;

/// <summary>The store contract, run against <see cref="MemoryStore"/>.</summary>
public sealed class MemoryStoreContractTests : PageStoreContractTests
{
    /// <summary>The volume that outlives each store, as a disk outlives a process.</summary>
    private readonly MemoryVolume _volume = new();

    protected override string ExpectedKind => "memory";

    protected override ValueTask<IPageStore> OpenAsync() => new(new MemoryStore(_volume));

    protected override ValueTask AssertNothingTouchedAsync()
    {
        Assert.Empty(_volume.FileNames);
        return ValueTask.CompletedTask;
    }
}
