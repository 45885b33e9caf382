using ActorPager.Actors;
using ActorPager.Messages;
using static ActorPager.Harness.Exploration.ConformanceScenarios;

namespace ActorPager.Harness.Exploration;

/// <summary>
/// Mapped reads (the pmap) racing everything that changes or takes a page: writes, truncation,
/// eviction by the page daemon, and the destruction and recycling of the vnode. Readers read the
/// same pages more than once, so after the first read (by message) later ones copy mapped pages
/// in steps the schedule interleaves with the objects' turns; the monitor checks rules 59-61.
/// </summary>
internal static class MappedReadScenarios
{
    /// <summary>The four races.</summary>
    public static IReadOnlyList<Scenario> All { get; } = [new MappedWrite(), new MappedTruncate(), new MappedEviction(), new MappedRecycle()];

    /// <summary>Reads [<paramref name="offset"/>, +<paramref name="length"/>) of <paramref name="path"/> <paramref name="times"/> times through one open file.</summary>
    private static async Task Rereader(ScenarioContext context, string path, long offset, int length, int times, bool mayLoseObject = false)
    {
        var file = await context.OpenAsync(path).ConfigureAwait(false);
        var buffer = new byte[length];
        try
        {
            for (var i = 0; i < times; i++)
            {
                await file.ReadAsync(offset, buffer).ConfigureAwait(false);
            }
        }
        catch (PagerException) when (mayLoseObject)
        {
            // The object was destroyed under the reader: a clear error is the right answer.
        }
        finally
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Two readers re-read pages a writer changes across their halves, then syncs.</summary>
    private sealed class MappedWrite : Scenario
    {
        public override string Name => "mapped-write";

        public override IReadOnlyDictionary<string, byte[]> InitialFiles { get; } = new Dictionary<string, byte[]> { ["w"] = Pattern(3 * 4096, 21) };

        public override IReadOnlyList<Task> Start(ScenarioContext context)
        {
            async Task Writer()
            {
                var file = await context.OpenAsync("w").ConfigureAwait(false);
                await file.WriteAsync(2000, Pattern(4096, 22)).ConfigureAwait(false);
                await file.WriteAsync(4096 + 1500, Pattern(1200, 23), sync: true).ConfigureAwait(false);
            }

            return [Rereader(context, "w", 0, 2 * 4096, 3), Rereader(context, "w", 4096, 6000, 3), Writer()];
        }
    }

    /// <summary>A reader re-reads a file that is truncated into its middle page, extended again and written.</summary>
    private sealed class MappedTruncate : Scenario
    {
        public override string Name => "mapped-truncate";

        public override IReadOnlyDictionary<string, byte[]> InitialFiles { get; } = new Dictionary<string, byte[]> { ["u"] = Pattern((4 * 4096) + 1000, 24) };

        public override IReadOnlyList<Task> Start(ScenarioContext context)
        {
            async Task Truncator()
            {
                var file = await context.OpenAsync("u").ConfigureAwait(false);
                await file.TruncateAsync((2 * 4096) + 700).ConfigureAwait(false);
                await file.TruncateAsync(4 * 4096).ConfigureAwait(false);
                await file.WriteAsync((2 * 4096) + 3000, Pattern(500, 25)).ConfigureAwait(false);
            }

            return [Rereader(context, "u", 4096, 3 * 4096, 4), Truncator()];
        }
    }

    /// <summary>Frames are short: a second file's reader makes the page daemon evict the pages a re-reader has mapped.</summary>
    private sealed class MappedEviction : Scenario
    {
        public override string Name => "mapped-eviction";

        public override PagerOptions Options { get; } = new()
        {
            PhysicalMemory = 6 * 4096,
            ClusterMax = 2,
            ReadBehind = 0,
            ReadAhead = 1,
            FreeTarget = 2,
            FreeMin = 1,
            DaemonInterval = TimeSpan.FromHours(1),
            DirtyAge = TimeSpan.FromHours(2),
        };

        public override IReadOnlyDictionary<string, byte[]> InitialFiles { get; } = new Dictionary<string, byte[]>
        {
            ["e"] = Pattern(3 * 4096, 26),
            ["x"] = Pattern(5 * 4096, 27),
        };

        public override IReadOnlyList<Task> Start(ScenarioContext context) =>
            [Rereader(context, "e", 0, 3 * 4096, 4), Rereader(context, "x", 0, 5 * 4096, 2)];
    }

    /// <summary>
    /// The vnode of a file being re-read is destroyed (its object detached under the readers),
    /// and, with room for one vnode, recycled when a second file is opened: its frames go to the
    /// second file's pages, which are written.
    /// </summary>
    private sealed class MappedRecycle : Scenario
    {
        public override string Name => "mapped-recycle";

        public override PagerOptions Options { get; } = new()
        {
            PhysicalMemory = 8 * 4096,
            ClusterMax = 2,
            ReadBehind = 0,
            ReadAhead = 1,
            MaxVnodes = 1,
            DaemonInterval = TimeSpan.FromHours(1),
            DirtyAge = TimeSpan.FromHours(2),
        };

        public override IReadOnlyDictionary<string, byte[]> InitialFiles { get; } = new Dictionary<string, byte[]>
        {
            ["r"] = Pattern(2 * 4096, 28),
            ["s"] = Pattern(2 * 4096, 29),
        };

        public override IReadOnlyList<Task> Start(ScenarioContext context)
        {
            async Task Destroyer()
            {
                var file = await context.OpenAsync("r").ConfigureAwait(false);
                await file.ReadAsync(0, new byte[4096]).ConfigureAwait(false);
                await context.Ask(file.Vnode, VnodeProtocol.DestroyVObject.Instance).ConfigureAwait(false);
                await file.DisposeAsync().ConfigureAwait(false);
            }

            async Task Other()
            {
                await Rereader(context, "r", 0, 2 * 4096, 2, mayLoseObject: true).ConfigureAwait(false);
                var file = await context.OpenAsync("s").ConfigureAwait(false);
                await file.WriteAsync(1000, Pattern(4096, 30), sync: true).ConfigureAwait(false);
                await file.ReadAsync(0, new byte[2 * 4096]).ConfigureAwait(false);
                await file.DisposeAsync().ConfigureAwait(false);
            }

            return [Rereader(context, "r", 0, 2 * 4096, 4, mayLoseObject: true), Destroyer(), Other()];
        }
    }
}
