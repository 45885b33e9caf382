using Xunit.Abstractions;

namespace ActorPager.Cluster.Tests;

/// <summary>Runs a test body against a fresh database and a started three-node cluster; on failure writes the nodes' logs to the test's output.</summary>
internal static class ClusterRun
{
    /// <summary>Creates the database, starts the cluster, runs <paramref name="body"/>; kills the nodes and drops the database however it ends.</summary>
    public static async Task RunAsync(ITestOutputHelper output, Func<TestCluster, Task> body)
    {
        await using var database = await TestDatabase.CreateAsync();
        var cluster = TestCluster.Create(database);
        try
        {
            await cluster.StartAsync();
            output.WriteLine($"cluster: {cluster.Nodes.Count} nodes started: {cluster.StartTimes}");
            await body(cluster);
        }
        catch
        {
            output.WriteLine("cluster: the test failed; the nodes' logs follow");
            output.WriteLine(cluster.Logs());
            throw;
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
