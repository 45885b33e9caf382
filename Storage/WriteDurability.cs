namespace ActorPager.Storage;

/// <summary>When a write may complete.</summary>
public enum WriteDurability
{
    /// <summary>
    /// The write may complete before it is durable (an async putpages). It survives a crash only
    /// after a later <see cref="IPageStore.FlushAsync"/> or durable write of the same file.
    /// </summary>
    Buffered,

    /// <summary>
    /// The write completes only after its data survives a process kill and a machine crash (a sync
    /// putpages): fsync, a SQLite commit with synchronous=FULL, a PostgreSQL commit.
    /// </summary>
    Durable,
}
