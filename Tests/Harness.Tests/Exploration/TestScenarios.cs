using ActorPager.Actors;
using ActorPager.Harness.Exploration;
using Akka.Actor;

namespace ActorPager.Harness.Tests.Exploration;

/// <summary>Small scenarios for the harness's own tests.</summary>
internal static class TestScenarios
{
    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 13) + seed);
        }

        return bytes;
    }
}

/// <summary>One client reads a little of a one-page file: few enough schedules to enumerate them all.</summary>
internal sealed class TinyReadScenario(int faultBudget = 0) : Scenario
{
    public override string Name => "tiny-read";

    public override int FaultBudget => faultBudget;

    public override IReadOnlyDictionary<string, byte[]> InitialFiles { get; } = new Dictionary<string, byte[]> { ["f"] = TestScenarios.Pattern(4096, 1) };

    public override IReadOnlyList<Task> Start(ScenarioContext context)
    {
        async Task Read()
        {
            var file = await context.OpenAsync("f").ConfigureAwait(false);
            await file.ReadAsync(0, new byte[100]).ConfigureAwait(false);
        }

        return [Read()];
    }
}

/// <summary>One client writes a page and syncs it: a synchronous putpages on a dirty page.</summary>
internal sealed class SyncWriteScenario(int faultBudget = 0) : Scenario
{
    public override string Name => "sync-write";

    public override int FaultBudget => faultBudget;

    public override IReadOnlyDictionary<string, byte[]> InitialFiles { get; } = new Dictionary<string, byte[]> { ["w"] = TestScenarios.Pattern(2 * 4096, 2) };

    public override IReadOnlyList<Task> Start(ScenarioContext context)
    {
        async Task Write()
        {
            var file = await context.OpenAsync("w").ConfigureAwait(false);
            await file.WriteAsync(0, TestScenarios.Pattern(4096, 3)).ConfigureAwait(false);
            await file.SyncAsync().ConfigureAwait(false);
        }

        return [Write()];
    }
}

/// <summary>
/// A rogue object: after a client has read page 0 (resident, not busy), the scenario itself sends
/// the vnode a request that breaks a rule an honest VM object never breaks.
/// </summary>
internal sealed class RogueRequestScenario(Func<IActorRef, PagerFile, object[]> rogue) : Scenario
{
    public override string Name => "rogue-request";

    public override int FaultBudget => 0;

    public override IReadOnlyDictionary<string, byte[]> InitialFiles { get; } = new Dictionary<string, byte[]> { ["r"] = TestScenarios.Pattern(2 * 4096, 4) };

    public override IReadOnlyList<Task> Start(ScenarioContext context)
    {
        async Task Go()
        {
            var file = await context.OpenAsync("r").ConfigureAwait(false);
            await file.ReadAsync(0, new byte[4096]).ConfigureAwait(false);
            foreach (var message in rogue(file.VmObject, file))
            {
                file.Vnode.Tell(message);
            }

            // Something for the rogue messages to race with.
            await file.ReadAsync(4096, new byte[4096]).ConfigureAwait(false);
        }

        return [Go()];
    }
}

/// <summary>No client at all: only the pager system's start-up messages interleave (a few hundred schedules).</summary>
internal sealed class StartupOnlyScenario : Scenario
{
    public override string Name => "startup-only";

    public override int FaultBudget => 0;

    public override IReadOnlyList<Task> Start(ScenarioContext context) => [];
}
