using System.Diagnostics;
using System.Globalization;

namespace ActorPager.Cluster.Tests;

/// <summary>
/// The writes of one page of one file by one writer, one at a time, each a new
/// <see cref="PageVersion"/> with the next sequence number. A version is acknowledged when a
/// server answered 200 to a sync write of it; an unacknowledged version was sent but got no 200
/// (a connection lost, a 503 to the end, a timeout), so it may or may not have been applied.
/// <para>
/// What the page must hold afterwards, precisely: because the writes of a page never overlap in
/// time, and an acknowledged sync write is durable, the page holds the last acknowledged version
/// A, or one of the versions sent after A (each of them unacknowledged, since A is the last
/// acknowledged one); with no acknowledged version, zeros or any version sent. An earlier version
/// than A, a version never sent, or anything else is a lost acknowledged write.
/// </para>
/// </summary>
internal sealed class FileHistory(string file, long page = 0)
{
    /// <summary>Guards the lists: the writer adds while the test reads counts.</summary>
    private readonly Lock _lock = new();

    /// <summary>Every version sent, in order, with whether it was acknowledged.</summary>
    private readonly List<(long Seq, bool Acknowledged)> _sent = [];

    /// <summary>When the last acknowledgement came (a <see cref="Stopwatch"/> timestamp), 0 for none.</summary>
    private long _lastAcknowledgedAt;

    /// <summary>The file's path.</summary>
    public string File { get; } = file;

    /// <summary>The page written.</summary>
    public long Page { get; } = page;

    /// <summary>Acknowledged versions so far.</summary>
    public int AcknowledgedCount
    {
        get
        {
            lock (_lock)
            {
                return _sent.Count(s => s.Acknowledged);
            }
        }
    }

    /// <summary>When the last acknowledgement came, as a <see cref="Stopwatch"/> timestamp; 0 for none.</summary>
    public long LastAcknowledgedAt
    {
        get
        {
            lock (_lock)
            {
                return _lastAcknowledgedAt;
            }
        }
    }

    /// <summary>The next version to send, recorded as sent and not (yet) acknowledged.</summary>
    public PageVersion Next(string tag)
    {
        lock (_lock)
        {
            var seq = _sent.Count + 1L;
            _sent.Add((seq, false));
            return new PageVersion(File, Page, seq, tag);
        }
    }

    /// <summary>Records that <paramref name="version"/> was acknowledged (answered 200).</summary>
    public void Acknowledged(PageVersion version)
    {
        lock (_lock)
        {
            var i = (int)version.Seq - 1;
            _sent[i] = (version.Seq, true);
            _lastAcknowledgedAt = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Null when <paramref name="found"/> is what the page may hold (see the class summary); otherwise what was expected and what was found.</summary>
    public string? Check(PageContent found)
    {
        lock (_lock)
        {
            var last = _sent.FindLastIndex(s => s.Acknowledged);
            var allowed = _sent.Skip(last < 0 ? 0 : last).Select(s => s.Seq).ToList();
            var ok = found.Version is { } v
                ? v.File == File && v.Page == Page && allowed.Contains(v.Seq)
                : found.IsZeros && last < 0;
            if (ok)
            {
                return null;
            }

            var expected = last < 0
                ? $"zeros or one of the unacknowledged versions {Seqs(allowed)}"
                : $"the last acknowledged version {_sent[last].Seq}" + (allowed.Count > 1 ? $" or one of the unacknowledged versions sent after it {Seqs(allowed.Skip(1))}" : " (no version was sent after it)");
            var note = found.Version is { } w && w.File == File && w.Page == Page && w.Seq <= _sent.Count
                ? _sent[(int)w.Seq - 1].Acknowledged ? " (an acknowledged version older than the last acknowledged one: the later write was lost)" : " (an unacknowledged version older than the last acknowledged one)"
                : string.Empty;
            return $"{File} page {Page}: expected {expected}; found {found}{note}";
        }
    }

    private static string Seqs(IEnumerable<long> seqs) => "[" + string.Join(", ", seqs.Select(s => s.ToString(CultureInfo.InvariantCulture))) + "]";
}
