namespace ActorPager.Storage;

/// <summary>The outcome of a store operation.</summary>
public enum StoreStatus
{
    /// <summary>The operation succeeded.</summary>
    Ok,

    /// <summary>
    /// A read with <see cref="ReadOptions.ReportHoles"/> found that its range was never written;
    /// the destination holds zeros. The pager may answer FAIL for it (choice 6).
    /// </summary>
    Hole,

    /// <summary>The operation failed; <see cref="StoreResult.Error"/> says why.</summary>
    Error,
}
