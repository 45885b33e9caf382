using ActorPager.Client;
using ActorPager.Service;

namespace ActorPager.Host.Tests;

/// <summary>A page server in this process: Kestrel on 127.0.0.1, a free port, a fresh directory store.</summary>
public sealed class InProcessServer : IAsyncLifetime
{
    private readonly string? _token;
    private PageServer? _server;

    public InProcessServer()
        : this(null)
    {
    }

    internal InProcessServer(string? token, string? configFile = null)
    {
        _token = token;
        ConfigFile = configFile;
        DataDirectory = Path.Combine(Path.GetTempPath(), "actorpager-tests", Guid.NewGuid().ToString("N"));
    }

    public string DataDirectory { get; }

    public string? ConfigFile { get; }

    internal PageServer Server => _server ?? throw new InvalidOperationException("not started");

    public Uri Address => Server.Address;

    public HttpClient Http { get; private set; } = null!;

    public ActorPagerClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = PageServer.Create(new ServeOptions { Data = DataDirectory, Listen = "127.0.0.1:0", Token = _token, ConfigFile = ConfigFile }, TextWriter.Null);
        await _server.StartAsync();
        Http = new HttpClient { BaseAddress = Address };
        if (_token is not null)
        {
            Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _token);
        }

        Client = new ActorPagerClient(new HttpClient { BaseAddress = Address }, _token);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        Client.Dispose();
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The same, with the token "s3cret" required.</summary>
public sealed class TokenServer() : IAsyncLifetime
{
    public const string Token = "s3cret";

    public InProcessServer Inner { get; } = new(Token);

    public Task InitializeAsync() => Inner.InitializeAsync();

    public Task DisposeAsync() => Inner.DisposeAsync();
}
