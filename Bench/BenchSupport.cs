using System.Diagnostics;

namespace ActorPager.Bench;

/// <summary>Helpers shared by the pager and storage quick modes: temp directories, files, medians, machine notes.</summary>
internal static class BenchSupport
{
    /// <summary>A fresh directory under the system's temp directory; delete it with <see cref="DeleteDirectory"/>.</summary>
    public static string NewTempDirectory(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), "actorpager-bench", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes a directory made by <see cref="NewTempDirectory"/>, ignoring one already gone.</summary>
    public static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Writes <paramref name="bytes"/> of pseudo-random data to <paramref name="path"/> (1 MiB writes, fsync at the end).</summary>
    public static void WriteFile(string path, long bytes, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var chunk = new byte[1 << 20];
        new Random(seed).NextBytes(chunk);
        using var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
        for (long at = 0; at < bytes; at += chunk.Length)
        {
            chunk[0] = (byte)(at >> 20);
            RandomAccess.Write(handle, chunk.AsSpan(0, (int)Math.Min(chunk.Length, bytes - at)), at);
        }

        RandomAccess.FlushToDisk(handle);
    }

    /// <summary>The median of <paramref name="values"/>.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Seconds <paramref name="work"/> takes.</summary>
    public static async Task<double> TimeAsync(Func<Task> work)
    {
        var watch = Stopwatch.StartNew();
        await work().ConfigureAwait(false);
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>A line for stderr saying the machine's load now, so a reader can weigh the figures.</summary>
    public static string LoadNote()
    {
        try
        {
            return $"load average {File.ReadAllText("/proc/loadavg").Trim()} on {Environment.ProcessorCount} cores";
        }
        catch (IOException)
        {
            return $"{Environment.ProcessorCount} cores";
        }
    }

    /// <summary>A 64-bit xorshift step: cheap page picks that allocate nothing.</summary>
    public static ulong Next(ref ulong state)
    {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    }
}

/// <summary>Actor systems for benchmarks: Akka.NET's defaults (the default dispatcher on the thread pool, throughput 30), with only warnings logged so nothing but the figures reaches standard output.</summary>
internal static class BenchSystem
{
    private static readonly Akka.Configuration.Config Quiet = Akka.Configuration.ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters = off
        akka.log-dead-letters-during-shutdown = off
        akka.coordinated-shutdown.log-info = off
        """);

    /// <summary>Creates a system called <paramref name="name"/>.</summary>
    public static Akka.Actor.ActorSystem Create(string name) => Akka.Actor.ActorSystem.Create(name, Quiet);
}
