using ActorPager.Actors;
using Akka.Actor;
using ActorPager.Storage;
using BenchmarkDotNet.Attributes;

namespace ActorPager.Bench.Pager;

/// <summary>
/// 256 random 4 KiB reads of resident pages: the pager (an Ask to the VM object, the hit path)
/// against the lock-based page cache, same store, same pages. Small sizes for <c>--job short</c>.
/// </summary>
[MemoryDiagnoser]
public class PagerResidentReadBenchmarks
{
    private const int PageSize = 4096;
    private const long FileBytes = 1L << 20;
    private readonly byte[] _buffer = new byte[PageSize];
    private string _root = null!;
    private DirectoryStore _store = null!;
    private ActorSystem _system = null!;
    private PagerFile _file = null!;
    private LockPageCache _peer = null!;

    /// <summary>Writes the file and makes it resident in both caches.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _root = BenchSupport.NewTempDirectory("bdn-pager");
        BenchSupport.WriteFile(Path.Combine(_root, "f"), FileBytes, 1);
        _store = new DirectoryStore(_root);
        _system = BenchSystem.Create("bdn-pager");
        var pager = PagerSystem.Start(_system, new PagerOptions { PhysicalMemory = 8L << 20 });
        pager.Mount("d", _store);
        _file = pager.OpenAsync("d", "f").GetAwaiter().GetResult();
        _peer = new LockPageCache(_store, "f", FileBytes, PageSize);
        var chunk = new byte[64 << 10];
        for (long at = 0; at < FileBytes; at += chunk.Length)
        {
            _file.ReadAsync(at, chunk).GetAwaiter().GetResult();
            _peer.ReadAsync(at, chunk).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Stops the pager and deletes the files.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _file.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _system.Terminate().GetAwaiter().GetResult();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        BenchSupport.DeleteDirectory(_root);
    }

    /// <summary>The peer: ConcurrentDictionary lookup, per-page lock, copy.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = 256)]
    public async Task LockCache()
    {
        var state = 42UL;
        for (var i = 0; i < 256; i++)
        {
            await _peer.ReadAsync((long)(BenchSupport.Next(ref state) % 256) * PageSize, _buffer);
        }
    }

    /// <summary>The pager: PagerFile.ReadAsync of one resident page.</summary>
    [Benchmark(OperationsPerInvoke = 256)]
    public async Task Pager()
    {
        var state = 42UL;
        for (var i = 0; i < 256; i++)
        {
            await _file.ReadAsync((long)(BenchSupport.Next(ref state) % 256) * PageSize, _buffer);
        }
    }
}

/// <summary>
/// A cold sequential read of a 4 MiB file in 64 KiB requests: the pager (invalidate, then clustered
/// getpages) against pread of the same file. The pager's figure includes the invalidate of the
/// previous iteration's clean pages.
/// </summary>
[MemoryDiagnoser]
public class PagerColdReadBenchmarks
{
    private const long FileBytes = 4L << 20;
    private const int Chunk = 64 << 10;
    private readonly byte[] _buffer = new byte[Chunk];
    private string _root = null!;
    private DirectoryStore _store = null!;
    private ActorSystem _system = null!;
    private PagerFile _file = null!;
    private Microsoft.Win32.SafeHandles.SafeFileHandle _handle = null!;

    /// <summary>Writes the file and opens it both ways.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _root = BenchSupport.NewTempDirectory("bdn-cold");
        BenchSupport.WriteFile(Path.Combine(_root, "f"), FileBytes, 2);
        _store = new DirectoryStore(_root);
        _system = BenchSystem.Create("bdn-cold");
        var pager = PagerSystem.Start(_system, new PagerOptions { PhysicalMemory = 16L << 20 });
        pager.Mount("d", _store);
        _file = pager.OpenAsync("d", "f").GetAwaiter().GetResult();
        _handle = File.OpenHandle(Path.Combine(_root, "f"), FileMode.Open, FileAccess.Read);
    }

    /// <summary>Stops the pager and deletes the files.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _handle.Dispose();
        _file.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _system.Terminate().GetAwaiter().GetResult();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        BenchSupport.DeleteDirectory(_root);
    }

    /// <summary>The peer: RandomAccess.ReadAsync of each 64 KiB.</summary>
    [Benchmark(Baseline = true)]
    public async Task Raw()
    {
        for (long at = 0; at < FileBytes; at += Chunk)
        {
            await RandomAccess.ReadAsync(_handle, _buffer, at);
        }
    }

    /// <summary>The pager: drop the pages, then PagerFile.ReadAsync of each 64 KiB.</summary>
    [Benchmark]
    public async Task Pager()
    {
        await _file.SyncAsync(invalidate: true);
        for (long at = 0; at < FileBytes; at += Chunk)
        {
            await _file.ReadAsync(at, _buffer);
        }
    }
}
