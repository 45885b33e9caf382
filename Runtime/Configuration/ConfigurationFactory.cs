using System.Text;

namespace ActorPager.Runtime.Configuration;

/// <summary>
/// Loads the configuration the runtime runs with: the built-in <c>reference.conf</c> (every
/// setting with its default), then the user's file, then environment overrides, each layer
/// winning over the one before; substitutions are resolved on the result.
/// </summary>
/// <remarks>
/// An environment override is a variable named <c>ACTORPAGER__</c> followed by the rest of the
/// path: path segments are separated by <c>__</c> (two underscores), letters are lowercased and
/// a single <c>_</c> becomes <c>-</c>. So <c>ACTORPAGER__ACTOR__DEFAULT_DISPATCHER__THROUGHPUT=10</c>
/// sets <c>actorpager.actor.default-dispatcher.throughput</c>. The value is a string (the typed
/// getters convert it), unless it starts with <c>[</c> or <c>{</c>, when it is parsed as a HOCON
/// list or object.
/// </remarks>
public static class ConfigurationFactory
{
    /// <summary>The prefix of environment variables that override settings.</summary>
    public const string EnvironmentPrefix = "ACTORPAGER__";

    /// <summary>The name of the embedded reference configuration.</summary>
    public const string ReferenceResourceName = "reference.conf";

    /// <summary>The parsed reference configuration, read once.</summary>
    private static readonly Lazy<Config> CachedReference = new(ParseReference);

    /// <summary>The built-in reference configuration (unresolved; it is resolved together with the layers over it).</summary>
    public static Config Reference() => CachedReference.Value;

    /// <summary>Loads reference.conf, then <paramref name="userFile"/> (if any), then environment overrides from the process environment, and resolves.</summary>
    /// <param name="userFile">The user's HOCON (or .json / .properties) file, or null for defaults and environment only.</param>
    /// <exception cref="HoconException">A file is missing or invalid, an override is invalid, or a substitution cannot be resolved.</exception>
    public static Config Load(string? userFile) => Load(userFile, null);

    /// <summary>Loads as <see cref="Load(string?)"/> does, with an explicit environment (null for the process environment).</summary>
    /// <param name="userFile">The user's file, or null.</param>
    /// <param name="environment">Environment variables for overrides and for substitutions, or null for the process environment.</param>
    /// <exception cref="HoconException">A file is missing or invalid, an override is invalid, or a substitution cannot be resolved.</exception>
    public static Config Load(string? userFile, IReadOnlyDictionary<string, string>? environment)
    {
        environment ??= ProcessEnvironment();
        var config = Reference();
        if (userFile is not null)
        {
            config = Config.ParseFile(userFile).WithFallback(config);
        }

        config = FromEnvironment(environment).WithFallback(config);
        return config.Resolve(new ConfigResolveOptions { EnvironmentVariables = environment });
    }

    /// <summary>The overrides the <c>ACTORPAGER__</c> variables in <paramref name="environment"/> make.</summary>
    /// <param name="environment">Environment variables.</param>
    /// <exception cref="HoconException">A variable's value starts with '[' or '{' but is not valid HOCON.</exception>
    public static Config FromEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var root = new ConfigObject(ConfigOrigin.None);
        foreach (var (name, text) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var path = PathForVariable(name);
            if (path is null)
            {
                continue;
            }

            var origin = new ConfigOrigin("environment variable " + name, 0, 0);
            var trimmed = text.TrimStart();
            ConfigValue value = trimmed.StartsWith('[') || trimmed.StartsWith('{')
                ? HoconParser.ParseSingleValue(text, "environment variable " + name)
                : new ConfigString(origin, text, StringKind.Quoted);
            for (var i = path.Length - 1; i > 0; i--)
            {
                var wrapper = new ConfigObject(origin, 1);
                wrapper.Set(path.Segments[i], value);
                value = wrapper;
            }

            ConfigMerge.MergeField(root, path.Segments[0], value);
        }

        root.Reseal();
        return new Config(root);
    }

    /// <summary>The configuration path an environment variable overrides, or null when it is not an override.</summary>
    /// <param name="name">The variable's name, such as <c>ACTORPAGER__SCHEDULER__TICK_DURATION</c>.</param>
    /// <returns>The path as HOCON text, such as <c>actorpager.scheduler.tick-duration</c>, or null.</returns>
    public static string? PathForVariableName(string name) => PathForVariable(name)?.Render();

    internal static ConfigPath? PathForVariable(string name)
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

            var sb = new StringBuilder(parts[i].Length);
            foreach (var c in parts[i])
            {
                sb.Append(c == '_' ? '-' : char.ToLowerInvariant(c));
            }

            segments[i + 1] = sb.ToString();
        }

        return new ConfigPath(segments);
    }

    /// <summary>Parses the embedded reference.conf afresh (the benchmark measures this).</summary>
    internal static Config ParseReference() =>
        new(ConfigLoader.LoadResource(ReferenceResourceName)
            ?? throw new HoconException(ReferenceResourceName, 0, 0, null, "the embedded reference configuration is missing from the runtime assembly"));

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
