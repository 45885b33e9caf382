using ActorPager.Testing;
using System.Text;
using ActorPager.Client;

namespace ActorPager.Host.Tests;

/// <summary>The real program: graceful shutdown on SIGTERM, and the client commands against a running server.</summary>
[Collection(nameof(ProcessTests))]
public sealed class ProcessTests
{
    private static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "actorpager-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Serve_SigTerm_WritesEveryDirtyPageAndExitsZero()
    {
        var data = NewDataDirectory();
        var unsynced = Enumerable.Range(0, 5 * 4096).Select(i => (byte)(i * 7)).ToArray();
        await using (var server = await ServerProcess.StartAsync(data))
        {
            using var client = new ActorPagerClient(server.Address);
            Assert.False((await client.WriteAsync("shutdown/unsynced.bin", 0, unsynced)).Durable);
            Assert.True((await client.WriteAsync("shutdown/synced.bin", 100, "synced"u8.ToArray(), sync: true)).Durable);
            Assert.Equal(5, (await client.StatAsync("shutdown/unsynced.bin")).Dirty);
            Assert.Equal(0, await server.TerminateAsync());
            Assert.Contains("actorpager: stopped: synced 2 files", server.Output, StringComparison.Ordinal);

            // The stop ran Akka's CoordinatedShutdown (its INFO lines reach the host's logger); at
            // the default akka.loglevel, Akka's DEBUG lines do not.
            Assert.Contains("CoordinatedShutdown invoked", server.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("dbug: Akka", server.Output, StringComparison.Ordinal);
        }

        // The unsynced write reached the store, and a restarted server reads both back.
        Assert.Equal(unsynced, await File.ReadAllBytesAsync(Path.Combine(data, "shutdown", "unsynced.bin")));
        await using (var restarted = await ServerProcess.StartAsync(data))
        {
            using var client = new ActorPagerClient(restarted.Address);
            Assert.Equal(unsynced, await client.ReadAsync("shutdown/unsynced.bin"));
            Assert.Equal("synced", Encoding.ASCII.GetString(await client.ReadAsync("shutdown/synced.bin", 100, 6)));
            Assert.Equal(0, await restarted.TerminateAsync());
        }
    }

    [Fact]
    public async Task Serve_AkkaLogLevelInConfigFile_AkkaDebugLogsReachTheHostLogger()
    {
        var data = NewDataDirectory();
        Directory.CreateDirectory(data);
        var config = Path.Combine(data, "debug.conf");
        await File.WriteAllTextAsync(config, "akka.loglevel = DEBUG\n");
        await using var server = await ServerProcess.StartAsync(data, "--config", config);
        Assert.Equal(0, await server.TerminateAsync());

        // Akka's DEBUG events, through Akka.Hosting's logger into Microsoft.Extensions.Logging's console.
        Assert.Contains("dbug: Akka", server.Output, StringComparison.Ordinal);
        Assert.Contains("Performing phase [before-service-unbind] with [1] tasks: [actorpager-sync-files]", server.Output, StringComparison.Ordinal);
        Assert.Contains("actorpager: stopped: synced 0 files", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_NonLoopbackWithoutToken_ExitsWithTwo()
    {
        var (code, _, err) = await ServerProcess.RunAsync(["serve", "--listen", "0.0.0.0:0", "--store", "memory"]);
        Assert.Equal(2, code);
        Assert.Contains("without a token", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_WriteCatSyncStatTop_AgainstARunningServer()
    {
        var data = NewDataDirectory();
        await using var server = await ServerProcess.StartAsync(data, "--token", "cli-token");
        string[] Common() => ["--server", server.Address.ToString(), "--token", "cli-token"];

        var write = await ServerProcess.RunAsync(["write", "cli/notes.txt", "--offset", "0", .. Common()], "written by the CLI"u8.ToArray());
        Assert.True(write.Code == 0, write.Err);
        Assert.Contains("written 18 bytes", write.Out, StringComparison.Ordinal);

        var cat = await ServerProcess.RunAsync(["cat", "cli/notes.txt", .. Common()]);
        Assert.Equal(0, cat.Code);
        Assert.Equal("written by the CLI", cat.Out);

        var slice = await ServerProcess.RunAsync(["cat", "cli/notes.txt", "--offset", "11", "--length", "3", .. Common()]);
        Assert.Equal("the", slice.Out);

        var stat = await ServerProcess.RunAsync(["stat", "cli/notes.txt", .. Common()]);
        Assert.Equal(0, stat.Code);
        Assert.Contains("size 18 (1 pages), resident 1, dirty 1", stat.Out, StringComparison.Ordinal);

        var sync = await ServerProcess.RunAsync(["sync", "cli/notes.txt", .. Common()]);
        Assert.Equal(0, sync.Code);
        Assert.Contains("synced: 1 pages written", sync.Out, StringComparison.Ordinal);
        Assert.Equal("written by the CLI", await File.ReadAllTextAsync(Path.Combine(data, "cli", "notes.txt")));

        var durable = await ServerProcess.RunAsync(["write", "cli/notes.txt", "--offset", "0", "--sync", .. Common()], "W"u8.ToArray());
        Assert.Contains("written 1 bytes, durable", durable.Out, StringComparison.Ordinal);

        var json = await ServerProcess.RunAsync(["stat", "cli/notes.txt", "--json", .. Common()]);
        Assert.Contains("\"dirty\":0", json.Out, StringComparison.Ordinal);

        var top = await ServerProcess.RunAsync(["top", "--once", .. Common()]);
        Assert.True(top.Code == 0, top.Err);
        Assert.Contains("cli/notes.txt", top.Out, StringComparison.Ordinal);
        Assert.Contains("VM objects", top.Out, StringComparison.Ordinal);

        var refused = await ServerProcess.RunAsync(["cat", "cli/../etc/passwd", .. Common()]);
        Assert.Equal(1, refused.Code);
        Assert.Contains("'..' segment", refused.Err, StringComparison.Ordinal);

        var noToken = await ServerProcess.RunAsync(["stat", "cli/notes.txt", "--server", server.Address.ToString()]);
        Assert.Equal(1, noToken.Code);
        Assert.Contains("401", noToken.Err, StringComparison.Ordinal);

        Assert.Equal(0, await server.TerminateAsync());
    }

    [Fact]
    public async Task Help_EveryCommand_PrintsUsage()
    {
        foreach (var command in new[] { "serve", "cat", "write", "sync", "stat", "top", "demo", "config" })
        {
            var (code, output, _) = await ServerProcess.RunAsync([command, "--help"]);
            Assert.True(code == 0, command);
            Assert.Contains("Usage:", output, StringComparison.Ordinal);
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
    }
}
