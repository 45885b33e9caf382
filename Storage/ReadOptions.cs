namespace ActorPager.Storage;

/// <summary>Options of a read.</summary>
/// <param name="ReportHoles">
/// Answer <see cref="StoreStatus.Hole"/> when the part of the range inside the file size was
/// never written. Stores report holes at their own granularity (a row, a file system block);
/// a store that cannot tell reads holes as written zeros.
/// </param>
public readonly record struct ReadOptions(bool ReportHoles = false)
{
    /// <summary>A read that reports holes.</summary>
    public static ReadOptions WithHoles => new(true);
}
