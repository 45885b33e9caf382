using System.Reflection;
using BenchmarkDotNet.Running;

namespace ActorPager.Bench;

/// <summary>
/// Entry point. <c>quick AREA</c> runs that area's quick mode and prints its <c>bench:</c> lines;
/// <c>quick all</c> runs every area. An area that cannot run here (<c>cluster</c> without a
/// PostgreSQL server) prints why and no lines, and the exit code is then 2. Anything else is
/// handed to BenchmarkDotNet's switcher (for example <c>--filter *PingPong*</c>).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length >= 1 && args[0] == "quick")
        {
            var areas = QuickAreas.Discover();
            if (args.Length < 2 || (args[1] != "all" && !areas.ContainsKey(args[1])))
            {
                Console.Error.WriteLine($"usage: quick AREA, where AREA is one of: all, {string.Join(", ", areas.Keys)}");
                return 2;
            }

            var skipped = false;
            foreach (var (name, run) in areas)
            {
                if (args[1] == "all" || args[1] == name)
                {
                    try
                    {
                        run();
                    }
                    catch (QuickAreaSkippedException e)
                    {
                        // Nothing measured, so no bench lines: say why, go on with the other areas.
                        Console.Error.WriteLine($"quick {name}: skipped: {e.Message}");
                        skipped = true;
                    }
                }
            }

            return skipped ? 2 : 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}

/// <summary>Marks a static <c>Run()</c> method as the quick mode of one benchmark area.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class QuickAreaAttribute(string name) : Attribute
{
    /// <summary>The area name given on the command line (<c>runtime</c>, <c>pager</c>, ...).</summary>
    public string Name { get; } = name;
}

/// <summary>Thrown by a quick mode that cannot run here (say, no PostgreSQL server): it prints no lines and the program exits with 2.</summary>
internal sealed class QuickAreaSkippedException(string message) : Exception(message);

/// <summary>Finds the quick-mode methods in this assembly.</summary>
internal static class QuickAreas
{
    /// <summary>Area name to runner, in name order.</summary>
    public static SortedDictionary<string, Action> Discover()
    {
        var result = new SortedDictionary<string, Action>(StringComparer.Ordinal);
        foreach (var type in typeof(Program).Assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (method.GetCustomAttribute<QuickAreaAttribute>() is { } area)
                {
                    result.Add(area.Name, method.CreateDelegate<Action>());
                }
            }
        }

        return result;
    }

    /// <summary>Prints one figure in the form the issues fix: <c>bench: AREA.SCENARIO NAME=VALUE</c>.</summary>
    public static void Report(string scenario, string name, double value) =>
        Console.WriteLine(FormattableString.Invariant($"bench: {scenario} {name}={Format(value)}"));

    private static string Format(double value) =>
        Math.Abs(value) >= 100 ? value.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)
        : value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
