namespace ActorPager.Cluster.Tests;

/// <summary>
/// A cluster test: it needs a PostgreSQL server every node shares (the store and the files'
/// journals), named by <see cref="TestDatabase.Variable"/>. Without it the test is reported
/// skipped, with the reason saying how to run it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ClusterFactAttribute : FactAttribute
{
    /// <summary>Marks the test skipped, with the reason, when no server is configured.</summary>
    public ClusterFactAttribute()
    {
        if (TestDatabase.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
