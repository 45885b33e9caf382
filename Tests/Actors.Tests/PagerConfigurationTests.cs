using ActorPager.Runtime.Configuration;
using ActorPager.Storage;

namespace ActorPager.Actors.Tests;

public sealed class PagerConfigurationTests
{
    private static Config Load(string user) =>
        Config.ParseString(user, "user.conf").WithFallback(ConfigurationFactory.Reference()).Resolve();

    [Fact]
    public void Pager_ReferenceOnly_MatchesDefaults()
    {
        Assert.Equal(PagerOptions.Default, PagerConfiguration.Pager(ConfigurationFactory.Reference()));
    }

    [Fact]
    public void Store_ReferenceOnly_MatchesDefaults()
    {
        Assert.Equal(new StoreOptions(), PagerConfiguration.Store(ConfigurationFactory.Reference()));
    }

    [Fact]
    public void Pager_UserFile_OverridesSizes()
    {
        var options = PagerConfiguration.Pager(Load("actorpager.vm { physical-memory = 256MiB, cluster-max = 8, read-ahead = 4 }"));
        Assert.Equal(256L * 1024 * 1024, options.PhysicalMemory);
        Assert.Equal(8, options.ClusterMax);
        Assert.Equal(4, options.ReadAhead);
    }

    [Fact]
    public void Pager_PageSizeNotBlockMultiple_ThrowsNamingSetting()
    {
        var ex = Assert.Throws<ArgumentException>(() => PagerConfiguration.Pager(Load("actorpager.vm.page-size = 1000")));
        Assert.Contains("actorpager.vm.page-size", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Store_UnknownKind_ThrowsNamingChoices()
    {
        var ex = Assert.Throws<HoconException>(() => PagerConfiguration.Store(Load("actorpager.storage.kind = tape")));
        Assert.Contains("actorpager.storage.kind", ex.Message, StringComparison.Ordinal);
        Assert.Contains("directory, sqlite, postgres", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Store_SqliteSettings_AreBound()
    {
        var options = PagerConfiguration.Store(Load("actorpager.storage { kind = sqlite, sqlite { path = \"/tmp/x.db\", synchronous = extra }, group-commit.window = 5ms }"));
        Assert.Equal("sqlite", options.Kind);
        Assert.Equal("/tmp/x.db", options.SqlitePath);
        Assert.Equal(SqliteSynchronous.Extra, options.SqliteSynchronous);
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.GroupCommitWindow);
    }
}
