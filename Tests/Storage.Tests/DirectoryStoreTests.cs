namespace ActorPager.Storage.Tests;

/// <summary>What only the directory store does: ordinary files, links refused, a bounded handle cache.</summary>
public sealed class DirectoryStoreTests : IDisposable
{
    /// <summary>Holds the root and a directory outside it.</summary>
    private readonly TempDirectory _temp = new();

    /// <summary>The store's root.</summary>
    private string RootPath => _temp.Combine("root");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Write_NestedName_IsAnOrdinaryFileUnderTheRoot()
    {
        await using var store = new DirectoryStore(RootPath);
        byte[] data = [1, 2, 3, 4];
        Assert.True((await store.WriteAsync("a/b/c.dat", 2, data, WriteDurability.Durable)).IsOk);
        Assert.Equal([0, 0, 1, 2, 3, 4], await File.ReadAllBytesAsync(Path.Combine(RootPath, "a", "b", "c.dat")));
    }

    [Fact]
    public async Task Write_ThroughSymbolicLinkToOutside_RefusedAndTouchesNothing()
    {
        string outside = _temp.Combine("outside");
        Directory.CreateDirectory(outside);
        Directory.CreateDirectory(RootPath);
        Directory.CreateSymbolicLink(Path.Combine(RootPath, "link"), outside);
        await using var store = new DirectoryStore(RootPath);

        StoreResult write = await store.WriteAsync("link/x", 0, new byte[] { 1 }, WriteDurability.Durable);
        StoreResult size = await store.SetSizeAsync("link/y", 10);
        StoreResult read = await store.ReadAsync("link/x", 0, new byte[1]);

        foreach (StoreResult result in new[] { write, size, read })
        {
            Assert.Equal(StoreErrorKind.InvalidName, result.Error?.Kind);
            Assert.Contains("symbolic link 'link'", result.Error!.Message, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.GetFileSystemEntries(outside));
    }

    [Fact]
    public async Task Read_SymbolicLinkToAFileInsideTheRoot_Refused()
    {
        Directory.CreateDirectory(RootPath);
        await File.WriteAllBytesAsync(Path.Combine(RootPath, "real"), [7]);
        File.CreateSymbolicLink(Path.Combine(RootPath, "alias"), Path.Combine(RootPath, "real"));
        await using var store = new DirectoryStore(RootPath);

        Assert.Equal(StoreErrorKind.InvalidName, (await store.ReadAsync("alias", 0, new byte[1])).Error?.Kind);
        Assert.Equal(1, (await store.GetSizeAsync("real")).Bytes);
    }

    [Fact]
    public async Task Write_UnderAPathThatIsAFile_AnswersIoError()
    {
        await using var store = new DirectoryStore(RootPath);
        Assert.True((await store.WriteAsync("plain", 0, new byte[] { 1 }, WriteDurability.Buffered)).IsOk);
        StoreResult result = await store.WriteAsync("plain/child", 0, new byte[] { 1 }, WriteDurability.Durable);
        Assert.Equal(StoreStatus.Error, result.Status);
        Assert.Equal(StoreErrorKind.Io, result.Error?.Kind);
        Assert.Contains("plain/child", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenFiles_MoreThanTheBound_CacheStaysBoundedAndDataLands()
    {
        await using var store = new DirectoryStore(RootPath, maxOpenFiles: 3);
        for (int i = 0; i < 10; i++)
        {
            Assert.True((await store.WriteAsync($"f{i}", 0, new[] { (byte)i }, WriteDurability.Buffered)).IsOk);
            Assert.InRange(store.OpenFileCount, 1, 3);
        }

        for (int i = 0; i < 10; i++)
        {
            // Evicted files still have unsynced data; flush reopens them.
            Assert.True((await store.FlushAsync($"f{i}")).IsOk);
            var buffer = new byte[1];
            Assert.Equal(1, (await store.ReadAsync($"f{i}", 0, buffer)).Bytes);
            Assert.Equal(i, buffer[0]);
        }

        Assert.InRange(store.OpenFileCount, 1, 3);
    }

    [Fact]
    public async Task Read_FileNeverWritten_CreatesNothing()
    {
        await using var store = new DirectoryStore(RootPath);
        Assert.Equal(0, (await store.ReadAsync("d/none", 0, new byte[4])).Bytes);
        Assert.Equal(0, (await store.GetSizeAsync("d/none")).Bytes);
        Assert.True((await store.FlushAsync("d/none")).IsOk);
        Assert.Empty(Directory.GetFileSystemEntries(RootPath));
    }

    [Fact]
    public async Task SetSize_Extend_LeavesASparseHole()
    {
        await using var store = new DirectoryStore(RootPath);
        Assert.True((await store.SetSizeAsync("sparse", 1 << 20)).IsOk);
        Assert.Equal(1 << 20, new FileInfo(Path.Combine(RootPath, "sparse")).Length);
        Assert.Equal(StoreStatus.Hole, (await store.ReadAsync("sparse", 4096, new byte[4096], ReadOptions.WithHoles)).Status);
    }
}
