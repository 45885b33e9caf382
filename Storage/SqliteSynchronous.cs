namespace ActorPager.Storage;

/// <summary>The SQLite <c>synchronous</c> level of transactions that hold a durable write or a flush.</summary>
public enum SqliteSynchronous
{
    /// <summary>
    /// NORMAL: in WAL mode the commit is not fsynced; it survives a process kill but not a machine
    /// crash. Faster, and breaks the durable-write guarantee: choose it knowingly.
    /// </summary>
    Normal,

    /// <summary>FULL (the default): the WAL is fsynced at every durable commit.</summary>
    Full,

    /// <summary>EXTRA: FULL, plus the directory is synced when the journal is removed (rollback-journal modes).</summary>
    Extra,
}
