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

    /// <summary>Raise the file's fence to the change's generation (a store whose fences are rows written by its committer).</summary>
    Fence,
}

/// <summary>
/// A change queued for the group committer. Its task completes, on the thread pool, only after
/// the transaction holding it commits (or fails).
/// </summary>
internal sealed class PendingWrite : StoreCompletion
{
    /// <summary>Creates a queued change.</summary>
    public PendingWrite(PendingWriteKind kind, string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, long generation = long.MaxValue)
        : base(runContinuationsAsynchronously: true)
    {
        Generation = generation;
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

    /// <summary>Write and SetSize: the writer's ownership generation, <see cref="long.MaxValue"/> when unfenced. Fence: the generation to fence at.</summary>
    public long Generation { get; }

    /// <summary>Whether the change is checked against the file's fence (a Write or SetSize with a generation).</summary>
    public bool IsFenced => Generation != long.MaxValue && Kind is PendingWriteKind.Write or PendingWriteKind.SetSize;

    /// <summary>
    /// The change's place in the committer's queue, given when it is queued: changes are taken
    /// into transactions in this order, so a batch holds a run of consecutive numbers.
    /// </summary>
    public long Sequence { get; set; }

    /// <summary>
    /// Set by the store's commit when this change alone was refused (fenced) and so left out of
    /// the transaction; the others in it still commit. The commit sets it afresh on every attempt.
    /// </summary>
    public StoreError? Refusal { get; set; }

    /// <summary>Whether the transaction holding this change must be durable when it commits (a fence is: a restart must not forget it).</summary>
    public bool NeedsDurableCommit => Kind is PendingWriteKind.Flush or PendingWriteKind.Fence || (Kind == PendingWriteKind.Write && Durability == WriteDurability.Durable);

    /// <summary>The result once the transaction committed.</summary>
    public StoreResult Success => Kind switch
    {
        PendingWriteKind.Write => StoreResult.Ok(Source.Length),
        PendingWriteKind.Fence => StoreResult.Ok(Generation),
        _ => StoreResult.Ok(),
    };
}
