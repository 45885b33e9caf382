using ActorPager.Runtime.Configuration;

namespace ActorPager.Runtime.Tests.Configuration;

public sealed class RuntimeSettingsFromConfigTests
{
    private static Config Load(string user) =>
        Config.ParseString(user, "user.conf").WithFallback(ConfigurationFactory.Reference()).Resolve();

    [Fact]
    public void FromConfig_ReferenceOnly_MatchesBuiltInDefaults()
    {
        var settings = ActorSystemSettings.FromConfig(ConfigurationFactory.Reference());
        var defaults = ActorSystemSettings.Default;
        Assert.Equal(defaults.Dispatcher, settings.Dispatcher);
        Assert.Equal(defaults.Throughput, settings.Throughput);
        Assert.Equal(defaults.DefaultMailbox, settings.DefaultMailbox);
        Assert.Equal(defaults.AskTimeout, settings.AskTimeout);
        Assert.Equal(defaults.Scheduler, settings.Scheduler);
        Assert.Equal(defaults.SchedulerTick, settings.SchedulerTick);
        Assert.Equal(defaults.TicksPerWheel, settings.TicksPerWheel);
        Assert.Equal(defaults.Seed, settings.Seed);
        Assert.Equal(defaults.Strategy, settings.Strategy);
        Assert.Equal(defaults.PctDepth, settings.PctDepth);
        Assert.Equal(defaults.MaxSteps, settings.MaxSteps);
        Assert.Equal(defaults.LogLevel, settings.LogLevel);
    }

    [Fact]
    public void FromConfig_UserFile_OverridesDispatcherMailboxAndScheduler()
    {
        var settings = ActorSystemSettings.FromConfig(Load("""
            actorpager.actor.default-dispatcher { type = deterministic, throughput = 7 }
            actorpager.actor.default-mailbox { mailbox-capacity = 100, overflow = reject }
            actorpager.scheduler.type = virtual
            actorpager.deterministic { seed = 42, strategy = pct, pct-depth = 5 }
            actorpager.log-level = error
            """));
        Assert.Equal(DispatcherKind.Deterministic, settings.Dispatcher);
        Assert.Equal(7, settings.Throughput);
        Assert.Equal(MailboxOptions.Bounded(100, MailboxOverflow.Reject), settings.DefaultMailbox);
        Assert.Equal(SchedulerKind.Virtual, settings.Scheduler);
        Assert.Equal(42, settings.Seed);
        Assert.Equal("pct", settings.Strategy);
        Assert.Equal(5, settings.PctDepth);
        Assert.Equal(LogLevel.Error, settings.LogLevel);
    }

    [Theory]
    [InlineData("actorpager.actor.default-dispatcher.type = fibers", "actorpager.actor.default-dispatcher.type", "thread-pool, deterministic")]
    [InlineData("actorpager.actor.default-dispatcher.throughput = 0", "actorpager.actor.default-dispatcher.throughput", "positive")]
    [InlineData("actorpager.actor.default-mailbox.overflow = block", "actorpager.actor.default-mailbox.overflow", "dead-letter, reject")]
    [InlineData("actorpager.actor.default-mailbox.mailbox-capacity = 0", "actorpager.actor.default-mailbox.mailbox-capacity", "-1 (unbounded)")]
    [InlineData("actorpager.scheduler.type = atomic", "actorpager.scheduler.type", "real-time, virtual")]
    [InlineData("actorpager.deterministic.strategy = dfs", "actorpager.deterministic.strategy", "random, pct, replay")]
    public void FromConfig_BadValue_ThrowsNamingPathFileAndChoices(string user, string path, string expected)
    {
        var ex = Assert.Throws<HoconException>(() => ActorSystemSettings.FromConfig(Load(user)));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("user.conf:1:", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_FromConfig_RunsOnTheConfiguredDispatcher()
    {
        await using var system = ActorSystem.Create("configured", Load("actorpager.actor.default-dispatcher.type = deterministic\nactorpager.deterministic.seed = 9"));
        Assert.NotNull(system.Deterministic);
        Assert.Equal(9, system.Seed);
    }
}
