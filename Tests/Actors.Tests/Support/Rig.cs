using ActorPager.Actors.Pager;
using ActorPager.Messages;
using ActorPager.Harness.Dispatch;
using Akka.Actor;
using Akka.Event;
using Akka.TestKit;
using ActorPager.Storage;

namespace ActorPager.Actors.Tests.Support;

/// <summary>How store I/O completes in a <see cref="Rig"/>.</summary>
internal enum IoMode
{
    /// <summary>Each pending completion is a scheduling choice of the deterministic dispatcher.</summary>
    Scheduled,

    /// <summary>Nothing completes until the test calls <see cref="SimulatedStore.Complete(int)"/> or <see cref="SimulatedStore.Fail(int, StoreError)"/>.</summary>
    Manual,
}

/// <summary>
/// A pager on a run of the kit's deterministic actor system over a <see cref="SimulatedStore"/>,
/// with a <see cref="RecordingPager"/> on its mount, an invariant check after every step (rule 1,
/// dirty ⊆ valid) and a record of every error logged. Drive it with <see cref="Ask"/> and
/// <see cref="Run"/>; every failure message starts with <see cref="Tag"/> (seed and trace hash).
/// </summary>
internal sealed class Rig
{
    public const int Page = 4096;
    public const byte Full = 0xff;
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private readonly PagerTestKit _kit;
    private readonly TestProbe _errors;
    private readonly List<object> _probeInbox = [];

    internal Rig(PagerTestKit kit, long seed, IoMode io, PagerOptions options, Func<Vm.PhysicalMemory, IPager>? pager, string strategy)
    {
        _kit = kit;
        Seed = seed;
        kit.BeginRun(seed, strategy switch
        {
            "random" => new RandomStrategy(seed),
            "pct" => new PctStrategy(seed, 3, 200),
            _ => throw new ArgumentException($"unknown strategy {strategy}", nameof(strategy)),
        });
        D = kit.Dispatcher;
        Store = new SimulatedStore();
        if (io == IoMode.Scheduled)
        {
            D.AddExternalSource(new SimulatedIoEvents(Store));
        }

        Pager = PagerSystem.Start(kit.Sys, options, new PagerPlacement { Home = kit.Deterministic.Home, Ask = kit.Deterministic.Ask });
        Memory = Pager.Memory;
        Recorder = new RecordingPager(Memory, pager?.Invoke(Memory));
        Mount = Pager.Mount("m", Store, Recorder);
        Probe = kit.CreateTestProbe();

        // Error events are published synchronously, inside the step that logs them: a probe
        // (calling-thread dispatcher) collects them in order.
        _errors = kit.CreateTestProbe();
        kit.Sys.EventStream.Subscribe(_errors.Ref, typeof(Error));
        D.Delivered += CheckStep;
    }

    public long Seed { get; }

    public DeterministicDispatcher D { get; }

    public SimulatedStore Store { get; }

    public PagerSystem Pager { get; }

    public Vm.PhysicalMemory Memory { get; }

    public RecordingPager Recorder { get; }

    public IActorRef Mount { get; }

    /// <summary>An Akka test probe, for requests whose replies the test reads with <see cref="Received{T}"/>.</summary>
    public TestProbe Probe { get; }

    /// <summary>Invariants broken at some step (rule 1, dirty ⊆ valid), and entry conditions the pager saw broken.</summary>
    public List<string> Violations { get; } = [];

    /// <summary>Errors logged (an actor that threw, a protocol violation the pager code caught).</summary>
    public List<string> Errors
    {
        get
        {
            while (_errors.HasMessages)
            {
                _errorLog.Add(_errors.ReceiveOne(TimeSpan.Zero)?.ToString() ?? "null");
            }

            return _errorLog;
        }
    }

    private readonly List<string> _errorLog = [];

    /// <summary>"seed S (trace H)": the start of every failure message, to replay the run.</summary>
    public string Tag => $"seed {Seed} (trace {D.Trace.Hash:x16})";

    /// <summary>The byte a test file holds at <paramref name="offset"/>: never 0, so zero-fill shows.</summary>
    public static byte Pattern(long offset) => (byte)((offset % 251) + 1);

    /// <summary>Stops checking steps: a newer rig runs on the kit now.</summary>
    internal void Detach()
    {
        D.Delivered -= CheckStep;
        _kit.Sys.EventStream.Unsubscribe(_errors.Ref);
    }

    /// <summary>Writes <paramref name="length"/> pattern bytes to <paramref name="path"/> in the store, outside the pager.</summary>
    public void Fill(string path, long length, long offset = 0)
    {
        var data = new byte[length];
        for (var i = 0; i < length; i++)
        {
            data[i] = Pattern(offset + i);
        }

        StoreNow(() => Store.WriteAsync(path, offset, data, WriteDurability.Durable));
    }

    /// <summary>Runs a store call to completion at once, whatever the I/O mode.</summary>
    public StoreResult StoreNow(Func<ValueTask<StoreResult>> call)
    {
        var auto = Store.AutoComplete;
        Store.AutoComplete = true;
        try
        {
            var task = call();
            Assert.True(task.IsCompleted, "the simulated store should complete at once in auto-complete mode");
            return task.Result;
        }
        finally
        {
            Store.AutoComplete = auto;
        }
    }

    /// <summary>Opens <paramref name="path"/> (lookup, VOP_CREATEVOBJECT, a reference); store calls complete at once.</summary>
    public PagerFile Open(string path, string mount = "m")
    {
        var auto = Store.AutoComplete;
        Store.AutoComplete = true;
        try
        {
            var open = Pager.OpenAsync(mount, path);
            Run(() => open.IsCompleted, $"open {mount}:{path}");
            return open.Result;
        }
        finally
        {
            Store.AutoComplete = auto;
        }
    }

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> with an ask; the task completes within a later step.</summary>
    public Task<object> Send(IActorRef target, object message) => _kit.Deterministic.Ask(target, message, TimeSpan.FromHours(1));

    /// <summary>Sends and runs until the reply; returns it.</summary>
    public object Ask(IActorRef target, object message, TimeSpan? limit = null)
    {
        var task = Send(target, message);
        Run(() => task.IsCompleted, $"a reply to {message.GetType().Name} from {target.Path}", limit);
        return task.Result;
    }

    /// <summary>Sends and runs until the reply, which must be a <typeparamref name="T"/>.</summary>
    public T Ask<T>(IActorRef target, object message, TimeSpan? limit = null)
    {
        var reply = Ask(target, message, limit);
        return reply is T t ? t : throw new Xunit.Sdk.XunitException($"{Tag}: expected {typeof(T).Name} from {target.Path} for {message}, got {reply}");
    }

    /// <summary>The reply of a task started with <see cref="Send"/>, after running until it is there.</summary>
    public T Reply<T>(Task<object> task, string what)
    {
        Run(() => task.IsCompleted, what);
        return task.Result is T t ? t : throw new Xunit.Sdk.XunitException($"{Tag}: {what}: expected {typeof(T).Name}, got {task.Result}");
    }

    /// <summary>Runs until <paramref name="condition"/> holds; fails naming <paramref name="what"/> when virtual time runs out first.</summary>
    public void Run(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        if (!D.RunUntil(condition, limit ?? Limit))
        {
            throw new Xunit.Sdk.XunitException($"{Tag}: waited {limit ?? Limit} of virtual time for {what}; errors: {string.Join("; ", Errors)}\n{TraceTail()}");
        }
    }

    /// <summary>Runs every runnable actor and pending (scheduled) I/O without advancing time.</summary>
    public void Settle() => D.RunUntilIdle(1_000_000);

    /// <summary>Lets virtual time pass (the page daemon ticks), with a bound.</summary>
    public void RunFor(TimeSpan time) => D.RunFor(time, 1_000_000);

    public VmObjectProtocol.ObjectStat Stat(IActorRef obj) => Ask<VmObjectProtocol.ObjectStat>(obj, VmObjectProtocol.GetStat.Instance);

    public VmObjectProtocol.PageState PageState(IActorRef obj, long pindex) => Ask<VmObjectProtocol.PageStates>(obj, new VmObjectProtocol.GetPageStates(pindex, 1)).Pages[0];

    public IReadOnlyList<VmObjectProtocol.PageState> PageStates(IActorRef obj, long first, int count) => Ask<VmObjectProtocol.PageStates>(obj, new VmObjectProtocol.GetPageStates(first, count)).Pages;

    /// <summary>The file's bytes in the store now.</summary>
    public byte[] StoreBytes(string path, long offset, int length)
    {
        var buffer = new byte[length];
        StoreNow(() => Store.ReadAsync(path, offset, buffer));
        return buffer;
    }

    /// <summary>Messages the probe received so far of type <typeparamref name="T"/>.</summary>
    public List<T> Received<T>()
    {
        while (Probe.HasMessages)
        {
            _probeInbox.Add(Probe.ReceiveOne(TimeSpan.Zero)!);
        }

        return _probeInbox.OfType<T>().ToList();
    }

    /// <summary>Fails when an invariant broke, the pager saw a broken entry condition or an error was logged.</summary>
    public void AssertClean()
    {
        var problems = Violations.Concat(Recorder.Violations).Concat(Errors).ToList();
        Assert.True(problems.Count == 0, $"{Tag}: {string.Join("\n", problems.Take(10))}\n{TraceTail()}");
    }

    /// <summary>Fails unless the object has no paging in progress and no busy page (quiescence).</summary>
    public void AssertQuiet(IActorRef obj)
    {
        Settle();
        var stat = Stat(obj);
        Assert.True(stat.Pip == 0, $"{Tag}: pip is {stat.Pip} at quiescence, not 0 (rule 10)\n{TraceTail()}");
        Assert.True(stat.Busy == 0, $"{Tag}: {stat.Busy} pages busy at quiescence\n{TraceTail()}");
    }

    /// <summary>How many deliveries of a message type (by name) the trace holds.</summary>
    public int Deliveries(string messageType) => D.Trace.Deliveries.Count(d => d.Message == messageType);

    public string TraceTail(int lines = 400)
    {
        var all = D.Trace.Deliveries;
        return "last deliveries:\n" + string.Join("\n", all.Skip(Math.Max(0, all.Count - lines)));
    }
    private void CheckStep(Delivery delivery)
    {
        if (Violations.Count > 20)
        {
            return;
        }

        for (var f = 0; f < Memory.FrameCount; f++)
        {
            ref var meta = ref Memory.Meta(f);

            // Rule 1: never exclusive and shared at once.
            if (meta.IsExclusiveBusy && meta.SharedBusy > 0)
            {
                Violations.Add($"rule 1: after step {delivery.Step} ({delivery}) frame {f} (page {meta.PIndex}) is exclusive- and shared-busy");
            }

            // §1: dirty ⊆ valid.
            if ((meta.Dirty & ~meta.Valid) != 0)
            {
                Violations.Add($"after step {delivery.Step} ({delivery}) frame {f} (page {meta.PIndex}) has dirty 0x{meta.Dirty:x2} outside valid 0x{meta.Valid:x2}");
            }
        }
    }
}
