using ActorPager.Actors.Pager;
using ActorPager.Harness.Exploration;
using ActorPager.Messages;
using Xunit.Abstractions;

namespace ActorPager.Harness.Tests.Exploration;

/// <summary>Each monitor rule fires on a hand-made pager that breaks exactly that rule, and stays quiet for the honest pager.</summary>
public sealed class MonitorRuleTests(ITestOutputHelper output) : ExplorationTestKit(output)
{
    private static readonly Scenario _readWriteSync = ConformanceScenarios.Named("read-write-sync");
    private static readonly Scenario _asyncClean = ConformanceScenarios.Named("async-clean");

    private Violation AssertBroken(int rule, Scenario scenario, Func<IPager> pager, int runs = 300)
    {
        var violation = HandMadePagers.FirstViolation(Explorer, scenario, pager, runs);
        Output.WriteLine(violation?.ToString() ?? "no violation");
        Assert.NotNull(violation);
        Assert.Equal(rule, violation.Rule);
        return violation;
    }

    [Fact]
    public void Monitor_GenericPagerOnSmallScenarios_StaysQuiet()
    {
        Assert.Null(HandMadePagers.FirstViolation(Explorer, new TinyReadScenario(faultBudget: 1), () => GenericPager.Instance, 200));
        Assert.Null(HandMadePagers.FirstViolation(Explorer, new SyncWriteScenario(faultBudget: 1), () => GenericPager.Instance, 200));
    }

    [Fact]
    public void Monitor_UnbusyNeighbourWithoutQueueing_BreaksRule9()
    {
        AssertBroken(9, _readWriteSync, () => HandMadePagers.Rewrite("no-queue", getReply: (_, r) =>
            r with { Ops = r.Ops.Where(op => op.Kind != PageOpKind.ActivateIfWanted).ToArray() }));
    }

    [Fact]
    public void Monitor_OperationOnPageNotGiven_BreaksRule15()
    {
        AssertBroken(15, new TinyReadScenario(), () => HandMadePagers.Rewrite("foreign-page", getReply: (req, r) =>
            r with { Ops = [.. r.Ops, new PageOp(req.Pages[^1].PIndex + 100, PageOpKind.Deactivate)] }));
    }

    [Fact]
    public void Monitor_FreeReqPage_BreaksRule15()
    {
        AssertBroken(15, new TinyReadScenario(), () => HandMadePagers.Rewrite("free-reqpage", getReply: (req, r) =>
            r with { Ops = [.. r.Ops, new PageOp(req.Pages[req.ReqPage].PIndex, PageOpKind.Free)] }));
    }

    [Fact]
    public void Monitor_OkWithoutValidBits_BreaksRule17()
    {
        AssertBroken(17, new TinyReadScenario(), () => HandMadePagers.Rewrite("ok-no-valid", getReply: (_, r) =>
            r with { Ops = r.Ops.Where(op => op.Kind != PageOpKind.SetValidClean).ToArray() }));
    }

    [Fact]
    public void Monitor_ValidBitsPastEof_BreaksRule19()
    {
        AssertBroken(19, _readWriteSync, () => HandMadePagers.Rewrite("valid-past-eof", getReply: (_, r) =>
            r with { Ops = r.Ops.Select(op => op.Kind == PageOpKind.SetValidClean ? op with { Kind = PageOpKind.SetValid, Mask = 0xff } : op).ToArray() }));
    }

    [Fact]
    public void Monitor_TooManyRtvals_BreaksRule23()
    {
        AssertBroken(23, new SyncWriteScenario(), () => HandMadePagers.Rewrite("long-rtvals", putReply: (_, r) =>
            r with { Rtvals = [.. r.Rtvals, PagerStatus.Ok] }));
    }

    [Fact]
    public void Monitor_OkForPagePastEof_BreaksRule24()
    {
        // A putpages naming page 5 of a 2-page file (sent by the scenario, as a rogue object would):
        // the honest answer is BAD; this pager says OK.
        var scenario = new RogueRequestScenario((obj, _) => [new VnodeProtocol.PutPages(9_001, obj, [new PageDescriptor(5, 0, 0xff, 0xff)], 4096, PutFlags.Sync, 0)]);
        AssertBroken(24, scenario, () => HandMadePagers.Rewrite("ok-past-eof", putReply: (_, r) =>
            r with { Rtvals = r.Rtvals.Select(s => s == PagerStatus.Bad ? PagerStatus.Ok : s).ToArray() }), runs: 20);
    }

    [Fact]
    public void Monitor_BadForPagePastEof_StaysQuiet()
    {
        var scenario = new RogueRequestScenario((obj, _) => [new VnodeProtocol.PutPages(9_001, obj, [new PageDescriptor(5, 0, 0xff, 0xff)], 4096, PutFlags.Sync, 0)]);
        var v = HandMadePagers.FirstViolation(Explorer, scenario, () => GenericPager.Instance, 20);
        Assert.True(v is null || v.Rule != 24, v?.ToString());
    }

    [Fact]
    public void Monitor_OkWithoutUndirty_BreaksRule26()
    {
        AssertBroken(26, new SyncWriteScenario(), () => HandMadePagers.Rewrite("ok-still-dirty", putReply: (_, r) =>
            r with { Ops = r.Ops.Where(op => op.Kind != PageOpKind.Undirty).ToArray() }));
    }

    [Fact]
    public void Monitor_PendForSyncPut_BreaksRule28()
    {
        AssertBroken(28, new SyncWriteScenario(), () => HandMadePagers.Rewrite("pend-sync", putReply: (req, r) =>
            (req.Flags & PutFlags.Sync) != 0 ? r with { Rtvals = r.Rtvals.Select(_ => PagerStatus.Pend).ToArray(), Ops = [] } : r));
    }

    [Fact]
    public void Monitor_UndirtyAfterFailedAsyncWrite_BreaksRule29()
    {
        AssertBroken(29, _asyncClean, () => HandMadePagers.Rewrite("undirty-failed", completion: (_, _, c) =>
            c with { Ops = c.Ops.Select(op => op.Kind == PageOpKind.Redirty ? op with { Kind = PageOpKind.Undirty } : op).ToArray() }), runs: 500);
    }

    [Fact]
    public void Monitor_OkAfterFailedSyncWrite_BreaksRule32()
    {
        AssertBroken(32, new SyncWriteScenario(faultBudget: 1), () => HandMadePagers.Rewrite("ok-after-error", putReply: (req, r) => r with
        {
            Rtvals = r.Rtvals.Select(s => s == PagerStatus.Error ? PagerStatus.Ok : s).ToArray(),
            Ops = [.. r.Ops, .. req.Pages.Select(p => new PageOp(p.PIndex, PageOpKind.Undirty))],
        }));
    }

    [Fact]
    public void Monitor_SecondCompletion_BreaksRule33()
    {
        AssertBroken(33, _asyncClean, () => HandMadePagers.Rewrite("complete-twice", completion: (_, call, c) =>
        {
            call.Requester.Tell(c, call.Vnode);
            return c;
        }));
    }

    [Fact]
    public void Monitor_CompletionFinishesTooFewPages_BreaksRule33()
    {
        AssertBroken(33, _asyncClean, () => HandMadePagers.Rewrite("complete-short", completion: (_, _, c) =>
        {
            var last = c.Ops[^1].PIndex;
            return c with { Ops = c.Ops.Where(op => !(op.PIndex == last && op.Kind == PageOpKind.Unbusy)).ToArray() };
        }));
    }

    [Fact]
    public void Monitor_NeverComplete_BreaksRule33AtTheEnd()
    {
        var v = AssertBroken(33, _asyncClean, () => HandMadePagers.Rewrite("never-complete", completion: (_, _, _) => null));
        Assert.Contains("Pend", v.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Monitor_UnbusyBeforeUndirty_BreaksRule34()
    {
        AssertBroken(34, _asyncClean, () => HandMadePagers.Rewrite("unbusy-first", completion: (_, _, c) =>
            c with { Ops = [.. c.Ops.Where(op => op.Kind == PageOpKind.Unbusy), .. c.Ops.Where(op => op.Kind != PageOpKind.Unbusy)] }));
    }

    [Fact]
    public void Monitor_ReleasesTooMuchPip_BreaksRule35()
    {
        AssertBroken(35, _asyncClean, () => HandMadePagers.Rewrite("pip-plus-one", completion: (_, _, c) => c with { PipRelease = c.PipRelease + 1 }));
    }

    [Fact]
    public void Monitor_GetPagesNamesUnbusyPage_BreaksRule2()
    {
        var scenario = new RogueRequestScenario((obj, _) => [new VnodeProtocol.GetPages(9_001, obj, [new PageDescriptor(0, 0, 0, 0)], 4096, 0, 0)]);
        AssertBroken(2, scenario, () => GenericPager.Instance, runs: 20);
    }

    [Fact]
    public void Monitor_GetPagesPastEof_BreaksRule14()
    {
        var scenario = new RogueRequestScenario((obj, _) => [new VnodeProtocol.GetPages(9_001, obj, [new PageDescriptor(40, 0, 0, 0)], 4096, 0, 0)]);
        AssertBroken(14, scenario, () => GenericPager.Instance, runs: 20);
    }
}
