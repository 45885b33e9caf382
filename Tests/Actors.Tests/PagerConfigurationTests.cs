using ActorPager.Actors.Tests.Support;
using Akka.Actor;
using ActorPager.Storage;

namespace ActorPager.Actors.Tests;

/// <summary>PagerConfiguration: reference.conf's defaults, a user's file over them, and bad values named with their file and path.</summary>
public sealed class PagerConfigurationTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static LoadedConfig ReferenceOnly() => ConfigLoader.Load(null, ConfigFiles.NoVariables);

    [Fact]
    public void Pager_ReferenceOnly_MatchesDefaults()
    {
        Assert.Equal(PagerOptions.Default, PagerConfiguration.Pager(ReferenceOnly()));
    }

    [Fact]
    public void Store_ReferenceOnly_MatchesDefaults()
    {
        Assert.Equal(new StoreOptions(), PagerConfiguration.Store(ReferenceOnly()));
    }

    [Fact]
    public void Pager_UserFile_OverridesSizes()
    {
        var options = PagerConfiguration.Pager(_files.Load("actorpager.vm { physical-memory = 256MiB, cluster-max = 8, read-ahead = 4 }"));
        Assert.Equal(256L * 1024 * 1024, options.PhysicalMemory);
        Assert.Equal(8, options.ClusterMax);
        Assert.Equal(4, options.ReadAhead);
    }

    [Fact]
    public void Pager_PageSizeNotBlockMultiple_ThrowsNamingFileAndSetting()
    {
        var ex = Assert.Throws<ArgumentException>(() => PagerConfiguration.Pager(_files.Load("actorpager.vm.page-size = 1000")));
        Assert.StartsWith(Path.Combine(_files.Directory, "user.conf") + ": actorpager.vm.page-size:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pager_SizeThatIsNotASize_ThrowsNamingFileAndSetting()
    {
        var ex = Assert.Throws<ConfigException>(() => PagerConfiguration.Pager(_files.Load("actorpager.vm.physical-memory = lots")));
        Assert.Equal(Path.Combine(_files.Directory, "user.conf"), ex.File);
        Assert.Equal("actorpager.vm.physical-memory", ex.Path);
        Assert.Contains("expected a size such as 4KiB, got \"lots\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pager_SettingReplacedByAnObject_ThrowsNamingTheShape()
    {
        var ex = Assert.Throws<ConfigException>(() => PagerConfiguration.Pager(_files.Load("actorpager.vm.cluster-max { a = 1 }")));
        Assert.Equal("actorpager.vm.cluster-max", ex.Path);
        Assert.Contains("expected a whole number, got an object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pager_SectionSetToNull_ThrowsNotSetNamingTheFile()
    {
        // Akka's getters would read a missing setting as 0; ours refuse.
        var ex = Assert.Throws<ConfigException>(() => PagerConfiguration.Pager(_files.Load("actorpager.vm = null")));
        Assert.Equal(Path.Combine(_files.Directory, "user.conf"), ex.File);
        Assert.Equal("actorpager.vm.page-size", ex.Path);
        Assert.Contains("not set", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pager_NegativeDuration_ThrowsNamingSetting()
    {
        var ex = Assert.Throws<ConfigException>(() => PagerConfiguration.Pager(_files.Load("actorpager.vm.dirty-age = -5s")));
        Assert.Equal("actorpager.vm.dirty-age", ex.Path);
    }

    [Fact]
    public void Pager_InfiniteDuration_IsRefused()
    {
        // Akka's GetTimeSpan reads "infinite" as -1 ms unless told not to.
        var ex = Assert.Throws<ConfigException>(() => PagerConfiguration.Pager(_files.Load("actorpager.vm.daemon-interval = infinite")));
        Assert.Equal("actorpager.vm.daemon-interval", ex.Path);
    }

    [Fact]
    public void Pager_BadEnvironmentOverride_ThrowsNamingTheVariable()
    {
        var env = new Dictionary<string, string> { ["ACTORPAGER__VM__CLUSTER_MAX"] = "many" };
        var ex = Assert.Throws<ConfigException>(() => PagerConfiguration.Pager(ConfigLoader.Load(_files.Write("actorpager.vm.cluster-max = 4"), env)));
        Assert.StartsWith("environment variable ACTORPAGER__VM__CLUSTER_MAX: actorpager.vm.cluster-max: expected a whole number, got \"many\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Store_UnknownKind_ThrowsNamingFileAndChoices()
    {
        var ex = Assert.Throws<ConfigException>(() => PagerConfiguration.Store(_files.Load("actorpager.storage.kind = tape")));
        Assert.Equal(Path.Combine(_files.Directory, "user.conf"), ex.File);
        Assert.Contains("actorpager.storage.kind", ex.Message, StringComparison.Ordinal);
        Assert.Contains("directory, sqlite, postgres", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Store_SqliteSettings_AreBound()
    {
        var options = PagerConfiguration.Store(_files.Load("actorpager.storage { kind = sqlite, sqlite = { path = \"/tmp/x.db\", synchronous = extra }, group-commit.window = 5ms }"));
        Assert.Equal("sqlite", options.Kind);
        Assert.Equal("/tmp/x.db", options.SqlitePath);
        Assert.Equal(SqliteSynchronous.Extra, options.SqliteSynchronous);
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.GroupCommitWindow);
    }
}
