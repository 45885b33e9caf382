using System.Diagnostics;
using System.Globalization;

namespace ActorPager.Bench;

/// <summary>Requests and their latencies over one or more timed rounds.</summary>
internal sealed class LoadResult
{
    private readonly List<long> _ticks = [];
    private TimeSpan _elapsed;

    /// <summary>Requests done.</summary>
    public int Count => _ticks.Count;

    /// <summary>Requests per second over all rounds.</summary>
    public double PerSecond => _ticks.Count / _elapsed.TotalSeconds;

    /// <summary>Adds another result's rounds.</summary>
    public void Add(LoadResult other)
    {
        _ticks.AddRange(other._ticks);
        _elapsed += other._elapsed;
    }

    /// <summary>Adds one round.</summary>
    public void Add(long[] ticks, TimeSpan elapsed)
    {
        _ticks.AddRange(ticks);
        _elapsed += elapsed;
    }

    /// <summary>The <paramref name="q"/> quantile in microseconds.</summary>
    public double Percentile(double q)
    {
        var sorted = _ticks.ToArray();
        Array.Sort(sorted);
        var index = Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1);
        return sorted.Length == 0 ? 0 : sorted[index] * 1_000_000.0 / Stopwatch.Frequency;
    }

    /// <summary>Requests/s, p50 and p99 in one line.</summary>
    public string Summary() => string.Create(CultureInfo.InvariantCulture, $"{PerSecond:F0} req/s, p50 {Percentile(0.5) / 1000:F1} ms, p99 {Percentile(0.99) / 1000:F1} ms");
}
