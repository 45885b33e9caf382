using ActorPager.Service;
using Akka;
using Akka.Actor;

namespace ActorPager.Host.Tests;

/// <summary>
/// The order of a graceful stop in one process: every dirty page is in the store before Akka's
/// CoordinatedShutdown starts, and a shutdown that Akka starts itself still syncs first.
/// </summary>
public sealed class ShutdownTests : IAsyncLifetime
{
    private static readonly byte[] Unsynced = Enumerable.Range(0, 3 * 4096).Select(i => (byte)((i * 13) + 1)).ToArray();

    private readonly InProcessServer _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Stop_UnsyncedWrite_IsInTheStoreBeforeCoordinatedShutdownStarts()
    {
        Assert.False((await _server.Client.WriteAsync("stop/unsynced.bin", 0, Unsynced)).Durable);
        var system = _server.Server.Service.Pager.System;

        // A task in CoordinatedShutdown's first phase looks at the store's file as the phase starts.
        var seen = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "test-look-at-the-store", () =>
        {
            var path = Path.Combine(_server.DataDirectory, "stop", "unsynced.bin");
            seen.TrySetResult(File.Exists(path) ? File.ReadAllBytes(path) : []);
            return Task.FromResult(Done.Instance);
        });

        await _server.Server.StopAsync();

        Assert.True(seen.Task.IsCompleted, "CoordinatedShutdown did not run when the host stopped");
        Assert.Equal(Unsynced, await seen.Task);
        Assert.True(system.WhenTerminated.IsCompleted, "the actor system is still running after the host stopped");
        Assert.IsType<CoordinatedShutdown.ClrExitReason>(CoordinatedShutdown.Get(system).ShutdownReason);
    }

    [Fact]
    public async Task CoordinatedShutdownStartedByAkka_UnsyncedWrite_IsSyncedBeforeTheActorsStop()
    {
        Assert.False((await _server.Client.WriteAsync("stop/by-akka.bin", 4096, Unsynced)).Durable);
        var system = _server.Server.Service.Pager.System;

        // As when an actor (or a cluster downing) runs CoordinatedShutdown: the host has not stopped.
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.UnknownReason.Instance);

        Assert.True(system.WhenTerminated.IsCompleted, "CoordinatedShutdown did not terminate the actor system");
        var stored = await File.ReadAllBytesAsync(Path.Combine(_server.DataDirectory, "stop", "by-akka.bin"));
        Assert.Equal(Unsynced, stored.AsSpan(4096).ToArray());
        var synced = await _server.Server.Service.SyncAllAsync();
        Assert.Equal(1, synced.Files);
        Assert.Equal(3, synced.Pages);
    }
}
