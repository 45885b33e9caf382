namespace ActorPager.Storage.Internal;

/// <summary>
/// One read of a database store (SQLite, PostgreSQL) over a range split into buffers: the buffers
/// are zeroed first, each row the range statement answers is copied over its part of them (rows
/// need not fit the buffers' boundaries), and the file's size decides the bytes inside it, zeros
/// past it and whether the range is a hole. Both stores read with it, so their reads mean the same.
/// </summary>
/// <remarks>A mutable struct: keep it in one local and call it there (an async method's local is fine).</remarks>
internal struct RowScatter
{
    /// <summary>The buffers, in order.</summary>
    private readonly IReadOnlyList<Memory<byte>> _destinations;

    /// <summary>Where the range starts in the file.</summary>
    private readonly long _offset;

    /// <summary>The range's length, the buffers' total.</summary>
    private readonly int _total;

    /// <summary>Bytes of file data per row.</summary>
    private readonly int _rowSize;

    /// <summary>The file's size, 0 until told.</summary>
    private long _size;

    /// <summary>Rows copied so far.</summary>
    private int _rows;

    /// <summary>Starts a read: zeroes every buffer, so what no row covers reads as zeros.</summary>
    /// <param name="destinations">The buffers, in order.</param>
    /// <param name="offset">Where the range starts in the file.</param>
    /// <param name="total">The buffers' total length (<see cref="VectorBuffers.TotalLength(IReadOnlyList{Memory{byte}})"/>), already checked.</param>
    /// <param name="rowSize">Bytes of file data per row.</param>
    public RowScatter(IReadOnlyList<Memory<byte>> destinations, long offset, int total, int rowSize)
    {
        _destinations = destinations;
        _offset = offset;
        _total = total;
        _rowSize = rowSize;
        VectorBuffers.ClearFrom(destinations, 0);
    }

    /// <summary>Whether there is nothing to read (no statement needed).</summary>
    public readonly bool IsEmpty => _total == 0;

    /// <summary>The index of the first row the range touches.</summary>
    public readonly long FirstRow => _offset / _rowSize;

    /// <summary>The index of the last row the range touches (the range must not be empty).</summary>
    public readonly long LastRow => (_offset + _total - 1) / _rowSize;

    /// <summary>Records the file's size, read in the same statement as the rows.</summary>
    public void SetSize(long size) => _size = size;

    /// <summary>Copies the part of row <paramref name="idx"/> inside the range to its place across the buffers.</summary>
    public void AddRow(long idx, byte[] stored)
    {
        _rows++;
        long rowStart = idx * _rowSize;
        long from = Math.Max(rowStart, _offset);
        long to = Math.Min(rowStart + _rowSize, _offset + _total);
        int start = (int)(from - rowStart);
        int count = (int)Math.Min(to - from, Math.Max(0, stored.Length - start));
        VectorBuffers.CopyTo(stored.AsSpan(start, count), _destinations, from - _offset);
    }

    /// <summary>
    /// Ends the read: zeroes what lies past the file size, and answers the bytes inside it, as a
    /// hole when asked and no row of the part inside was found.
    /// </summary>
    public readonly StoreResult Finish(bool reportHoles)
    {
        long inside = Checks.Inside(_offset, _total, _size);
        VectorBuffers.ClearFrom(_destinations, inside);
        return reportHoles && inside > 0 && _rows == 0 ? StoreResult.Hole(inside) : StoreResult.Ok(inside);
    }
}
