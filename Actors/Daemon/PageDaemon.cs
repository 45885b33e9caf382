using ActorPager.Actors.Vm;
using ActorPager.Messages;
using Akka.Actor;

namespace ActorPager.Actors;

/// <summary>
/// The page daemon (vm_pageout / laundry): keeps free frames above a target by asking VM objects
/// to free clean inactive pages and launder dirty ones (clustered putpages that only try the
/// vnode lock), forces synchronous writes below the minimum (rule 28), and writes back pages
/// dirty for longer than the configured age. It runs on a timer and when an allocation fails.
/// </summary>
public sealed class PageDaemon : ActorBase, IWithTimers
{
    private readonly PhysicalMemory _memory;
    private readonly PagerOptions _options;
    private readonly List<IActorRef> _objects = [];
    private int _next;
    private int _outstanding;

    /// <summary>Frames freed by the replies of the current pass.</summary>
    private int _freedThisPass;

    /// <summary>Creates the daemon.</summary>
    /// <param name="memory">The frame pool it keeps free frames in.</param>
    /// <param name="options">Targets, interval and dirty age.</param>
    public PageDaemon(PhysicalMemory memory, PagerOptions options)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(options);
        _memory = memory;
        _options = options;
    }

    /// <summary>The daemon's timer (set by Akka.NET before <see cref="PreStart"/>; cancelled when it stops).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    protected override void PreStart()
    {
        // PhysicalMemory.Daemon was set when this actor was made (PagerSystem), before any fault
        // could need it.
        Timers.StartPeriodicTimer("tick", Tick.Instance, _options.DaemonInterval);
    }

    /// <inheritdoc />
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case Register register:
                if (!_objects.Contains(register.Object))
                {
                    _objects.Add(register.Object);
                }

                return true;
            case Unregister unregister:
                _objects.Remove(unregister.Object);
                return true;
            case Tick:
                Pass(ageDirty: true);
                return true;
            case Shortage:
                Pass(ageDirty: false);
                return true;
            case VmObjectProtocol.Reclaimed reclaimed:
                _outstanding = Math.Max(0, _outstanding - 1);
                _freedThisPass += reclaimed.Freed;

                // Another pass at once only while passes free frames; a pass that freed none
                // (everything dirty and being laundered) waits for the next tick or shortage,
                // or the daemon would spin in one instant.
                if (_outstanding == 0 && _freedThisPass > 0 && _memory.FreeCount < _options.EffectiveFreeTarget)
                {
                    Pass(ageDirty: false);
                }

                return true;
            default:
                return false;
        }
    }

    private void Pass(bool ageDirty)
    {
        if (_objects.Count == 0 || _outstanding > 0)
        {
            return;
        }

        var free = _memory.FreeCount;
        var target = _options.EffectiveFreeTarget;
        TimeSpan? olderThan = ageDirty && Context.System.Scheduler.MonotonicClock > _options.DirtyAge ? Context.System.Scheduler.MonotonicClock - _options.DirtyAge : null;
        if (free >= target && olderThan is null)
        {
            return;
        }

        _freedThisPass = 0;
        var shortage = Math.Max(0, target - free);
        var forceSync = free < _options.EffectiveFreeMin;

        // Round-robin over the objects; each is asked for an even share of the shortage.
        var share = shortage == 0 ? 0 : Math.Max(1, (shortage + _objects.Count - 1) / _objects.Count);
        for (var i = 0; i < _objects.Count; i++)
        {
            var obj = _objects[(_next + i) % _objects.Count];
            obj.Tell(new VmObjectProtocol.Reclaim(share, forceSync, olderThan), Self);
            _outstanding++;
        }

        _next = (_next + 1) % _objects.Count;
    }

    /// <summary>A VM object to reclaim from.</summary>
    /// <param name="Object">The object.</param>
    public sealed record Register(IActorRef Object);

    /// <summary>A VM object that has gone.</summary>
    /// <param name="Object">The object.</param>
    public sealed record Unregister(IActorRef Object);

    /// <summary>An allocation failed: reclaim now.</summary>
    public sealed class Shortage
    {
        private Shortage()
        {
        }

        /// <summary>The single instance.</summary>
        public static Shortage Instance { get; } = new();
    }

    private sealed class Tick : INotInfluenceReceiveTimeout
    {
        public static readonly Tick Instance = new();
    }
}
