using System.Diagnostics;
using System.Text;
using ActorPager.Runtime.Configuration;

namespace ActorPager.Bench.Hocon;

/// <summary>Quick mode of the HOCON reader: parse throughput on a generated 1 MiB document, and the cost of loading reference.conf.</summary>
internal static class HoconQuick
{
    /// <summary>Prints <c>bench: hocon.parse MB/s=N</c> and <c>bench: hocon.reference us/load=N</c>.</summary>
    [QuickArea("hocon")]
    public static void Run()
    {
        var document = new HoconDocumentGenerator(seed: 42).Generate(1 << 20);
        var megabytes = Encoding.UTF8.GetByteCount(document) / (1024.0 * 1024.0);

        // Parse and resolve: the work ParseString(...).Resolve() does for a user's file.
        var parseSeconds = Median(9, warmup: 3, () => Config.ParseString(document).Resolve(ConfigResolveOptions.NoEnvironment));
        QuickAreas.Report("hocon.parse", "MB/s", megabytes / parseSeconds);

        // Parse the embedded reference.conf afresh and resolve it (no caching).
        var referenceSeconds = Median(201, warmup: 50, () => ConfigurationFactory.ParseReference().Resolve(ConfigResolveOptions.NoEnvironment));
        QuickAreas.Report("hocon.reference", "us/load", referenceSeconds * 1e6);
    }

    private static double Median(int runs, int warmup, Func<Config> work)
    {
        for (var i = 0; i < warmup; i++)
        {
            GC.KeepAlive(work());
        }

        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            GC.KeepAlive(work());
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        Array.Sort(times);
        return times[runs / 2];
    }
}
