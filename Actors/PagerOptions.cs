using ActorPager.Messages;

namespace ActorPager.Actors;

/// <summary>
/// The VM settings (hocon: <c>actorpager.vm</c>). Defaults follow spec/pager-protocol.md choice 8:
/// 4 KiB pages, 512-byte blocks, clusters of at most 16 pages, read-behind 7 and read-ahead 8,
/// a sequential window of 16.
/// </summary>
public sealed record PagerOptions
{
    /// <summary>The defaults.</summary>
    public static PagerOptions Default { get; } = new();

    /// <summary>Page size in bytes (<c>page-size</c>): a multiple of 512, at most 4096 (8 blocks).</summary>
    public int PageSize { get; init; } = PageGeometry.DefaultPageSize;

    /// <summary>Bytes of physical memory for page frames (<c>physical-memory</c>).</summary>
    public long PhysicalMemory { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest cluster of one getpages or putpages, in pages (<c>cluster-max</c>, vm_pageout_page_count).</summary>
    public int ClusterMax { get; init; } = 16;

    /// <summary>Pages read behind a faulting page (<c>read-behind</c>).</summary>
    public int ReadBehind { get; init; } = 7;

    /// <summary>Pages read ahead of a faulting page (<c>read-ahead</c>).</summary>
    public int ReadAhead { get; init; } = 8;

    /// <summary>A fault within this many pages after the last one read is sequential (<c>sequential-window</c>).</summary>
    public int SequentialWindow { get; init; } = 16;

    /// <summary>
    /// Most pages one read-ahead asks for (<c>read-ahead-max</c>; vm_fault's read-ahead may go past
    /// a fault's cluster, up to MAXPHYS): a sequential reader's getpages then carry this many pages,
    /// so fewer round trips bring in the same bytes. At least 1.
    /// </summary>
    public int ReadAheadMax { get; init; } = 64;

    /// <summary>The page daemon keeps at least this many frames free (<c>free-target</c>); 0 means 5% of the frames.</summary>
    public int FreeTarget { get; init; }

    /// <summary>Below this many free frames, putpages are forced synchronous (<c>free-min</c>, rule 28); 0 means 1% of the frames.</summary>
    public int FreeMin { get; init; }

    /// <summary>Dirty pages older than this are written back by the page daemon (<c>dirty-age</c>).</summary>
    public TimeSpan DirtyAge { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the page daemon looks (<c>daemon-interval</c>).</summary>
    public TimeSpan DaemonInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Vnodes a mount keeps before recycling idle ones (<c>max-vnodes</c>).</summary>
    public int MaxVnodes { get; init; } = 10_000;

    /// <summary>
    /// Whether clients read mapped resident pages without a message (<c>mapped-reads</c>, the
    /// pmap; docs/pager.md): on by default. Off, every read is a message to the VM object.
    /// </summary>
    public bool MappedReads { get; init; } = true;

    /// <summary>Number of frames the physical memory holds.</summary>
    public int FrameCount => (int)Math.Min(int.MaxValue, PhysicalMemory / PageSize);

    /// <summary>The effective free target.</summary>
    public int EffectiveFreeTarget => FreeTarget > 0 ? FreeTarget : Math.Max(1, FrameCount / 20);

    /// <summary>The effective free minimum.</summary>
    public int EffectiveFreeMin => FreeMin > 0 ? FreeMin : Math.Max(1, FrameCount / 100);

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (PageSize < PageGeometry.BlockSize || PageSize % PageGeometry.BlockSize != 0 || PageSize > PageGeometry.BlockSize * PageGeometry.MaxBlocksPerPage)
        {
            throw new ArgumentException($"actorpager.vm.page-size: expected a multiple of 512 up to 4096, got {PageSize}");
        }

        if (PhysicalMemory < PageSize * 4L)
        {
            throw new ArgumentException($"actorpager.vm.physical-memory: expected at least 4 pages ({PageSize * 4L} bytes), got {PhysicalMemory}");
        }

        if (ClusterMax < 1 || ReadBehind < 0 || ReadAhead < 0 || SequentialWindow < 0)
        {
            throw new ArgumentException("actorpager.vm: cluster-max must be at least 1 and read-behind, read-ahead and sequential-window not negative");
        }

        if (ReadAheadMax < 1)
        {
            throw new ArgumentException($"actorpager.vm.read-ahead-max: expected at least 1 page, got {ReadAheadMax}");
        }
    }
}
