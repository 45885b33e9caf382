using System.Diagnostics;
using System.Globalization;
using ActorPager.Actors;
using ActorPager.Host.Configuration;
using ActorPager.Runtime;
using ActorPager.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorPager.Host.Service;

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
}

/// <summary>A started or startable page server: the web application and the service behind it.</summary>
internal sealed class PageServer : IAsyncDisposable
{
    private PageServer(WebApplication app, PageService service)
    {
        App = app;
        Service = service;
    }

    /// <summary>The web application (Kestrel and the routes).</summary>
    public WebApplication App { get; }

    /// <summary>The page service.</summary>
    public PageService Service { get; }

    /// <summary>The address Kestrel listens on, once started (the real port when 0 was asked for).</summary>
    public Uri Address => new(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>
    /// Builds the server. Configuration, lowest priority first: reference.conf, the --config
    /// file, <c>ACTORPAGER__</c> environment variables, then the switches.
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

        builder.Configuration.AddInMemoryCollection(switches);

        HttpSettings settings;
        PagerOptions pagerOptions;
        StoreOptions storeOptions;
        ActorSystemSettings runtimeSettings;
        System.Net.IPAddress address;
        int port;
        try
        {
            settings = HttpSettings.From(builder.Configuration, hocon.SourceOf);
            (address, port) = settings.ParseListen();
            pagerOptions = PagerConfiguration.Pager(hocon);
            storeOptions = ApplySwitches(PagerConfiguration.Store(hocon), options);
            runtimeSettings = PagerConfiguration.Runtime(hocon);
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

        IPageStore store;
        try
        {
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
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new ServeException($"cannot open the {storeOptions.Kind} store: {e.Message}", e);
        }

        var system = ActorSystem.Create("actorpager", runtimeSettings);
        var pager = PagerSystem.Start(system, pagerOptions);
        pager.Mount(settings.Mount, store);
        var service = new PageService(pager, store, settings) { Log = log };

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, port);
            // Bodies are checked against max-body-size by the write handler (413 with a
            // problem); Kestrel's limit is a backstop just above it.
            kestrel.Limits.MaxRequestBodySize = settings.MaxBodySize + 1;
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.ShutdownTimeout);
        builder.Services.AddSingleton(service);
        builder.Services.AddHostedService<PagerLifetime>();
        builder.Logging.AddFilter("Microsoft", Microsoft.Extensions.Logging.LogLevel.Warning);

        var app = builder.Build();
        MapRoutes(app, service);
        return new PageServer(app, service);
    }

    /// <summary>Starts Kestrel.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => App.StartAsync(cancellationToken);

    /// <summary>Graceful stop: Kestrel stops accepting and finishes requests in flight, then every open file is synced and the actors stop.</summary>
    public async Task StopAsync()
    {
        await App.StopAsync().ConfigureAwait(false);
        await Service.ShutdownAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Service.ShutdownAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
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

    private static void MapRoutes(WebApplication app, PageService service)
    {
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
                var route = context.Items.TryGetValue(PageService.RouteItem, out var r) && r is RouteKind kind ? kind : RouteKind.Other;
                service.Histograms.Observe(route, Stopwatch.GetTimestamp() - started, context.Response.StatusCode);
            }
        });

        // Then the token: every route but /healthz.
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.Equals("/healthz", StringComparison.Ordinal) && !service.Authorized(context.Request.Headers.Authorization))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, context.Request.Headers.Authorization.Count == 0
                    ? "this server requires a token: send Authorization: Bearer <token>"
                    : "the token is not valid").ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });

        app.Map("/v1/files/{**rest}", service.HandleFileAsync);
        app.Map("/healthz", context => OnlyGet(context, RouteKind.Health, () => context.Response.WriteAsync("ok\n")));
        app.Map("/metrics", context => OnlyGet(context, RouteKind.Metrics, async () =>
        {
            var text = await MetricsText.RenderAsync(service).ConfigureAwait(false);
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await context.Response.WriteAsync(text).ConfigureAwait(false);
        }));
        app.Map("/v1/objects", context => OnlyGet(context, RouteKind.Objects, async () =>
            await context.Response.WriteAsJsonAsync(await service.ObjectsAsync().ConfigureAwait(false), ApiJson.Options).ConfigureAwait(false)));
        app.MapFallback(context => Problems.WriteAsync(context, StatusCodes.Status404NotFound,
            $"no route {context.Request.Method} {context.Request.Path}: the API has /v1/files/{{path}}, /v1/objects, /metrics and /healthz"));
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
        catch (TimeoutException e)
        {
            await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"the pager did not answer in time: {e.Message}").ConfigureAwait(false);
        }
    }
}

/// <summary>Runs the page service's shutdown after the host has stopped Kestrel (every hosted service stopped, requests in flight finished).</summary>
internal sealed class PagerLifetime(PageService service) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After Kestrel has stopped: sync every dirty page (sync putpages), stop the actors.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken) => service.ShutdownAsync();
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
    /// <summary>Renders the pager's counters, the frame pool, dirty pages, mailbox depths and the request histograms in Prometheus text format.</summary>
    public static async Task<string> RenderAsync(PageService service)
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
        Counter("actorpager_putpages_calls_total", "VOP_PUTPAGES calls.", m.PutPagesCalls);
        Counter("actorpager_putpages_pages_total", "Pages handed to VOP_PUTPAGES.", m.PutPagesPages);
        Counter("actorpager_putpages_completions_total", "Completions of asynchronous (PEND) putpages.", m.Completions);
        text.Append("# HELP actorpager_putpages_rtvals_total Putpages rtvals by status (VM_PAGER_*).\n# TYPE actorpager_putpages_rtvals_total counter\n");
        foreach (var status in Enum.GetValues<Messages.PagerStatus>())
        {
            text.Append(inv, $"actorpager_putpages_rtvals_total{{status=\"{status.ToString().ToUpperInvariant()}\"}} {m.Rtvals(status)}\n");
        }

        Gauge("actorpager_frames", "Page frames in the pool.", pager.Memory.FrameCount);
        Gauge("actorpager_free_frames", "Page frames free now.", pager.Memory.FreeCount);
        Gauge("actorpager_open_files", "Files the service holds open.", service.Files.Count);

        var objects = await service.ObjectsAsync().ConfigureAwait(false);
        long resident = 0, dirty = 0, pip = 0;
        foreach (var o in objects)
        {
            resident += o.Resident;
            dirty += o.Dirty;
            pip += o.Pip;
        }

        Gauge("actorpager_vm_objects", "VM objects of every mount.", objects.Count);
        Gauge("actorpager_resident_pages", "Resident pages over every VM object.", resident);
        Gauge("actorpager_dirty_pages", "Dirty pages over every VM object.", dirty);
        Gauge("actorpager_pip", "Paging operations in progress over every VM object.", pip);

        text.Append("# HELP actorpager_mailbox_depth Messages waiting in an actor's mailbox.\n# TYPE actorpager_mailbox_depth gauge\n");
        text.Append(inv, $"actorpager_mailbox_depth{{actor=\"pagedaemon\"}} {ActorSystem.MailboxDepth(pager.Daemon) ?? 0}\n");
        foreach (var (name, mount) in pager.Mounts)
        {
            text.Append(inv, $"actorpager_mailbox_depth{{actor=\"mount\",mount=\"{name}\"}} {ActorSystem.MailboxDepth(mount) ?? 0}\n");
        }

        var maxObject = 0;
        long sumObject = 0;
        foreach (var o in objects)
        {
            maxObject = Math.Max(maxObject, o.MailboxDepth ?? 0);
            sumObject += o.MailboxDepth ?? 0;
        }

        text.Append(inv, $"actorpager_mailbox_depth{{actor=\"vm_objects_max\"}} {maxObject}\n");
        text.Append(inv, $"actorpager_mailbox_depth{{actor=\"vm_objects_sum\"}} {sumObject}\n");
        service.Histograms.Render(text);
        return text.ToString();
    }
}
