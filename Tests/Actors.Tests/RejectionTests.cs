using ActorPager.Actors.Tests.Support;
using ActorPager.Actors.Vm;
using ActorPager.Messages;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorPager.Actors.Tests;

/// <summary>
/// A paging request the vnode refuses as malformed (a bug on the object's side) is found by its
/// id and undone: nothing stays busy, pip drains, the fault fails and a flush keeps its pages dirty.
/// The object runs under a stand-in vnode that refuses what the test says.
/// </summary>
public sealed class RejectionTests(ITestOutputHelper output) : PagerTestKit(output)
{
    private const int Page = Rig.Page;

    private (IActorRef Object, PhysicalMemory Memory) Start(bool refuseGets, bool refusePuts)
    {
        var memory = new PhysicalMemory(Page, 16);
        var options = new PagerOptions { PhysicalMemory = 16 * Page, ReadAhead = 0, ReadBehind = 0 };
        var vnode = Spawn(Props.Create(() => new RefusingVnode(refuseGets, refusePuts)), "vnode");
        var obj = Spawn(Props.Create(() => new VmObjectActor(vnode, memory, options, 8 * Page, null)), "object");
        return (obj, memory);
    }

    private T Ask<T>(IActorRef target, object message)
    {
        var reply = Deterministic.Ask(target, message, TimeSpan.FromHours(1));
        RunUntil(() => reply.IsCompleted, $"a reply to {message.GetType().Name}");
        return Assert.IsType<T>(reply.Result);
    }

    [Fact]
    [Rule(10, 38)]
    public void Fault_VnodeRejectsGetpages_FaultFailsNothingBusyPipDrains()
    {
        var (obj, memory) = Start(refuseGets: true, refusePuts: false);

        var reply = EventFilter.Error(contains: "rejected request").ExpectOne(() => Ask<VmObjectProtocol.FaultReply>(obj, new VmObjectProtocol.Fault(2)));

        Assert.Equal(new VmObjectProtocol.FaultReply(2, FaultResult.Failed, PagerStatus.Error), reply);
        var stat = Ask<VmObjectProtocol.ObjectStat>(obj, VmObjectProtocol.GetStat.Instance);
        Assert.True((stat.Pip, stat.Busy, stat.Resident) == (0, 0, 0), $"{Tag}: pip {stat.Pip}, busy {stat.Busy}, resident {stat.Resident} after the refused getpages");
        Assert.Equal(16, memory.FreeCount);
    }

    [Fact]
    [Rule(10, 29)]
    public void Clean_VnodeRejectsPutpages_PagesStayDirtyUnbusiedOnActivePipDrains()
    {
        var (obj, _) = Start(refuseGets: false, refusePuts: true);
        Assert.Equal(new VmObjectProtocol.WriteReply(100, PagerStatus.Ok), Ask<VmObjectProtocol.WriteReply>(obj, new VmObjectProtocol.Write(Page, new byte[100])));

        var clean = EventFilter.Error(contains: "rejected request").ExpectOne(() => Ask<VmObjectProtocol.CleanReply>(obj, new VmObjectProtocol.Clean(PutFlags.Sync)));

        Assert.False(clean.AllClean);
        Assert.Equal(0, clean.PagesWritten);
        var page = Ask<VmObjectProtocol.PageStates>(obj, new VmObjectProtocol.GetPageStates(1, 1)).Pages[0];
        Assert.Equal((true, "none", "active"), (page.Dirty != 0, page.Busy, page.Queue));
        var stat = Ask<VmObjectProtocol.ObjectStat>(obj, VmObjectProtocol.GetStat.Instance);
        Assert.True((stat.Pip, stat.Busy, stat.Dirty) == (0, 0, 1), $"{Tag}: pip {stat.Pip}, busy {stat.Busy}, dirty {stat.Dirty} after the refused putpages");
    }

    /// <summary>A stand-in vnode: answers getpages FAIL (a hole: the object zero-fills) or refuses it, and refuses putpages or answers OK.</summary>
    private sealed class RefusingVnode(bool refuseGets, bool refusePuts) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case VnodeProtocol.GetPages get when refuseGets:
                    Sender.Tell(new RequestRejected($"getpages {get.RequestId}: refused by the test", get.RequestId));
                    break;
                case VnodeProtocol.GetPages get:
                    Sender.Tell(new VnodeProtocol.GetPagesReply(get.RequestId, PagerStatus.Fail, []));
                    break;
                case VnodeProtocol.PutPages put when refusePuts:
                    Sender.Tell(new RequestRejected($"putpages {put.RequestId}: refused by the test", put.RequestId));
                    break;
                case VnodeProtocol.PutPages put:
                    Sender.Tell(new VnodeProtocol.PutPagesReply(put.RequestId, put.Pages.Select(_ => PagerStatus.Ok).ToArray(), []));
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }
    }
}
