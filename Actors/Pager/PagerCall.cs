using ActorPager.Actors.Vm;
using Akka.Actor;
using ActorPager.Storage;

namespace ActorPager.Actors.Pager;

/// <summary>
/// What a pager gets for one VOP: the file, its size, the store, the frames, and the means to
/// answer, to keep the vnode locked across I/O, and to finish in a completion actor.
/// </summary>
public sealed class PagerCall
{
    private readonly IActorContext _vnodeContext;
    private readonly Action<long> _hold;
    private bool _held;

    internal PagerCall(IActorContext vnodeContext, IActorRef requester, string file, long fileSize, bool doomed, IPageStore store, PhysicalMemory memory, long turn, Action<long> hold)
    {
        _vnodeContext = vnodeContext;
        Requester = requester;
        File = file;
        FileSize = fileSize;
        Doomed = doomed;
        Store = store;
        Memory = memory;
        Turn = turn;
        _hold = hold;
    }

    /// <summary>The VM object that sent the request.</summary>
    public IActorRef Requester { get; }

    /// <summary>The vnode.</summary>
    public IActorRef Vnode => _vnodeContext.Self;

    /// <summary>The file's name in the store.</summary>
    public string File { get; }

    /// <summary>The file size as the vnode knows it (vnp_size).</summary>
    public long FileSize { get; }

    /// <summary>The vnode is being recycled: getpages answers BAD.</summary>
    public bool Doomed { get; }

    /// <summary>The backing store.</summary>
    public IPageStore Store { get; }

    /// <summary>The frames.</summary>
    public PhysicalMemory Memory { get; }

    /// <summary>Bytes per page.</summary>
    public int PageSize => Memory.PageSize;

    /// <summary>The vnode turn this call runs in.</summary>
    public long Turn { get; }

    /// <summary>Whether <see cref="HoldVnode"/> was called.</summary>
    public bool IsHeld => _held;

    /// <summary>Sends <paramref name="message"/> to the requesting object, from the vnode (also from a completion).</summary>
    public void Reply(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var filtered = ReplyFilter is null ? message : ReplyFilter(message);
        if (filtered is not null)
        {
            Requester.Tell(filtered, Vnode);
        }
    }

    /// <summary>
    /// The harness's hook for deliberately broken pagers (mutants): rewrites or drops (null) what
    /// the pager sends to the object. Never set in production.
    /// </summary>
    internal Func<object, object?>? ReplyFilter { get; set; }

    /// <summary>
    /// Keeps the vnode locked after this call returns, until <see cref="ReleaseVnode"/>: later VOPs
    /// wait in its stash and paging requests that only try the lock are refused.
    /// </summary>
    public void HoldVnode()
    {
        if (_held)
        {
            return;
        }

        _held = true;
        _hold(Turn);
    }

    /// <summary>Ends the hold taken by <see cref="HoldVnode"/>; callable from a completion.</summary>
    public void ReleaseVnode()
    {
        if (_held)
        {
            _held = false;
            Vnode.Tell(new Messages.VnodeProtocol.VopFinished(Turn));
        }
    }

    /// <summary>
    /// Runs <paramref name="onComplete"/> in a completion actor (a child of the vnode made for this
    /// I/O) when <paramref name="io"/> finishes. The result arrives as a message, so the order of
    /// completions is the dispatcher's to decide.
    /// </summary>
    public void Complete(ValueTask<StoreResult> io, Action<StoreResult> onComplete)
    {
        ArgumentNullException.ThrowIfNull(onComplete);
        var completion = _vnodeContext.ActorOf(ActorProps.Of(() => new CompletionActor(onComplete)));
        if (io.IsCompleted)
        {
            completion.Tell(new CompletionActor.IoDone(io.Result));
            return;
        }

        io.AsTask().PipeTo(completion, null, r => new CompletionActor.IoDone(r), ex => new CompletionActor.IoDone(
            StoreResult.Failed(new StoreError(StoreErrorKind.Io, $"store operation threw: {ex.Message}", false))));
    }
}

/// <summary>
/// A completion actor: one per outstanding I/O request (biodone / iodone). It receives the
/// store's result, runs the pager's completion (which tells the VM object what to do to each
/// page and releases the vnode), and stops.
/// </summary>
internal sealed class CompletionActor : ActorBase
{
    private readonly Action<StoreResult> _onComplete;

    public CompletionActor(Action<StoreResult> onComplete) => _onComplete = onComplete;

    protected override bool Receive(object message)
    {
        if (message is not IoDone done)
        {
            return false;
        }

        try
        {
            _onComplete(done.Result);
        }
        finally
        {
            Context.Stop(Self);
        }

        return true;
    }

    /// <summary>The store's result for the I/O.</summary>
    public sealed record IoDone(StoreResult Result);
}
