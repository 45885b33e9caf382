using ActorPager.Messages;

namespace ActorPager.Harness.Exploration;

/// <summary>
/// The standard scenarios a pager must pass: concurrent readers and writers over a file with a
/// partial last page, synchronous and asynchronous write-back, a truncate racing I/O, a destroy
/// racing faults, and a sequential reader whose read-ahead races a write and a truncate. Small
/// enough to explore thousands of schedules per second.
/// </summary>
public static class ConformanceScenarios
{
    /// <summary>Every standard scenario.</summary>
    public static IReadOnlyList<Scenario> All { get; } =
    [
        new ReadWriteSync(),
        new AsyncClean(),
        new TruncateRace(),
        new DestroyRace(),
        new SequentialRead(),
        .. MappedReadScenarios.All,
    ];

    /// <summary>The scenario called <paramref name="name"/>.</summary>
    public static Scenario Named(string name) =>
        All.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"no scenario '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}", nameof(name));

    internal static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + seed);
        }

        return bytes;
    }

    /// <summary>Two readers and a writer share a 5½-page file; the writer syncs.</summary>
    private sealed class ReadWriteSync : Scenario
    {
        public override string Name => "read-write-sync";

        public override IReadOnlyDictionary<string, byte[]> InitialFiles { get; } = new Dictionary<string, byte[]> { ["f"] = Pattern((5 * 4096) + 1000, 1) };

        public override IReadOnlyList<Task> Start(ScenarioContext context)
        {
            async Task Reader(long offset)
            {
                var file = await context.OpenAsync("f").ConfigureAwait(false);
                var buffer = new byte[3 * 4096];
                await file.ReadAsync(offset, buffer).ConfigureAwait(false);
            }

            async Task Writer()
            {
                var file = await context.OpenAsync("f").ConfigureAwait(false);
                await file.WriteAsync(4096 + 100, Pattern(5000, 7)).ConfigureAwait(false);
                await file.SyncAsync().ConfigureAwait(false);
                await file.WriteAsync((5 * 4096) + 500, Pattern(300, 9), sync: true).ConfigureAwait(false);
            }

            return [Reader(0), Reader(2 * 4096), Writer()];
        }
    }

    /// <summary>Writers dirty pages and clean them without the sync flag (Pend and completions) while a reader faults.</summary>
    private sealed class AsyncClean : Scenario
    {
        public override string Name => "async-clean";

        public override IReadOnlyDictionary<string, byte[]> InitialFiles { get; } = new Dictionary<string, byte[]> { ["g"] = Pattern(6 * 4096, 2) };

        public override IReadOnlyList<Task> Start(ScenarioContext context)
        {
            async Task Writer(long offset, int seed)
            {
                var file = await context.OpenAsync("g").ConfigureAwait(false);
                await file.WriteAsync(offset, Pattern(4096 + 512, seed)).ConfigureAwait(false);
                await context.Ask(file.VmObject, new VmObjectProtocol.Clean(PutFlags.None)).ConfigureAwait(false);
            }

            async Task Reader()
            {
                var file = await context.OpenAsync("g").ConfigureAwait(false);
                await file.ReadAsync(0, new byte[6 * 4096]).ConfigureAwait(false);
            }

            return [Writer(0, 3), Writer(3 * 4096, 4), Reader()];
        }
    }

    /// <summary>A truncate races a cold read and a write near the end of the file.</summary>
    private sealed class TruncateRace : Scenario
    {
        public override string Name => "truncate-race";

        public override IReadOnlyDictionary<string, byte[]> InitialFiles { get; } = new Dictionary<string, byte[]> { ["t"] = Pattern(6 * 4096, 5) };

        public override IReadOnlyList<Task> Start(ScenarioContext context)
        {
            async Task Truncator()
            {
                var file = await context.OpenAsync("t").ConfigureAwait(false);
                await file.TruncateAsync((2 * 4096) + 700).ConfigureAwait(false);
            }

            async Task Reader()
            {
                var file = await context.OpenAsync("t").ConfigureAwait(false);
                await file.ReadAsync(3 * 4096, new byte[2 * 4096]).ConfigureAwait(false);
            }

            async Task Writer()
            {
                var file = await context.OpenAsync("t").ConfigureAwait(false);
                await file.WriteAsync((2 * 4096) + 100, Pattern(300, 6)).ConfigureAwait(false);
                await file.SyncAsync().ConfigureAwait(false);
            }

            return [Truncator(), Reader(), Writer()];
        }
    }

    /// <summary>VOP_DESTROYVOBJECT races faults and dirty pages: pip drains, dirty pages are written, frames freed.</summary>
    private sealed class DestroyRace : Scenario
    {
        public override string Name => "destroy-race";

        public override IReadOnlyDictionary<string, byte[]> InitialFiles { get; } = new Dictionary<string, byte[]> { ["d"] = Pattern(4 * 4096, 8) };

        public override IReadOnlyList<Task> Start(ScenarioContext context)
        {
            async Task WriterThenDestroy()
            {
                var file = await context.OpenAsync("d").ConfigureAwait(false);
                await file.WriteAsync(100, Pattern(5000, 9)).ConfigureAwait(false);
                await file.DisposeAsync().ConfigureAwait(false);
                await context.Ask(file.Vnode, VnodeProtocol.DestroyVObject.Instance).ConfigureAwait(false);
            }

            async Task Reader()
            {
                var file = await context.OpenAsync("d").ConfigureAwait(false);
                try
                {
                    await file.ReadAsync(2 * 4096, new byte[4096]).ConfigureAwait(false);
                }
                catch (Actors.PagerException)
                {
                    // The object may be destroyed under the reader: a clear error is the right answer.
                }
            }

            return [WriterThenDestroy(), Reader()];
        }
    }

    /// <summary>A sequential reader (its clusters turn into read-ahead) races a sync write inside the file and a truncate near its end.</summary>
    private sealed class SequentialRead : Scenario
    {
        public override string Name => "sequential-read";

        public override IReadOnlyDictionary<string, byte[]> InitialFiles { get; } = new Dictionary<string, byte[]> { ["s"] = Pattern((14 * 4096) - 300, 11) };

        public override IReadOnlyList<Task> Start(ScenarioContext context)
        {
            async Task Reader()
            {
                var file = await context.OpenAsync("s").ConfigureAwait(false);
                var buffer = new byte[2 * 4096];
                for (long at = 0; at < 14 * 4096; at += buffer.Length)
                {
                    await file.ReadAsync(at, buffer).ConfigureAwait(false);
                }
            }

            async Task Writer()
            {
                var file = await context.OpenAsync("s").ConfigureAwait(false);
                await file.WriteAsync((7 * 4096) + 200, Pattern(4096, 12), sync: true).ConfigureAwait(false);
            }

            async Task Truncator()
            {
                var file = await context.OpenAsync("s").ConfigureAwait(false);
                await file.TruncateAsync((11 * 4096) + 100).ConfigureAwait(false);
            }

            return [Reader(), Writer(), Truncator()];
        }
    }
}
