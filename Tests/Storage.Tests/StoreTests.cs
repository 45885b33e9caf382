namespace ActorPager.Storage.Tests;

/// <summary>
/// A test class around one store: opened before each test, disposed and cleaned up after it. The
/// contract classes (<see cref="PageStoreContractTests"/>, <see cref="GroupCommitContractTests"/>)
/// derive from it, and their derived classes say how to open each store.
/// </summary>
/// <typeparam name="TStore">What the tests need of the store.</typeparam>
public abstract class StoreTests<TStore> : IAsyncLifetime
    where TStore : IPageStore
{
    /// <summary>The store under test, opened by <see cref="InitializeAsync"/>; a test that reopens it sets it again.</summary>
    protected TStore Store { get; set; } = default!;

    /// <summary>Opens a store at this test's location; a second call after disposing reopens the same data.</summary>
    protected abstract ValueTask<TStore> OpenAsync();

    /// <summary>Removes what the test left behind (a directory, a database).</summary>
    protected virtual ValueTask CleanupAsync() => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public async Task InitializeAsync() => Store = await OpenAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await CleanupAsync();
    }
}
