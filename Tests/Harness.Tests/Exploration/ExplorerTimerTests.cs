using ActorPager.Actors.Pager;
using ActorPager.Harness.Exploration;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorPager.Harness.Tests.Exploration;

/// <summary>Timers in an explored run: they fire when nothing else can run, within the explorer's horizon.</summary>
public sealed class ExplorerTimerTests(ITestOutputHelper output) : ExplorationTestKit(output)
{
    /// <summary>Answers its first message once a timer of the given delay has fired.</summary>
    private sealed class Delayed(TimeSpan delay) : UntypedActor, IWithTimers
    {
        private IActorRef? _asker;

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void OnReceive(object message)
        {
            if (_asker is null)
            {
                _asker = Sender;
                Timers.StartSingleTimer("fire", "fire", delay);
            }
            else if (message is "fire")
            {
                _asker.Tell("done", Self);
            }
        }
    }

    private sealed class TimerScenario(TimeSpan delay) : Scenario
    {
        public override string Name => "timer";

        public override IReadOnlyList<Task> Start(ScenarioContext context)
        {
            var actor = context.Home.ActorOf(Props.Create(() => new Delayed(delay)), "delayed");
            return [context.Ask(actor, 1, TimeSpan.FromHours(1))];
        }
    }

    [Fact]
    public void Run_TimerWithinHorizon_FiresAndTheRunFinishes()
    {
        var run = Explorer.Run(new TimerScenario(TimeSpan.FromSeconds(1)), GenericPager.Instance, 1, ExplorationStrategy.Random, null);
        Assert.True(run.Violation is null, run.Violation?.ToString());
    }

    [Fact]
    public void Run_TimerBeyondHorizon_ReportsNoProgress()
    {
        var run = Explorer.Run(new TimerScenario(TimeSpan.FromMinutes(30)), GenericPager.Instance, 1, ExplorationStrategy.Random, null);
        Assert.NotNull(run.Violation);
        Assert.Contains("no progress", run.Violation!.Description, StringComparison.Ordinal);
    }
}
