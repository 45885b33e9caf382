namespace ActorPager.Storage;

/// <summary>
/// The result of a store operation: a small value, not an exception (STYLE habit 6).
/// </summary>
/// <param name="Status">Ok, Hole or Error.</param>
/// <param name="Bytes">Read: bytes inside the file size. Write: bytes written. Size: the size. Otherwise 0.</param>
/// <param name="Error">Set exactly when <paramref name="Status"/> is <see cref="StoreStatus.Error"/>.</param>
public readonly record struct StoreResult(StoreStatus Status, long Bytes, StoreError? Error)
{
    /// <summary>True when the status is <see cref="StoreStatus.Ok"/>.</summary>
    public bool IsOk => Status == StoreStatus.Ok;

    /// <summary>A successful result.</summary>
    /// <param name="bytes">The byte count the operation reports.</param>
    /// <returns>The result.</returns>
    public static StoreResult Ok(long bytes = 0) => new(StoreStatus.Ok, bytes, null);

    /// <summary>A read that found a hole.</summary>
    /// <param name="bytes">Bytes of the range inside the file size (all zeros).</param>
    /// <returns>The result.</returns>
    public static StoreResult Hole(long bytes) => new(StoreStatus.Hole, bytes, null);

    /// <summary>A failed operation.</summary>
    /// <param name="error">Why it failed.</param>
    /// <param name="bytes">Bytes that were done before it failed (a short write), usually 0.</param>
    /// <returns>The result.</returns>
    public static StoreResult Failed(StoreError error, long bytes = 0)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(StoreStatus.Error, bytes, error);
    }

    /// <inheritdoc/>
    public override string ToString() => Error is null ? $"{Status} ({Bytes} bytes)" : $"{Status} ({Bytes} bytes): {Error}";
}
