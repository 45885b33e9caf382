using ActorPager.Actors.Vm;
using ActorPager.Actors.Vnode;
using ActorPager.Harness.Exploration;
using ActorPager.Messages;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorPager.Harness.Tests.Exploration;

/// <summary>The monitor's checks fed hand-made states and requests directly: the rules an honest VM object never breaks.</summary>
public sealed class MonitorUnitTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static VmObjectSnapshot Object(params PageSnapshot[] pages) => new(SizeBytes: 3 * 4096, SizePages: 3, Pip: 0, Dead: false, pages, 0, 0, 0, 0, 0);

    private static PageSnapshot Page(long pindex, byte valid = 0xff, byte dirty = 0, bool exclusive = false, int shared = 0) =>
        new(pindex, valid, dirty, exclusive, shared, false, PageQueue.Active);

    private static int RuleOf(Action check) => Assert.Throws<RuleViolatedException>(check).Rule;

    private VnodeProtocol.GetPages Get(long id, params long[] pindexes)
    {
        var obj = CreateTestProbe($"object-{id}").Ref;
        return new VnodeProtocol.GetPages(id, obj, pindexes.Select(p => new PageDescriptor(p, (int)p, 0, 0)).ToArray(), pindexes.Length * 4096, 0, 0);
    }

    private static VnodeSnapshot Vnode(long size) => new("f", size, null, 1, 0, false, 0, false);

    [Fact]
    public void CheckObject_HealthyPages_StaysQuiet()
    {
        PagerMonitor.CheckObject("o", Object(Page(0), Page(1, valid: 0x0f, dirty: 0x03), Page(2, exclusive: true), Page(2, shared: 2)));
    }

    [Fact]
    public void CheckObject_ExclusiveAndSharedAtOnce_BreaksRule1()
    {
        Assert.Equal(1, RuleOf(() => PagerMonitor.CheckObject("o", Object(Page(0, exclusive: true, shared: 1)))));
    }

    [Fact]
    public void CheckObject_NegativePip_BreaksRule10()
    {
        Assert.Equal(10, RuleOf(() => PagerMonitor.CheckObject("o", Object(Page(0)) with { Pip = -1 })));
    }

    [Fact]
    public void CheckObject_DirtyNotValid_BreaksRule18()
    {
        Assert.Equal(18, RuleOf(() => PagerMonitor.CheckObject("o", Object(Page(0, valid: 0x0f, dirty: 0x10)))));
    }

    [Fact]
    public void CheckObject_IdlePagePastSize_BreaksRule47()
    {
        Assert.Equal(47, RuleOf(() => PagerMonitor.CheckObject("o", Object(Page(3)))));
    }

    [Fact]
    public void CheckObject_BusyPagePastSizeOrDeadObject_StaysQuiet()
    {
        // A shrink waits for a busy page before freeing it (rule 48); a dead object keeps its pages (rule 55).
        PagerMonitor.CheckObject("o", Object(Page(5, exclusive: true)));
        PagerMonitor.CheckObject("o", Object(Page(5)) with { Dead = true });
    }

    [Fact]
    public void OnGetPagesSent_DisjointRequests_StaysQuiet()
    {
        var monitor = new PagerMonitor(4096, null);
        monitor.OnGetPagesSent(Get(1, 0, 1), Vnode(3 * 4096));
        monitor.OnGetPagesSent(Get(2, 2), Vnode(3 * 4096));
    }

    [Fact]
    public void OnGetPagesSent_SecondRequestForBusyPage_BreaksRule3()
    {
        var monitor = new PagerMonitor(4096, null);
        var first = Get(1, 0, 1);
        monitor.OnGetPagesSent(first, Vnode(3 * 4096));
        var second = first with { RequestId = 2, Pages = [new PageDescriptor(1, 1, 0, 0)] };
        Assert.Equal(3, RuleOf(() => monitor.OnGetPagesSent(second, Vnode(3 * 4096))));
    }

    [Fact]
    public void OnGetPagesSent_ReqPageAtEof_BreaksRule14()
    {
        var monitor = new PagerMonitor(4096, null);
        Assert.Equal(14, RuleOf(() => monitor.OnGetPagesSent(Get(1, 3), Vnode(3 * 4096))));
    }

    [Fact]
    public void OnGetPagesSent_RefusedWhileAnExtendingSetSizeHoldsTheVnode_NotCheckedAgainstTheOldSize()
    {
        // The object grew first; its getpages meets the vnode still in the SetSize turn, is
        // refused, and is checked when sent again, against the size it then meets.
        var monitor = new PagerMonitor(4096, null);
        Assert.Null(Record.Exception(() => monitor.OnGetPagesSent(Get(1, 3), Vnode(3 * 4096), refused: true)));
    }

    [Fact]
    public void OnGetPagesSent_ReqPageOnPartialLastPage_StaysQuiet()
    {
        var monitor = new PagerMonitor(4096, null);
        monitor.OnGetPagesSent(Get(1, 2), Vnode((2 * 4096) + 1));
    }
}
