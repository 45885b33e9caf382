using Xunit.Abstractions;
using ActorPager.Actors.Tests.Support;
using ActorPager.Messages;
using Akka.Actor;

namespace ActorPager.Actors.Tests;

/// <summary>
/// Malformed requests get a <see cref="RequestRejected"/> whose reason names the problem, and
/// change no state: the object's counters and page states, and the vnode's attributes, are the
/// same before and after.
/// </summary>
public sealed class BadRequestTests(ITestOutputHelper output) : PagerTestKit(output)
{
    private const int Page = Rig.Page;

    private sealed record Snapshot(VmObjectProtocol.ObjectStat Stat, IReadOnlyList<VmObjectProtocol.PageState> Pages, VnodeProtocol.VnodeAttributes Vnode);

    private (Rig Rig, PagerFile File) Setup()
    {
        var rig = StartRig();
        rig.Fill("f", 8 * Page);
        var file = rig.Open("f");
        rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(0, new byte[2 * Page]));
        rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(Page, new byte[10]));
        return (rig, file);
    }

    private Snapshot Take(Rig rig, PagerFile file) =>
        new(rig.Stat(file.VmObject), rig.PageStates(file.VmObject, 0, 16), rig.Ask<VnodeProtocol.VnodeAttributes>(file.Vnode, VnodeProtocol.GetAttributes.Instance));

    /// <summary>Sends, expects a rejection containing every fragment, and checks nothing changed.</summary>
    private object AssertRejected(Rig rig, PagerFile file, IActorRef target, object request, params string[] fragments)
    {
        var before = Take(rig, file);
        var gets = rig.Recorder.Gets.Count;
        var puts = rig.Recorder.Puts.Count;
        var reply = rig.Ask(target, request);
        var reason = reply switch
        {
            RequestRejected rejected => rejected.Reason,
            MountProtocol.LookupFailed failed => failed.Reason,
            _ => throw new Xunit.Sdk.XunitException($"{rig.Tag}: expected a rejection of {request}, got {reply}"),
        };
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, reason, StringComparison.Ordinal);
        }

        rig.Settle();
        var after = Take(rig, file);
        Assert.Equal(before.Stat, after.Stat);
        Assert.Equal(before.Pages, after.Pages);
        Assert.Equal(before.Vnode, after.Vnode);
        Assert.Equal((gets, puts), (rig.Recorder.Gets.Count, rig.Recorder.Puts.Count));
        rig.AssertClean();
        return reply;
    }

    private PageDescriptor[] Descriptors(long first, int n) =>
        Enumerable.Range(0, n).Select(i => new PageDescriptor(first + i, i, 0, 0)).ToArray();

    [Theory]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public void Read_NegativeOffset_Rejected(long offset)
    {
        var (rig, file) = Setup();
        AssertRejected(rig, file, file.VmObject, new VmObjectProtocol.Read(offset, new byte[10]), "read", "negative offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(-4096L)]
    public void Write_NegativeOffset_Rejected(long offset)
    {
        var (rig, file) = Setup();
        AssertRejected(rig, file, file.VmObject, new VmObjectProtocol.Write(offset, new byte[10]), "write", "negative offset");
    }

    [Theory]
    [InlineData((8 * Page) - 5, 10)]
    [InlineData(8 * Page, 1)]
    [InlineData(100 * Page, 1)]
    public void Write_PastTheObjectSize_RejectedWithTheSizes(long offset, int length)
    {
        var (rig, file) = Setup();
        AssertRejected(rig, file, file.VmObject, new VmObjectProtocol.Write(offset, new byte[length]), "past the object's size", (8 * Page).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(-100L)]
    public void Fault_NegativePageIndex_Rejected(long pindex)
    {
        var (rig, file) = Setup();
        AssertRejected(rig, file, file.VmObject, new VmObjectProtocol.Fault(pindex), "fault", "negative page index");
    }

    [Theory]
    [InlineData(-1L, 1)]
    [InlineData(0L, -1)]
    [InlineData(0L, 5000)]
    public void GetPageStates_BadRange_Rejected(long first, int count)
    {
        var (rig, file) = Setup();
        AssertRejected(rig, file, file.VmObject, new VmObjectProtocol.GetPageStates(first, count), "page states");
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public void SetSize_NegativeSize_Rejected(long size)
    {
        var (rig, file) = Setup();
        AssertRejected(rig, file, file.Vnode, new VnodeProtocol.SetSize(size), "negative size");
    }

    [Theory]
    [InlineData(1, 4095)]
    [InlineData(2, 4096)]
    [InlineData(2, 8193)]
    [InlineData(1, 0)]
    [Rule(14)]
    public void GetPages_CountNotWholePages_Rejected(int pages, int count)
    {
        var (rig, file) = Setup();
        var request = new VnodeProtocol.GetPages(900, file.VmObject, Descriptors(4, pages), count, 0, 4 * Page);
        var rejected = Assert.IsType<RequestRejected>(AssertRejected(rig, file, file.Vnode, request, "getpages 900", $"count {count} is not {pages} whole pages"));
        Assert.Equal(900, rejected.RequestId);
    }

    [Theory]
    [InlineData(2, 100)]
    [InlineData(1, -1)]
    public void PutPages_CountNotWholePages_Rejected(int pages, int count)
    {
        var (rig, file) = Setup();
        var request = new VnodeProtocol.PutPages(901, file.VmObject, Descriptors(4, pages), count, PutFlags.Sync, 4 * Page);
        var rejected = Assert.IsType<RequestRejected>(AssertRejected(rig, file, file.Vnode, request, "putpages 901", "whole pages"));
        Assert.Equal(901, rejected.RequestId);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    public void GetPages_ReqpageOutsideTheRun_Rejected(int reqPage)
    {
        var (rig, file) = Setup();
        var request = new VnodeProtocol.GetPages(902, file.VmObject, Descriptors(4, 3), 3 * Page, reqPage, 4 * Page);
        AssertRejected(rig, file, file.Vnode, request, "getpages 902", $"reqpage {reqPage} is outside the run of 3 pages");
    }

    [Fact]
    public void GetPages_NegativeOffset_Rejected()
    {
        var (rig, file) = Setup();
        var request = new VnodeProtocol.GetPages(903, file.VmObject, Descriptors(4, 1), Page, 0, -Page);
        AssertRejected(rig, file, file.Vnode, request, "negative offset");
    }

    [Fact]
    [Rule(14)]
    public void GetPages_RunNotConsecutive_Rejected()
    {
        var (rig, file) = Setup();
        var pages = new[] { new PageDescriptor(4, 0, 0, 0), new PageDescriptor(6, 1, 0, 0) };
        AssertRejected(rig, file, file.Vnode, new VnodeProtocol.GetPages(904, file.VmObject, pages, 2 * Page, 0, 4 * Page), "consecutive");
    }

    [Fact]
    public void GetPages_MoreThanAReadAheadHolds_Rejected()
    {
        var (rig, file) = Setup();
        AssertRejected(rig, file, file.Vnode, new VnodeProtocol.GetPages(905, file.VmObject, Descriptors(0, 65), 65 * Page, 0, 0), "exceed the limit of 64");
    }

    [Fact]
    public void PutPages_MoreThanAClusterHolds_Rejected()
    {
        var (rig, file) = Setup();
        AssertRejected(rig, file, file.Vnode, new VnodeProtocol.PutPages(906, file.VmObject, Descriptors(0, 17), 17 * Page, PutFlags.Sync, 0), "exceed the limit of 16");
    }

    [Fact]
    public void GetPages_NoPages_Rejected()
    {
        var (rig, file) = Setup();
        AssertRejected(rig, file, file.Vnode, new VnodeProtocol.GetPages(906, file.VmObject, [], 0, 0, 0), "no pages");
    }

    [Fact]
    public void GetPages_FrameThatDoesNotExist_Rejected()
    {
        var (rig, file) = Setup();
        var pages = new[] { new PageDescriptor(4, 100_000, 0, 0) };
        AssertRejected(rig, file, file.Vnode, new VnodeProtocol.GetPages(907, file.VmObject, pages, Page, 0, 4 * Page), "frame 100000", "does not exist");
    }

    [Fact]
    public void GetPages_FromSomethingThatIsNotTheVnodesObject_Rejected()
    {
        var (rig, file) = Setup();
        AssertRejected(rig, file, file.Vnode, new VnodeProtocol.GetPages(908, rig.Probe, Descriptors(4, 1), Page, 0, 4 * Page), "is not the VM object of vnode f");
    }

    [Fact]
    public void PutPages_ToAVnodeWithoutAnObject_Rejected()
    {
        var (rig, file) = Setup();
        rig.Fill("other", Page);
        var other = rig.Ask<MountProtocol.LookupReply>(rig.Mount, new MountProtocol.Lookup("other"));
        var request = new VnodeProtocol.PutPages(909, file.VmObject, Descriptors(0, 1), Page, PutFlags.Sync, 0);
        AssertRejected(rig, file, other.Vnode, request, "is not the VM object of vnode other");
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("/absolute")]
    public void Lookup_UnknownOrInvalidVnodeName_Rejected(string path)
    {
        var (rig, file) = Setup();
        var failed = Assert.IsType<MountProtocol.LookupFailed>(AssertRejected(rig, file, rig.Mount, new MountProtocol.Lookup(path), "mount m"));
        Assert.Equal(path, failed.Path);
    }

    [Fact]
    public void Read_DestroyedObject_RejectedAsDead()
    {
        var (rig, file) = Setup();
        rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, VnodeProtocol.DestroyVObject.Instance);
        AssertRejected(rig, file, file.VmObject, new VmObjectProtocol.Read(0, new byte[10]), "read", "destroyed");
    }

    [Fact]
    public void Write_DestroyedObject_RejectedAsDead()
    {
        var (rig, file) = Setup();
        rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, VnodeProtocol.DestroyVObject.Instance);
        AssertRejected(rig, file, file.VmObject, new VmObjectProtocol.Write(0, new byte[10]), "write", "destroyed");
    }

    [Fact]
    public void Fault_DestroyedObject_FailsAsDeadAndChangesNothing()
    {
        var (rig, file) = Setup();
        rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, VnodeProtocol.DestroyVObject.Instance);
        var before = Take(rig, file);
        Assert.Equal(new VmObjectProtocol.FaultReply(5, FaultResult.Dead, PagerStatus.Bad), rig.Ask<VmObjectProtocol.FaultReply>(file.VmObject, new VmObjectProtocol.Fault(5)));
        var after = Take(rig, file);
        Assert.Equal(before.Stat, after.Stat);
        Assert.Equal(before.Pages, after.Pages);
        Assert.Equal(before.Vnode, after.Vnode);
        rig.AssertClean();
    }
}
