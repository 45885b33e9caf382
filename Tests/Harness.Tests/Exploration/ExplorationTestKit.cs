using ActorPager.Harness.Exploration;
using ActorPager.TestKit;
using Xunit.Abstractions;

namespace ActorPager.Harness.Tests.Exploration;

/// <summary>
/// The base of the explorer's tests: an Akka.NET test kit on the deterministic dispatcher whose
/// system the explorers run on (one system per test, reused by every run of every explorer the
/// test makes). A violation's text starts with its rule and carries its seed, so an assertion
/// that prints it tells how to replay the run.
/// </summary>
public abstract class ExplorationTestKit(ITestOutputHelper output) : DeterministicTestKit(output)
{
    private readonly List<Explorer> _others = [];
    private Explorer? _explorer;

    /// <summary>An explorer with the default settings on the kit's system.</summary>
    protected Explorer Explorer => _explorer ??= new Explorer(Deterministic);

    /// <summary>An explorer on the kit's system with other settings; it is disposed with the kit.</summary>
    protected Explorer NewExplorer(Action<RunResult>? runCompleted = null, long maxSteps = 20_000)
    {
        var explorer = new Explorer(Deterministic) { RunCompleted = runCompleted, MaxSteps = maxSteps };
        _others.Add(explorer);
        return explorer;
    }

    /// <inheritdoc />
    protected override void AfterAll()
    {
        _explorer?.Dispose();
        foreach (var explorer in _others)
        {
            explorer.Dispose();
        }

        base.AfterAll();
    }
}
