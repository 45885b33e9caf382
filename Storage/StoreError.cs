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
