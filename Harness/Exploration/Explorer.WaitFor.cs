using ActorPager.Actors.Vm;
using ActorPager.Actors.Vnode;

namespace ActorPager.Harness.Exploration;

/// <summary>The wait-for analysis of a run that cannot progress (rule 7, choice 9).</summary>
public sealed partial class Explorer
{
    /// <summary>Who waits for whom when a run is stuck: the wait-for edges of objects and vnodes, and a cycle if there is one.</summary>
    private static string WaitFor(PagerMonitor monitor)
    {
        var edges = new List<(string From, string To, string Why)>();
        foreach (var (path, actor) in monitor.Actors)
        {
            switch (actor)
            {
                case VmObjectActor obj:
                    var s = obj.Inspect();
                    var vnode = obj.Handle is { } handle ? PagerMonitor.PathOf(handle) : "(no vnode)";
                    if (s.VnodeWaiters > 0)
                    {
                        edges.Add((path, vnode, $"{s.VnodeWaiters} faults wait for the vnode lock"));
                    }

                    if (s.PipWaiters > 0)
                    {
                        edges.Add((path, path, $"pip_wait with pip {s.Pip}"));
                    }

                    if (s.RequestsInFlight > 0)
                    {
                        edges.Add((path, vnode, $"{s.RequestsInFlight} paging requests unanswered"));
                    }

                    if (s.FrameWaiters > 0)
                    {
                        edges.Add((path, "pagedaemon", $"{s.FrameWaiters} faults wait for free frames"));
                    }

                    break;
                case VnodeActor v:
                    var vs = v.Inspect();
                    if (vs.WaitingForObject && vs.Object is not null)
                    {
                        edges.Add((path, PagerMonitor.PathOf(vs.Object), $"a VOP holds the vnode (turn {vs.Turn}) waiting for its object"));
                    }
                    else if (vs.Turn != 0)
                    {
                        edges.Add((path, "(held)", $"turn {vs.Turn} held with {vs.Holds} holds and nothing outstanding"));
                    }

                    break;
            }
        }

        return DescribeWaitFor(edges);
    }

    /// <summary>The wait-for edges in words, led by a cycle when there is one.</summary>
    internal static string DescribeWaitFor(List<(string From, string To, string Why)> edges)
    {
        if (edges.Count == 0)
        {
            return "no actor reports waiting: a request was lost (sent to a stopped actor?)";
        }

        var cycle = FindCycle(edges);
        var lines = string.Join("; ", edges.Select(e => $"{e.From} -> {e.To} ({e.Why})"));
        return cycle is null ? $"wait-for: {lines}" : $"deadlock cycle: {string.Join(" -> ", cycle)}; wait-for: {lines}";
    }

    private static List<string>? FindCycle(List<(string From, string To, string Why)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        foreach (var start in next.Keys)
        {
            var path = new List<string> { start };
            var seen = new HashSet<string> { start };
            if (Dfs(start))
            {
                return path;
            }

            bool Dfs(string node)
            {
                foreach (var to in next.GetValueOrDefault(node) ?? [])
                {
                    if (to == start)
                    {
                        path.Add(to);
                        return true;
                    }

                    if (seen.Add(to))
                    {
                        path.Add(to);
                        if (Dfs(to))
                        {
                            return true;
                        }

                        path.RemoveAt(path.Count - 1);
                    }
                }

                return false;
            }
        }

        return null;
    }
}
