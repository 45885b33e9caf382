using Akka.Actor;
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

/// <summary>The seed of every kit reaches the test's output, which xunit shows when the test fails.</summary>
public sealed class OutputTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    [Fact]
    public void Dispose_AfterARun_WritesTheSeedAndTraceToTheOutput()
    {
        var recorded = new RecordingOutput();
        var kit = new Kit(recorded, 17);
        kit.Spawn(Props.Create(() => new EchoActor()), "echo").Tell("hello", kit.TestActor);
        kit.ExpectNext<string>();
        var tag = kit.Tag;

        kit.Dispose();

        Assert.Contains($"deterministic run: {tag}", recorded.Lines);
        Assert.StartsWith("seed 17 (trace ", tag, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_StepsUntilTheSystemHasTerminated()
    {
        var kit = new Kit(null, 5);
        kit.Spawn(Props.Create(() => new EchoActor()), "echo");

        kit.Dispose();

        // Actors on the deterministic dispatcher stop only in steps: without them the system
        // would never have terminated.
        Assert.True(kit.Sys.WhenTerminated.IsCompletedSuccessfully);
        Assert.Equal(0, kit.Dispatcher.ActorCount);
    }

    private sealed class Kit(ITestOutputHelper? output, long seed) : DeterministicTestKit(output, seed);
}
