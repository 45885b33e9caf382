namespace ActorPager.Storage.Tests;

/// <summary>The store contract, run against <see cref="SimulatedStore"/> in auto-complete mode.</summary>
public sealed class SimulatedStoreContractTests : PageStoreContractTests
{
    /// <summary>The volume that outlives each store.</summary>
    private readonly MemoryVolume _volume = new();

    protected override string ExpectedKind => "simulated";

    protected override ValueTask<IPageStore> OpenAsync() => new(new SimulatedStore(_volume, autoComplete: true));

    protected override ValueTask AssertNothingTouchedAsync()
    {
        Assert.Empty(_volume.FileNames);
        return ValueTask.CompletedTask;
    }
}
