namespace ActorPager.Runtime.Configuration;

/// <summary>
/// An immutable HOCON configuration: parse it, layer it over fallbacks, resolve its
/// substitutions, then read settings by path (<c>actorpager.scheduler.tick-duration</c>).
/// Every problem is reported as a <see cref="HoconException"/> naming the file, line, column and path.
/// </summary>
/// <example>
/// <code>
/// var config = Config.ParseFile("app.conf").WithFallback(reference).Resolve();
/// var tick = config.GetDuration("actorpager.scheduler.tick-duration");
/// </code>
/// </example>
public sealed partial class Config
{
    /// <summary>The root object; it may hold unresolved values until <see cref="Resolve"/>.</summary>
    private readonly ConfigObject _root;

    internal Config(ConfigObject root)
    {
        _root = root;
    }

    /// <summary>A configuration with no settings.</summary>
    public static Config Empty { get; } = new(ConfigObject.Empty);

    /// <summary>Whether every substitution has been resolved, so settings can be read.</summary>
    public bool IsResolved => _root.IsResolved;

    /// <summary>Whether the configuration has no settings.</summary>
    public bool IsEmpty => _root.Count == 0;

    /// <summary>The root object.</summary>
    /// <exception cref="HoconException">The configuration is not resolved.</exception>
    public ConfigObject Root
    {
        get
        {
            EnsureResolved();
            return _root;
        }
    }

    /// <summary>The top-level keys, in first-written order.</summary>
    public IEnumerable<string> Keys => _root.Keys;

    /// <summary>
    /// Every setting that is not an object, as (path, value) pairs in document order; paths are
    /// rendered as HOCON (keys with dots are quoted). Null values are left out, as
    /// <see cref="HasPath"/> treats them as unset.
    /// </summary>
    /// <exception cref="HoconException">The configuration is not resolved.</exception>
    public IEnumerable<KeyValuePair<string, ConfigValue>> Entries
    {
        get
        {
            EnsureResolved();
            var result = new List<KeyValuePair<string, ConfigValue>>();
            Flatten(_root, ConfigPath.Root, result);
            return result;
        }
    }

    /// <summary>The unresolved root (for merging and the IConfiguration bridge).</summary>
    internal ConfigObject RawRoot => _root;

    /// <summary>Parses HOCON text. The result may hold unresolved substitutions: call <see cref="Resolve"/> before reading settings.</summary>
    /// <param name="text">The document.</param>
    /// <param name="originName">The name errors give for this text (a file name, say); relative includes are looked up in its directory. Null: errors give only line and column, and includes are relative to the working directory.</param>
    /// <exception cref="HoconException">The text is not valid HOCON or an include fails.</exception>
    public static Config ParseString(string text, string? originName = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var directory = originName is null ? null : Path.GetDirectoryName(originName);
        return new Config(HoconParser.ParseObjectDocument(text, originName, IncludeContext.ForString(directory)));
    }

    /// <summary>
    /// Reads a file: <c>.json</c> as JSON, <c>.properties</c> as Java properties, anything else as
    /// HOCON. Includes are relative to the file's directory.
    /// </summary>
    /// <param name="path">The file, as errors should name it.</param>
    /// <exception cref="HoconException">The file is missing, unreadable or invalid.</exception>
    public static Config ParseFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new Config(ConfigLoader.LoadFile(path));
    }

    /// <summary>
    /// Resolves substitutions. The result has no unresolved values; settings can be read from it.
    /// </summary>
    /// <param name="options">Whether environment variables fill substitutions the configuration leaves unset; null for the defaults.</param>
    /// <exception cref="HoconException">A substitution cannot be resolved, or substitutions form a cycle.</exception>
    public Config Resolve(ConfigResolveOptions? options = null) =>
        IsResolved ? this : new Config(HoconResolver.Resolve(_root, options ?? ConfigResolveOptions.Default));

    /// <summary>
    /// Layers this configuration over <paramref name="fallback"/>: settings here win, objects
    /// merge key by key, and self-referential substitutions here (<c>a = ${a} [x]</c>) see the
    /// fallback's value. Resolve after layering, so substitutions see the whole result.
    /// </summary>
    /// <param name="fallback">The lower-priority configuration.</param>
    public Config WithFallback(Config fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        return new Config((ConfigObject)ConfigMerge.Merge(fallback._root, _root));
    }

    /// <summary>Renders the configuration as HOCON that parses back to the same tree.</summary>
    /// <exception cref="HoconException">The configuration is not resolved.</exception>
    public string Render()
    {
        EnsureResolved();
        return ConfigRenderer.RenderHoconDocument(_root);
    }

    /// <summary>Renders the configuration as a JSON object.</summary>
    /// <param name="indented">Indent with two spaces.</param>
    /// <exception cref="HoconException">The configuration is not resolved.</exception>
    public string ToJson(bool indented = true)
    {
        EnsureResolved();
        return ConfigRenderer.RenderJson(_root, indented);
    }

    /// <inheritdoc/>
    public override string ToString() => IsResolved ? Render() : "Config(unresolved)";

    private static void Flatten(ConfigObject obj, ConfigPath prefix, List<KeyValuePair<string, ConfigValue>> result)
    {
        ConfigEquality.EnsureStack();
        foreach (var (key, value) in obj)
        {
            var path = prefix.Child(key);
            switch (value)
            {
                case ConfigObject child:
                    Flatten(child, path, result);
                    break;
                case ConfigNull:
                    break;
                default:
                    result.Add(new KeyValuePair<string, ConfigValue>(path.Render(), value));
                    break;
            }
        }
    }

    private void EnsureResolved()
    {
        if (!_root.IsResolved)
        {
            throw new HoconException("the configuration has substitutions that have not been resolved; call Resolve() before reading settings");
        }
    }
}
