namespace ActorPager.Storage;

/// <summary>
/// Which store to use and how to set it up; bound from <c>actorpager.storage</c> in HOCON
/// (see hocon/storage.conf.fragment) and passed to <see cref="PageStores.Create"/>.
/// </summary>
public sealed record StoreOptions
{
    /// <summary>"directory" (the default), "sqlite", "postgres", "memory" or "simulated".</summary>
    public string Kind { get; init; } = "directory";

    /// <summary>Directory store: the root directory.</summary>
    public string Directory { get; init; } = "./data";

    /// <summary>Directory store: the most files kept open at once.</summary>
    public int MaxOpenFiles { get; init; } = DirectoryStore.DefaultMaxOpenFiles;

    /// <summary>SQLite store: the database file.</summary>
    public string SqlitePath { get; init; } = "./data/actorpager.db";

    /// <summary>SQLite store: the synchronous level of durable commits.</summary>
    public SqliteSynchronous SqliteSynchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>PostgreSQL store: the Npgsql connection string (pooling settings included).</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>PostgreSQL store: the schema holding the tables (a lowercase identifier).</summary>
    public string PostgresSchema { get; init; } = "actorpager";

    /// <summary>Database stores: the bytes of file data per row (the pager's page size).</summary>
    public int RowSize { get; init; } = 4096;

    /// <summary>Database stores: how long a transaction holding a durable change waits for more changes to share its commit.</summary>
    public TimeSpan GroupCommitWindow { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Database stores: the most changes one transaction carries.</summary>
    public int GroupCommitMaxBatch { get; init; } = 256;

    /// <summary>PostgreSQL store: how many times an operation is retried after a transient error before it answers Error.</summary>
    public int RetryLimit { get; init; } = 3;

    /// <summary>PostgreSQL store: the pause before the first retry; each further retry doubles it.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(50);
}
