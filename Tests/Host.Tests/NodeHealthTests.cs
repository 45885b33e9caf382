using System.Diagnostics;
using ActorPager.Service.Cluster;

namespace ActorPager.Host.Tests;

/// <summary>
/// NodeHealth refuses take-overs on a node that was frozen: while its ticker is silent longer than
/// the failure detector's acceptable pause, and for the hold time after the ticker finds the gap,
/// when it also tells the node's files to go. Time is given to it, not waited for.
/// </summary>
public sealed class NodeHealthTests
{
    private static readonly long Second = Stopwatch.Frequency;

    [Fact]
    public void Ticking_NoGap_TakeOverAllowed()
    {
        using var health = new NodeHealth(null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), () => throw new InvalidOperationException("no stall"), ticking: false);
        var t = Stopwatch.GetTimestamp();
        health.TickAt(t);
        health.TickAt(t + (Second / 10));
        Assert.Null(health.WhyNotTakeOverAt(t + (Second / 5)));
    }

    [Fact]
    public void SilentTicker_LongerThanTheStall_TakeOverRefusedBeforeTheTickerNoticesIt()
    {
        using var health = new NodeHealth(null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), () => { }, ticking: false);
        var t = Stopwatch.GetTimestamp();
        health.TickAt(t);
        var why = health.WhyNotTakeOverAt(t + (3 * Second));
        Assert.NotNull(why);
        Assert.Contains("frozen", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Stall_FoundByTheTicker_FilesToldAndTakeOverRefusedForTheHoldThenAllowed()
    {
        var stalls = 0;
        using var health = new NodeHealth(null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), () => stalls++, ticking: false);
        var t = Stopwatch.GetTimestamp();
        health.TickAt(t);
        health.TickAt(t + (10 * Second));
        Assert.Equal(1, stalls);
        Assert.Equal(1, health.Stalls);

        // The ticker beats again every 100 ms: refused until 5 s after the stall was found.
        for (var at = t + (10 * Second); at <= t + (16 * Second); at += Second / 10)
        {
            health.TickAt(at);
            var why = health.WhyNotTakeOverAt(at);
            Assert.True(at < t + (15 * Second) ? why is not null : why is null, $"{(double)(at - t) / Second:0.0} s: {why ?? "allowed"}");
        }

        Assert.Equal(1, stalls);
    }
}
