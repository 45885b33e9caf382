using ActorPager.Actors.Pager;
using ActorPager.Storage;
using ActorPager.TestKit;
using Xunit.Abstractions;

namespace ActorPager.Actors.Tests.Support;

/// <summary>
/// The base of the pager's tests: an Akka.NET test kit on the deterministic dispatcher, with a
/// <see cref="Rig"/> (a pager over a simulated disk) per run. A test that tries many seeds starts
/// a rig per seed; each new rig ends the previous run.
/// </summary>
public abstract class PagerTestKit(ITestOutputHelper output) : DeterministicTestKit(output)
{
    private Rig? _rig;

    /// <summary>A new rig on a new run (seed <paramref name="seed"/>). Frames: 64 pages by default (small, so shortages are easy to reach).</summary>
    internal Rig StartRig(long seed = 1, IoMode io = IoMode.Scheduled, int frames = 64, Func<PagerOptions, PagerOptions>? configure = null, Func<Vm.PhysicalMemory, IPager>? pager = null, string strategy = "random")
    {
        _rig?.Detach();
        var options = new PagerOptions { PhysicalMemory = (long)frames * Rig.Page, DirtyAge = TimeSpan.FromHours(1) };
        options = configure?.Invoke(options) ?? options;
        _rig = new Rig(this, seed, io, options, pager, strategy);
        return _rig;
    }

    /// <summary>A pager called directly, the way a vnode calls it, on a new run.</summary>
    internal DirectPager StartDirect(IPageStore? store = null, long seed = 1)
    {
        _rig?.Detach();
        _rig = null;
        BeginRun(seed);
        return new DirectPager(this, store);
    }
}
