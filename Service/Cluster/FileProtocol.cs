namespace ActorPager.Service.Cluster;

/// <summary>
/// The messages of a file entity (<see cref="FileEntity"/>): what the HTTP API asks of a file,
/// on whichever node owns it. They cross the network in a cluster, so they carry bytes, never
/// actor-local buffers, and <see cref="FileProtocolSerializer"/> writes them in binary.
/// </summary>
internal static class FileProtocol
{
    /// <summary>A request to the entity of one file; <see cref="Path"/> is the entity's id.</summary>
    internal interface ICommand
    {
        /// <summary>The file's path on the service's mount.</summary>
        string Path { get; }
    }

    /// <summary>Reads <paramref name="Length"/> bytes at <paramref name="Offset"/> (fewer at EOF). Answered with <see cref="Data"/>.</summary>
    internal sealed record Read(string Path, long Offset, int Length) : ICommand;

    /// <summary>Writes <paramref name="Bytes"/> at <paramref name="Offset"/>; with <paramref name="Sync"/>, durable before the answer. Answered with <see cref="Written"/>.</summary>
    internal sealed record Write(string Path, long Offset, byte[] Bytes, bool Sync) : ICommand;

    /// <summary>Writes back every dirty page of the file and flushes the store. Answered with <see cref="Synced"/>.</summary>
    internal sealed record Sync(string Path) : ICommand;

    /// <summary>Sets the file's size. Answered with <see cref="Truncated"/>.</summary>
    internal sealed record Truncate(string Path, long Size) : ICommand;

    /// <summary>The file's size and page counts. Answered with <see cref="Stat"/>.</summary>
    internal sealed record GetStat(string Path) : ICommand;

    /// <summary>The states of <paramref name="Count"/> pages from <paramref name="First"/>. Answered with <see cref="Pages"/>.</summary>
    internal sealed record GetPages(string Path, long First, int Count) : ICommand;

    /// <summary>The bytes read (the array may be longer than <paramref name="Length"/>).</summary>
    internal sealed record Data(byte[] Bytes, int Length);

    /// <summary>A write's answer.</summary>
    internal sealed record Written(int Bytes, bool Durable);

    /// <summary>A sync's answer.</summary>
    internal sealed record Synced(bool Ok, int PagesWritten, string? Error);

    /// <summary>A truncate's answer.</summary>
    internal sealed record Truncated(long Size);

    /// <summary>A stat's answer, with the node that owns the file and its ownership generation.</summary>
    internal sealed record Stat(long SizeBytes, long SizePages, int Resident, int Dirty, int Busy, int Pip, int RefCount, int Active, int Inactive, int Laundry, string Owner, long Generation);

    /// <summary>One page's state in a <see cref="Pages"/> answer.</summary>
    internal sealed record PageEntry(long PIndex, bool Resident, byte Valid, byte Dirty, string Busy, string Queue, bool Mapped);

    /// <summary>A page-states answer.</summary>
    internal sealed record Pages(PageEntry[] Entries);

    /// <summary>Why a request failed, which decides the HTTP status.</summary>
    internal enum FailureKind
    {
        /// <summary>The file cannot be served by this entity now (starting, handing off, fenced by a newer owner): retry, 503.</summary>
        Unavailable = 1,

        /// <summary>The file's VM object failed under the request and dirty pages were lost: 500 naming the file.</summary>
        ObjectFailed = 2,

        /// <summary>The pager or the store refused or failed the request: 500.</summary>
        Error = 3,
    }

    /// <summary>A request that failed, and why.</summary>
    internal sealed record Failed(FailureKind Kind, string Message);

    /// <summary>
    /// The message a shard region (or the local router) sends an entity to stop it: it syncs its
    /// file, gives up its pages and stops. Never sent by clients.
    /// </summary>
    internal sealed record HandOff
    {
        /// <summary>The single instance.</summary>
        public static HandOff Instance { get; } = new();
    }
}
