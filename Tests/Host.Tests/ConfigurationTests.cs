using ActorPager.Actors;
using ActorPager.Service;

namespace ActorPager.Host.Tests;

/// <summary>actorpager.http settings: reference.conf defaults, a --config file over them, switches over both.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task Serve_Defaults_ComeFromReferenceConf()
    {
        Assert.Equal("127.0.0.1:5080", ConfigLoader.Reference().GetString("actorpager.http.listen"));
        await using var server = PageServer.Create(new ServeOptions { Store = "memory" }, TextWriter.Null);
        Assert.Equal("127.0.0.1:5080", server.Settings.Listen);
        Assert.Equal(string.Empty, server.Settings.Token);
        Assert.Equal(16L * 1024 * 1024, server.Settings.MaxBodySize);
        Assert.Equal("files", server.Settings.Mount);
    }

    [Fact]
    public async Task Serve_ConfigFile_OverridesReferenceAndSwitchesOverrideTheFile()
    {
        using var config = new TempConfigFile("actorpager.http { listen = \"127.0.0.1:6000\", token = from-file, max-body-size = 1MiB, shutdown-timeout = 3s }\nactorpager.storage.kind = memory\n");
        var file = config.Path;
        await using (var fromFile = PageServer.Create(new ServeOptions { ConfigFile = file }, TextWriter.Null))
        {
            Assert.Equal("127.0.0.1:6000", fromFile.Settings.Listen);
            Assert.Equal("from-file", fromFile.Settings.Token);
            Assert.Equal(1024 * 1024, fromFile.Settings.MaxBodySize);
            Assert.Equal(TimeSpan.FromSeconds(3), fromFile.Settings.ShutdownTimeout);
            Assert.Equal("MemoryStore", fromFile.Store.GetType().Name);
        }

        await using var switches = PageServer.Create(new ServeOptions { ConfigFile = file, Listen = "127.0.0.1:7000", Token = "from-switch" }, TextWriter.Null);
        Assert.Equal("127.0.0.1:7000", switches.Settings.Listen);
        Assert.Equal("from-switch", switches.Settings.Token);
    }

    [Fact]
    public async Task Serve_AkkaSectionOfTheConfigFile_ConfiguresTheActorSystem()
    {
        using var config = new TempConfigFile("akka.loglevel = DEBUG\nakka.actor.default-dispatcher.throughput = 7\nactorpager.storage.kind = memory\n");
        var file = config.Path;
        await using var server = PageServer.Create(new ServeOptions { ConfigFile = file, Listen = "127.0.0.1:0" }, TextWriter.Null);
        await server.StartAsync();
        var settings = server.Service.Pager.System.Settings;
        Assert.Equal("DEBUG", settings.LogLevel);
        Assert.Equal(7, settings.Config.GetInt("akka.actor.default-dispatcher.throughput"));

        // Akka's own defaults fill in what the file leaves out; Akka.Hosting's logger is the only one.
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Config.GetTimeSpan("akka.coordinated-shutdown.default-phase-timeout"));
        Assert.Equal(["Akka.Hosting.Logging.LoggerFactoryLogger"], settings.Loggers.Select(l => l.Split(',')[0].Trim()));
    }

    [Fact]
    public async Task Serve_AkkaSectionAkkaCannotUse_ExitsWithTwoNamingTheProblem()
    {
        using var config = new TempConfigFile("akka.actor.provider = nonsense\nactorpager.storage.kind = memory\n");
        var file = config.Path;
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await ServeCommand.RunAsync(new ServeOptions { ConfigFile = file, Listen = "127.0.0.1:0" }, output, error);

        Assert.Equal(2, code);
        Assert.Contains("actorpager serve: cannot start the actor system: 'akka.actor.provider' is not a valid type name : 'nonsense'", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("actorpager.http.listen = \"nonsense\"", "expected HOST:PORT")]
    [InlineData("actorpager.http.listen = \"127.0.0.1:99999\"", "is not a port")]
    [InlineData("actorpager.http.listen = \"example.com:80\"", "is not an IP address")]
    [InlineData("actorpager.http.max-body-size = lots", "actorpager.http.max-body-size")]
    [InlineData("actorpager.storage.kind = simulated", "serve keeps files in directory, sqlite or postgres")]
    [InlineData("akka.loglevel = LOUD", "akka.loglevel: expected one of DEBUG, INFO, WARNING, ERROR, OFF, got \"LOUD\"")]
    [InlineData("actorpager.http.listen = 127.0.0.1:80", "enclose the item with double quotes")]
    public void Serve_BadSetting_IsRefusedNamingIt(string setting, string message)
    {
        Assert.Contains(message, Refusal(setting).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("actorpager.http.max-body-size = lots", "actorpager.http.max-body-size: expected a size such as 16MiB, got \"lots\"")]
    [InlineData("actorpager.vm.cluster-max = many", "actorpager.vm.cluster-max: expected a whole number, got \"many\"")]
    [InlineData("actorpager.vm.page-size = 1000", "actorpager.vm.page-size: expected a multiple of 512")]
    public void Serve_BadValueInConfigFile_MessageNamesTheFileAndSetting(string setting, string message)
    {
        var (file, refusal) = Refusal(setting);
        Assert.StartsWith($"{file}: {message}", refusal, StringComparison.Ordinal);
    }

    /// <summary>A --config file in the temporary directory, deleted on dispose.</summary>
    private sealed class TempConfigFile : IDisposable
    {
        public TempConfigFile(string text)
        {
            File.WriteAllText(Path, text);
        }

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"actorpager-{Guid.NewGuid():N}.conf");

        public void Dispose() => File.Delete(Path);
    }

    /// <summary>Writes <paramref name="setting"/> to a temporary --config file and returns the file and the message serve refuses it with.</summary>
    private static (string File, string Message) Refusal(string setting)
    {
        using var config = new TempConfigFile(setting + "\n");
        var store = setting.Contains("storage", StringComparison.Ordinal) ? null : "memory";
        return (config.Path, Assert.Throws<ServeException>(() => PageServer.Create(new ServeOptions { ConfigFile = config.Path, Store = store }, TextWriter.Null)).Message);
    }

    [Fact]
    public void Serve_MissingConfigFile_IsRefusedNamingIt()
    {
        var file = Path.Combine(Path.GetTempPath(), $"actorpager-{Guid.NewGuid():N}.conf");

        var e = Assert.Throws<ServeException>(() => PageServer.Create(new ServeOptions { ConfigFile = file, Store = "memory" }, TextWriter.Null));

        Assert.Equal($"{file}: file not found", e.Message);
    }
}
