namespace ActorPager.Storage;

/// <summary>What kind of failure a <see cref="StoreError"/> reports.</summary>
public enum StoreErrorKind
{
    /// <summary>The file name breaks the rules of <see cref="FileNames"/>; nothing was touched.</summary>
    InvalidName,

    /// <summary>An offset, size or length is out of range; nothing was touched.</summary>
    InvalidArgument,

    /// <summary>The operating system or database reported an I/O failure.</summary>
    Io,

    /// <summary>The store could not be reached (database down, retries exhausted).</summary>
    Unavailable,

    /// <summary>The store's contents contradict its own format (for example another page size).</summary>
    Corrupt,

    /// <summary>A fault injected by <see cref="FaultyStore"/> or <see cref="SimulatedStore"/>.</summary>
    Injected,

    /// <summary>The store was disposed before the operation ran.</summary>
    Disposed,

    /// <summary>
    /// A write, size change or fence carried an ownership generation older than the one the file is
    /// fenced at (<see cref="IFencedPageStore"/>): a newer owner has the file, so nothing was
    /// changed. Never transient: retrying with the same generation is refused again.
    /// </summary>
    Fenced,
}
