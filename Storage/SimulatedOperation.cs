using ActorPager.Storage.Internal;

namespace ActorPager.Storage;

/// <summary>
/// One call to a <see cref="SimulatedStore"/> that has not completed yet. Its effect (the copy of a
/// read, the change of a write) happens when the controller completes it, not when it was called.
/// </summary>
public sealed class SimulatedOperation
{
    /// <summary>Completes the caller's task, running its continuation on the completing thread.</summary>
    private readonly StoreCompletion _completion = new(runContinuationsAsynchronously: false);

    /// <summary>The caller's buffer of a read.</summary>
    private readonly Memory<byte> _destination;

    /// <summary>The caller's data of a write.</summary>
    private readonly ReadOnlyMemory<byte> _source;

    /// <summary>Creates a pending operation; only <see cref="SimulatedStore"/> does.</summary>
    internal SimulatedOperation(long id, SimulatedOperationKind kind, string file, long offset, long length, WriteDurability durability, bool reportHoles, Memory<byte> destination, ReadOnlyMemory<byte> source, long generation = long.MaxValue)
    {
        Generation = generation;
        Id = id;
        OperationKind = kind;
        File = file;
        Offset = offset;
        Length = length;
        Durability = durability;
        ReportHoles = reportHoles;
        _destination = destination;
        _source = source;
    }

    /// <summary>A number that grows with every call to the store, starting at 1.</summary>
    public long Id { get; }

    /// <summary>Which call this is.</summary>
    public SimulatedOperationKind OperationKind { get; }

    /// <summary>The file the call names.</summary>
    public string File { get; }

    /// <summary>Read and write: the offset. SetSize: the new size. Otherwise 0.</summary>
    public long Offset { get; }

    /// <summary>Read and write: the length of the range. Otherwise 0.</summary>
    public long Length { get; }

    /// <summary>Write: its durability.</summary>
    public WriteDurability Durability { get; }

    /// <summary>Read: whether it reports holes.</summary>
    public bool ReportHoles { get; }

    /// <summary>
    /// Write and SetSize: the caller's ownership generation, <see cref="long.MaxValue"/> for an
    /// unfenced call. Fence: the generation to fence at. Otherwise <see cref="long.MaxValue"/>.
    /// </summary>
    public long Generation { get; }

    /// <summary>A one-line description, e.g. "#3 write 'a' [8192, +4096) durable", with " generation 2" after a fenced change.</summary>
    public string Description => OperationKind switch
    {
        SimulatedOperationKind.Read => $"#{Id} read '{File}' [{Offset}, +{Length}){(ReportHoles ? " holes" : "")}",
        SimulatedOperationKind.Write => $"#{Id} write '{File}' [{Offset}, +{Length}) {(Durability == WriteDurability.Durable ? "durable" : "buffered")}{GenerationSuffix}",
        SimulatedOperationKind.SetSize => $"#{Id} setsize '{File}' {Offset}{GenerationSuffix}",
        SimulatedOperationKind.GetSize => $"#{Id} getsize '{File}'",
        SimulatedOperationKind.Fence => $"#{Id} fence '{File}' at generation {Generation}",
        SimulatedOperationKind.GetFence => $"#{Id} getfence '{File}'",
        _ => $"#{Id} flush '{File}'",
    };

    /// <summary>" generation N" for a fenced change, nothing for an unfenced one (whose description stays as it always was).</summary>
    private string GenerationSuffix => Generation == long.MaxValue ? "" : $" generation {Generation}";

    /// <inheritdoc/>
    public override string ToString() => Description;

    /// <summary>True once the operation has completed.</summary>
    internal bool IsCompleted => _completion.IsCompleted;

    /// <summary>The task the caller awaits.</summary>
    internal ValueTask<StoreResult> Task => _completion.Task;

    /// <summary>Completes the caller's task once.</summary>
    internal bool TrySetResult(StoreResult result) => _completion.TrySetResult(result);

    /// <summary>Applies the operation's effect to the volume and answers its result.</summary>
    internal StoreResult Apply(MemoryVolume volume)
    {
        switch (OperationKind)
        {
            case SimulatedOperationKind.Read:
                return volume.Read(File, Offset, _destination.Span, ReportHoles);
            case SimulatedOperationKind.Write:
                // The fence is checked now, when the write lands, not when it was called: a fence
                // completed in between refuses it, as a disk's fence would.
                return volume.Write(File, Offset, _source.Span, Generation);
            case SimulatedOperationKind.GetSize:
                return StoreResult.Ok(volume.GetSize(File));
            case SimulatedOperationKind.SetSize:
                return volume.SetSize(File, Offset, Generation);
            case SimulatedOperationKind.Fence:
                return volume.Fence(File, Generation);
            case SimulatedOperationKind.GetFence:
                return StoreResult.Ok(volume.GetFence(File));
            default:
                return StoreResult.Ok();
        }
    }
}
