namespace ActorPager.Storage;

/// <summary>Why a store operation failed.</summary>
/// <param name="Kind">The kind of failure.</param>
/// <param name="Message">A message naming what was wrong, for logs and replies.</param>
/// <param name="IsTransient">True when trying again later may succeed (a lost connection, an injected transient fault).</param>
public sealed record StoreError(StoreErrorKind Kind, string Message, bool IsTransient)
{
    /// <summary>The error every operation answers once its store is disposed.</summary>
    public static StoreError Disposed { get; } = new(StoreErrorKind.Disposed, "the store has been disposed", false);

    /// <summary>An <see cref="StoreErrorKind.InvalidArgument"/> error with the given message.</summary>
    /// <param name="message">What was wrong.</param>
    /// <returns>The error.</returns>
    public static StoreError InvalidArgument(string message) => new(StoreErrorKind.InvalidArgument, message, false);

    /// <summary>
    /// A <see cref="StoreErrorKind.Fenced"/> error: an operation of an older generation than the
    /// file's fence, e.g. "'a/b.txt': write of generation 3 refused: the file is fenced at
    /// generation 4 (a newer owner)".
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="operation">What was refused: "write", "set size" or "fence".</param>
    /// <param name="generation">The caller's generation.</param>
    /// <param name="fence">The generation the file is fenced at.</param>
    /// <returns>The error.</returns>
    internal static StoreError Fenced(string file, string operation, long generation, long fence) =>
        new(StoreErrorKind.Fenced, $"'{file}': {operation} of generation {generation} refused: the file is fenced at generation {fence} (a newer owner)", false);

    /// <summary>An <see cref="StoreErrorKind.Io"/> error from an exception, transient or not.</summary>
    /// <param name="operation">What the store was doing, e.g. "write 'a/b'".</param>
    /// <param name="exception">The exception the infrastructure threw.</param>
    /// <param name="isTransient">Whether trying again may succeed.</param>
    /// <returns>The error.</returns>
    public static StoreError FromException(string operation, Exception exception, bool isTransient = false)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new(StoreErrorKind.Io, $"{operation} failed: {exception.GetType().Name}: {exception.Message}", isTransient);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Kind}{(IsTransient ? " (transient)" : "")}: {Message}";
}
