using ActorPager.Service.Cluster;
using Akka.Configuration;
using Microsoft.Extensions.Configuration;

namespace ActorPager.Host.Tests;

/// <summary>
/// <c>actorpager.cluster</c> reaches Akka's cluster configuration as written, and a value that
/// cannot be used is refused with the setting's name.
/// </summary>
public sealed class ClusterSettingsTests
{
    private static ClusterSettings Read(params (string Key, string Value)[] values) =>
        ClusterSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());

    private static Config Akka(ClusterSettings settings) =>
        ConfigurationFactory.ParseString(ClusterHocon.Cluster(settings, "actorpager", 1 << 20));

    [Fact]
    public void Defaults_FailOverWithinTheDocumentedTimings()
    {
        var akka = Akka(Read());
        Assert.Equal(TimeSpan.FromSeconds(1), akka.GetTimeSpan("akka.cluster.sharding.updating-state-timeout"));
        Assert.Equal(TimeSpan.FromSeconds(3), akka.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal(TimeSpan.FromSeconds(2), akka.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal("keep-majority", akka.GetString("akka.cluster.split-brain-resolver.active-strategy"));
    }

    [Fact]
    public void CoordinatorUpdateTimeout_BecomesTheCoordinatorsUpdatingStateTimeout()
    {
        var akka = Akka(Read(("actorpager:cluster:coordinator-update-timeout", "2500ms")));
        Assert.Equal(TimeSpan.FromMilliseconds(2500), akka.GetTimeSpan("akka.cluster.sharding.updating-state-timeout"));
    }

    [Theory]
    [InlineData("0s", "expected a positive duration")]
    [InlineData("soon", "a duration such as 30s")]
    public void CoordinatorUpdateTimeout_Unusable_RefusedNamingTheSetting(string value, string problem)
    {
        var e = Assert.Throws<Actors.ConfigException>(() => Read(("actorpager:cluster:coordinator-update-timeout", value)));
        Assert.Contains("actorpager.cluster.coordinator-update-timeout", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }
}
