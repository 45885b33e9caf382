using ActorPager.Actors;
using ActorPager.Messages;
using ActorPager.Storage;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorPager.Durability.Tests;

/// <summary>
/// Issue 5, item 9: with <see cref="FaultyStore"/> failing 20% of writes, putpages answers Error
/// for exactly the pages whose store write failed, those pages stay dirty, and once the faults
/// stop a clean writes every one of them: nothing is lost.
/// </summary>
/// <remarks>
/// The pager runs on the test kit's actor system (Akka's thread pool) over a
/// <see cref="FaultSwitch"/>: a store that routes every call to the faulty store or, once faults
/// are off, to the same memory store directly, and records each write with its result. A putpages is one store write (the generic pager gathers a
/// run into one), so the recorded writes say which pages failed; the clean's reply counts the
/// rtvals and the page states say which pages are still dirty.
/// </remarks>
public sealed class FaultTests : Akka.TestKit.Xunit2.TestKit
{
    private const int PageSize = 4096;
    private const string FileName = "faults/pages.bin";

    private readonly ITestOutputHelper _output;

    public FaultTests(ITestOutputHelper output)
        : base(output: output)
    {
        _output = output;
    }

    [Theory]
    [InlineData(1, true, 0.0)]
    [InlineData(2, true, 0.0)]
    [InlineData(3, true, 0.0)]
    [InlineData(4, true, 0.1)]
    [InlineData(5, false, 0.0)]
    public async Task PutPages_FaultyStoreFailing20PercentOfWrites_ErrorForExactlyTheFailedPagesThenCleanWritesThemAll(int seed, bool sync, double shortWriteRate)
    {
        var memory = new MemoryStore();
        var faulty = new FaultyStore(memory, new FaultOptions { Seed = seed, FailedWriteRate = 0.2, ShortWriteRate = shortWriteRate });
        var store = new FaultSwitch(faulty, memory);
        var pager = PagerSystem.Start(Sys, new PagerOptions { PhysicalMemory = 16L * 1024 * 1024, DirtyAge = TimeSpan.FromHours(1) });
        pager.Mount("m", store);
        var file = await pager.OpenAsync("m", FileName);

        // Runs of 1-6 dirty pages with gaps of 1-3 clean pages between them: each run is one putpages.
        var random = new Random(seed);
        var runs = new List<(long First, int Count)>();
        long next = 0;
        while (runs.Count < 120)
        {
            var count = random.Next(1, 7);
            runs.Add((next, count));
            next += count + random.Next(1, 4);
        }

        var totalPages = next;
        var dirtyPages = runs.SelectMany(r => Enumerable.Range(0, r.Count).Select(i => r.First + i)).ToHashSet();

        // Old contents: every page written and synced with the faults off.
        store.FaultsOn = false;
        await file.WriteAsync(0, Image(0, totalPages, generation: 1), sync: true);
        Assert.Equal(0, (await file.StatAsync()).Dirty);

        // New contents in the runs, left dirty; then a clean with the faults on.
        foreach (var (first, count) in runs)
        {
            await file.WriteAsync(first * PageSize, Image(first, count, generation: 2));
        }

        Assert.Equal(dirtyPages.Count, (await file.StatAsync()).Dirty);
        store.FaultsOn = true;
        store.StartRecording();
        var flags = sync ? PutFlags.Sync : PutFlags.None;
        var clean = Assert.IsType<VmObjectProtocol.CleanReply>(await file.VmObject.Ask<object>(new VmObjectProtocol.Clean(flags), TimeSpan.FromSeconds(60)));
        var writes = store.TakeRecording();

        // One store write per run, each covering exactly its run.
        Assert.Equal(runs.Select(r => (r.First * PageSize, r.Count * PageSize)).Order(), writes.Select(w => (w.Offset, w.Length)).Order());
        var failed = new HashSet<long>();
        var untouched = new HashSet<long>();
        foreach (var write in writes)
        {
            for (var i = 0; i < write.Length / PageSize; i++)
            {
                // Rule 32: a page written whole before a failure is Ok; every later one is Error.
                if (!write.Result.IsOk && (i + 1L) * PageSize > write.Result.Bytes)
                {
                    failed.Add((write.Offset / PageSize) + i);
                    if ((long)i * PageSize >= write.Result.Bytes)
                    {
                        untouched.Add((write.Offset / PageSize) + i);
                    }
                }
            }
        }

        var failedWrites = writes.Count(w => !w.Result.IsOk);
        Assert.True(failedWrites > 0, $"seed {seed}: no write failed; the test needs faults");
        Assert.True(faulty.InjectedErrors == failedWrites, $"seed {seed}: {faulty.InjectedErrors} injected errors, {failedWrites} failed writes recorded");
        Assert.False(clean.AllClean);
        if (sync)
        {
            Assert.Equal(failed.Count, clean.Rtvals.GetValueOrDefault(PagerStatus.Error));
            Assert.Equal(dirtyPages.Count - failed.Count, clean.Rtvals.GetValueOrDefault(PagerStatus.Ok));
            Assert.Equal(dirtyPages.Count, clean.Rtvals.Values.Sum());
        }
        else
        {
            // Asynchronous putpages answer Pend; the completion re-dirties what failed.
            Assert.Equal(dirtyPages.Count, clean.Rtvals.GetValueOrDefault(PagerStatus.Pend));
        }

        // The failed pages, and only they, are still dirty; the store holds the new contents of
        // every other page and, where a failed write did not reach a page, its old contents.
        var states = await file.PageStatesAsync(0, (int)totalPages);
        Assert.Equal(failed.Order(), states.Where(s => s.Dirty != 0).Select(s => s.PIndex).Order());
        Assert.Equal(failed.Count, (await file.StatAsync()).Dirty);
        var raw = new byte[totalPages * PageSize];
        await memory.ReadAsync(FileName, 0, raw);
        for (long page = 0; page < totalPages; page++)
        {
            // A page a short write cut through holds part of each; it is still dirty, so it is rewritten.
            var expected = !dirtyPages.Contains(page) || untouched.Contains(page) ? 1 : failed.Contains(page) ? 0 : 2;
            if (expected != 0)
            {
                Assert.True(Image(page, 1, expected).AsSpan().SequenceEqual(raw.AsSpan((int)(page * PageSize), PageSize)), $"seed {seed}: page {page} should hold generation {expected} in the store");
            }
        }

        // Faults off: fsync writes every failed page, and only those.
        store.FaultsOn = false;
        store.StartRecording();
        var fsync = await file.SyncAsync();
        writes = store.TakeRecording();
        Assert.True(fsync.Ok, fsync.Error);
        Assert.Equal(failed.Count, fsync.PagesWritten);
        Assert.All(writes, w => Assert.True(w.Result.IsOk));
        Assert.Equal(failed.Order(), writes.SelectMany(w => Enumerable.Range(0, w.Length / PageSize).Select(i => (w.Offset / PageSize) + i)).Order());
        Assert.Equal(0, (await file.StatAsync()).Dirty);
        var summary = $"faults: seed={seed} sync={sync} putpages={runs.Count} pages={dirtyPages.Count} failed-writes={failedWrites} failed-pages={failed.Count} rewritten={fsync.PagesWritten} lost=0";
        _output.WriteLine(summary);
        Console.WriteLine(summary);

        // Nothing lost: the store and the pager both hold the new contents of every written page.
        await memory.ReadAsync(FileName, 0, raw);
        var cached = new byte[raw.Length];
        Assert.Equal(raw.Length, await file.ReadAsync(0, cached));
        for (long page = 0; page < totalPages; page++)
        {
            var expected = Image(page, 1, dirtyPages.Contains(page) ? 2 : 1);
            Assert.True(expected.AsSpan().SequenceEqual(raw.AsSpan((int)(page * PageSize), PageSize)), $"seed {seed}: page {page} is lost in the store");
            Assert.True(expected.AsSpan().SequenceEqual(cached.AsSpan((int)(page * PageSize), PageSize)), $"seed {seed}: page {page} reads wrong through the pager");
        }

        await file.DisposeAsync();
    }

    /// <summary>Pages [first, first + count) of a generation: every byte derived from (page, generation, position).</summary>
    private static byte[] Image(long first, long count, int generation)
    {
        var bytes = new byte[count * PageSize];
        for (var i = 0; i < bytes.Length; i++)
        {
            var page = first + (i / PageSize);
            bytes[i] = (byte)((page * 31) + (generation * 101) + (i % PageSize * 7) + 1);
        }

        return bytes;
    }
}

/// <summary>One recorded store write.</summary>
/// <param name="Offset">Where it started.</param>
/// <param name="Length">How many bytes it carried.</param>
/// <param name="Result">What the store answered.</param>
internal sealed record RecordedWrite(long Offset, int Length, StoreResult Result);

/// <summary>
/// A store that sends every call to a faulty store while <see cref="FaultsOn"/>, else to the
/// faulty store's inner store directly (FaultyStore's options are fixed, so this is how faults
/// stop), and records writes with their results while recording.
/// </summary>
internal sealed class FaultSwitch(FaultyStore faulty, IPageStore inner) : IPageStore
{
    private readonly Lock _lock = new();
    private List<RecordedWrite>? _recording;
    private volatile bool _faultsOn = true;

    public bool FaultsOn
    {
        get => _faultsOn;
        set => _faultsOn = value;
    }

    public string Kind => inner.Kind;

    private IPageStore Current => _faultsOn ? faulty : inner;

    public void StartRecording()
    {
        lock (_lock)
        {
            _recording = [];
        }
    }

    public List<RecordedWrite> TakeRecording()
    {
        lock (_lock)
        {
            var taken = _recording ?? [];
            _recording = null;
            return taken;
        }
    }

    public ValueTask<StoreResult> ReadAsync(string file, long offset, Memory<byte> destination, ReadOptions options = default, CancellationToken ct = default) =>
        Current.ReadAsync(file, offset, destination, options, ct);

    public async ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, CancellationToken ct = default)
    {
        var result = await Current.WriteAsync(file, offset, source, durability, ct).ConfigureAwait(false);
        lock (_lock)
        {
            _recording?.Add(new RecordedWrite(offset, source.Length, result));
        }

        return result;
    }

    public ValueTask<StoreResult> GetSizeAsync(string file, CancellationToken ct = default) => Current.GetSizeAsync(file, ct);

    public ValueTask<StoreResult> SetSizeAsync(string file, long size, CancellationToken ct = default) => Current.SetSizeAsync(file, size, ct);

    public ValueTask<StoreResult> FlushAsync(string file, CancellationToken ct = default) => Current.FlushAsync(file, ct);

    public ValueTask DisposeAsync() => faulty.DisposeAsync();
}
