namespace ActorPager.Storage;

/// <summary>Creates the store the configuration names, and views of a store for one owner.</summary>
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

    /// <summary>
    /// A view of <paramref name="store"/> for the owner of <paramref name="generation"/>: its
    /// writes, vectored writes and size changes carry the generation (and are refused with
    /// <see cref="StoreErrorKind.Fenced"/> once the file is fenced higher); reads, sizes and
    /// flushes pass through. Its <see cref="IPageStore.Kind"/> is the store's.
    /// </summary>
    /// <param name="store">A store that fences (<see cref="IFencedPageStore"/>); it stays the caller's to dispose.</param>
    /// <param name="generation">The owner's generation, at least 1.</param>
    /// <returns>The view, with its <see cref="FencedStoreView.Generation"/> and <see cref="FencedStoreView.Inner"/>.</returns>
    /// <exception cref="ArgumentException">The store does not fence (named by its kind), or it is a <see cref="FaultyStore"/> over one that does not.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The generation is below 1.</exception>
    public static FencedStoreView Fenced(IPageStore store, long generation)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(generation, 1);
        if (store is not IFencedPageStore fenced)
        {
            throw new ArgumentException($"a store of kind '{store.Kind}' ({store.GetType().Name}) does not fence writes (it is not an IFencedPageStore), so it has no fenced view", nameof(store));
        }

        if (store is FaultyStore { Inner: not IFencedPageStore } faulty)
        {
            throw new ArgumentException($"the FaultyStore wraps a store of kind '{faulty.Inner.Kind}' ({faulty.Inner.GetType().Name}) that does not fence writes (it is not an IFencedPageStore), so it has no fenced view", nameof(store));
        }

        return new FencedStoreView(fenced, generation);
    }
}
