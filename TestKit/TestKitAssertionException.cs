using Xunit.Sdk;

namespace ActorPager.TestKit;

/// <summary>
/// A failed expectation of the test kit. Its message says what was expected, what arrived
/// instead (or that nothing did, and within how long), and how to reproduce the run: the seed,
/// and on the deterministic dispatcher the step number and the trace hash. xunit reports it as
/// an assertion failure, like those of <c>Assert</c>.
/// </summary>
public sealed class TestKitAssertionException : XunitException
{
    /// <summary>Creates the exception.</summary>
    public TestKitAssertionException()
        : base("a test kit expectation failed")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TestKitAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public TestKitAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal TestKitAssertionException(string message, string expected, string arrived, long seed, Exception? innerException = null)
        : base(message, innerException)
    {
        Expected = expected;
        Arrived = arrived;
        Seed = seed;
    }

    /// <summary>What the expectation wanted, in words; null when not recorded.</summary>
    public string? Expected { get; }

    /// <summary>What arrived instead (or "nothing within ..."); null when not recorded.</summary>
    public string? Arrived { get; }

    /// <summary>The seed of the system the expectation ran against; null when not recorded.</summary>
    public long? Seed { get; }
}
