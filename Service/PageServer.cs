using System.Diagnostics;
using System.Globalization;
using ActorPager.Actors;
using ActorPager.Service.Cluster;
using ActorPager.Service.Configuration;
using ActorPager.Storage;
using Akka;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorPager.Service;

/// <summary>What <c>actorpager serve</c>'s switches say; null means "as configured".</summary>
internal sealed record ServeOptions
{
    /// <summary>--config FILE: a HOCON file over reference.conf.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>--data DIR: the store's directory (the directory store's root; the SQLite file goes inside).</summary>
    public string? Data { get; init; }

    /// <summary>--store directory|sqlite|postgres.</summary>
    public string? Store { get; init; }

    /// <summary>--connection: the PostgreSQL connection string.</summary>
    public string? Connection { get; init; }

    /// <summary>--listen HOST:PORT.</summary>
    public string? Listen { get; init; }

    /// <summary>--token TOKEN.</summary>
    public string? Token { get; init; }

    /// <summary>--cluster: run as a cluster node (actorpager.cluster.enabled).</summary>
    public bool Cluster { get; init; }

    /// <summary>--node-host: the address other nodes reach this one at (actorpager.cluster.node-host).</summary>
    public string? NodeHost { get; init; }

    /// <summary>--node-port: the cluster transport's port (actorpager.cluster.node-port).</summary>
    public int? NodePort { get; init; }

    /// <summary>--seed HOST:PORT, repeatable (actorpager.cluster.seeds).</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];
}

/// <summary>
/// A page server: the web application (Kestrel and the routes), with the actor system built by
/// Akka.Hosting (<c>AddAkka</c>) inside the same generic host. The pager node starts with the host
/// and stops with it: on SIGTERM, Ctrl-C or <see cref="StopAsync"/>, Kestrel finishes the requests
/// in flight, every open file is synced, then Akka's CoordinatedShutdown stops the actors, and the
/// store closes last.
/// </summary>
internal sealed class PageServer : IAsyncDisposable
{
    /// <summary>The actor system's name.</summary>
    public const string SystemName = "actorpager";

    /// <summary>Written to once the node has stopped (stdout for the program).</summary>
    private readonly TextWriter _log;

    /// <summary>The page service, once Akka.Hosting has started the actor system.</summary>
    private PageService? _service;

    /// <summary>Set by <see cref="StartAsync"/>: from then on the host owns the store and the actors.</summary>
    private int _started;

    /// <summary>Guards <see cref="_stopping"/>.</summary>
    private readonly Lock _stopLock = new();

    /// <summary>The stop, once <see cref="StopAsync"/> has been called.</summary>
    private Task? _stopping;

    /// <summary>Set once the store is closed.</summary>
    private int _closed;

    private PageServer(IPageStore store, HttpSettings settings, TextWriter log)
    {
        Store = store;
        Settings = settings;
        _log = log;
    }

    /// <summary>The web application (Kestrel, the routes, and Akka's hosted service); set by <see cref="Create"/> before it returns.</summary>
    public WebApplication App { get; private set; } = null!;

    /// <summary>The HTTP settings.</summary>
    public HttpSettings Settings { get; }

    /// <summary>The store behind the mount.</summary>
    public IPageStore Store { get; }

    /// <summary>The page service: there once the host has started the actor system.</summary>
    /// <exception cref="InvalidOperationException">The server has not started.</exception>
    public PageService Service => StartedService ?? throw new InvalidOperationException("the page server has not started: its actor system is made when the host starts");

    /// <summary>The page service, or null before the actor system has started.</summary>
    internal PageService? StartedService => Volatile.Read(ref _service);

    /// <summary>The address Kestrel listens on, once started (the real port when 0 was asked for).</summary>
    public Uri Address => new(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>
    /// Builds the server. Configuration, lowest priority first: reference.conf, the --config
    /// file, <c>ACTORPAGER__</c> environment variables, then the switches. The same merged
    /// configuration configures the actor system: its <c>akka</c> section over Akka's defaults.
    /// </summary>
    /// <exception cref="ServeException">The settings are unusable (a non-loopback address without a token, a bad address, a bad store); the message says which.</exception>
    public static PageServer Create(ServeOptions options, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(options);
        LoadedConfig hocon;
        try
        {
            hocon = ConfigLoader.Load(options.ConfigFile);
        }
        catch (ConfigException e)
        {
            throw new ServeException(e.Message, e);
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddHocon(hocon.Config);
        var switches = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (options.Listen is not null)
        {
            switches[$"{HttpSettings.Section}:listen"] = options.Listen;
        }

        if (options.Token is not null)
        {
            switches[$"{HttpSettings.Section}:token"] = options.Token;
        }

        if (options.Cluster)
        {
            switches[$"{ClusterSettings.Section}:enabled"] = "on";
        }

        if (options.NodeHost is not null)
        {
            switches[$"{ClusterSettings.Section}:node-host"] = options.NodeHost;
        }

        if (options.NodePort is { } nodePort)
        {
            switches[$"{ClusterSettings.Section}:node-port"] = nodePort.ToString(CultureInfo.InvariantCulture);
        }

        for (var i = 0; i < options.Seeds.Count; i++)
        {
            switches[$"{ClusterSettings.Section}:seeds:{i}"] = options.Seeds[i];
        }

        builder.Configuration.AddInMemoryCollection(switches);

        HttpSettings settings;
        ClusterSettings cluster;
        ClusterHocon.JournalTarget journal;
        PagerOptions pagerOptions;
        StoreOptions storeOptions;
        Microsoft.Extensions.Logging.LogLevel akkaLogLevel;
        System.Net.IPAddress address;
        int port;
        try
        {
            settings = HttpSettings.From(builder.Configuration, hocon.SourceOf);
            (address, port) = settings.ParseListen();
            pagerOptions = PagerConfiguration.Pager(hocon);
            storeOptions = ApplySwitches(PagerConfiguration.Store(hocon), options);
            akkaLogLevel = AkkaLogLevel(hocon);
            cluster = ClusterSettings.From(builder.Configuration, hocon.SourceOf);
            journal = ClusterHocon.Journal(cluster, storeOptions);
        }
        catch (Exception e) when (e is ConfigException or FormatException or ArgumentException)
        {
            throw new ServeException(e.Message, e);
        }

        if (!System.Net.IPAddress.IsLoopback(address) && settings.Token.Length == 0)
        {
            throw new ServeException($"refusing to listen on {settings.Listen}, which is not a loopback address, without a token: give --token TOKEN (or actorpager.http.token)");
        }

        if (storeOptions.Kind is not ("directory" or "sqlite" or "postgres" or "memory"))
        {
            throw new ServeException($"--store / actorpager.storage.kind: serve keeps files in directory, sqlite or postgres (or memory, for tests), not \"{storeOptions.Kind}\"");
        }

        if (cluster.Enabled && (storeOptions.Kind != "postgres" || journal.Kind != "postgres"))
        {
            throw new ServeException($"--cluster needs the files and their journals where every node reaches them: --store postgres --connection ... (the store is {storeOptions.Kind}, the journal {journal.Kind})");
        }

        IPageStore store;
        try
        {
            if (journal.SqliteFile is { } journalFile)
            {
                PrepareSqliteJournal(journalFile);
            }

            if (storeOptions.Kind == "directory")
            {
                Directory.CreateDirectory(storeOptions.Directory);
            }
            else if (storeOptions.Kind == "sqlite" && Path.GetDirectoryName(Path.GetFullPath(storeOptions.SqlitePath)) is { } dir)
            {
                Directory.CreateDirectory(dir);
            }

            store = PageStores.Create(storeOptions);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            throw new ServeException($"cannot open the {storeOptions.Kind} store or its journal: {e.Message}", e);
        }

        var server = new PageServer(store, settings, log) { Cluster = cluster };
        builder.Services.AddAkka(SystemName, akka =>
        {
            // Akka's log events go to the host's ILogger (category Akka.*). ConfigureLoggers
            // writes its own akka.loglevel and akka.loggers; the user's configuration is added
            // after it, in front, so an akka.loglevel (or akka.loggers) in the user's file wins.
            akka.ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            akka.AddHocon(hocon.Config, HoconAddMode.Prepend);

            // Under the user's configuration: the journal, our serializer, and for a cluster node
            // the provider, transport, seeds and failure timings (ClusterHocon).
            akka.AddHocon(ClusterHocon.Persistence(journal), HoconAddMode.Append);
            if (cluster.Enabled)
            {
                akka.AddHocon(ClusterHocon.Cluster(cluster, SystemName, Math.Max(settings.MaxBodySize, settings.MaxReadLength)), HoconAddMode.Append);
            }

            akka.WithActors((system, _) => server.StartNode(system, pagerOptions));
        });

        // Registered after AddAkka, so the host starts it after the actor system and stops it
        // before: Kestrel stops first (it is started last), then this syncs every file, then
        // Akka's hosted service runs CoordinatedShutdown.
        builder.Services.AddSingleton(server);
        builder.Services.AddHostedService<PagerLifetime>();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, port);
            // Bodies are checked against max-body-size by the write handler (413 with a
            // problem); Kestrel's limit is a backstop just above it.
            kestrel.Limits.MaxRequestBodySize = settings.MaxBodySize + 1;
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.ShutdownTimeout);
        builder.Logging.AddFilter("Microsoft", Microsoft.Extensions.Logging.LogLevel.Warning);
        builder.Logging.AddFilter("Akka", akkaLogLevel);

        server.App = builder.Build();
        MapRoutes(server.App, server);
        return server;
    }

    /// <summary>Starts the host: the actor system and the pager node (Akka.Hosting), then Kestrel.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _started, 1);
        return App.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Graceful stop, as on SIGTERM: Kestrel stops accepting and finishes requests in flight,
    /// every open file is synced, CoordinatedShutdown stops the actors, the store closes. Runs
    /// once; a server that never started has nothing to stop.
    /// </summary>
    public Task StopAsync()
    {
        lock (_stopLock)
        {
            return _stopping ??= Volatile.Read(ref _started) == 0 ? Task.CompletedTask : App.StopAsync();
        }
    }

    /// <summary>
    /// Waits until the host is told to stop (SIGTERM, Ctrl-C, or Akka.Hosting when the actor
    /// system terminated by itself), then stops it as <see cref="StopAsync"/> does.
    /// </summary>
    public async Task WaitForShutdownAsync()
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (App.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
        {
            await stopping.Task.ConfigureAwait(false);
        }

        await StopAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);

        // Never started: the host made no actors, so the store is still ours to close.
        await CloseStoreAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Akka.Hosting's start-up of the node, inside the host's start: the pager on the new actor
    /// system, the store mounted, and a CoordinatedShutdown task that syncs every file before
    /// the actors stop, for a shutdown that Akka starts itself (when the host stops first, the
    /// files are synced already and the task finds nothing left to do).
    /// </summary>
    private void StartNode(ActorSystem system, PagerOptions options)
    {
        var pager = PagerSystem.Start(system, options);
        var owners = new Ownership();
        var nodeName = Cluster.Enabled ? Akka.Cluster.Cluster.Get(system).SelfAddress.ToString() : "local";
        var fenced = (IFencedPageStore)Store;

        // The pager writes a file only with the generation this node owns it at (OwnedStore).
        pager.Mount(Settings.Mount, new OwnedStore(fenced, owners, nodeName));
        NodeHealth? health = null;
        if (Cluster.Enabled)
        {
            // After a stall longer than the failure detector accepts, the others may down this node
            // and move its files: refuse take-overs until that has had time to happen, and let the
            // files this node serves go (NodeHealth).
            health = new NodeHealth(
                Akka.Cluster.Cluster.Get(system),
                Cluster.AcceptableHeartbeatPause,
                Cluster.AcceptableHeartbeatPause + Cluster.StableAfter + Cluster.DownRemovalMargin + TimeSpan.FromSeconds(2),
                () =>
                {
                    foreach (var (_, owner) in owners.Snapshot())
                    {
                        owner.Entity.Tell(FileEntity.Suspect.Instance, ActorRefs.NoSender);
                    }
                });
            system.RegisterOnTermination(health.Dispose);
        }

        var fileNode = new FileNode(pager, Settings.Mount, owners, fenced, nodeName, Cluster) { Health = health };
        IActorRef files;
        if (Cluster.Enabled)
        {
            var sharding = ClusterSharding.Get(system);
            var shardingSettings = ClusterShardingSettings.Create(system);
            files = sharding.Start(
                "file",
                path => FileEntity.Props(fileNode, path),
                shardingSettings,
                new FileMessageExtractor(Cluster.Shards),
                sharding.DefaultShardAllocationStrategy(shardingSettings),
                FileProtocol.HandOff.Instance);
        }
        else
        {
            files = system.ActorOf(FileRouter.Props(fileNode), "files");
        }

        Files = files;
        Owners = owners;
        system.ActorOf(ClusterView.Props(owners, nodeName), ClusterView.Name);
        var service = new PageService(pager, Store, Settings, new EntityFiles(files, owners, Cluster, pager.OperationTimeout, Cluster.Enabled ? MembershipSignal.Start(system) : null))
        {
            Log = _log,
            NodeName = nodeName,
            RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(Cluster.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
        };
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "actorpager-sync-files", async () =>
        {
            await service.SyncAllAsync().ConfigureAwait(false);
            return Done.Instance;
        });
        Volatile.Write(ref _service, service);
    }

    /// <summary>The cluster and journal settings this server runs with.</summary>
    public ClusterSettings Cluster { get; private init; } = new();

    /// <summary>The shard region (cluster) or the local router that files' requests go to; set when the node starts.</summary>
    public IActorRef? Files { get; private set; }

    /// <summary>The producer of the live view's events (<c>GET /v1/events</c>); set by <see cref="Create"/>.</summary>
    internal Ui.LiveFeed Feed { get; private set; } = null!;

    /// <summary>The files this node owns; set when the node starts.</summary>
    public Ownership? Owners { get; private set; }

    /// <summary>
    /// A new SQLite journal file in WAL mode (Akka.Persistence.Sql leaves the default rollback
    /// journal, which fsyncs twice per commit); the tables themselves are made by the plugin.
    /// </summary>
    private static void PrepareSqliteJournal(string file)
    {
        if (Path.GetDirectoryName(file) is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
        }

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    /// <summary>After the actor system has terminated (or never started): closes the store and reports the stop. Runs once.</summary>
    internal async Task CloseStoreAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        await Store.DisposeAsync().ConfigureAwait(false);
        if (_service is { } service)
        {
            var summary = await service.SyncAllAsync().ConfigureAwait(false);
            await _log.WriteLineAsync($"actorpager: stopped: synced {summary.Files} files, {summary.Pages} pages written{(summary.Failed > 0 ? $", {summary.Failed} failed" : string.Empty)}").ConfigureAwait(false);
            await _log.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The level Akka logs at (<c>akka.loglevel</c>, INFO when not set), as the host's logging filter for Akka's categories.</summary>
    private static Microsoft.Extensions.Logging.LogLevel AkkaLogLevel(LoadedConfig config)
    {
        var level = config.Config.HasPath("akka.loglevel") ? config.Config.GetString("akka.loglevel") : "INFO";
        return level.Trim().ToUpperInvariant() switch
        {
            "DEBUG" => Microsoft.Extensions.Logging.LogLevel.Debug,
            "INFO" => Microsoft.Extensions.Logging.LogLevel.Information,
            "WARNING" => Microsoft.Extensions.Logging.LogLevel.Warning,
            "ERROR" => Microsoft.Extensions.Logging.LogLevel.Error,
            "OFF" => Microsoft.Extensions.Logging.LogLevel.None,
            _ => throw config.Problem("akka.loglevel", $"expected one of DEBUG, INFO, WARNING, ERROR, OFF, got \"{level}\""),
        };
    }

    private static StoreOptions ApplySwitches(StoreOptions store, ServeOptions options)
    {
        if (options.Store is { } kind)
        {
            store = store with { Kind = kind.Trim().ToLowerInvariant() };
        }

        if (options.Data is { } data)
        {
            store = store with { Directory = data, SqlitePath = Path.Combine(data, "actorpager.db") };
        }

        if (options.Connection is { } connection)
        {
            store = store with { PostgresConnectionString = connection };
        }

        return store;
    }

    private static void MapRoutes(WebApplication app, PageServer server)
    {
        // server.Service exists once the host has started the actor system, which it does before
        // Kestrel (started last): every request finds it.

        // Outermost: time every request and count it under its route.
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                if (!context.Items.ContainsKey(Ui.UiRoutes.StreamItem))
                {
                    var route = context.Items.TryGetValue(PageService.RouteItem, out var r) && r is RouteKind kind ? kind : RouteKind.Other;
                    server.Service.Histograms.Observe(route, Stopwatch.GetTimestamp() - started, context.Response.StatusCode);
                }
            }
        });

        // Then the token: every route but /healthz.
        app.Use(async (context, next) =>
        {
            // The live view's static files hold no data (a browser's navigation cannot send a token); the data they fetch needs it.
            if (!context.Request.Path.Equals("/healthz", StringComparison.Ordinal) && !Ui.UiRoutes.IsUiPath(context.Request.Path) && !server.Service.Authorized(context.Request.Headers.Authorization))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, context.Request.Headers.Authorization.Count == 0
                    ? "this server requires a token: send Authorization: Bearer <token>"
                    : "the token is not valid").ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });

        app.Map("/v1/files/{**rest}", context => server.Service.HandleFileAsync(context));
        app.Map("/healthz", context => OnlyGet(context, RouteKind.Health, () => context.Response.WriteAsync("ok\n")));
        app.Map("/metrics", context => OnlyGet(context, RouteKind.Metrics, async () =>
        {
            var text = MetricsText.Render(server.Service, server);
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await context.Response.WriteAsync(text).ConfigureAwait(false);
        }));
        app.Map("/v1/cluster", context => OnlyGet(context, RouteKind.Cluster, async () =>
        {
            var report = await ClusterView.ReportAsync(server.Service.Pager.System, server.Cluster.Enabled ? server.Files : null, server.Owners!, server.Cluster.Enabled, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            await context.Response.WriteAsJsonAsync(report, ApiJson.Options).ConfigureAwait(false);
        }));
        app.Map("/v1/objects", context => OnlyGet(context, RouteKind.Objects, async () =>
        {
            // Paged: at most `limit` objects (default 1000) after the cursor `after`; a Link header names the next page.
            var query = context.Request.Query;
            var limit = PageService.ObjectsPageDefault;
            if (query.TryGetValue("limit", out var limitText)
                && (!int.TryParse(limitText, System.Globalization.NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > PageService.ObjectsPageMax))
            {
                await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, $"limit: expected 1 to {PageService.ObjectsPageMax} objects, got \"{limitText}\"").ConfigureAwait(false);
                return;
            }

            List<Client.ObjectInfo> page;
            string? next;
            try
            {
                (page, next) = await server.Service.ObjectsPageAsync(query.TryGetValue("after", out var after) ? after.ToString() : null, limit).ConfigureAwait(false);
            }
            catch (FormatException e)
            {
                await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, e.Message).ConfigureAwait(false);
                return;
            }

            if (next is not null)
            {
                context.Response.Headers.Link = $"</v1/objects?limit={limit.ToString(CultureInfo.InvariantCulture)}&after={Uri.EscapeDataString(next)}>; rel=\"next\"";
            }

            await context.Response.WriteAsJsonAsync(page, ApiJson.Options).ConfigureAwait(false);
        }));

        // The live view (/ui) and its event stream (/v1/events): one producer for every page; at
        // shutdown it ends the streams, so Kestrel's graceful stop does not wait for them.
        server.Feed = new Ui.LiveFeed(server);
        app.Lifetime.ApplicationStopping.Register(server.Feed.Close);
        Ui.UiRoutes.Map(app, server, server.Feed);
        app.MapFallback(context => Problems.WriteAsync(context, StatusCodes.Status404NotFound,
            $"no route {context.Request.Method} {context.Request.Path}: the API has /v1/files/{{path}}, /v1/objects, /v1/cluster, /v1/events, /metrics and /healthz, and the live view /ui"));
    }

    private static async Task OnlyGet(HttpContext context, RouteKind route, Func<Task> handle)
    {
        context.Items[PageService.RouteItem] = route;
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.Headers.Allow = "GET";
            await Problems.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, $"{context.Request.Method} is not allowed on {context.Request.Path}; use GET").ConfigureAwait(false);
            return;
        }

        try
        {
            await handle().ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or TimeoutException)
        {
            await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"the pager did not answer in time: {e.Message}").ConfigureAwait(false);
        }
    }
}

/// <summary>The settings of <c>serve</c> cannot be used; the message says why.</summary>
internal sealed class ServeException : Exception
{
    public ServeException()
    {
    }

    public ServeException(string message)
        : base(message)
    {
    }

    public ServeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The /metrics text.</summary>
internal static class MetricsText
{
    /// <summary>Renders the pager's counters and gauges, the frame pool, mailbox depths and the request histograms in Prometheus text format; asks no VM object or vnode.</summary>
    public static string Render(PageService service, PageServer? server = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var pager = service.Pager;
        var m = pager.Metrics;
        var text = new System.Text.StringBuilder(8192);
        void Counter(string name, string help, long value)
        {
            text.Append(inv, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");
        }

        void Gauge(string name, string help, long value)
        {
            text.Append(inv, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");
        }

        Counter("actorpager_faults_total", "Page faults that found no resident page (a getpages or a zero fill).", m.Faults);
        Counter("actorpager_hits_total", "Page faults that found the page resident.", m.Hits);
        Counter("actorpager_getpages_calls_total", "VOP_GETPAGES calls.", m.GetPagesCalls);
        Counter("actorpager_getpages_pages_total", "Pages asked for by VOP_GETPAGES.", m.GetPagesPages);
        Counter("actorpager_mapped_reads_total", "Reads served from mapped resident pages without a message to the VM object (the pmap).", m.MappedReads);
        Counter("actorpager_readahead_total", "Read-aheads: VOP_GETPAGES sent ahead of a sequential reader before a fault needed the pages.", m.ReadAheads);
        Counter("actorpager_readahead_pages_total", "Pages asked for by read-aheads.", m.ReadAheadPages);
        Counter("actorpager_getpages_refused_total", "VOP_GETPAGES refused because the vnode was held by another VOP (LockBusy); the cluster's pages were freed and its fault restarted.", m.GetPagesRefused);
        Counter("actorpager_putpages_calls_total", "VOP_PUTPAGES calls.", m.PutPagesCalls);
        Counter("actorpager_putpages_pages_total", "Pages handed to VOP_PUTPAGES.", m.PutPagesPages);
        Counter("actorpager_putpages_completions_total", "Completions of asynchronous (PEND) putpages.", m.Completions);
        Counter("actorpager_object_failures_total", "VM objects stopped by a failure (an exception in the object).", m.ObjectFailures);
        Counter("actorpager_dirty_pages_lost_total", "Dirty pages lost with failed VM objects, never written back.", m.DirtyPagesLost);
        Counter("actorpager_frames_held_for_io_total", "Frames failed VM objects left with store I/O in flight, kept out of the pool until it ended.", m.FramesHeldForIo);
        text.Append("# HELP actorpager_putpages_rtvals_total Putpages rtvals by status (VM_PAGER_*).\n# TYPE actorpager_putpages_rtvals_total counter\n");
        foreach (var status in Enum.GetValues<Messages.PagerStatus>())
        {
            text.Append(inv, $"actorpager_putpages_rtvals_total{{status=\"{status.ToString().ToUpperInvariant()}\"}} {m.Rtvals(status)}\n");
        }

        Gauge("actorpager_frames", "Page frames in the pool.", pager.Memory.FrameCount);
        Gauge("actorpager_free_frames", "Page frames free now.", pager.Memory.FreeCount);
        Gauge("actorpager_open_files", "Files the service holds open (owns, in a cluster).", service.Files.Count);
        if (server?.Owners is { } owners)
        {
            Counter("actorpager_takeovers_total", "Files this node took over (each a new ownership generation, journaled).", owners.TakeOvers);
            Counter("actorpager_fenced_total", "Files this node gave up because a newer owner fenced them (a refused journal or store write).", owners.Fenced);
        }

        if (server is { Cluster.Enabled: true })
        {
            var state = Akka.Cluster.Cluster.Get(service.Pager.System).State;
            text.Append("# HELP actorpager_cluster_members Cluster members by status, as this node sees them.\n# TYPE actorpager_cluster_members gauge\n");
            foreach (var status in Enum.GetValues<Akka.Cluster.MemberStatus>())
            {
                text.Append(inv, $"actorpager_cluster_members{{status=\"{status.ToString().ToLowerInvariant()}\"}} {state.Members.Count(m => m.Status == status)}\n");
            }

            Gauge("actorpager_cluster_unreachable", "Members the failure detector finds silent now.", state.Unreachable.Count);
            Gauge("actorpager_cluster_leader", "1 when this node is the cluster's leader.", state.Leader == Akka.Cluster.Cluster.Get(service.Pager.System).SelfAddress ? 1 : 0);
        }

        // Running sums the objects keep (PagerGauges): no actor is asked, whatever the number of files.
        var g = pager.Memory.Gauges;
        Gauge("actorpager_vm_objects", "VM objects alive.", g.Objects);
        Gauge("actorpager_resident_pages", "Frames holding a page (frames less free frames).", pager.Memory.FrameCount - pager.Memory.FreeCount);
        Gauge("actorpager_dirty_pages", "Dirty pages over every VM object.", g.DirtyPages);
        Gauge("actorpager_busy_pages", "Busy pages (exclusive or shared) over every VM object.", g.BusyPages);
        Gauge("actorpager_pip", "Paging operations in progress over every VM object.", g.Pip);
        text.Append("# HELP actorpager_queue_pages Pages on each page queue over every VM object.\n# TYPE actorpager_queue_pages gauge\n");
        text.Append(inv, $"actorpager_queue_pages{{queue=\"active\"}} {g.ActivePages}\n");
        text.Append(inv, $"actorpager_queue_pages{{queue=\"inactive\"}} {g.InactivePages}\n");
        text.Append(inv, $"actorpager_queue_pages{{queue=\"laundry\"}} {g.LaundryPages}\n");

        text.Append("# HELP actorpager_mailbox_depth Messages waiting in an actor's mailbox.\n# TYPE actorpager_mailbox_depth gauge\n");
        text.Append(inv, $"actorpager_mailbox_depth{{actor=\"pagedaemon\"}} {Mailboxes.Depth(pager.Daemon) ?? 0}\n");
        foreach (var (name, mount) in pager.Mounts)
        {
            text.Append(inv, $"actorpager_mailbox_depth{{actor=\"mount\",mount=\"{name}\"}} {Mailboxes.Depth(mount) ?? 0}\n");
        }

        service.Histograms.Render(text);
        return text.ToString();
    }
}
