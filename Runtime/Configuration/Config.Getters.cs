using System.Globalization;

namespace ActorPager.Runtime.Configuration;

/// <summary>Typed reads by path, with the HOCON spec's automatic conversions.</summary>
public sealed partial class Config
{
    /// <summary>Whether a non-null value is set at <paramref name="path"/>.</summary>
    /// <param name="path">A HOCON path such as <c>a.b."c.d"</c>.</param>
    /// <exception cref="HoconException">The path is not a valid path expression, or the configuration is not resolved.</exception>
    public bool HasPath(string path)
    {
        EnsureResolved();
        return Find(ConfigPath.Parse(path), out _) is { } value && value is not ConfigNull;
    }

    /// <summary>The value at <paramref name="path"/> (null values included).</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there.</exception>
    public ConfigValue GetValue(string path)
    {
        EnsureResolved();
        var parsed = ConfigPath.Parse(path);
        return Find(parsed, out var problem) ?? throw new HoconException(null, 0, 0, parsed.Render(), problem!);
    }

    /// <summary>The object at <paramref name="path"/> as a configuration of its own.</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, or it is not an object.</exception>
    public Config GetConfig(string path) => new(Expect<ConfigObject>(path, ConfigValueType.Object));

    /// <summary>A string; numbers and booleans convert to their text.</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, or it is null, an object or a list.</exception>
    public string GetString(string path) => ToStringValue(GetValue(path), path);

    /// <summary>A 32-bit integer; strings holding a number convert.</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, it is not a number, or it is out of range.</exception>
    public int GetInt(string path) => ToInt(GetValue(path), path);

    /// <summary>A 64-bit integer; strings holding a number convert.</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, or it is not a number.</exception>
    public long GetLong(string path) => ToLong(GetValue(path), path);

    /// <summary>A double; strings holding a number convert.</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, or it is not a number.</exception>
    public double GetDouble(string path) => ToNumber(GetValue(path), path).Double;

    /// <summary>A boolean; the strings true, yes, on, false, no and off convert.</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, or it is not a boolean.</exception>
    public bool GetBoolean(string path) => ToBoolean(GetValue(path), path);

    /// <summary>A duration: a number of milliseconds, or a string such as <c>10ms</c>, <c>5 seconds</c>, <c>1.5h</c> (units ns, us, ms, s, m, h, d and their long names).</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, or it is not a duration.</exception>
    public TimeSpan GetDuration(string path) => ToDuration(GetValue(path), path);

    /// <summary>A size in bytes: a number of bytes, or a string such as <c>4KiB</c>, <c>256MiB</c>, <c>1G</c>, <c>10 kB</c>.</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, or it is not a size.</exception>
    public long GetBytes(string path) => ToBytes(GetValue(path), path);

    /// <summary>
    /// A list. An object whose keys are non-negative integers (as <c>a.0 = x</c>, <c>a.1 = y</c>
    /// in a properties file) is read as a list ordered by those keys; other keys are ignored.
    /// </summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, or it is not a list.</exception>
    public ConfigList GetList(string path) => ToList(GetValue(path), path);

    /// <summary>A list of strings.</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, it is not a list, or an element is not a string.</exception>
    public IReadOnlyList<string> GetStringList(string path) => MapList(path, ToStringValue);

    /// <summary>A list of 32-bit integers.</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, it is not a list, or an element is not an integer.</exception>
    public IReadOnlyList<int> GetIntList(string path) => MapList(path, ToInt);

    /// <summary>A list of 64-bit integers.</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, it is not a list, or an element is not an integer.</exception>
    public IReadOnlyList<long> GetLongList(string path) => MapList(path, ToLong);

    /// <summary>A list of doubles.</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, it is not a list, or an element is not a number.</exception>
    public IReadOnlyList<double> GetDoubleList(string path) => MapList(path, (v, p) => ToNumber(v, p).Double);

    /// <summary>A list of booleans.</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, it is not a list, or an element is not a boolean.</exception>
    public IReadOnlyList<bool> GetBooleanList(string path) => MapList(path, ToBoolean);

    /// <summary>A list of durations.</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, it is not a list, or an element is not a duration.</exception>
    public IReadOnlyList<TimeSpan> GetDurationList(string path) => MapList(path, ToDuration);

    /// <summary>A list of sizes in bytes.</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, it is not a list, or an element is not a size.</exception>
    public IReadOnlyList<long> GetBytesList(string path) => MapList(path, ToBytes);

    /// <summary>A list of objects, each as a configuration.</summary>
    /// <param name="path">A HOCON path.</param>
    /// <exception cref="HoconException">Nothing is set there, it is not a list, or an element is not an object.</exception>
    public IReadOnlyList<Config> GetConfigList(string path) =>
        MapList(path, (v, p) => v is ConfigObject o ? new Config(o) : throw TypeError(v, p, "an object"));

    /// <summary>The value at a parsed path, or null with the reason.</summary>
    private ConfigValue? Find(ConfigPath path, out string? problem)
    {
        ConfigValue node = _root;
        for (var i = 0; i < path.Length; i++)
        {
            if (node is not ConfigObject obj)
            {
                problem = $"nothing is set at this path ('{path.Prefix(i).Render()}' is {ConfigValue.Describe(node.ValueType)}, not an object)";
                return null;
            }

            if (!obj.TryGetValue(path.Segments[i], out var child))
            {
                problem = "nothing is set at this path";
                return null;
            }

            node = child;
        }

        problem = null;
        return node;
    }

    private T Expect<T>(string path, ConfigValueType type)
        where T : ConfigValue
    {
        var value = GetValue(path);
        return value as T ?? throw TypeError(value, path, ConfigValue.Describe(type));
    }

    private IReadOnlyList<T> MapList<T>(string path, Func<ConfigValue, string, T> convert)
    {
        var list = GetList(path);
        var result = new T[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            result[i] = convert(list[i], string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"));
        }

        return result;
    }

    private static ConfigList ToList(ConfigValue value, string path)
    {
        if (value is ConfigList list)
        {
            return list;
        }

        // HOCON.md "Conversion of numerically-indexed objects to arrays".
        if (value is ConfigObject obj)
        {
            var indexed = new List<(int Index, ConfigValue Value)>();
            foreach (var (key, child) in obj)
            {
                if (key.Length > 0 && key.All(char.IsAsciiDigit) && int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    indexed.Add((index, child));
                }
            }

            if (indexed.Count > 0)
            {
                indexed.Sort((a, b) => a.Index.CompareTo(b.Index));
                var converted = new ConfigList(obj.Origin, indexed.Count);
                foreach (var (_, child) in indexed)
                {
                    converted.Add(child);
                }

                return converted;
            }
        }

        throw TypeError(value, path, "a list");
    }

    private static string ToStringValue(ConfigValue value, string path) => value switch
    {
        ConfigString s => s.Value,
        ConfigNumber n => n.Text,
        ConfigBoolean b => b.Value ? "true" : "false",
        _ => throw TypeError(value, path, "a string"),
    };

    private static ConfigNumber ToNumber(ConfigValue value, string path) => value switch
    {
        ConfigNumber n => n,
        ConfigString s => ConfigNumber.TryParse(s.Origin, s.Value.Trim())
            ?? throw HoconException.At(s.Origin, path, $"expected a number, got {ConfigRenderer.Quote(s.Value)}"),
        _ => throw TypeError(value, path, "a number"),
    };

    private static long ToLong(ConfigValue value, string path) => ToNumber(value, path).Long;

    private static int ToInt(ConfigValue value, string path)
    {
        var number = ToNumber(value, path);
        return number.Long is >= int.MinValue and <= int.MaxValue
            ? (int)number.Long
            : throw HoconException.At(value.Origin, path, $"expected a 32-bit integer, got {number.Text}, which is out of range");
    }

    private static bool ToBoolean(ConfigValue value, string path) => value switch
    {
        ConfigBoolean b => b.Value,
        ConfigString { Value: "true" or "yes" or "on" } => true,
        ConfigString { Value: "false" or "no" or "off" } => false,
        ConfigString s => throw HoconException.At(s.Origin, path, $"expected a boolean (true, false, yes, no, on or off), got {ConfigRenderer.Quote(s.Value)}"),
        _ => throw TypeError(value, path, "a boolean"),
    };

    private static HoconException TypeError(ConfigValue value, string path, string expected) =>
        HoconException.At(value.Origin, path, $"expected {expected}, got {ConfigValue.Describe(value.ValueType)}");
}
