namespace ActorPager.Runtime.Tests;

public sealed class AskPipeToTests
{
    private sealed record Query(int N);

    [Fact]
    public async Task Ask_ThreadPool_CompletesWithReply()
    {
        await using var system = Systems.Pool();
        var echo = system.ActorOf(Props.Create(() => new Echo()));
        Assert.Equal(7, await echo.Ask<int>(7, Systems.Patience).Within("the reply"));
    }

    [Fact]
    public async Task Ask_Timeout_MessageNamesTargetAndMessageType()
    {
        await using var system = Systems.Deterministic(1, "asks");
        var silent = system.ActorOf(FuncActor.Props((_, _) => { }), "silent");
        var reply = silent.Ask<string>(new Query(1), TimeSpan.FromMilliseconds(1500));
        system.Det().RunUntil(() => reply.IsCompleted);
        var ex = await Assert.ThrowsAsync<AskTimeoutException>(() => reply);
        Assert.Contains("actorpager://asks/user/silent", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Query), ex.Message, StringComparison.Ordinal);
        Assert.Contains("1500 ms", ex.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), system.Scheduler.Elapsed);
    }

    [Fact]
    public async Task Ask_AfterTerminate_FailsAtOnceNamingTheSystem()
    {
        var system = Systems.Pool();
        var echo = system.ActorOf(Props.Create(() => new Echo()), "echo");
        await system.Terminate().Within("termination");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => echo.Ask<int>(1, TimeSpan.FromHours(1)).Within("the ask to fail"));
        Assert.Contains("has terminated", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/user/echo", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_ThreadPool_TimesOutOnRealTime()
    {
        await using var system = Systems.Pool();
        var silent = system.ActorOf(FuncActor.Props((_, _) => { }), "silent");
        var ex = await Assert.ThrowsAsync<AskTimeoutException>(() => silent.Ask<string>(new Query(2), TimeSpan.FromMilliseconds(50)).Within("the ask to time out"));
        Assert.Contains("/user/silent", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_NoTimeoutGiven_UsesSettingsAskTimeout()
    {
        await using var system = ActorSystem.Create("t", Systems.DeterministicSettings(1) with { AskTimeout = TimeSpan.FromSeconds(9) });
        var silent = system.ActorOf(FuncActor.Props((_, _) => { }));
        var reply = silent.Ask<string>("x");
        system.Det().RunUntil(() => reply.IsCompleted);
        await Assert.ThrowsAsync<AskTimeoutException>(() => reply);
        Assert.Equal(TimeSpan.FromSeconds(9), system.Scheduler.Elapsed);
    }

    [Fact]
    public async Task Ask_StatusFailureReply_FailsWithItsCause()
    {
        await using var system = Systems.Deterministic(1);
        var actor = system.ActorOf(FuncActor.Props((self, _) => self.From.Tell(new Status.Failure(new TestFailure("nope")))));
        var reply = actor.Ask<int>("x", TimeSpan.FromSeconds(1));
        system.Det().RunUntil(() => reply.IsCompleted);
        var ex = await Assert.ThrowsAsync<TestFailure>(() => reply);
        Assert.Equal("nope", ex.Message);
    }

    [Fact]
    public async Task Ask_WrongReplyType_FailsWithInvalidCast()
    {
        await using var system = Systems.Deterministic(1);
        var echo = system.ActorOf(Props.Create(() => new Echo()));
        var reply = echo.Ask<int>("text", TimeSpan.FromSeconds(1));
        system.Det().RunUntil(() => reply.IsCompleted);
        var ex = await Assert.ThrowsAsync<InvalidCastException>(() => reply);
        Assert.Contains("Int32", ex.Message, StringComparison.Ordinal);
        Assert.Contains("String", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_SecondReply_GoesToDeadLetters()
    {
        await using var system = Systems.Deterministic(1);
        using var dead = new EventLog<DeadLetter>(system);
        var twice = system.ActorOf(FuncActor.Props((self, m) =>
        {
            self.From.Tell(m);
            self.From.Tell(m);
        }));
        var reply = twice.Ask<string>("hi", TimeSpan.FromSeconds(1));
        system.Det().RunUntilIdle();
        Assert.Equal("hi", await reply);
        Assert.Equal("hi", Assert.Single(dead.Events).Message);
    }

    [Fact]
    public async Task Ask_ReplyArrives_TimerIsCancelled()
    {
        await using var system = Systems.Deterministic(1);
        var echo = system.ActorOf(Props.Create(() => new Echo()));
        var reply = echo.Ask<string>("hi", TimeSpan.FromSeconds(30));
        system.Det().RunUntilIdle();
        Assert.Equal("hi", await reply);
        Assert.Equal(0, system.Det().Clock.PendingCount);
    }

    [Fact]
    public async Task Ask_SenderPathIsUnderTemp()
    {
        await using var system = Systems.Deterministic(1, "tmp");
        IActorRef? sender = null;
        var actor = system.ActorOf(FuncActor.Props((self, m) =>
        {
            sender = self.From;
            self.From.Tell(m);
        }));
        var reply = actor.Ask<string>("hi", TimeSpan.FromSeconds(1));
        system.Det().RunUntilIdle();
        await reply;
        Assert.StartsWith("actorpager://tmp/temp/$", sender!.Path.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Ask_ToForeignRefWithoutSystem_ThrowsExplaining()
    {
        var ex = Assert.Throws<ArgumentException>(() => { _ = new TestRef().Ask<int>("x"); });
        Assert.Contains("system", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipeTo_CompletedTask_DeliversResultWithSender()
    {
        await using var system = Systems.Deterministic(1);
        var probe = new TestRef();
        var sender = new TestRef("sender");
        Task.FromResult(5).PipeTo(probe, sender);
        Assert.Equal([5], probe.Messages.Cast<int>());
        Assert.Same(sender, probe.Senders[0]);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task PipeTo_FailedTask_DeliversStatusFailureOrMappedFailure()
    {
        var probe = new TestRef();
        Task.FromException<int>(new TestFailure("bad")).PipeTo(probe);
        Task.FromException<int>(new TestFailure("mapped")).PipeTo(probe, failure: e => "failed: " + e.Message);
        await probe.WaitForCount(2);
        Assert.Equal("bad", Assert.IsType<Status.Failure>(probe.Messages[0]).Cause.Message);
        Assert.Equal("failed: mapped", probe.Messages[1]);
    }

    [Fact]
    public async Task PipeTo_LaterCompletion_ReachesActorAsMessage()
    {
        await using var system = Systems.Pool();
        var probe = new TestRef();
        var actor = system.ActorOf(FuncActor.Props((_, m) => probe.Tell(m)));
        var tcs = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.Task.PipeTo(actor, success: s => s.ToUpperInvariant());
        var plain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        plain.Task.PipeTo(actor);
        tcs.SetResult("done");
        await probe.WaitForCount(1);
        plain.SetResult();
        await probe.WaitForCount(2);
        Assert.Equal("DONE", probe.Messages[0]);
        Assert.IsType<Status.Success>(probe.Messages[1]);
    }
}
