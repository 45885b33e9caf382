using System.Reflection;
using ActorPager.Actors.Pager;

namespace ActorPager.Harness.Exploration;

/// <summary>
/// What <c>actorpager check</c> does: runs the conformance scenarios against a pager, and on a
/// violation shrinks the schedule, checks that replaying the seed reproduces it, and writes the
/// trace as text and as an HTML page (one column per actor, the shrunk trace beside the original).
/// </summary>
public static class ConformanceCheck
{
    /// <summary>Checks <paramref name="pager"/> against every conformance scenario; 0 when no rule broke, 1 otherwise.</summary>
    /// <param name="pager">Makes the pager (once per run).</param>
    /// <param name="seeds">Runs per scenario.</param>
    /// <param name="strategy">How schedules are chosen.</param>
    /// <param name="htmlDirectory">Where the text report and the HTML trace page of a violation are written.</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="explorer">The explorer to run on; one of its own (disposed before returning) when null.</param>
    public static int Run(Func<IPager> pager, int seeds, ExplorationStrategy strategy, string htmlDirectory, TextWriter output, Explorer? explorer = null)
    {
        ArgumentNullException.ThrowIfNull(pager);
        ArgumentNullException.ThrowIfNull(output);
        using var own = explorer is null ? new Explorer() : null;
        explorer ??= own!;
        var name = pager().Name;
        foreach (var scenario in ConformanceScenarios.All)
        {
            var result = explorer.Explore(scenario, pager, strategy, seeds);
            if (result.Violation?.Violation is not { } violation)
            {
                output.WriteLine($"{scenario.Name}: {result.Runs} runs ({strategy.ToString().ToLowerInvariant()}), {result.DistinctTraces} distinct schedules, no rule broken");
                continue;
            }

            output.WriteLine($"{scenario.Name}: VIOLATION after {result.Runs} runs");
            output.WriteLine($"  {violation}");
            var replay = explorer.Run(scenario, pager(), violation.Seed, strategy, strategy == ExplorationStrategy.Exhaustive ? result.Violation.Choices : null);
            output.WriteLine(replay.TraceHash == result.Violation.TraceHash && replay.Violation?.Rule == violation.Rule
                ? $"  replay of seed {violation.Seed}: reproduced exactly (trace {replay.TraceHash:x16})"
                : $"  replay of seed {violation.Seed}: DIFFERENT (trace {replay.TraceHash:x16}): the pager is not deterministic");
            var shrunk = new Shrinker(explorer).Shrink(scenario, pager, result.Violation);
            var shortest = shrunk.Violation!;
            output.WriteLine($"  shrunk from {violation.Step} to {shortest.Step} deliveries; shortest trace:");
            foreach (var line in TraceRenderer.ToText(shortest).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            {
                output.WriteLine("  " + line);
            }

            // Beside each other: the text report (original and shrunk traces) and the HTML trace page, which the live view's Trace tab also opens.
            Directory.CreateDirectory(htmlDirectory);
            var stem = Path.Combine(htmlDirectory, $"{Sanitize(name)}-{scenario.Name}-seed{violation.Seed}");
            File.WriteAllText(stem + ".txt", $"{name}: {scenario.Name}\n\noriginal:\n{TraceRenderer.ToText(violation)}\nshrunk:\n{TraceRenderer.ToText(shortest)}");
            File.WriteAllText(stem + ".html", TraceRenderer.ToPage(violation, shortest, $"{name}: {scenario.Name}, rule {shortest.Rule}", name, scenario.Name));
            output.WriteLine($"  text: {stem}.txt");
            output.WriteLine($"  html: {stem}.html");
            return 1;
        }

        return 0;
    }

    /// <summary>Loads a pager type from <c>PATH.dll:Namespace.Type</c>; it must implement <see cref="IPager"/> and have a parameterless constructor.</summary>
    /// <exception cref="ArgumentException">The spec, file or type is wrong; the message says which.</exception>
    public static Func<IPager> LoadPager(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var colon = spec.LastIndexOf(':');
        if (colon <= 0 || colon == spec.Length - 1)
        {
            throw new ArgumentException($"--pager expects PATH.dll:Namespace.TypeName, got '{spec}'");
        }

        var path = Path.GetFullPath(spec[..colon]);
        var typeName = spec[(colon + 1)..];
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--pager: no file {path}");
        }

        var type = Assembly.LoadFrom(path).GetType(typeName, throwOnError: false)
            ?? throw new ArgumentException($"--pager: {path} has no type {typeName}");
        if (!typeof(IPager).IsAssignableFrom(type) || type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new ArgumentException($"--pager: {typeName} must implement {typeof(IPager).FullName} and have a public parameterless constructor");
        }

        return () => (IPager)Activator.CreateInstance(type)!;
    }

    private static string Sanitize(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '_'));
}
