using ActorPager.Runtime.Configuration;
using static ActorPager.Runtime.Tests.Configuration.HoconTestSupport;

namespace ActorPager.Runtime.Tests.Configuration;

/// <summary>reference.conf, the load order and environment overrides.</summary>
public sealed class ConfigurationFactoryTests
{
    /// <summary>An empty environment, so the machine's variables do not leak into tests.</summary>
    private static readonly Dictionary<string, string> NoVariables = [];

    public static TheoryData<string, string> ReferenceSettings() => new()
    {
        { "actorpager.actor.default-dispatcher.type", "thread-pool" },
        { "actorpager.actor.default-dispatcher.throughput", "30" },
        { "actorpager.actor.default-mailbox.mailbox-capacity", "-1" },
        { "actorpager.actor.default-mailbox.overflow", "dead-letter" },
        { "actorpager.actor.ask-timeout", "5s" },
        { "actorpager.scheduler.type", "real-time" },
        { "actorpager.scheduler.tick-duration", "1ms" },
        { "actorpager.scheduler.ticks-per-wheel", "512" },
        { "actorpager.deterministic.seed", "0" },
        { "actorpager.deterministic.strategy", "random" },
        { "actorpager.deterministic.pct-depth", "3" },
        { "actorpager.deterministic.max-steps", "1000000" },
        { "actorpager.log-level", "warning" },
    };

    [Theory]
    [MemberData(nameof(ReferenceSettings))]
    public void Load_NoUserFile_HasReferenceDefault(string path, string expected)
    {
        var config = ConfigurationFactory.Load(null, NoVariables);

        Assert.Equal(expected, config.GetString(path));
    }

    [Fact]
    public void Load_ReferenceDefaults_HaveTheirTypes()
    {
        var config = ConfigurationFactory.Load(null, NoVariables);

        Assert.Equal(TimeSpan.FromSeconds(5), config.GetDuration("actorpager.actor.ask-timeout"));
        Assert.Equal(TimeSpan.FromMilliseconds(1), config.GetDuration("actorpager.scheduler.tick-duration"));
        Assert.Equal(1_000_000, config.GetLong("actorpager.deterministic.max-steps"));
    }

    [Fact]
    public void ReferenceFile_EverySetting_HasACommentAbove()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoRoot, "hocon", "reference.conf"));
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Contains('=', StringComparison.Ordinal) && !line.StartsWith('#'))
            {
                Assert.True(i > 0 && lines[i - 1].Trim().StartsWith('#'), $"reference.conf line {i + 1} ({line}) has no comment above it");
            }
        }
    }

    [Fact]
    public void ReferenceFile_MatchesEmbeddedResource()
    {
        var onDisk = Config.ParseFile(Path.Combine(RepoRoot, "hocon", "reference.conf")).Resolve(NoEnv);
        var embedded = ConfigurationFactory.Reference().Resolve(NoEnv);

        Assert.True(onDisk.Root.Equals(embedded.Root));
    }

    [Fact]
    public void Reference_RenderedAndReparsed_GivesSameTree()
    {
        var reference = ConfigurationFactory.Reference().Resolve(NoEnv);

        var again = Config.ParseString(reference.Render()).Resolve(NoEnv);
        var fromJson = Config.ParseString(reference.ToJson()).Resolve(NoEnv);

        Assert.True(reference.Root.Equals(again.Root));
        Assert.True(reference.Root.Equals(fromJson.Root));
    }

    [Fact]
    public void Load_UserFile_OverridesReference()
    {
        var dir = TempDir();
        var file = Path.Combine(dir, "app.conf");
        File.WriteAllText(file, "actorpager.actor.default-dispatcher.throughput = 5\nactorpager.scheduler { type = virtual }");

        var config = ConfigurationFactory.Load(file, NoVariables);

        Assert.Equal(5, config.GetInt("actorpager.actor.default-dispatcher.throughput"));
        Assert.Equal("virtual", config.GetString("actorpager.scheduler.type"));
        Assert.Equal(512, config.GetInt("actorpager.scheduler.ticks-per-wheel"));
    }

    [Fact]
    public void Load_EnvironmentOverride_WinsOverUserFile()
    {
        var dir = TempDir();
        var file = Path.Combine(dir, "app.conf");
        File.WriteAllText(file, "actorpager.actor.default-dispatcher.throughput = 5");
        var env = new Dictionary<string, string> { ["ACTORPAGER__ACTOR__DEFAULT_DISPATCHER__THROUGHPUT"] = "7" };

        var config = ConfigurationFactory.Load(file, env);

        Assert.Equal(7, config.GetInt("actorpager.actor.default-dispatcher.throughput"));
    }

    [Fact]
    public void Load_UserFileSubstitution_SeesEnvironmentOverride()
    {
        var dir = TempDir();
        var file = Path.Combine(dir, "app.conf");
        File.WriteAllText(file, "copy = ${actorpager.log-level}");
        var env = new Dictionary<string, string> { ["ACTORPAGER__LOG_LEVEL"] = "debug" };

        Assert.Equal("debug", ConfigurationFactory.Load(file, env).GetString("copy"));
    }

    [Theory]
    [InlineData("ACTORPAGER__ACTOR__DEFAULT_DISPATCHER__THROUGHPUT", "actorpager.actor.default-dispatcher.throughput")]
    [InlineData("ACTORPAGER__LOG_LEVEL", "actorpager.log-level")]
    [InlineData("ACTORPAGER__SCHEDULER__TICKS_PER_WHEEL", "actorpager.scheduler.ticks-per-wheel")]
    [InlineData("ACTORPAGER__DETERMINISTIC__SEED", "actorpager.deterministic.seed")]
    [InlineData("ACTORPAGER__", null)]
    [InlineData("ACTORPAGER_LOG_LEVEL", null)]
    [InlineData("ACTORPAGER__A____B", null)]
    [InlineData("PATH", null)]
    public void PathForVariableName_Names_MapAsDocumented(string name, string? path)
    {
        Assert.Equal(path, ConfigurationFactory.PathForVariableName(name));
    }

    [Fact]
    public void FromEnvironment_ListValue_ParsesAsHocon()
    {
        var env = new Dictionary<string, string> { ["ACTORPAGER__X__LIST"] = "[a, b]", ["ACTORPAGER__X__OBJ"] = "{ k = 1 }" };

        var config = ConfigurationFactory.FromEnvironment(env).Resolve(NoEnv);

        Assert.Equal(["a", "b"], config.GetStringList("actorpager.x.list"));
        Assert.Equal(1, config.GetInt("actorpager.x.obj.k"));
    }

    [Fact]
    public void FromEnvironment_BadListValue_NamesTheVariable()
    {
        var env = new Dictionary<string, string> { ["ACTORPAGER__X"] = "[a," };

        var e = Assert.Throws<HoconException>(() => ConfigurationFactory.FromEnvironment(env));

        Assert.Equal("environment variable ACTORPAGER__X", e.File);
    }

    [Fact]
    public void Load_MissingUserFile_Throws()
    {
        var e = Assert.Throws<HoconException>(() => ConfigurationFactory.Load("does-not-exist.conf", NoVariables));

        Assert.Equal("does-not-exist.conf", e.File);
    }
}
