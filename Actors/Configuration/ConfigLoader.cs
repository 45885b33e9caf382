using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorPager.Actors;

/// <summary>
/// Loads ActorPager's configuration with Akka.NET's HOCON reader (<c>Akka.Configuration</c>):
/// the built-in <c>reference.conf</c> (every setting with its default), then the user's file,
/// then <c>ACTORPAGER__</c> environment overrides, each layer winning over the one before
/// (Akka's <see cref="Config.WithFallback"/>).
/// </summary>
/// <remarks>
/// <para>
/// Akka's reader parses and resolves each text on its own: a substitution <c>${a.b}</c> is
/// looked up in the file it is written in (or, for an included file, in the file that includes
/// it), never in reference.conf or an override layered under or over it.
/// </para>
/// <para>
/// Akka reads HOCON text only; this class finds the files. <c>include "name"</c> is looked up
/// next to the including file; a name without an extension loads <c>name.json</c> and
/// <c>name.conf</c>, whichever exist (the .conf wins); a missing include is skipped, as HOCON
/// says. Java <c>.properties</c> files are refused, since Akka has no reader for them.
/// </para>
/// <para>
/// An environment override is a variable named <c>ACTORPAGER__</c> followed by the rest of the
/// path: segments are separated by <c>__</c> (two underscores), letters are lowercased and a
/// single <c>_</c> becomes <c>-</c>. So <c>ACTORPAGER__ACTOR__DEFAULT_DISPATCHER__THROUGHPUT=10</c>
/// sets <c>actorpager.actor.default-dispatcher.throughput</c>. The value is taken as text (the
/// typed getters convert it), unless it starts with <c>[</c> or <c>{</c>, when Akka's reader
/// parses it as a HOCON list or object.
/// </para>
/// </remarks>
public static partial class ConfigLoader
{
    /// <summary>The prefix of environment variables that override settings.</summary>
    public const string EnvironmentPrefix = "ACTORPAGER__";

    /// <summary>The name of the embedded reference configuration (hocon/reference.conf).</summary>
    public const string ReferenceResourceName = "reference.conf";

    /// <summary>The parsed reference configuration, read once (Akka's merges copy, so it is never changed).</summary>
    private static readonly Lazy<Config> CachedReference = new(ParseReference);

    /// <summary>The built-in reference configuration: every <c>actorpager.*</c> setting with its default.</summary>
    /// <exception cref="ConfigException">The embedded resource is missing or Akka's reader rejects it (a build error).</exception>
    public static Config Reference() => CachedReference.Value;

    /// <summary>Reads one file alone (no reference.conf, no overrides) with Akka's reader.</summary>
    /// <param name="path">A HOCON (.conf) or JSON (.json) file.</param>
    /// <returns>The file's resolved tree.</returns>
    /// <exception cref="ConfigException">The file is missing, unreadable, a .properties file, or Akka's reader rejects it or one of its includes; the message names the file.</exception>
    public static Config ParseFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ParseFile(path, [FullName(path)]);
    }

    /// <summary>Loads reference.conf, then <paramref name="userFile"/> (if any), then the overrides in the process environment.</summary>
    /// <param name="userFile">The user's HOCON or JSON file, or null for defaults and overrides only.</param>
    /// <exception cref="ConfigException">The file or an override is unusable; the message names it.</exception>
    public static LoadedConfig Load(string? userFile) => Load(userFile, null);

    /// <summary>Loads as <see cref="Load(string?)"/> does, with an explicit environment.</summary>
    /// <param name="userFile">The user's HOCON or JSON file, or null.</param>
    /// <param name="environment">Environment variables to take <c>ACTORPAGER__</c> overrides from, or null for the process environment.</param>
    /// <exception cref="ConfigException">The file or an override is unusable; the message names it.</exception>
    public static LoadedConfig Load(string? userFile, IReadOnlyDictionary<string, string>? environment)
    {
        environment ??= ProcessEnvironment();
        var file = userFile is null ? null : ParseFile(userFile);
        var (overrides, variables) = Overrides(environment);
        var config = file is null ? Reference() : file.WithFallback(Reference());
        if (!overrides.IsEmpty)
        {
            config = overrides.WithFallback(config);
        }

        return new LoadedConfig(config, userFile, file, variables);
    }

    /// <summary>The overrides the <c>ACTORPAGER__</c> variables in <paramref name="environment"/> make.</summary>
    /// <param name="environment">Environment variables.</param>
    /// <exception cref="ConfigException">A value starting with '[' or '{' is rejected by Akka's reader; the message names the variable.</exception>
    public static Config FromEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return Overrides(environment).Config;
    }

    /// <summary>The setting an environment variable overrides, or null when it is not an override.</summary>
    /// <param name="name">The variable's name, such as <c>ACTORPAGER__SCHEDULER__TICK_DURATION</c>.</param>
    /// <returns>The path, such as <c>actorpager.scheduler.tick-duration</c> (segments quoted where HOCON needs it), or null.</returns>
    public static string? PathForVariableName(string name) =>
        PathForVariable(name) is { } path ? string.Join('.', path.Select(QuoteSegment)) : null;

    /// <summary>The path segments an environment variable overrides, or null when it is not an override.</summary>
    internal static string[]? PathForVariable(string name)
    {
        if (!name.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) || name.Length == EnvironmentPrefix.Length)
        {
            return null;
        }

        var parts = name[EnvironmentPrefix.Length..].Split("__");
        var segments = new string[parts.Length + 1];
        segments[0] = "actorpager";
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length == 0)
            {
                return null;
            }

            segments[i + 1] = string.Create(parts[i].Length, parts[i], static (span, part) =>
            {
                for (var j = 0; j < part.Length; j++)
                {
                    span[j] = part[j] == '_' ? '-' : char.ToLowerInvariant(part[j]);
                }
            });
        }

        return segments;
    }

    /// <summary>The overrides, and which variable set which path (in the order they were applied, later wins).</summary>
    internal static (Config Config, IReadOnlyList<(string[] Path, string Variable)> Variables) Overrides(IReadOnlyDictionary<string, string> environment)
    {
        Config? merged = null;
        var variables = new List<(string[] Path, string Variable)>();
        foreach (var (name, text) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (PathForVariable(name) is not { } path)
            {
                continue;
            }

            var source = "environment variable " + name;
            var trimmed = text.TrimStart();
            HoconValue value;
            if (trimmed.StartsWith('[') || trimmed.StartsWith('{'))
            {
                value = ParseText("value = " + text, source, NoIncludes(source), positions: false).GetValue("value");
            }
            else
            {
                value = new HoconValue();
                value.AppendValue(new HoconLiteral { Value = text });
            }

            // Wrap the value in one object per path segment, innermost first.
            var layer = value.AtKey(path[^1]);
            for (var i = path.Length - 2; i >= 0; i--)
            {
                layer = layer.Root.AtKey(path[i]);
            }

            merged = merged is null ? layer : layer.WithFallback(merged);
            variables.Add((path, name));
        }

        return (merged ?? ConfigurationFactory.Empty, variables);
    }

    /// <summary>Parses the embedded reference.conf.</summary>
    private static Config ParseReference()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ReferenceResourceName)
            ?? throw new ConfigException(ReferenceResourceName, null, "the embedded reference configuration is missing from the ActorPager.Actors assembly");
        using var reader = new StreamReader(stream);
        return ParseText(reader.ReadToEnd(), ReferenceResourceName, NoIncludes(ReferenceResourceName), positions: true);
    }

    /// <summary>Reads a file, with <paramref name="chain"/> the files including it (itself last), to refuse include cycles.</summary>
    private static Config ParseFile(string path, IReadOnlyList<string> chain)
    {
        if (Path.GetExtension(path).Equals(".properties", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigException(path, null, "Java properties files are not supported: Akka's HOCON reader reads HOCON (.conf) and JSON (.json)");
        }

        if (!File.Exists(path))
        {
            throw new ConfigException(path, null, "file not found");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            throw new ConfigException(path, null, "cannot read the file: " + e.Message, e);
        }

        var directory = Path.GetDirectoryName(path) ?? string.Empty;
        return ParseText(text, path, name => Include(name, path, directory, chain), positions: true);
    }

    /// <summary>
    /// Akka's include callback for a file: the included files' tree (empty when none exists) and
    /// their substitutions, which Akka's parser re-resolves under the path of the include.
    /// </summary>
    private static HoconRoot Include(string name, string includer, string directory, IReadOnlyList<string> chain)
    {
        var target = Path.Combine(directory, name);
        string[] candidates = Path.GetExtension(target).ToLowerInvariant() is ".conf" or ".json" or ".properties"
            ? [target]
            : [target + ".properties", target + ".json", target + ".conf"];
        Config? merged = null;
        var substitutions = new List<HoconSubstitution>();
        foreach (var candidate in candidates.Where(File.Exists))
        {
            var full = FullName(candidate);
            if (chain.Contains(full, StringComparer.Ordinal))
            {
                var cycle = string.Join(" -> ", chain.Append(full).Select(Path.GetFileName));
                throw new ConfigException(includer, null, $"include \"{name}\": include cycle: {cycle}");
            }

            var included = ParseFile(candidate, [.. chain, full]);
            substitutions.AddRange(included.Substitutions);
            merged = merged is null ? included : included.WithFallback(merged);
        }

        if (merged is null)
        {
            var empty = new HoconValue();
            empty.AppendValue(new HoconObject());
            return new HoconRoot(empty);
        }

        return new HoconRoot(merged.Root, substitutions);
    }

    /// <summary>The include callback of a text that is not a file (reference.conf, an override): it has nothing to include from.</summary>
    private static Func<string, HoconRoot> NoIncludes(string source) =>
        name => throw new ConfigException(source, null, $"include \"{name}\": only files can include other files");

    /// <summary>
    /// Parses and resolves <paramref name="text"/> with Akka's reader, turning what it throws into a
    /// <see cref="ConfigException"/> naming <paramref name="source"/>, then refuses what <see cref="TreeCheck"/> refuses.
    /// </summary>
    /// <param name="text">The HOCON or JSON text.</param>
    /// <param name="source">The file (or variable) it came from, for messages.</param>
    /// <param name="include">Akka's include callback.</param>
    /// <param name="positions">Whether a position in Akka's message is a position in <paramref name="text"/> as the user wrote it (turned into line and column).</param>
    private static Config ParseText(string text, string source, Func<string, HoconRoot> include, bool positions)
    {
        Config config;
        try
        {
            config = ConfigurationFactory.ParseString(text, include);
        }
        catch (ConfigException)
        {
            // From an include: it already names the included file.
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Akka's parser reports problems as FormatException, Akka's ConfigurationException and
            // plain Exception, and some malformed input surfaces as other exceptions from inside
            // it; any of them means the text is bad. Its message is kept as it is.
            throw AkkaProblem(source, text, e, positions);
        }

        TreeCheck.Check(config.Root, source);
        return config;
    }

    /// <summary>A <see cref="ConfigException"/> for an exception Akka's reader threw, with line and column when its message gives a position.</summary>
    private static ConfigException AkkaProblem(string source, string text, Exception e, bool positions)
    {
        var problem = e.Message.TrimEnd();
        var match = PositionPattern().Match(problem);
        if (positions && match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index <= text.Length)
        {
            var lineStart = index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;
            var line = 1 + text.AsSpan(0, lineStart).Count('\n');
            return new ConfigException(source, null, problem, e, line, index - lineStart + 1);
        }

        return new ConfigException(source, null, problem, e);
    }

    /// <summary>Akka's tokenizer says where an unknown token is as "at position N" (0-based, in characters).</summary>
    [GeneratedRegex(@"at position (\d+)")]
    private static partial Regex PositionPattern();

    /// <summary>A path segment as HOCON text: quoted when it is not a plain key.</summary>
    private static string QuoteSegment(string segment) =>
        segment.Length > 0 && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? segment
            : "\"" + segment.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string FullName(string path) => Path.GetFullPath(path);

    private static Dictionary<string, string> ProcessEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                result[key] = value;
            }
        }

        return result;
    }
}
