namespace ActorPager.Storage.Internal;

/// <summary>What a queued change does.</summary>
internal enum PendingWriteKind
{
    /// <summary>Write bytes at an offset, extending the file.</summary>
    Write,

    /// <summary>Set the file's size.</summary>
    SetSize,

    /// <summary>Make everything committed so far durable.</summary>
    Flush,
}

/// <summary>
/// A change queued for the group committer. Its task completes, on the thread pool, only after
/// the transaction holding it commits (or fails).
/// </summary>
internal sealed class PendingWrite : StoreCompletion
{
    /// <summary>Creates a queued change.</summary>
    public PendingWrite(PendingWriteKind kind, string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability)
        : base(runContinuationsAsynchronously: true)
    {
        Kind = kind;
        File = file;
        Offset = offset;
        Source = source;
        Durability = durability;
    }

    /// <summary>What the change does.</summary>
    public PendingWriteKind Kind { get; }

    /// <summary>The file it changes.</summary>
    public string File { get; }

    /// <summary>Write: the offset. SetSize: the new size.</summary>
    public long Offset { get; }

    /// <summary>Write: the bytes, owned by the caller until the task completes.</summary>
    public ReadOnlyMemory<byte> Source { get; }

    /// <summary>Write: when it may complete.</summary>
    public WriteDurability Durability { get; }

    /// <summary>Whether the transaction holding this change must be durable when it commits.</summary>
    public bool NeedsDurableCommit => Kind == PendingWriteKind.Flush || (Kind == PendingWriteKind.Write && Durability == WriteDurability.Durable);

    /// <summary>The result once the transaction committed.</summary>
    public StoreResult Success => Kind == PendingWriteKind.Write ? StoreResult.Ok(Source.Length) : StoreResult.Ok();
}
