using System.Diagnostics;
using ActorPager.Actors;
using ActorPager.Actors.Vm;
using Akka.Actor;
using ActorPager.Storage;

namespace ActorPager.Bench.Pager;

/// <summary>
/// Quick mode of the pager (issue 4 item 10): read faults on resident pages, a cold clustered
/// sequential read, random 4 KiB reads, and the metadata a resident page costs; each against a
/// peer measured in the same run (see docs/benchmarks.md for the definitions).
/// </summary>
internal static class PagerQuick
{
    private const int PageSize = 4096;
    private const long BigFile = 256L << 20;
    private const long HotFile = 8L << 20;
    private const long BigRead = 16L << 20;
    private const long RandRegion = 64L << 20;
    private const int Chunk = 64 << 10;
    private const int Rounds = 3;
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(250);

    /// <summary>Interleaved slices per thread count for the resident faults: short pairs keep ours and the peer under the same load.</summary>
    private const int ResidentPairs = 9;

    /// <summary>Prints the five <c>bench: pager.*</c> lines.</summary>
    [QuickArea("pager")]
    public static void Run() => RunAsync().GetAwaiter().GetResult();

    private static async Task RunAsync()
    {
        Console.Error.WriteLine($"pager quick: {BenchSupport.LoadNote()}");
        var root = BenchSupport.NewTempDirectory("pager");
        try
        {
            BenchSupport.WriteFile(Path.Combine(root, "big"), BigFile, 1);
            BenchSupport.WriteFile(Path.Combine(root, "hot"), HotFile, 2);
            BenchSupport.WriteFile(Path.Combine(root, "meta"), 64L << 20, 3);
            BenchSupport.WriteFile(Path.Combine(root, "bigread"), BigRead, 4);
            await using var store = new DirectoryStore(root);
            using var system = BenchSystem.Create("pbench");

            // The 256 MiB file fits: the cold read measures clustered getpages, not the page daemon.
            var pager = PagerSystem.Start(system, new PagerOptions { PhysicalMemory = 448L << 20 });
            pager.Mount("d", store);

            await MetadataAsync(pager);
            await FaultResidentAsync(pager, store);
            await SeqReadColdAsync(pager, root);
            await RandReadAsync(pager, store);
            await BigReadAsync(pager);
        }
        finally
        {
            BenchSupport.DeleteDirectory(root);
        }
    }

    /// <summary>Resident 4 KiB read faults, 1 and 2 client loops; the ratio reported is the geometric mean of the two.</summary>
    private static async Task FaultResidentAsync(PagerSystem pager, DirectoryStore store)
    {
        await using var file = await pager.OpenAsync("d", "hot");
        var peer = new LockPageCache(store, "hot", HotFile, PageSize);
        var buffer = new byte[Chunk];
        for (long at = 0; at < HotFile; at += Chunk)
        {
            await file.ReadAsync(at, buffer);
            await peer.ReadAsync(at, buffer);
        }

        var pages = HotFile / PageSize;
        var ratios = new List<double>();
        foreach (var threads in new[] { 1, 2 })
        {
            var ours = new List<double>();
            var theirs = new List<double>();
            var perRound = new List<double>();
            for (var round = 0; round <= ResidentPairs; round++)
            {
                var o = await RateAsync(threads, pages, (offset, destination) => new ValueTask<int>(file.ReadAsync(offset, destination)));
                var t = await RateAsync(threads, pages, peer.ReadAsync);
                if (round == 0)
                {
                    continue; // warm-up
                }

                ours.Add(o);
                theirs.Add(t);
                perRound.Add(o / t);
            }

            Console.Error.WriteLine(FormattableString.Invariant($"  fault-resident {threads} thread(s): ours {BenchSupport.Median(ours):F0}/s, lockcache {BenchSupport.Median(theirs):F0}/s, round ratios {string.Join(" ", perRound.Select(r => r.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}"));
            ratios.Add(BenchSupport.Median(perRound));
        }

        QuickAreas.Report("pager.fault-resident", "ours/lockcache", Math.Sqrt(ratios[0] * ratios[1]));
    }

    /// <summary>Reads per second of <paramref name="threads"/> loops, each reading random resident pages one at a time for <see cref="Slice"/>.</summary>
    private static async Task<double> RateAsync(int threads, long pages, Func<long, Memory<byte>, ValueTask<int>> read)
    {
        var watch = Stopwatch.StartNew();
        var workers = new Task<long>[threads];
        for (var t = 0; t < threads; t++)
        {
            var seed = (ulong)(t + 1) * 0x9E3779B97F4A7C15UL;
            workers[t] = Task.Run(async () =>
            {
                var destination = new byte[PageSize];
                var state = seed;
                long done = 0;
                while (true)
                {
                    for (var i = 0; i < 64; i++)
                    {
                        var pindex = (long)(BenchSupport.Next(ref state) % (ulong)pages);
                        await read(pindex * PageSize, destination).ConfigureAwait(false);
                    }

                    done += 64;
                    if (watch.Elapsed >= Slice)
                    {
                        return done;
                    }
                }
            });
        }

        long total = 0;
        foreach (var n in await Task.WhenAll(workers).ConfigureAwait(false))
        {
            total += n;
        }

        return total / watch.Elapsed.TotalSeconds;
    }

    /// <summary>A cold 256 MiB read in 64 KiB requests through the pager (clustered getpages) against pread of the same file.</summary>
    private static async Task SeqReadColdAsync(PagerSystem pager, string root)
    {
        await using var file = await pager.OpenAsync("d", "big");
        using var handle = File.OpenHandle(Path.Combine(root, "big"), FileMode.Open, FileAccess.Read);
        var buffer = new byte[Chunk];
        var ratios = new List<double>();
        var ours = new List<double>();
        var raws = new List<double>();
        for (var round = 0; round <= Rounds; round++)
        {
            await DropAsync(file);
            var o = await BenchSupport.TimeAsync(async () =>
            {
                for (long at = 0; at < BigFile; at += Chunk)
                {
                    await file.ReadAsync(at, buffer).ConfigureAwait(false);
                }
            });
            var r = await BenchSupport.TimeAsync(async () =>
            {
                for (long at = 0; at < BigFile; at += Chunk)
                {
                    await RandomAccess.ReadAsync(handle, buffer, at).ConfigureAwait(false);
                }
            });
            if (round == 0)
            {
                continue;
            }

            ours.Add(BigFile / o / (1 << 20));
            raws.Add(BigFile / r / (1 << 20));
            ratios.Add(r / o);
        }

        Console.Error.WriteLine(FormattableString.Invariant($"  seqread-cold: ours {BenchSupport.Median(ours):F0} MiB/s, raw {BenchSupport.Median(raws):F0} MiB/s"));
        QuickAreas.Report("pager.seqread-cold", "ours/raw", BenchSupport.Median(ratios));
        await DropAsync(file);
    }

    /// <summary>Random 4 KiB reads over a 64 MiB region, both caches starting cold, one client loop.</summary>
    private static async Task RandReadAsync(PagerSystem pager, DirectoryStore store)
    {
        const int Reads = 16_384;
        await using var file = await pager.OpenAsync("d", "big");
        var peer = new LockPageCache(store, "big", BigFile, PageSize);
        var buffer = new byte[PageSize];
        var pages = RandRegion / PageSize;
        var ratios = new List<double>();
        var ours = new List<double>();
        var theirs = new List<double>();
        for (var round = 0; round <= Rounds; round++)
        {
            await DropAsync(file);
            peer.Clear();
            var state = 12345UL + (ulong)round;
            var o = await BenchSupport.TimeAsync(async () =>
            {
                var s = state;
                for (var i = 0; i < Reads; i++)
                {
                    await file.ReadAsync((long)(BenchSupport.Next(ref s) % (ulong)pages) * PageSize, buffer).ConfigureAwait(false);
                }
            });
            var t = await BenchSupport.TimeAsync(async () =>
            {
                var s = state;
                for (var i = 0; i < Reads; i++)
                {
                    await peer.ReadAsync((long)(BenchSupport.Next(ref s) % (ulong)pages) * PageSize, buffer).ConfigureAwait(false);
                }
            });
            if (round == 0)
            {
                continue;
            }

            ours.Add(Reads / o);
            theirs.Add(Reads / t);
            ratios.Add(t / o);
        }

        Console.Error.WriteLine(FormattableString.Invariant($"  randread: ours {BenchSupport.Median(ours):F0}/s, lockcache {BenchSupport.Median(theirs):F0}/s"));
        QuickAreas.Report("pager.randread", "ours/lockcache", BenchSupport.Median(ratios));
        await DropAsync(file);
    }

    /// <summary>
    /// One 16 MiB read of a cold file (what a 16 MiB GET sends the VM object): the getpages calls
    /// it took against the fewest that could carry its pages, file pages over the cluster limit.
    /// Three reads, each after the file's pages were dropped; the largest ratio is reported.
    /// </summary>
    private static async Task BigReadAsync(PagerSystem pager)
    {
        await using var file = await pager.OpenAsync("d", "bigread");
        var buffer = new byte[BigRead];
        var ideal = (double)(BigRead / PageSize) / pager.Options.ClusterMax;
        var worst = 0.0;
        for (var round = 0; round < Rounds; round++)
        {
            await DropAsync(file);
            var m = pager.Metrics;
            var (calls, pages, refused) = (m.GetPagesCalls, m.GetPagesPages, m.GetPagesRefused);
            var seconds = await BenchSupport.TimeAsync(async () =>
            {
                if (await file.ReadAsync(0, buffer).ConfigureAwait(false) != BigRead)
                {
                    throw new InvalidOperationException("bigread: a short read");
                }
            });
            calls = m.GetPagesCalls - calls;
            pages = m.GetPagesPages - pages;
            refused = m.GetPagesRefused - refused;
            worst = Math.Max(worst, calls / ideal);
            Console.Error.WriteLine(FormattableString.Invariant($"  bigread {round + 1}: {calls} getpages of {(double)pages / calls:F1} pages each, {refused} refused, {BigRead / seconds / (1 << 20):F0} MiB/s"));
        }

        QuickAreas.Report("pager.bigread", "getpages/ideal", worst);
        await DropAsync(file);
    }

    /// <summary>
    /// Managed bytes retained per resident page beyond its frame: the heap growth from making
    /// 16384 pages resident (the object's page table), plus the per-frame entries the pool
    /// preallocates (<see cref="PageMeta"/> and the free-list slot), which a heap delta cannot see.
    /// </summary>
    private static async Task MetadataAsync(PagerSystem pager)
    {
        const long Bytes = 64L << 20;
        await using var file = await pager.OpenAsync("d", "meta");
        var buffer = new byte[Chunk];
        await file.StatAsync();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (long at = 0; at < Bytes; at += Chunk)
        {
            await file.ReadAsync(at, buffer);
        }

        var stat = await file.StatAsync();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var resident = stat.Resident;
        var perPage = ((double)(after - before) / resident) + PhysicalMemory.MetadataBytesPerFrame + sizeof(int);
        Console.Error.WriteLine(FormattableString.Invariant($"  metadata: {resident} pages resident, heap +{after - before} bytes, + {PhysicalMemory.MetadataBytesPerFrame} (PageMeta) + 4 (free list) per frame"));
        QuickAreas.Report("pager.metadata", "bytes/page", perPage);
        await DropAsync(file);
    }

    /// <summary>Frees the file's clean pages (msync invalidate), so the next read is cold.</summary>
    private static async Task DropAsync(PagerFile file)
    {
        await file.SyncAsync(invalidate: true);
        var stat = await file.StatAsync();
        if (stat.Resident != 0)
        {
            throw new InvalidOperationException($"{file.Path}: {stat.Resident} pages still resident after invalidate");
        }
    }
}
