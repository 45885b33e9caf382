namespace ActorPager.Storage.Internal;

/// <summary>Argument checks shared by every store: bad input becomes a result that touches nothing.</summary>
internal static class Checks
{
    /// <summary>The largest offset or size a store accepts (2^62), so offset + length never overflows.</summary>
    public const long MaxFileSize = 1L << 62;

    /// <summary>Checks a name and a byte range.</summary>
    public static StoreError? Range(string file, long offset, int length)
    {
        StoreError? error = FileNames.Check(file);
        if (error is not null)
        {
            return error;
        }

        if (offset < 0)
        {
            return StoreError.InvalidArgument($"offset {offset} into '{file}' is negative");
        }

        if (offset > MaxFileSize - length)
        {
            return StoreError.InvalidArgument($"range at offset {offset} of {length} bytes into '{file}' ends past the largest file size {MaxFileSize}");
        }

        return null;
    }

    /// <summary>Checks a name and a new size.</summary>
    public static StoreError? Size(string file, long size)
    {
        StoreError? error = FileNames.Check(file);
        if (error is not null)
        {
            return error;
        }

        if (size < 0)
        {
            return StoreError.InvalidArgument($"size {size} for '{file}' is negative");
        }

        if (size > MaxFileSize)
        {
            return StoreError.InvalidArgument($"size {size} for '{file}' is larger than the largest file size {MaxFileSize}");
        }

        return null;
    }

    /// <summary>Checks an ownership generation (<see cref="IFencedPageStore"/>): 0 means "never fenced", so a caller's generation starts at 1.</summary>
    public static StoreError? Generation(string file, long generation) =>
        generation < 1
            ? StoreError.InvalidArgument($"generation {generation} for '{file}' is not positive; generations start at 1 (0 means never fenced)")
            : null;

    /// <summary>Bytes of the range [offset, offset + length) that lie inside a file of the given size.</summary>
    public static long Inside(long offset, int length, long size) => Math.Clamp(size - offset, 0, length);
}
