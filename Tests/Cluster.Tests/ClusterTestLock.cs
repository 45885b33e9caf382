namespace ActorPager.Cluster.Tests;

/// <summary>
/// One test cluster on the machine at a time, across test processes: Cluster.Tests and Ui.Tests
/// each start three nodes, and `dotnet test ActorPager.sln` runs the two assemblies at once; two
/// clusters on two cores starve each other's failure detectors and down live nodes. A named mutex
/// (shared between processes on Linux too; an owner that dies abandons it, and the next waiter gets
/// it) held by a thread of its own, since a mutex is released by the thread that took it.
/// </summary>
internal sealed class ClusterTestLock : IDisposable
{
    /// <summary>How long a cluster waits for another one to finish: the whole of another assembly's cluster tests.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(20);

    private const string Name = "Global\\actorpager-test-cluster";

    private readonly ManualResetEventSlim _release = new();
    private readonly Thread _holder;

    private ClusterTestLock(TaskCompletionSource acquired)
    {
        _holder = new Thread(() =>
        {
            using var mutex = new Mutex(false, Name);
            try
            {
                try
                {
                    if (!mutex.WaitOne(Patience))
                    {
                        acquired.TrySetException(new TimeoutException($"another test cluster held the machine ({Name}) for more than {Patience.TotalMinutes:0} minutes"));
                        return;
                    }
                }
                catch (AbandonedMutexException)
                {
                    // Its owner died: ours now.
                }

                acquired.TrySetResult();
                _release.Wait();
                mutex.ReleaseMutex();
            }
            catch (Exception e)
            {
                acquired.TrySetException(e);
            }
        })
        { IsBackground = true, Name = "test-cluster-lock" };
    }

    /// <summary>Waits until no other test cluster runs on the machine, and holds the machine until disposed.</summary>
    public static async Task<ClusterTestLock> AcquireAsync()
    {
        var acquired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new ClusterTestLock(acquired);
        held._holder.Start();
        await acquired.Task;
        return held;
    }

    /// <summary>Lets the next test cluster start.</summary>
    public void Dispose()
    {
        _release.Set();
        _holder.Join();
        _release.Dispose();
    }
}
