using ActorPager.Actors.Tests.Support;
using ActorPager.Messages;
using Akka.Actor;
using Akka.Event;
using Akka.TestKit;
using Xunit.Abstractions;

namespace ActorPager.Actors.Tests;

/// <summary>
/// A VM object that receives an answer breaking a rule fails with a <see cref="ProtocolViolationException"/>
/// carrying the rule's number, and Akka's error log event has it as its cause: tools read the rule
/// from there, never from the text.
/// </summary>
public sealed class ProtocolViolationTests(ITestOutputHelper output) : PagerTestKit(output)
{
    private const int Page = Rig.Page;

    /// <summary>A rig over a 4-page file, page 0 dirty, and a probe that receives every error event.</summary>
    private (Rig Rig, PagerFile File, TestProbe Errors) Setup()
    {
        var rig = StartRig();
        rig.Fill("f", 4 * Page);
        var file = rig.Open("f");
        Assert.Equal(PagerStatus.Ok, rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(0, new byte[Page])).Status);
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Error));
        return (rig, file, errors);
    }

    /// <summary>Runs until an error is logged and returns the violation that caused it.</summary>
    private static ProtocolViolationException LoggedViolation(Rig rig, TestProbe errors)
    {
        rig.Run(() => errors.HasMessages, "an error event");
        var error = Assert.IsType<Error>(errors.ReceiveOne(TimeSpan.Zero));
        return Assert.IsType<ProtocolViolationException>(error.Cause);
    }

    /// <summary>Makes async putpages answer Pend and keeps them for the test to complete.</summary>
    private static List<(VnodeProtocol.PutPages Request, IActorRef Object)> PendAsyncWrites(Rig rig)
    {
        var pending = new List<(VnodeProtocol.PutPages, IActorRef)>();
        rig.Recorder.OnPut = (request, call) =>
        {
            pending.Add((request, call.Requester));
            call.Reply(new VnodeProtocol.PutPagesReply(request.RequestId, Enumerable.Repeat(PagerStatus.Pend, request.Pages.Length).ToArray(), []));
            return true;
        };
        return pending;
    }

    [Fact]
    [Rule(23)]
    public void PutPagesReply_RtvalMissing_ObjectFailsWithRule23()
    {
        var (rig, file, errors) = Setup();
        rig.Recorder.OnPut = (request, call) =>
        {
            call.Reply(new VnodeProtocol.PutPagesReply(request.RequestId, [], []));
            return true;
        };
        rig.Send(file.VmObject, new VmObjectProtocol.Clean(PutFlags.Sync));

        var violation = LoggedViolation(rig, errors);

        Assert.Equal(23, violation.Rule);
        Assert.EndsWith("answered 0 rtvals for 1 pages (rule 23)", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Rule(11)]
    public void WriteCompleted_ReleasesMorePipThanPended_ObjectFailsWithRule11()
    {
        var (rig, file, errors) = Setup();
        var pending = PendAsyncWrites(rig);
        rig.Send(file.VmObject, new VmObjectProtocol.Clean(PutFlags.None));
        rig.Run(() => pending.Count == 1, "an async putpages");
        var (request, obj) = pending[0];

        obj.Tell(Scripts.Completion(request) with { PipRelease = request.Pages.Length + 1 }, ActorRefs.Nobody);

        Assert.Equal(11, LoggedViolation(rig, errors).Rule);
    }

    [Fact]
    [Rule(33)]
    public void WriteCompleted_Twice_ObjectFailsWithRule33()
    {
        var (rig, file, errors) = Setup();
        var pending = PendAsyncWrites(rig);
        var clean = rig.Send(file.VmObject, new VmObjectProtocol.Clean(PutFlags.None));
        rig.Run(() => pending.Count == 1, "an async putpages");
        var (request, obj) = pending[0];
        obj.Tell(Scripts.Completion(request), ActorRefs.Nobody);
        rig.Reply<VmObjectProtocol.CleanReply>(clean, "the async clean");
        Assert.False(errors.HasMessages);

        obj.Tell(Scripts.Completion(request), ActorRefs.Nobody);

        Assert.Equal(33, LoggedViolation(rig, errors).Rule);
    }

    [Fact]
    public void Find_ViolationWrappedByAkka_ReturnsIt()
    {
        var violation = new ProtocolViolationException(15, "reqpage freed");
        var wrapped = new ActorInitializationException("init failed", new InvalidOperationException("outer", violation));

        Assert.Same(violation, ProtocolViolationException.Find(wrapped));
        Assert.Null(ProtocolViolationException.Find(new InvalidOperationException("pip went negative (rule 10)")));
        Assert.Null(ProtocolViolationException.Find(null));
    }

    [Fact]
    public void Constructor_RuleNotPositive_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProtocolViolationException(0, "no rule"));
    }
}
