using ActorPager.Storage;

namespace ActorPager.Actors.Tests.Support;

/// <summary>A memory store whose reads and writes a test may answer itself (an error, a short write).</summary>
internal sealed class ScriptedStore : IPageStore
{
    private readonly MemoryStore _inner = new();

    public string Kind => "scripted";

    /// <summary>Answers a write instead of the store when it returns a result (the write is then not done, or done only for the bytes it reports).</summary>
    public Func<long, int, StoreResult?>? OnWrite { get; set; }

    /// <summary>Answers a read instead of the store when it returns a result.</summary>
    public Func<long, int, StoreResult?>? OnRead { get; set; }

    /// <summary>Answers a size query instead of the store when it returns a result (the file's name is passed).</summary>
    public Func<string, StoreResult?>? OnGetSize { get; set; }

    public int Reads { get; private set; }

    public int Writes { get; private set; }

    public ValueTask<StoreResult> ReadAsync(string file, long offset, Memory<byte> destination, ReadOptions options = default, CancellationToken ct = default)
    {
        Reads++;
        return OnRead?.Invoke(offset, destination.Length) is { } r ? new(r) : _inner.ReadAsync(file, offset, destination, options, ct);
    }

    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, CancellationToken ct = default)
    {
        Writes++;
        if (OnWrite?.Invoke(offset, source.Length) is { } r)
        {
            // A short write puts its prefix in the store.
            if (r.Bytes > 0)
            {
                _ = _inner.WriteAsync(file, offset, source[..(int)r.Bytes], durability, ct);
            }

            return new(r);
        }

        return _inner.WriteAsync(file, offset, source, durability, ct);
    }

    public ValueTask<StoreResult> GetSizeAsync(string file, CancellationToken ct = default) =>
        OnGetSize?.Invoke(file) is { } r ? new(r) : _inner.GetSizeAsync(file, ct);

    public ValueTask<StoreResult> SetSizeAsync(string file, long size, CancellationToken ct = default) => _inner.SetSizeAsync(file, size, ct);

    public ValueTask<StoreResult> FlushAsync(string file, CancellationToken ct = default) => _inner.FlushAsync(file, ct);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    public static StoreResult IoError(string what, long bytes = 0) => StoreResult.Failed(new StoreError(StoreErrorKind.Io, what, false), bytes);
}
