namespace ActorPager.Storage.Tests;

/// <summary>The store contract, run against <see cref="FaultyStore"/> with nothing injected, over a memory store.</summary>
public sealed class FaultyStoreContractTests : PageStoreContractTests
{
    /// <summary>The volume that outlives each store.</summary>
    private readonly MemoryVolume _volume = new();

    protected override string ExpectedKind => "memory";

    protected override ValueTask<IPageStore> OpenAsync() => new(new FaultyStore(new MemoryStore(_volume), FaultOptions.None with { Seed = 42 }));

    protected override ValueTask AssertNothingTouchedAsync()
    {
        Assert.Empty(_volume.FileNames);
        return ValueTask.CompletedTask;
    }
}
