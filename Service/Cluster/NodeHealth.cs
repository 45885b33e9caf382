using System.Diagnostics;
using Akka.Cluster;

namespace ActorPager.Service.Cluster;

/// <summary>
/// Whether this node may take a file over now. A node that was frozen (SIGSTOP, a long GC pause,
/// a stalled VM) or that sees most of the cluster unreachable may have been downed by the others,
/// who may have moved its files already; its shard region does not know yet, and an entity it
/// started now would take the file back with a newer generation while the rightful owner serves
/// it from cache. So a file entity asks here before it persists its take-over, and is refused:
/// <list type="bullet">
/// <item>while the node's own clock thread has not ticked for longer than the failure detector's
/// acceptable pause (the process was frozen, or is so starved that the others think it dead), and
/// for a hold time after such a stall (long enough for the others to down it and for it to learn);</item>
/// <item>unless this node is Up and sees a majority of the members reachable (the side the split
/// brain resolver, keep-majority, keeps).</item>
/// </list>
/// When the ticker finds a stall it also calls <c>onStall</c>, so the node's entities give their
/// files up rather than serve pages another owner may have changed.
/// </summary>
internal sealed class NodeHealth : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly Akka.Cluster.Cluster? _cluster;
    private readonly long _stallTicks;
    private readonly long _holdTicks;
    private readonly Action _onStall;
    private readonly Timer _timer;
    private long _lastTick = Stopwatch.GetTimestamp();
    private long _suspectUntil;
    private long _stalls;

    /// <param name="cluster">The node's cluster, or null on a single node (no majority to check).</param>
    /// <param name="stall">A silence of the ticker longer than this is a stall (the failure detector's acceptable pause).</param>
    /// <param name="hold">After a stall, refuse take-overs this long.</param>
    /// <param name="onStall">Called (on a pool thread) when a stall is found.</param>
    /// <param name="ticking">False in tests, which call <see cref="TickAt"/> themselves.</param>
    public NodeHealth(Akka.Cluster.Cluster? cluster, TimeSpan stall, TimeSpan hold, Action onStall, bool ticking = true)
    {
        _cluster = cluster;
        _stallTicks = (long)(stall.TotalSeconds * Stopwatch.Frequency);
        _holdTicks = (long)(hold.TotalSeconds * Stopwatch.Frequency);
        _onStall = onStall;
        _timer = new Timer(_ => TickAt(Stopwatch.GetTimestamp()), null, ticking ? Tick : Timeout.InfiniteTimeSpan, ticking ? Tick : Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stalls found since the node started.</summary>
    public long Stalls => Interlocked.Read(ref _stalls);

    /// <summary>Null when this node may take a file over now; else why not.</summary>
    public string? WhyNotTakeOver() => WhyNotTakeOverAt(Stopwatch.GetTimestamp());

    /// <summary><see cref="WhyNotTakeOver"/> at <paramref name="now"/> (a Stopwatch timestamp).</summary>
    internal string? WhyNotTakeOverAt(long now)
    {
        var silent = now - Interlocked.Read(ref _lastTick);
        if (silent > _stallTicks)
        {
            return $"this node was frozen or starved for {Stopwatch.GetElapsedTime(now - silent, now).TotalSeconds:0.0} s: the cluster may have moved its files";
        }

        if (now < Interlocked.Read(ref _suspectUntil))
        {
            return "this node stalled a moment ago: the cluster may have moved its files";
        }

        if (_cluster is null)
        {
            return null;
        }

        var state = _cluster.State;
        var self = _cluster.SelfAddress;
        var members = state.Members.Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving or MemberStatus.Joining).ToArray();
        var me = members.FirstOrDefault(m => m.Address.Equals(self));
        if (me is null || me.Status != MemberStatus.Up)
        {
            return $"this node is not Up in the cluster ({me?.Status.ToString() ?? "not a member"})";
        }

        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var reachable = members.Count(m => !unreachable.Contains(m.Address));
        return reachable * 2 > members.Length
            ? null
            : $"this node reaches {reachable} of {members.Length} members, not a majority: it may be on the side the cluster downs";
    }

    /// <summary>The ticker's beat at <paramref name="now"/> (a Stopwatch timestamp): a gap since the last longer than the stall threshold is a stall.</summary>
    internal void TickAt(long now)
    {
        var last = Interlocked.Exchange(ref _lastTick, now);
        if (now - last > _stallTicks)
        {
            Interlocked.Exchange(ref _suspectUntil, now + _holdTicks);
            Interlocked.Increment(ref _stalls);
            _onStall();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();
}
