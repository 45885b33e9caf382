using ActorPager.Actors;
using ActorPager.Service.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActorPager.Host.Tests;

/// <summary>The IConfiguration bridge over Akka's Config: keys, layering and IOptions binding.</summary>
public sealed class HoconConfigurationProviderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorpager-provider-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Akka.Configuration.Config Parse(string text)
    {
        var path = Path.Combine(_dir, "app.conf");
        File.WriteAllText(path, text);
        return ConfigLoader.ParseFile(path);
    }

    [Fact]
    public void AddHocon_Tree_MapsToColonKeysAndIndexes()
    {
        var configuration = new ConfigurationBuilder()
            .AddHocon(Parse("a.b.c = 1\nlist = [x, y]\nflag = true\nnothing = null\nempty {}\nnone = []\n\"dotted.key\" = v"))
            .Build();

        Assert.Equal("1", configuration["a:b:c"]);
        Assert.Equal("x", configuration["list:0"]);
        Assert.Equal("y", configuration["list:1"]);
        Assert.Equal("true", configuration["flag"]);
        Assert.Null(configuration["nothing"]);
        Assert.Equal(string.Empty, configuration["empty"]);
        Assert.Equal(string.Empty, configuration["none"]);
        Assert.Equal("v", configuration["dotted.key"]);
    }

    [Fact]
    public void AddHocon_LaterSources_Override()
    {
        var configuration = new ConfigurationBuilder()
            .AddHocon(Parse("a { b = 1, c = 2 }"))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["a:b"] = "9" })
            .Build();

        Assert.Equal("9", configuration["a:b"]);
        Assert.Equal("2", configuration["a:c"]);
    }

    [Fact]
    public void AddHocon_LoadedConfig_HasReferenceDefaultsAndOverrides()
    {
        var loaded = ConfigLoader.Load(null, new Dictionary<string, string> { ["ACTORPAGER__VM__DAEMON_INTERVAL"] = "2s" });

        var configuration = new ConfigurationBuilder().AddHocon(loaded.Config).Build();

        Assert.Equal("16", configuration["actorpager:vm:cluster-max"]);
        Assert.Equal("2s", configuration["actorpager:vm:daemon-interval"]);
    }

    [Fact]
    public void AddHocon_BindsSectionThroughIOptions()
    {
        var configuration = new ConfigurationBuilder().AddHocon(Parse("""
            actorpager.scheduler {
              type = virtual
              tick-duration = "00:00:00.002"
              ticks-per-wheel = 256
              names = [a, b]
            }
            """)).Build();
        var services = new ServiceCollection();
        services.Configure<SchedulerOptions>(configuration.GetSection("actorpager:scheduler"));

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<SchedulerOptions>>().Value;

        Assert.Equal("virtual", options.Type);
        Assert.Equal(TimeSpan.FromMilliseconds(2), options.TickDuration);
        Assert.Equal(256, options.TicksPerWheel);
        Assert.Equal(["a", "b"], options.Names);
    }

    /// <summary>An options class bound from the scheduler section.</summary>
    public sealed class SchedulerOptions
    {
        /// <summary>Bound from <c>type</c>.</summary>
        public string Type { get; set; } = string.Empty;

        /// <summary>Bound from <c>tick-duration</c>.</summary>
        [ConfigurationKeyName("tick-duration")]
        public TimeSpan TickDuration { get; set; }

        /// <summary>Bound from <c>ticks-per-wheel</c>.</summary>
        [ConfigurationKeyName("ticks-per-wheel")]
        public int TicksPerWheel { get; set; }

        /// <summary>Bound from <c>names</c>.</summary>
        public List<string> Names { get; } = [];
    }
}
