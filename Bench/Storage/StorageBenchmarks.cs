using ActorPager.Actors;
using Akka.Actor;
using ActorPager.Storage;
using BenchmarkDotNet.Attributes;

namespace ActorPager.Bench.Storage;

/// <summary>
/// A 4 MiB file through the pager (clustered getpages and putpages) against the same bytes
/// through the store's own <see cref="IPageStore"/> API, for the directory and SQLite stores.
/// Reads: 64 KiB requests, the pager's pages dropped first. Writes: 1 MiB requests then one
/// durable flush (the pager: set size, writes, fsync).
/// </summary>
[MemoryDiagnoser]
public class StoreThroughPagerBenchmarks
{
    private const long FileBytes = 4L << 20;
    private const int ReadChunk = 64 << 10;
    private const int WriteChunk = 1 << 20;
    private readonly byte[] _buffer = new byte[ReadChunk];
    private readonly byte[] _data = new byte[WriteChunk];
    private string _root = null!;
    private IPageStore _store = null!;
    private ActorSystem _system = null!;
    private PagerSystem _pager = null!;
    private PagerFile _file = null!;
    private int _writes;

    /// <summary>The store.</summary>
    [Params("directory", "sqlite")]
    public string Kind { get; set; } = "directory";

    /// <summary>Makes the store, writes the file, starts the pager.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _root = BenchSupport.NewTempDirectory("bdn-store");
        new Random(3).NextBytes(_data);
        _store = Kind == "sqlite" ? new SqliteStore(Path.Combine(_root, "store.db")) : new DirectoryStore(_root);
        for (long at = 0; at < FileBytes; at += WriteChunk)
        {
            _store.WriteAsync("f", at, _data, WriteDurability.Buffered).AsTask().GetAwaiter().GetResult();
        }

        _store.FlushAsync("f").AsTask().GetAwaiter().GetResult();
        _system = BenchSystem.Create("bdn-store");
        _pager = PagerSystem.Start(_system, new PagerOptions { PhysicalMemory = 32L << 20 });
        _pager.Mount("s", _store);
        _file = _pager.OpenAsync("s", "f").GetAwaiter().GetResult();
    }

    /// <summary>Stops the pager and deletes the store.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _file.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _system.Terminate().GetAwaiter().GetResult();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        BenchSupport.DeleteDirectory(_root);
    }

    /// <summary>The peer: the store's ReadAsync of each 64 KiB.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("read")]
    public async Task ReadRaw()
    {
        for (long at = 0; at < FileBytes; at += ReadChunk)
        {
            await _store.ReadAsync("f", at, _buffer);
        }
    }

    /// <summary>The pager: drop the pages, then read each 64 KiB (clustered getpages).</summary>
    [Benchmark]
    [BenchmarkCategory("read")]
    public async Task ReadPager()
    {
        await _file.SyncAsync(invalidate: true);
        for (long at = 0; at < FileBytes; at += ReadChunk)
        {
            await _file.ReadAsync(at, _buffer);
        }
    }

    /// <summary>The peer: buffered 1 MiB writes to a new file, then one durable flush.</summary>
    [Benchmark]
    [BenchmarkCategory("write")]
    public async Task WriteRaw()
    {
        var name = $"raw{_writes++}";
        for (long at = 0; at < FileBytes; at += WriteChunk)
        {
            await _store.WriteAsync(name, at, _data, WriteDurability.Buffered);
        }

        await _store.FlushAsync(name);
    }

    /// <summary>The pager: set the size of a new file, 1 MiB writes, fsync (sync putpages, flush), then drop its pages.</summary>
    [Benchmark]
    [BenchmarkCategory("write")]
    public async Task WritePager()
    {
        await using var file = await _pager.OpenAsync("s", $"pager{_writes++}");
        await file.TruncateAsync(FileBytes);
        for (long at = 0; at < FileBytes; at += WriteChunk)
        {
            await file.WriteAsync(at, _data);
        }

        await file.SyncAsync();
        await file.SyncAsync(invalidate: true);
    }
}
