using ActorPager.Runtime;
using Xunit.Abstractions;

namespace ActorPager.TestKit.Tests;

/// <summary>Collects what a kit writes to the test output.</summary>
internal sealed class RecordingOutput : ITestOutputHelper
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public void WriteLine(string message)
    {
        lock (_lines)
        {
            _lines.Add(message);
        }
    }

    public void WriteLine(string format, params object[] args) => WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
}

/// <summary>Log events go to the test's output helper instead of standard error.</summary>
public sealed class OutputTests
{
    [Fact]
    public void Constructor_WithOutputHelper_RoutesLogEventsToIt()
    {
        var output = new RecordingOutput();
        using var kit = new DeterministicTestKit(17, output);
        var thrower = kit.ActorOf(Props.Create(() => new ThrowingActor()), "thrower");

        kit.EventFilter.Error(contains: "boom").ExpectOne(() => thrower.Tell("boom"));

        Assert.False(kit.Sys.Settings.LogToStandardError);
        Assert.Contains(output.Lines, l => l.StartsWith("[Error] actorpager://DeterministicTestKit/user/thrower: ", StringComparison.Ordinal) && l.Contains("InvalidOperationException: boom", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_WithOutputHelperOnThreadPool_RoutesLogEventsToIt()
    {
        var output = new RecordingOutput();
        using var kit = new TestKit(output);
        var thrower = kit.ActorOf(Props.Create(() => new ThrowingActor()), "thrower");

        thrower.Tell("boom");

        kit.AwaitCondition(() => output.Lines.Any(l => l.Contains("InvalidOperationException: boom", StringComparison.Ordinal)));
    }

    [Fact]
    public void SystemName_DefaultsToTheTestClassName()
    {
        using var kit = new DeterministicTestKit(1);

        Assert.Equal(nameof(DeterministicTestKit), kit.Sys.Name);
    }
}
