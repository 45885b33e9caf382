namespace ActorPager.Runtime.Tests;

public sealed class EventStreamTests
{
    private sealed record Animal(string Name);

    [Fact]
    public async Task Subscribe_Actor_ReceivesEventsOfTypeAndSubtypes()
    {
        await using var system = Systems.Deterministic(1);
        var log = new TestRef();
        var subscriber = system.ActorOf(FuncActor.Props((_, m) => log.Tell(m)));
        Assert.True(system.EventStream.Subscribe(subscriber, typeof(object)));
        Assert.False(system.EventStream.Subscribe(subscriber, typeof(object)));
        system.EventStream.Publish(new Animal("cat"));
        system.EventStream.Publish("text");
        system.Det().RunUntilIdle();
        Assert.Equal([new Animal("cat"), (object)"text"], log.Messages);
    }

    [Fact]
    public async Task Unsubscribe_Actor_StopsDelivery()
    {
        await using var system = Systems.Deterministic(1);
        var log = new TestRef();
        var subscriber = system.ActorOf(FuncActor.Props((_, m) => log.Tell(m)));
        system.EventStream.Subscribe(subscriber, typeof(Animal));
        system.EventStream.Publish(new Animal("a"));
        Assert.True(system.EventStream.Unsubscribe(subscriber));
        system.EventStream.Publish(new Animal("b"));
        system.Det().RunUntilIdle();
        Assert.Equal([new Animal("a")], log.Messages);
    }

    [Fact]
    public void Subscribe_Callback_FiltersByTypeAndDisposes()
    {
        var stream = new EventStream();
        var seen = new List<Animal>();
        var subscription = stream.Subscribe<Animal>(seen.Add);
        stream.Publish(new Animal("x"));
        stream.Publish(42);
        subscription.Dispose();
        stream.Publish(new Animal("y"));
        Assert.Equal([new Animal("x")], seen);
    }

    [Fact]
    public async Task Unhandled_Message_PublishedAsUnhandledMessage()
    {
        await using var system = Systems.Deterministic(1);
        using var unhandled = new EventLog<UnhandledMessage>(system);
        var probe = new TestRef();
        var actor = system.ActorOf(FuncActor.Props((_, m) => m is string));
        actor.Tell("fine", probe);
        actor.Tell(42, probe);
        system.Det().RunUntilIdle();
        var u = Assert.Single(unhandled.Events);
        Assert.Equal(42, u.Message);
        Assert.Same(probe, u.Sender);
        Assert.Same(actor, u.Recipient);
    }

    [Fact]
    public async Task DeadLetters_TellDirectly_PublishedAndCounted()
    {
        await using var system = Systems.Deterministic(1);
        using var dead = new EventLog<DeadLetter>(system);
        system.DeadLetters.Tell("nowhere");
        Assert.Equal("nowhere", Assert.Single(dead.Events).Message);
        Assert.Equal(1, system.DeadLetterCount);
    }

    [Fact]
    public async Task Subscribe_DeadLettersByActorThatStops_DoesNotLoopForever()
    {
        await using var system = Systems.Deterministic(1);
        var subscriber = system.ActorOf(FuncActor.Props((_, _) => { }));
        system.EventStream.Subscribe(subscriber, typeof(DeadLetter));
        system.Stop(subscriber);
        system.Det().RunUntilIdle();

        // The dead subscriber's own dead letter must not be published to it again, and again.
        var other = system.ActorOf(Props.Create(() => new Echo()));
        system.Stop(other);
        system.Det().RunUntilIdle();
        other.Tell("late");
        Assert.InRange(system.DeadLetterCount, 1, 3);
    }

    [Fact]
    public async Task Log_BelowConfiguredLevel_IsNotPublished()
    {
        await using var system = ActorSystem.Create("lvl", Systems.DeterministicSettings(1) with { LogLevel = LogLevel.Warning });
        using var logs = new EventLog<LogEvent>(system);
        system.Log(LogLevel.Info, "t", "quiet");
        system.Log(LogLevel.Warning, "t", "loud");
        Assert.Equal(["loud"], logs.Events.Select(e => e.Message));
    }
}
