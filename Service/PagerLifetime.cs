using Microsoft.Extensions.Hosting;

namespace ActorPager.Service;

/// <summary>
/// The pager node's part of the host's stop. The host starts its services in the order they were
/// registered and stops them in reverse; this one is registered after Akka.Hosting's, and
/// Kestrel's (added when the application is built) starts last. So on SIGTERM or Ctrl-C: Kestrel
/// stops and finishes the requests in flight; then <see cref="StopAsync"/> syncs every open file
/// (every dirty page through synchronous putpages, then a store flush); then Akka's hosted service
/// runs CoordinatedShutdown, which stops the actors and terminates the system; then, once every
/// service has stopped, <see cref="StoppedAsync"/> closes the store.
/// </summary>
internal sealed class PagerLifetime(PageServer server) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// After Kestrel has stopped, before the actors stop: syncs every file. The token (the host's
    /// shutdown-timeout) is not passed on: every dirty page is written, however long it takes,
    /// because that is what a graceful stop promises (docs/service.md).
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        server.StartedService is { } service ? service.SyncAllAsync() : Task.CompletedTask;

    /// <summary>After CoordinatedShutdown: waits until the actor system has terminated, then closes the store.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (server.StartedService is { } service)
        {
            // CoordinatedShutdown terminates the system unless akka.coordinated-shutdown.terminate-actor-system
            // is off; either way no actor may touch the store once it is closed.
            await service.Pager.System.Terminate().ConfigureAwait(false);
        }

        await server.CloseStoreAsync().ConfigureAwait(false);
    }
}
