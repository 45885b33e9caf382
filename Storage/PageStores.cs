namespace ActorPager.Storage;

/// <summary>Creates the store the configuration names.</summary>
public static class PageStores
{
    /// <summary>The kinds <see cref="Create"/> knows.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["directory", "sqlite", "postgres", "memory", "simulated"];

    /// <summary>Creates a store from options.</summary>
    /// <param name="options">Which store and its settings.</param>
    /// <returns>The store; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The kind is unknown, or a setting it needs is missing.</exception>
    public static IPageStore Create(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind.Trim().ToLowerInvariant() switch
        {
            "directory" => new DirectoryStore(options.Directory, options.MaxOpenFiles),
            "sqlite" => new SqliteStore(options.SqlitePath, options.RowSize, options.SqliteSynchronous, options.GroupCommitWindow, options.GroupCommitMaxBatch),
            "postgres" => new PostgresStore(
                string.IsNullOrWhiteSpace(options.PostgresConnectionString)
                    ? throw new ArgumentException("storage kind 'postgres' needs a connection string (actorpager.storage.postgres.connection-string)", nameof(options))
                    : options.PostgresConnectionString,
                options.PostgresSchema,
                options.RowSize,
                options.GroupCommitWindow,
                options.GroupCommitMaxBatch,
                options.RetryLimit,
                options.RetryBackoff),
            "memory" => new MemoryStore(),
            "simulated" => new SimulatedStore(),
            _ => throw new ArgumentException($"unknown storage kind '{options.Kind}'; expected one of: {string.Join(", ", Kinds)}", nameof(options)),
        };
    }
}
