using ActorPager.Messages;
using Akka.Actor;

namespace ActorPager.Actors.Vm;

/// <summary>
/// The frame pool: physical memory carved from a few large buffers into fixed page frames, and a
/// compact <see cref="PageMeta"/> per frame. Frames are handed to VM objects and returned when
/// pages are freed; page data is read into and written from the frames in place.
/// </summary>
/// <remarks>
/// Allocation and freeing take a short lock (many objects share the pool); everything else about
/// a frame belongs to the object that holds it. When the pool runs dry, objects register as
/// waiters and are told <see cref="VmObjectProtocol.FramesAvailable"/> once frames come back.
/// </remarks>
public sealed class PhysicalMemory
{
    /// <summary>Frames per slab: slabs stay well under the large-object heap's 2 GiB array limit.</summary>
    private const int SlabBytes = 64 * 1024 * 1024;

    private readonly byte[][] _slabs;
    private readonly int _framesPerSlab;
    private readonly PageMeta[] _meta;

    /// <summary>Per frame: how many times it was unmapped. A mapping names the generation it was made at (<see cref="PageMap"/>).</summary>
    private readonly long[] _mapGeneration;

    /// <summary>Per frame: read through a mapping since the page daemon last looked (the pmap's referenced bit).</summary>
    private readonly byte[] _referenced;
    private readonly int[] _free;
    private readonly Lock _lock = new();
    private readonly List<IActorRef> _waiters = [];

    /// <summary>Each live VM object's pmap, by the object, for the files opened on it.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<IActorRef, PageMap> _maps = new();
    private int _freeCount;

    /// <summary>Makes the pool.</summary>
    /// <param name="pageSize">Bytes per frame.</param>
    /// <param name="frameCount">Number of frames.</param>
    public PhysicalMemory(int pageSize, int frameCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, PageGeometry.BlockSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameCount, 1);
        PageSize = pageSize;
        FrameCount = frameCount;
        _framesPerSlab = Math.Max(1, SlabBytes / pageSize);
        var slabCount = (frameCount + _framesPerSlab - 1) / _framesPerSlab;
        _slabs = new byte[slabCount][];
        for (var i = 0; i < slabCount; i++)
        {
            var frames = Math.Min(_framesPerSlab, frameCount - (i * _framesPerSlab));
            _slabs[i] = GC.AllocateUninitializedArray<byte>(frames * pageSize, pinned: true);
        }

        _meta = new PageMeta[frameCount];
        _mapGeneration = new long[frameCount];
        _referenced = new byte[frameCount];
        _free = new int[frameCount];

        // Hand out low frame numbers first: the free list is a stack.
        for (var i = 0; i < frameCount; i++)
        {
            _free[i] = frameCount - 1 - i;
        }

        _freeCount = frameCount;
    }

    /// <summary>The pager's event counters (vm_cnt lives beside the page array in the kernel too).</summary>
    public PagerMetrics Metrics { get; } = new();

    /// <summary>The pager's gauges (dirty, busy, pip, queues, objects), kept as running sums by the VM objects.</summary>
    public PagerGauges Gauges { get; } = new();

    /// <summary>Bytes per frame.</summary>
    public int PageSize { get; }

    /// <summary>Number of frames.</summary>
    public int FrameCount { get; }

    /// <summary>Frames free now.</summary>
    public int FreeCount => Volatile.Read(ref _freeCount);

    /// <summary>The page daemon, told when an allocation fails.</summary>
    internal IActorRef? Daemon { get; set; }

    /// <summary>The metadata of <paramref name="frame"/>, by reference.</summary>
    internal ref PageMeta Meta(int frame) => ref _meta[frame];

    /// <summary>The bytes of <paramref name="frame"/>.</summary>
    public Memory<byte> Frame(int frame)
    {
        var slab = frame / _framesPerSlab;
        return new Memory<byte>(_slabs[slab], (frame - (slab * _framesPerSlab)) * PageSize, PageSize);
    }

    /// <summary>The bytes of <paramref name="frame"/> as a span.</summary>
    public Span<byte> FrameSpan(int frame)
    {
        var slab = frame / _framesPerSlab;
        return new Span<byte>(_slabs[slab], (frame - (slab * _framesPerSlab)) * PageSize, PageSize);
    }

    /// <summary>The frame's map generation, by reference: bumped by every unmap, read by mapped readers.</summary>
    internal ref long MapGeneration(int frame) => ref _mapGeneration[frame];

    /// <summary>Notes a read through a mapping (sets the referenced bit unless it is set: no store to a shared line on every read).</summary>
    internal void Reference(int frame)
    {
        if (Volatile.Read(ref _referenced[frame]) == 0)
        {
            Volatile.Write(ref _referenced[frame], 1);
        }
    }

    /// <summary>pmap_ts_referenced: whether the frame was read through a mapping since the last call, clearing the bit.</summary>
    internal bool TestAndClearReferenced(int frame)
    {
        if (Volatile.Read(ref _referenced[frame]) == 0)
        {
            return false;
        }

        Volatile.Write(ref _referenced[frame], 0);
        return true;
    }

    /// <summary>Records <paramref name="map"/> as the pmap of <paramref name="vmObject"/> (by the vnode that made it).</summary>
    internal void RegisterMap(IActorRef vmObject, PageMap map) => _maps[vmObject] = map;

    /// <summary>Forgets the pmap of a stopped object.</summary>
    internal void ForgetMap(IActorRef vmObject) => _maps.TryRemove(vmObject, out _);

    /// <summary>The pmap of <paramref name="vmObject"/>, or null (mapped reads off, or the object gone).</summary>
    internal PageMap? MapOf(IActorRef vmObject) => _maps.TryGetValue(vmObject, out var map) ? map : null;

    /// <summary>Takes a free frame, with its metadata reset; false when none is free.</summary>
    internal bool TryAllocate(long pindex, out int frame)
    {
        lock (_lock)
        {
            if (_freeCount == 0)
            {
                frame = -1;
                return false;
            }

            frame = _free[--_freeCount];
        }

        _meta[frame] = new PageMeta { PIndex = pindex, Prev = -1, Next = -1 };
        _referenced[frame] = 0;
        return true;
    }

    /// <summary>Returns a frame; wakes the objects waiting for one.</summary>
    internal void Free(int frame)
    {
        IActorRef[]? wake = null;
        lock (_lock)
        {
            _free[_freeCount++] = frame;
            if (_waiters.Count > 0)
            {
                wake = [.. _waiters];
                _waiters.Clear();
            }
        }

        if (wake is not null)
        {
            foreach (var w in wake)
            {
                w.Tell(VmObjectProtocol.FramesAvailable.Instance);
            }
        }
    }

    /// <summary>Registers <paramref name="waiter"/> to be told when a frame is freed, unless one is free already (then false).</summary>
    internal bool WaitForFrames(IActorRef waiter)
    {
        lock (_lock)
        {
            if (_freeCount > 0)
            {
                return false;
            }

            if (!_waiters.Contains(waiter))
            {
                _waiters.Add(waiter);
            }
        }

        Daemon?.Tell(PageDaemon.Shortage.Instance);
        return true;
    }

    /// <summary>Bytes of metadata kept per frame (the <see cref="PageMeta"/> entry).</summary>
    public static int MetadataBytesPerFrame => System.Runtime.CompilerServices.Unsafe.SizeOf<PageMeta>();
}
