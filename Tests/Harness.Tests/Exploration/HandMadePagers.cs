using ActorPager.Actors.Pager;
using ActorPager.Harness.Exploration;
using ActorPager.Messages;

namespace ActorPager.Harness.Tests.Exploration;

/// <summary>A public pager with a parameterless constructor, for <c>ConformanceCheck.LoadPager</c>: the generic pager under another name.</summary>
public sealed class SampleGenericPager : IPager
{
    /// <inheritdoc />
    public string Name => "sample-generic";

    /// <inheritdoc />
    public void GetPages(VnodeProtocol.GetPages request, PagerCall call) => GenericPager.Instance.GetPages(request, call);

    /// <inheritdoc />
    public void PutPages(VnodeProtocol.PutPages request, PagerCall call) => GenericPager.Instance.PutPages(request, call);
}

/// <summary>A public pager that breaks rule 26 (OK without undirtying), for <c>ConformanceCheck.Run</c> returning 1.</summary>
public sealed class SampleBrokenPager : IPager
{
    /// <inheritdoc />
    public string Name => "sample-broken";

    /// <inheritdoc />
    public void GetPages(VnodeProtocol.GetPages request, PagerCall call) => GenericPager.Instance.GetPages(request, call);

    /// <inheritdoc />
    public void PutPages(VnodeProtocol.PutPages request, PagerCall call) =>
        HandMadePagers.Rewrite("x", putReply: (_, r) => r with { Ops = r.Ops.Where(op => op.Kind != PageOpKind.Undirty).ToArray() }).PutPages(request, call);
}

/// <summary>A public type that is not a pager.</summary>
public sealed class NotAPager
{
}

/// <summary>Hand-made pagers, each breaking exactly one rule, and a helper to explore them.</summary>
internal static class HandMadePagers
{
    /// <summary>The generic pager with what it sends to the object rewritten (null drops the message).</summary>
    public static IPager Rewrite(
        string name,
        Func<VnodeProtocol.GetPages, VnodeProtocol.GetPagesReply, VnodeProtocol.GetPagesReply?>? getReply = null,
        Func<VnodeProtocol.PutPages, VnodeProtocol.PutPagesReply, VnodeProtocol.PutPagesReply>? putReply = null,
        Func<VnodeProtocol.PutPages, PagerCall, VmObjectProtocol.WriteCompleted, VmObjectProtocol.WriteCompleted?>? completion = null) =>
        new RewritingPager(name, getReply, putReply, completion);

    /// <summary>Explores <paramref name="scenario"/> with <paramref name="pager"/> on <paramref name="explorer"/>; the first violation, or null.</summary>
    public static Violation? FirstViolation(Explorer explorer, Scenario scenario, Func<IPager> pager, int runs = 300, ExplorationStrategy strategy = ExplorationStrategy.Random) =>
        explorer.Explore(scenario, pager, strategy, runs).Violation?.Violation;
}

/// <summary>A pager that never answers getpages and never holds the vnode: the fault waits forever.</summary>
internal sealed class SilentGetPager : IPager
{
    public string Name => "silent-get";

    public void GetPages(VnodeProtocol.GetPages request, PagerCall call)
    {
    }

    public void PutPages(VnodeProtocol.PutPages request, PagerCall call) => GenericPager.Instance.PutPages(request, call);
}

/// <summary>The sample pager of docs/harness.md, kept here so the documented code compiles and passes.</summary>
public sealed class QuotaPager : IPager
{
    /// <inheritdoc />
    public string Name => "quota";

    /// <inheritdoc />
    public void GetPages(VnodeProtocol.GetPages request, PagerCall call)
    {
        if (request.Pages[request.ReqPage].PIndex >= 1_000_000)
        {
            // BAD, every page but reqpage freed (rule 15), reqpage left busy for the fault.
            var ops = request.Pages.Where((_, i) => i != request.ReqPage).Select(p => new PageOp(p.PIndex, PageOpKind.Free)).ToArray();
            call.Reply(new VnodeProtocol.GetPagesReply(request.RequestId, PagerStatus.Bad, ops));
            return;
        }

        GenericPager.Instance.GetPages(request, call);
    }

    /// <inheritdoc />
    public void PutPages(VnodeProtocol.PutPages request, PagerCall call) => GenericPager.Instance.PutPages(request, call);
}

/// <summary>A pager that never answers putpages: an fsync's vnode waits for its object, which waits for the vnode.</summary>
internal sealed class SilentPutPager : IPager
{
    public string Name => "silent-put";

    public void GetPages(VnodeProtocol.GetPages request, PagerCall call) => GenericPager.Instance.GetPages(request, call);

    public void PutPages(VnodeProtocol.PutPages request, PagerCall call)
    {
    }
}
