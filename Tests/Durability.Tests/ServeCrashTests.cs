using ActorPager.Storage;
using Xunit.Abstractions;

namespace ActorPager.Durability.Tests;

/// <summary>
/// The crash test against the journal-backed single node: a real <c>actorpager serve</c> takes
/// sync writes over HTTP and is killed with SIGKILL at seeded moments; after each kill every
/// acknowledged write is in the store and no page is torn, and after each restart the server
/// has taken every file over with a newer generation and reads the bytes the store holds
/// (<see cref="ServeCrashRun"/>). 20 kills per store; ACTORPAGER_SERVE_CRASH_KILLS sets another number.
/// </summary>
public sealed class ServeCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ServeCrash_DirectoryStore_NoAcknowledgedWriteLostNoPageTornEachRestartTakesOver()
    {
        var data = Path.Combine(Path.GetTempPath(), "actorpager-crash", Guid.NewGuid().ToString("N"));
        try
        {
            await CrashAssert.RunAsync(log => new ServeCrashRun("directory", data, () => new DirectoryStore(data), seed: 8101, log).RunAsync(ServeCrashRun.Kills), seed: 8101, output);
        }
        finally
        {
            DeleteDirectory(data);
        }
    }

    [Fact]
    public async Task ServeCrash_SqliteStore_NoAcknowledgedWriteLostNoPageTornEachRestartTakesOver()
    {
        // serve --store sqlite --data DIR keeps the pages in DIR/actorpager.db (and the journal beside it).
        var data = Path.Combine(Path.GetTempPath(), "actorpager-crash", Guid.NewGuid().ToString("N"));
        try
        {
            await CrashAssert.RunAsync(log => new ServeCrashRun("sqlite", data, () => new SqliteStore(Path.Combine(data, "actorpager.db")), seed: 8102, log).RunAsync(ServeCrashRun.Kills), seed: 8102, output);
        }
        finally
        {
            DeleteDirectory(data);
        }
    }

    private static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
