using ActorPager.Actors.Vm;
using ActorPager.Messages;

namespace ActorPager.Harness.Exploration;

/// <summary>
/// The pmap's rules (docs/pager.md, "Mapped reads"; the shared spec leaves the pmap out, so these
/// continue its numbering):
/// 59. A page is mapped only while its object is live and the page is resident at the frame the
///     mapping names, at that frame's current generation, fully valid, not exclusive-busy and
///     within the object's size; pages named by a getpages are unmapped (rule 2).
/// 60. A mapped page's bytes do not change while the mapping stands: the object unmaps before it
///     writes, zeroes, invalidates or frees the page.
/// 61. Every byte a mapped read returns is the page's content at some moment between the read's
///     start and its end: never bytes of a page freed, reused, invalidated, truncated away or
///     half-written.
/// </summary>
internal sealed partial class PagerMonitor
{
    /// <summary>One content of a page, seen after delivery <see cref="From"/> and until (not after) delivery <see cref="To"/>.</summary>
    private sealed class Version(byte[] content, long from)
    {
        public byte[] Content { get; } = content;

        public long From { get; } = from;

        public long To { get; set; } = long.MaxValue;
    }

    /// <summary>Every content each page of each object has had, oldest first.</summary>
    private readonly Dictionary<(string Object, long PIndex), List<Version>> _history = [];

    /// <summary>Per object, its pages whose last version is still current.</summary>
    private readonly Dictionary<string, Dictionary<long, Version>> _contentOpen = new(StringComparer.Ordinal);

    /// <summary>A standing mapping and the page's bytes when the monitor first saw it.</summary>
    private sealed record MappedBytes(int Frame, uint Generation, byte[] Bytes);

    /// <summary>Each object's standing mappings (rule 60), by page.</summary>
    private readonly Dictionary<string, Dictionary<long, MappedBytes>> _mapped = new(StringComparer.Ordinal);

    /// <summary>The dispatcher's step count, for mapped reads that begin and end inside external steps.</summary>
    public Func<long>? Steps { get; init; }

    private int _mappedBegun;
    private int _mappedReturned;
    private int _unmapped;

    /// <summary>The run's mapped reads so far.</summary>
    public MappedReadCounts MappedCounts => new(_mappedBegun, _mappedReturned, _unmapped);

    /// <summary>A rule broken inside a client's continuation, thrown at the next check of the run.</summary>
    private RuleViolatedException? _pending;

    /// <summary>Throws a violation found where throwing would have failed a client instead of the run.</summary>
    public void ThrowPending()
    {
        if (_pending is { } broken)
        {
            _pending = null;
            throw broken;
        }
    }

    /// <summary>Rule 2 for the pmap: no page a getpages names is mapped.</summary>
    private static void CheckUnmapped(string obj, VmObjectActor o, VnodeProtocol.GetPages get)
    {
        foreach (var (pindex, _, _, _) in o.Mappings())
        {
            foreach (var page in get.Pages)
            {
                if (page.PIndex == pindex)
                {
                    throw new RuleViolatedException(2, $"getpages #{get.RequestId} names page {pindex} of {obj}, which is still mapped: a reader could copy it while the store reads into it");
                }
            }
        }
    }

    /// <summary>Rules 59 and 60 after a delivery to an object, and the content history rule 61 checks against.</summary>
    private void CheckMappings(string path, VmObjectActor obj, VmObjectSnapshot state, long step)
    {
        Dictionary<long, PageSnapshot>? pages = null;
        var before = _mapped.GetValueOrDefault(path);
        var now = new Dictionary<long, MappedBytes>();
        foreach (var (pindex, frame, generation, current) in obj.Mappings())
        {
            pages ??= state.Pages.ToDictionary(p => p.PIndex);
            var why =
                state.Dead ? "its object is dead"
                : !current ? $"frame {frame}'s generation moved (it was unmapped) but the entry stayed"
                : !pages.TryGetValue(pindex, out var page) || obj.FrameOfPage(pindex) != frame ? $"it is not resident at frame {frame}"
                : page.Valid != _full ? $"it is not fully valid (0x{page.Valid:x2})"
                : page.Exclusive ? "it is exclusive-busy"
                : pindex >= state.SizePages ? $"it lies past the object's size of {state.SizePages} pages"
                : null;
            if (why is not null)
            {
                throw new RuleViolatedException(59, $"{path}: page {pindex} is mapped but {why}");
            }

            var bytes = obj.PageBytes(pindex);
            if (before is not null && before.TryGetValue(pindex, out var known) && known.Frame == frame && known.Generation == generation)
            {
                if (!bytes.SequenceEqual(known.Bytes))
                {
                    throw new RuleViolatedException(60, $"{path}: page {pindex}'s bytes changed while it stayed mapped (frame {frame}, generation {generation}): a reader copying it would see them change");
                }

                now[pindex] = known;
            }
            else
            {
                now[pindex] = new MappedBytes(frame, generation, bytes.ToArray());
            }
        }

        // Mappings gone, or unmapped and mapped again within the turn (a write to the page, say).
        _unmapped += before?.Count(m => !now.TryGetValue(m.Key, out var after) || after != m.Value) ?? 0;
        _mapped[path] = now;
        RecordContent(path, obj, state, step);
    }

    /// <summary>Notes each fully valid page's content when it differs from the last seen; pages gone or invalid end their version.</summary>
    private void RecordContent(string path, VmObjectActor obj, VmObjectSnapshot state, long step)
    {
        if (!_contentOpen.TryGetValue(path, out var open))
        {
            open = [];
            _contentOpen[path] = open;
        }

        var live = new HashSet<long>();
        foreach (var page in state.Pages)
        {
            if (page.Valid != _full || page.Exclusive)
            {
                // Being read into or partly valid: no reader may take bytes from it now.
                continue;
            }

            live.Add(page.PIndex);
            var bytes = obj.PageBytes(page.PIndex);
            if (open.TryGetValue(page.PIndex, out var last) && bytes.SequenceEqual(last.Content))
            {
                continue;
            }

            if (last is not null)
            {
                last.To = step;
            }

            var version = new Version(bytes.ToArray(), step);
            open[page.PIndex] = version;
            if (!_history.TryGetValue((path, page.PIndex), out var list))
            {
                list = [];
                _history[(path, page.PIndex)] = list;
            }

            list.Add(version);
        }

        foreach (var pindex in open.Keys.Where(p => !live.Contains(p)).ToList())
        {
            open.Remove(pindex, out var ended);
            ended!.To = step;
        }
    }

    /// <summary>An object stopped: every version of its pages ends at <paramref name="step"/>, and its mappings with it.</summary>
    private void ObjectGone(string path, long step)
    {
        if (_contentOpen.Remove(path, out var open))
        {
            foreach (var version in open.Values)
            {
                version.To = step;
            }
        }

        _mapped.Remove(path);
    }

    /// <summary>A mapped read begins: the last step whose outcome it can see.</summary>
    public long MappedReadBegan()
    {
        _mappedBegun++;
        return (Steps?.Invoke() ?? 0) - 1;
    }

    /// <summary>Rule 61 on the bytes a mapped read returned: each page's part equals a version current at some step in [began, now].</summary>
    public void OnMappedRead(long began, string obj, long offset, ReadOnlySpan<byte> bytes)
    {
        _mappedReturned++;
        var ended = (Steps?.Invoke() ?? 0) - 1;
        var position = offset;
        var end = offset + bytes.Length;
        while (position < end)
        {
            var pindex = position / _pageSize;
            var pageStart = pindex * _pageSize;
            var stop = Math.Min(end, pageStart + _pageSize);
            var part = bytes.Slice((int)(position - offset), (int)(stop - position));
            var from = (int)(position - pageStart);
            if (!MatchesAVersion(obj, pindex, from, part, began, ended))
            {
                _pending ??= new RuleViolatedException(61, $"a mapped read of {obj} at offset {offset} returned bytes [{position}, {stop}) of page {pindex} that the page never held between step {began} and step {ended}");
                return;
            }

            position = stop;
        }
    }

    private bool MatchesAVersion(string obj, long pindex, int from, ReadOnlySpan<byte> part, long began, long ended)
    {
        if (!_history.TryGetValue((obj, pindex), out var versions))
        {
            return false;
        }

        foreach (var version in versions)
        {
            if (version.From <= ended && version.To > began && part.SequenceEqual(version.Content.AsSpan(from, part.Length)))
            {
                return true;
            }
        }

        return false;
    }
}
