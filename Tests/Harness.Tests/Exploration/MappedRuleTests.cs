using ActorPager.Actors.Pager;
using ActorPager.Harness.Exploration;
using ActorPager.Messages;
using Xunit.Abstractions;

namespace ActorPager.Harness.Tests.Exploration;

/// <summary>
/// The pmap's rules fire: a pager that scribbles over the frames of mapped pages (as a VM object
/// that changed a page's bytes without unmapping it would) breaks rule 60 when the object next
/// runs, or rule 61 when a mapped read copies the scribble first.
/// </summary>
public sealed class MappedRuleTests(ITestOutputHelper output) : ExplorationTestKit(output)
{
    [Fact]
    public void Monitor_BytesOfAMappedPageChange_BreaksRule60Or61()
    {
        var scenario = new ScribbleScenario();
        var rules = new HashSet<int>();
        for (var seed = 1; seed <= 300 && rules.Count < 2; seed++)
        {
            if (Explorer.Run(scenario, new ScribblingPager(), seed, ExplorationStrategy.Random, null).Violation is { } violation)
            {
                Output.WriteLine($"seed {seed}: {violation}");
                Assert.True(violation.Rule is 60 or 61, violation.ToString());
                rules.Add(violation.Rule);
            }
        }

        Assert.Equal([60, 61], rules.Order());
    }

    [Fact]
    public void Monitor_HonestPagerOnTheScribbleScenario_StaysQuiet() =>
        Assert.Null(HandMadePagers.FirstViolation(Explorer, new ScribbleScenario(), () => GenericPager.Instance, 200));

    /// <summary>The generic pager, but every getpages first overwrites the frames of the object's mapped pages.</summary>
    private sealed class ScribblingPager : IPager
    {
        public string Name => "scribble-mapped";

        public void GetPages(VnodeProtocol.GetPages request, PagerCall call)
        {
            foreach (var (_, frame, _, _) in call.Memory.MapOf(request.Object)?.Entries() ?? [])
            {
                call.Memory.FrameSpan(frame).Fill(0xEE);
            }

            GenericPager.Instance.GetPages(request, call);
        }

        public void PutPages(VnodeProtocol.PutPages request, PagerCall call) => GenericPager.Instance.PutPages(request, call);
    }

    /// <summary>One client re-reads page 0 (mapped after the first read) while another faults page 10 in.</summary>
    private sealed class ScribbleScenario : Scenario
    {
        public override string Name => "scribble";

        public override int FaultBudget => 0;

        public override IReadOnlyDictionary<string, byte[]> InitialFiles { get; } = new Dictionary<string, byte[]> { ["m"] = TestScenarios.Pattern(12 * 4096, 3) };

        public override IReadOnlyList<Task> Start(ScenarioContext context)
        {
            async Task Read(long offset, int times)
            {
                var file = await context.OpenAsync("m").ConfigureAwait(false);
                for (var i = 0; i < times; i++)
                {
                    await file.ReadAsync(offset, new byte[4096]).ConfigureAwait(false);
                }
            }

            return [Read(0, 3), Read(10 * 4096, 1)];
        }
    }
}
