using ActorPager.Storage;
using ActorPager.Storage.Tests;
using Npgsql;
using Xunit.Abstractions;

namespace ActorPager.Durability.Tests;

/// <summary>
/// Issue 5, item 8: a child process writes through the pager with sync putpages and is killed
/// with SIGKILL at random moments; after each kill every acknowledged write reads back intact and
/// no page is torn. 50 kills per store; ACTORPAGER_CRASH_KILLS=1000 runs 1,000.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Crash_DirectoryStore_NoAcknowledgedWriteLostNoPageTorn()
    {
        var root = Path.Combine(Path.GetTempPath(), "actorpager-crash", Guid.NewGuid().ToString("N"));
        try
        {
            await CrashAssert.RunAsync("directory", [root], () => new DirectoryStore(root), seed: 8001, output);
        }
        finally
        {
            DeleteDirectory(root);
        }
    }

    [Fact]
    public async Task Crash_SqliteStore_NoAcknowledgedWriteLostNoPageTorn()
    {
        var directory = Path.Combine(Path.GetTempPath(), "actorpager-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var database = Path.Combine(directory, "pages.db");
        try
        {
            await CrashAssert.RunAsync("sqlite", [database], () => new SqliteStore(database), seed: 8002, output);
        }
        finally
        {
            DeleteDirectory(directory);
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

/// <summary>The PostgreSQL part of item 8, on the storage tests' server (ACTORPAGER_TEST_POSTGRES or a throwaway one).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresCrashTests(PostgresServer server, ITestOutputHelper output)
{
    [PostgresFact]
    public async Task Crash_PostgresStore_NoAcknowledgedWriteLostNoPageTorn()
    {
        var schema = "crash_" + Guid.NewGuid().ToString("N");
        try
        {
            await CrashAssert.RunAsync("postgres", [server.ConnectionString, schema], () => new PostgresStore(server.ConnectionString, schema), seed: 8003, output);
        }
        finally
        {
            // Best effort: a failure here must not hide the test's own.
            try
            {
                await using var connection = new NpgsqlConnection(server.ConnectionString);
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
                await drop.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException e)
            {
                output.WriteLine($"could not drop schema {schema}: {e.Message}");
            }
        }
    }
}

/// <summary>Runs a crash run, reports its line and asserts on it.</summary>
internal static class CrashAssert
{
    /// <summary>The worker's crash run (<see cref="CrashRun"/>) on one store.</summary>
    public static Task RunAsync(string kind, IReadOnlyList<string> storeArguments, Func<IPageStore> openStore, int seed, ITestOutputHelper output) =>
        RunAsync(log => new CrashRun(kind, storeArguments, openStore, seed, log).RunAsync(CrashRun.Kills), seed, output);

    /// <summary>Any crash run: <paramref name="run"/> gets where to report its findings and returns its totals.</summary>
    public static async Task RunAsync(Func<Action<string>, Task<CrashResult>> run, int seed, ITestOutputHelper output)
    {
        var details = new List<string>();
        var started = DateTime.UtcNow;
        CrashResult result;
        try
        {
            result = await run(line =>
            {
                lock (details)
                {
                    details.Add(line);
                }

                output.WriteLine(line);
            });
        }
        catch (InvalidOperationException e)
        {
            // A run that could not go on (a victim that exited by itself, a failed request) fails with its seed.
            throw new InvalidOperationException($"crash run with seed {seed} failed after {(DateTime.UtcNow - started).TotalSeconds:F1} s: {e.Message}", e);
        }

        var serve = result.RestartsChecked is { } restarts ? $"; stale generations={result.Stale}; restarts checked through the server: {restarts}; kills: {result.Moments}; 503 answers sent again: {result.Unavailable}" : string.Empty;
        var summary = $"{result.Line} (seed {seed}; {(DateTime.UtcNow - started).TotalSeconds:F1} s; kills that left an unacknowledged write in the store: {result.UnackedSeen}; regressed={result.Regressed} mismatched={result.Mismatched}{serve})";

        // In the test output and on the console, so that the line shows in CI logs.
        output.WriteLine(summary);
        Console.WriteLine(summary);
        Assert.True(result.Passed, $"{summary}\n{string.Join('\n', details.Take(50))}");
    }
}

/// <summary>A fact that is skipped, with the storage tests' reason, when no PostgreSQL server can be had.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Sets the skip reason from <see cref="PostgresServer.SkipReason"/>.</summary>
    public PostgresFactAttribute()
    {
        Skip = PostgresServer.SkipReason!;
    }
}
