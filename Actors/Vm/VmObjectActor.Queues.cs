namespace ActorPager.Actors.Vm;

/// <summary>Page queues: intrusive doubly linked lists through the frames' metadata, oldest at the head.</summary>
internal sealed partial class VmObjectActor
{
    private readonly int[] _queueHead = new int[4];
    private readonly int[] _queueTail = new int[4];
    private readonly int[] _queueCount = new int[4];

    private void InitQueues()
    {
        Array.Fill(_queueHead, -1);
        Array.Fill(_queueTail, -1);
    }

    /// <summary>Moves the page to the tail (most recent end) of <paramref name="queue"/>.</summary>
    private void Enqueue(int frame, PageQueue queue)
    {
        var old = Unlink(frame);
        if (old != queue)
        {
            _memory.Gauges.AddQueue(old, -1);
            _memory.Gauges.AddQueue(queue, 1);
        }

        if (queue == PageQueue.None)
        {
            return;
        }

        ref var meta = ref _memory.Meta(frame);
        var q = (int)queue;
        meta.Queue = queue;
        meta.Prev = _queueTail[q];
        meta.Next = -1;
        if (_queueTail[q] >= 0)
        {
            _memory.Meta(_queueTail[q]).Next = frame;
        }
        else
        {
            _queueHead[q] = frame;
        }

        _queueTail[q] = frame;
        _queueCount[q]++;
    }

    /// <summary>Takes the page off its queue, if any.</summary>
    private void Dequeue(int frame) => _memory.Gauges.AddQueue(Unlink(frame), -1);

    /// <summary>Takes the page off its queue, if any, and answers which it was on; the gauges are the caller's.</summary>
    private PageQueue Unlink(int frame)
    {
        ref var meta = ref _memory.Meta(frame);
        var was = meta.Queue;
        if (was == PageQueue.None)
        {
            return was;
        }

        var q = (int)meta.Queue;
        if (meta.Prev >= 0)
        {
            _memory.Meta(meta.Prev).Next = meta.Next;
        }
        else
        {
            _queueHead[q] = meta.Next;
        }

        if (meta.Next >= 0)
        {
            _memory.Meta(meta.Next).Prev = meta.Prev;
        }
        else
        {
            _queueTail[q] = meta.Prev;
        }

        meta.Prev = -1;
        meta.Next = -1;
        meta.Queue = PageQueue.None;
        _queueCount[q]--;
        return was;
    }

    /// <summary>The frames of a queue, oldest first (a snapshot, so callers may move pages).</summary>
    private List<int> QueueSnapshot(PageQueue queue)
    {
        var list = new List<int>(_queueCount[(int)queue]);
        for (var f = _queueHead[(int)queue]; f >= 0; f = _memory.Meta(f).Next)
        {
            list.Add(f);
        }

        return list;
    }
}
