using ActorPager.Runtime.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static ActorPager.Runtime.Tests.Configuration.HoconTestSupport;

namespace ActorPager.Runtime.Tests.Configuration;

/// <summary>The Microsoft.Extensions.Configuration source: keys, layering and IOptions binding.</summary>
public sealed class HoconConfigurationProviderTests
{
    [Fact]
    public void AddHoconFile_Tree_MapsToColonKeysAndIndexes()
    {
        var file = WriteTemp("a.b.c = 1\nlist = [x, y]\nflag = true\nnothing = null\nempty {}\n\"dotted.key\" = v");

        var configuration = new ConfigurationBuilder().AddHoconFile(file).Build();

        Assert.Equal("1", configuration["a:b:c"]);
        Assert.Equal("x", configuration["list:0"]);
        Assert.Equal("y", configuration["list:1"]);
        Assert.Equal("true", configuration["flag"]);
        Assert.Null(configuration["nothing"]);
        Assert.Equal(string.Empty, configuration["empty"]);
        Assert.Equal("v", configuration["dotted.key"]);
    }

    [Fact]
    public void AddHoconFile_LaterSources_Override()
    {
        var file = WriteTemp("a { b = 1, c = 2 }");

        var configuration = new ConfigurationBuilder()
            .AddHoconFile(file)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["a:b"] = "9" })
            .Build();

        Assert.Equal("9", configuration["a:b"]);
        Assert.Equal("2", configuration["a:c"]);
    }

    [Fact]
    public void AddHoconFile_OptionalMissing_ContributesNothing()
    {
        var configuration = new ConfigurationBuilder().AddHoconFile("missing.conf", optional: true).Build();

        Assert.Empty(configuration.AsEnumerable());
    }

    [Fact]
    public void AddHoconFile_RequiredMissing_Throws()
    {
        Assert.Throws<HoconException>(() => new ConfigurationBuilder().AddHoconFile("missing.conf").Build());
    }

    [Fact]
    public void AddHoconFile_IncludeReference_HasRuntimeDefaults()
    {
        var file = WriteTemp("actorpager.actor.default-dispatcher.throughput = 3");

        var configuration = new ConfigurationBuilder().AddHoconFile(file, includeReference: true).Build();

        Assert.Equal("3", configuration["actorpager:actor:default-dispatcher:throughput"]);
        Assert.Equal("512", configuration["actorpager:scheduler:ticks-per-wheel"]);
    }

    [Fact]
    public void AddHocon_BindsSectionThroughIOptions()
    {
        var config = Config.ParseString("""
            actorpager.scheduler {
              type = virtual
              tick-duration = "00:00:00.002"
              ticks-per-wheel = 256
              names = [a, b]
            }
            """);
        var configuration = new ConfigurationBuilder().AddHocon(config).Build();
        var services = new ServiceCollection();
        services.Configure<SchedulerOptions>(configuration.GetSection("actorpager:scheduler"));

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<SchedulerOptions>>().Value;

        Assert.Equal("virtual", options.Type);
        Assert.Equal(TimeSpan.FromMilliseconds(2), options.TickDuration);
        Assert.Equal(256, options.TicksPerWheel);
        Assert.Equal(["a", "b"], options.Names);
    }

    private static string WriteTemp(string text)
    {
        var file = Path.Combine(TempDir(), "app.conf");
        File.WriteAllText(file, text);
        return file;
    }

    /// <summary>An options class bound from the scheduler section.</summary>
    public sealed class SchedulerOptions
    {
        /// <summary>Bound from <c>type</c>.</summary>
        public string Type { get; set; } = string.Empty;

        /// <summary>Bound from <c>tick-duration</c>.</summary>
        [Microsoft.Extensions.Configuration.ConfigurationKeyName("tick-duration")]
        public TimeSpan TickDuration { get; set; }

        /// <summary>Bound from <c>ticks-per-wheel</c>.</summary>
        [Microsoft.Extensions.Configuration.ConfigurationKeyName("ticks-per-wheel")]
        public int TicksPerWheel { get; set; }

        /// <summary>Bound from <c>names</c>.</summary>
        public List<string> Names { get; } = [];
    }
}
