using ActorPager.Actors;
using ActorPager.Harness.Dispatch;
using ActorPager.Storage;
using Akka.Actor;

namespace ActorPager.Harness.Exploration;

/// <summary>What a scenario can use in one run.</summary>
public sealed class ScenarioContext
{
    private readonly DeterministicSystem _system;

    internal ScenarioContext(DeterministicSystem system, PagerSystem pager, SimulatedStore store)
    {
        _system = system;
        Pager = pager;
        Store = store;
    }

    /// <summary>How long <see cref="Ask"/> waits by default, in virtual time: far beyond the explorer's timer horizon, so a stuck run is reported as stuck, not as a time-out.</summary>
    public static readonly TimeSpan DefaultAskTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The actor system (the pager's actors run on its deterministic dispatcher).</summary>
    public ActorSystem System => _system.System;

    /// <summary>
    /// Where a scenario makes actors of its own: children of the run's root, on the deterministic
    /// dispatcher, stopped when the run ends. Call it from <see cref="Scenario.Start"/> before the
    /// first await (making an actor steps the dispatcher, which a continuation inside a step cannot do).
    /// </summary>
    public IActorRefFactory Home => _system.Home;

    /// <summary>The pager, with the store mounted as <c>m</c>.</summary>
    public PagerSystem Pager { get; }

    /// <summary>The simulated disk.</summary>
    public SimulatedStore Store { get; }

    /// <summary>Opens <paramref name="path"/> on the mount.</summary>
    public Task<PagerFile> OpenAsync(string path) => Pager.OpenAsync("m", path);

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="target"/> and waits for the reply, which
    /// arrives as a choice of the schedule (use this, never Akka's <c>Ask</c>, whose reply would
    /// complete on the thread pool at a moment no seed controls). A <c>Status.Failure</c> reply
    /// fails the task with its cause; no reply within <paramref name="timeout"/> of virtual time
    /// (default <see cref="DefaultAskTimeout"/>) fails it with <see cref="AskTimeoutException"/>.
    /// </summary>
    public Task<object> Ask(ICanTell target, object message, TimeSpan? timeout = null) =>
        _system.Ask(target, message, timeout ?? DefaultAskTimeout);
}
