using ActorPager.Actors.Pager;
using ActorPager.Runtime;
using ActorPager.TestKit.Harness;

namespace ActorPager.TestKit.Tests.Harness;

public sealed class ExplorerTimerTests
{
    /// <summary>Replies to any message once a timer of the given delay has fired.</summary>
    private sealed class Delayed(TimeSpan delay) : ActorBase
    {
        private IActorRef? _asker;

        protected internal override bool Receive(object message)
        {
            if (message is string)
            {
                Sender.Tell("done", Self);
                return true;
            }

            _asker = Sender;
            Context.Scheduler.ScheduleTellOnce(delay, Self, "fire", null);
            Context.Become(m =>
            {
                _asker!.Tell(m, Self);
                return true;
            });
            return true;
        }
    }

    private sealed class TimerScenario(TimeSpan delay) : Scenario
    {
        public override string Name => "timer";

        public override IReadOnlyList<Task> Start(ScenarioContext context)
        {
            var actor = context.System.ActorOf(Props.Create(() => new Delayed(delay)), "delayed");
            return [actor.Ask<object>(1, TimeSpan.FromHours(1), context.System)];
        }
    }

    [Fact]
    public void Run_TimerWithinHorizon_FiresAndTheRunFinishes()
    {
        var run = new Explorer().Run(new TimerScenario(TimeSpan.FromSeconds(1)), GenericPager.Instance, 1, ExplorationStrategy.Random, null);
        Assert.True(run.Violation is null, run.Violation?.ToString());
    }

    [Fact]
    public void Run_TimerBeyondHorizon_ReportsNoProgress()
    {
        var run = new Explorer().Run(new TimerScenario(TimeSpan.FromMinutes(30)), GenericPager.Instance, 1, ExplorationStrategy.Random, null);
        Assert.NotNull(run.Violation);
        Assert.Contains("no progress", run.Violation!.Description, StringComparison.Ordinal);
    }
}
