namespace ActorPager.TestKit.Tests;

/// <summary>The contract on the thread pool and real time.</summary>
public sealed class ThreadPoolProbeContractTests : ProbeContractTests
{
    public ThreadPoolProbeContractTests()
        : base(TestKitSettings.ThreadPool(seed: 7))
    {
    }
}
