using ActorPager.Runtime;

namespace ActorPager.Runtime.Tests;

public sealed class SmokeTests
{
    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<string>(s => Sender.Tell(s + "!", Self));
    }

    [Fact]
    public async Task Ask_ThreadPool_RepliesWithEcho()
    {
        await using var system = ActorSystem.Create("smoke");
        var echo = system.ActorOf(Props.Create(() => new Echo()), "echo");
        var reply = await echo.Ask<string>("hi", TimeSpan.FromSeconds(5));
        Assert.Equal("hi!", reply);
    }

    [Fact]
    public async Task Ask_Deterministic_RepliesWithEcho()
    {
        await using var system = ActorSystem.Create("smoke", new ActorSystemSettings { Dispatcher = DispatcherKind.Deterministic, Seed = 42 });
        var echo = system.ActorOf(Props.Create(() => new Echo()), "echo");
        var reply = echo.Ask<string>("hi", TimeSpan.FromSeconds(5));
        Assert.True(system.Deterministic!.RunUntil(() => reply.IsCompleted));
        Assert.Equal("hi!", await reply);
        Assert.True(system.Deterministic.Trace.Count > 0);
    }

    [Fact]
    public async Task Ask_NoReply_TimesOutOnVirtualTime()
    {
        await using var system = ActorSystem.Create("smoke", new ActorSystemSettings { Dispatcher = DispatcherKind.Deterministic, Seed = 1 });
        var echo = system.ActorOf(Props.Create(() => new Echo()), "echo");
        var reply = echo.Ask<string>(42, TimeSpan.FromSeconds(3));
        system.Deterministic!.RunUntil(() => reply.IsCompleted);
        var ex = await Assert.ThrowsAsync<AskTimeoutException>(() => reply);
        Assert.Contains("/user/echo", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Int32", ex.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(3), system.Scheduler.Elapsed);
    }
}
