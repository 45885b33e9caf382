namespace ActorPager.Storage.Internal;

/// <summary>Helpers for scatter/gather buffer lists: lengths, positions, trimming, zeroing, copying in.</summary>
internal static class VectorBuffers
{
    /// <summary>The buffers' total length, capped at int.MaxValue so that the range check refuses a range that long.</summary>
    public static int TotalLength(IReadOnlyList<Memory<byte>> buffers)
    {
        long total = 0;
        for (int i = 0; i < buffers.Count; i++)
        {
            total += buffers[i].Length;
        }

        return (int)Math.Min(total, int.MaxValue);
    }

    /// <summary>The buffers' total length, capped at int.MaxValue.</summary>
    public static int TotalLength(IReadOnlyList<ReadOnlyMemory<byte>> buffers)
    {
        long total = 0;
        for (int i = 0; i < buffers.Count; i++)
        {
            total += buffers[i].Length;
        }

        return (int)Math.Min(total, int.MaxValue);
    }

    /// <summary>The buffers cut to their first <paramref name="bytes"/> bytes (the same list when nothing is cut).</summary>
    public static IReadOnlyList<Memory<byte>> Trim(IReadOnlyList<Memory<byte>> buffers, long bytes)
    {
        (int index, int within) = Locate(buffers, bytes);
        if (index == buffers.Count)
        {
            return buffers;
        }

        var trimmed = new Memory<byte>[within == 0 ? index : index + 1];
        for (int i = 0; i < index; i++)
        {
            trimmed[i] = buffers[i];
        }

        if (within > 0)
        {
            trimmed[index] = buffers[index][..within];
        }

        return trimmed;
    }

    /// <summary>Which buffer holds byte <paramref name="position"/> of the range, and where in it; (Count, 0) at the end.</summary>
    public static (int Index, int Within) Locate(IReadOnlyList<Memory<byte>> buffers, long position)
    {
        for (int i = 0; i < buffers.Count; i++)
        {
            if (position < buffers[i].Length)
            {
                return (i, (int)position);
            }

            position -= buffers[i].Length;
        }

        return (buffers.Count, 0);
    }

    /// <summary>Zeroes every byte of the range from <paramref name="position"/> on.</summary>
    public static void ClearFrom(IReadOnlyList<Memory<byte>> buffers, long position)
    {
        (int index, int within) = Locate(buffers, position);
        for (int i = index; i < buffers.Count; i++)
        {
            buffers[i].Span[(i == index ? within : 0)..].Clear();
        }
    }

    /// <summary>Copies <paramref name="source"/> into the buffers from byte <paramref name="position"/> of the range on, across buffer boundaries.</summary>
    public static void CopyTo(ReadOnlySpan<byte> source, IReadOnlyList<Memory<byte>> buffers, long position)
    {
        (int index, int within) = Locate(buffers, position);
        while (!source.IsEmpty && index < buffers.Count)
        {
            Span<byte> target = buffers[index].Span[within..];
            int n = Math.Min(target.Length, source.Length);
            source[..n].CopyTo(target);
            source = source[n..];
            index++;
            within = 0;
        }
    }
}
