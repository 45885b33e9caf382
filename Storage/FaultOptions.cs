namespace ActorPager.Storage;

/// <summary>What <see cref="FaultyStore"/> injects, and how often; every rate is a probability from 0 to 1 per call.</summary>
public sealed record FaultOptions
{
    /// <summary>The seed of the random source; the same seed and the same calls in the same order give the same faults.</summary>
    public int Seed { get; init; }

    /// <summary>Any call fails with an injected error, touching nothing.</summary>
    public double ErrorRate { get; init; }

    /// <summary>A write fails with an injected error and writes nothing.</summary>
    public double FailedWriteRate { get; init; }

    /// <summary>A write of more than one byte writes only a prefix, then answers an injected error whose <see cref="StoreResult.Bytes"/> is the prefix's length.</summary>
    public double ShortWriteRate { get; init; }

    /// <summary>A call is delayed before it reaches the inner store.</summary>
    public double LatencyRate { get; init; }

    /// <summary>The longest injected delay; each delay is drawn uniformly up to it.</summary>
    public TimeSpan MaxLatency { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Whether injected errors say they are transient.</summary>
    public bool TransientErrors { get; init; } = true;

    /// <summary>Options that inject nothing.</summary>
    public static FaultOptions None { get; } = new();
}
