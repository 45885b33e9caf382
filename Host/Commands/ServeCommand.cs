using System.CommandLine;
using ActorPager.Service;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace ActorPager.Host;

/// <summary>
/// <c>actorpager serve</c>: one pager node with the configured store and the HTTP API
/// (docs/service.md). Stops gracefully on SIGTERM or Ctrl-C: Kestrel stops accepting and
/// finishes requests in flight, every dirty page is written with sync putpages, then Akka's
/// CoordinatedShutdown stops the actors; exit code 0.
/// </summary>
internal static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Directory of the store: the directory store's root, or where the SQLite file goes (actorpager.storage.directory.root)." };
        var store = new Option<string>("--store") { Description = "The store: directory (default), sqlite or postgres (actorpager.storage.kind)." };
        store.AcceptOnlyFromAmong("directory", "sqlite", "postgres", "memory");
        var connection = new Option<string>("--connection") { Description = "PostgreSQL connection string, for --store postgres (actorpager.storage.postgres.connection-string)." };
        var listen = new Option<string>("--listen") { Description = "HOST:PORT to listen on; default 127.0.0.1:5080 (actorpager.http.listen). Port 0 picks a free port." };
        var token = new Option<string>("--token") { Description = "Bearer token every route but /healthz requires (actorpager.http.token). Required for a non-loopback address." };
        var cluster = new Option<bool>("--cluster") { Description = "Run as a node of a cluster: files sharded over the nodes, one owner each (actorpager.cluster.enabled; needs --store postgres). docs/cluster.md." };
        var nodeHost = new Option<string>("--node-host") { Description = "The address other nodes reach this one at; default 127.0.0.1 (actorpager.cluster.node-host)." };
        var nodePort = new Option<int?>("--node-port") { Description = "The port of this node's cluster transport; default 4053 (actorpager.cluster.node-port)." };
        var seed = new Option<string[]>("--seed") { Description = "A seed node, HOST:PORT; repeat for several (actorpager.cluster.seeds). Without seeds a node starts a new cluster.", AllowMultipleArgumentsPerToken = false };
        var config = new Option<FileInfo>("--config") { Description = "A HOCON file over reference.conf (environment variables and these switches override it)." };
        var command = new Command("serve", "Start a pager node with the HTTP API (GET/PUT /v1/files/{path}, /v1/objects, /metrics, /healthz).")
        {
            data, store, connection, listen, token, config, cluster, nodeHost, nodePort, seed,
        };
        command.SetAction((parse, cancellation) => RunAsync(
            new ServeOptions
            {
                Data = parse.GetValue(data),
                Store = parse.GetValue(store),
                Connection = parse.GetValue(connection),
                Listen = parse.GetValue(listen),
                Token = parse.GetValue(token),
                ConfigFile = parse.GetValue(config)?.FullName,
                Cluster = parse.GetValue(cluster),
                NodeHost = parse.GetValue(nodeHost),
                NodePort = parse.GetValue(nodePort),
                Seeds = parse.GetValue(seed) ?? [],
            },
            Console.Out,
            Console.Error));
        return command;
    }

    /// <summary>Runs the server until SIGTERM or Ctrl-C; 0 after a graceful stop, 2 when the settings are unusable.</summary>
    public static async Task<int> RunAsync(ServeOptions options, TextWriter output, TextWriter error)
    {
        PageServer server;
        try
        {
            server = PageServer.Create(options, output);
        }
        catch (ServeException e)
        {
            await error.WriteLineAsync($"actorpager serve: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        await using (server.ConfigureAwait(false))
        {
            try
            {
                await server.StartAsync().ConfigureAwait(false);
            }
            catch (IOException e)
            {
                await error.WriteLineAsync($"actorpager serve: cannot listen on {server.Settings.Listen}: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            catch (Akka.Configuration.ConfigurationException e)
            {
                // The akka section of the configuration is unusable (Akka.Hosting failed to start the system).
                await error.WriteLineAsync($"actorpager serve: cannot start the actor system: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            await output.WriteLineAsync($"actorpager: listening on {server.Address} (store {server.Store.GetType().Name}, mount '{server.Settings.Mount}'{(server.Settings.Token.Length > 0 ? ", token required" : string.Empty)}{(server.Cluster.Enabled ? $", cluster node {server.Cluster.NodeHost}:{server.Cluster.NodePort}" : string.Empty)})").ConfigureAwait(false);
            await output.FlushAsync().ConfigureAwait(false);

            // Returns once SIGTERM or Ctrl-C has stopped the host: Kestrel has finished the
            // requests in flight, PagerLifetime has synced every file, CoordinatedShutdown has
            // stopped the actors and the store is closed.
            await server.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return 0;
    }
}
