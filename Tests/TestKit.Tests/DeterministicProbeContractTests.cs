namespace ActorPager.TestKit.Tests;

/// <summary>The contract on the deterministic dispatcher and virtual time.</summary>
public sealed class DeterministicProbeContractTests : ProbeContractTests
{
    public DeterministicProbeContractTests()
        : base(TestKitSettings.Deterministic(seed: 42))
    {
    }
}
