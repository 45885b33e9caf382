using ActorPager.Actors.Pager;
using ActorPager.Actors.Vm;
using ActorPager.Messages;
using ActorPager.Harness.Dispatch;
using Akka.Actor;
using Akka.TestKit;
using ActorPager.Storage;

namespace ActorPager.Actors.Tests.Support;

/// <summary>
/// Calls a pager directly, the way a vnode does, with pages allocated in a frame pool: a host
/// actor plays the vnode (its turn, its completion children) and a probe plays the VM object
/// (it receives the replies and completions). For the rules of §2.1 and §2.3 about what the
/// pager itself answers.
/// </summary>
internal sealed class DirectPager
{
    public const int Page = Rig.Page;
    private readonly List<object> _inbox = [];
    private readonly List<object> _hostInbox = [];
    private readonly IActorRef _host;
    private readonly TestProbe _object;
    private readonly IActorRef _probe;
    private long _nextId;

    internal DirectPager(PagerTestKit kit, IPageStore? store)
    {
        D = kit.Dispatcher;
        Simulated = new SimulatedStore(autoComplete: true);
        Store = store ?? Simulated;
        Memory = new PhysicalMemory(Page, 32);
        _host = kit.Spawn(Props.Create(() => new HostActor(_hostInbox)), "vnode");
        _object = kit.CreateTestProbe("object");
        _probe = _object.Ref;
    }

    public DeterministicDispatcher D { get; }

    public SimulatedStore Simulated { get; }

    public IPageStore Store { get; }

    public PhysicalMemory Memory { get; }

    /// <summary>VopFinished messages the vnode (host) received: holds released.</summary>
    public int Releases => _hostInbox.OfType<VnodeProtocol.VopFinished>().Count();

    /// <summary>Holds taken with HoldVnode.</summary>
    public int Holds { get; private set; }

    public IReadOnlyList<object> Replies => Inbox.ToList();

    /// <summary>What the object's probe received so far, in order.</summary>
    private List<object> Inbox
    {
        get
        {
            while (_object.HasMessages)
            {
                _inbox.Add(_object.ReceiveOne(TimeSpan.Zero)!);
            }

            return _inbox;
        }
    }

    /// <summary>Pages [first, first + n), allocated and set up as a VM object would before the call.</summary>
    public PageDescriptor[] Pages(long first, int n, byte valid = 0, byte dirty = 0, bool shared = false)
    {
        var pages = new PageDescriptor[n];
        for (var i = 0; i < n; i++)
        {
            Assert.True(Memory.TryAllocate(first + i, out var frame));
            ref var meta = ref Memory.Meta(frame);
            meta.Valid = valid;
            meta.Dirty = dirty;
            if (shared)
            {
                meta.SharedBusy = 1;
            }
            else
            {
                meta.Flags = PageMeta.ExclusiveBusy;
            }

            pages[i] = new PageDescriptor(first + i, frame, valid, dirty);
        }

        return pages;
    }

    /// <summary>Fills the frames of <paramref name="pages"/> with <paramref name="value"/>.</summary>
    public void FillFrames(PageDescriptor[] pages, byte value)
    {
        foreach (var p in pages)
        {
            Memory.FrameSpan(p.Frame).Fill(value);
        }
    }

    public VnodeProtocol.GetPagesReply GetPages(PageDescriptor[] pages, int reqPage, long fileSize, bool doomed = false, IPager? pager = null)
    {
        var request = new VnodeProtocol.GetPages(++_nextId, _probe, pages, pages.Length * Page, reqPage, pages[0].PIndex * Page);
        return Call<VnodeProtocol.GetPages, VnodeProtocol.GetPagesReply>((pager ?? GenericPager.Instance).GetPages, request, fileSize, doomed);
    }

    public VnodeProtocol.PutPagesReply PutPages(PageDescriptor[] pages, PutFlags flags, long fileSize, IPager? pager = null)
    {
        var request = new VnodeProtocol.PutPages(++_nextId, _probe, pages, pages.Length * Page, flags, pages[0].PIndex * Page);
        return Call<VnodeProtocol.PutPages, VnodeProtocol.PutPagesReply>((pager ?? GenericPager.Instance).PutPages, request, fileSize, false);
    }

    /// <summary>Every completion received so far.</summary>
    public List<VmObjectProtocol.WriteCompleted> Completions => Inbox.OfType<VmObjectProtocol.WriteCompleted>().ToList();

    /// <summary>Runs until nothing is left (completions delivered).</summary>
    public void Settle() => D.RunUntilIdle(100_000);

    private TReply Call<TRequest, TReply>(Action<TRequest, PagerCall> run, TRequest request, long fileSize, bool doomed)
        where TReply : class
    {
        var before = Inbox.Count;
        _host.Tell(new HostActor.Run(context =>
        {
            var call = new PagerCall(context, _probe, "f", fileSize, doomed, Store, Memory, 1, _ => Holds++);
            run(request, call);
        }));
        D.RunUntil(() => Inbox.Skip(before).Any(m => m is TReply), TimeSpan.FromSeconds(10));
        return Inbox.Skip(before).OfType<TReply>().FirstOrDefault()
            ?? throw new Xunit.Sdk.XunitException($"no {typeof(TReply).Name}; got {string.Join(", ", Inbox.Skip(before))}");
    }
}
