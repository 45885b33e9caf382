using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorPager.Actors;

/// <summary>
/// The configuration a node runs with (<see cref="ConfigLoader.Load(string?)"/>): Akka's
/// <see cref="Akka.Configuration.Config"/> of the layers merged, plus where each setting came
/// from, so a bad value is reported with the file or variable that set it.
/// </summary>
/// <remarks>
/// The getters are Akka's (<see cref="Config.GetInt"/>, <see cref="Config.GetByteSize(string)"/>,
/// <see cref="Config.GetTimeSpan"/>...) with three differences, all to turn a silent default into
/// an error: a setting that is not there throws instead of reading as 0 or null; a value of the
/// wrong shape (an object, a list, null) throws instead of reading as null; and what Akka's
/// getter throws (<see cref="FormatException"/>, <see cref="OverflowException"/>...) becomes a
/// <see cref="ConfigException"/> naming the file and the path.
/// </remarks>
public sealed class LoadedConfig
{
    /// <summary>The user's file alone, or null.</summary>
    private readonly Config? _file;

    /// <summary>The paths the environment overrides set, in the order they were applied.</summary>
    private readonly IReadOnlyList<(string[] Path, string Variable)> _variables;

    internal LoadedConfig(Config config, string? file, Config? fileConfig, IReadOnlyList<(string[] Path, string Variable)> variables)
    {
        Config = config;
        File = file;
        _file = fileConfig;
        _variables = variables;
    }

    /// <summary>The merged configuration: overrides over the user's file over reference.conf.</summary>
    public Config Config { get; }

    /// <summary>The user's file as it was named, or null when only reference.conf and overrides were loaded.</summary>
    public string? File { get; }

    /// <summary>
    /// Where the value at <paramref name="path"/> comes from: <c>environment variable NAME</c> when
    /// an override sets it (or an object above it), else the user's file when it sets it (or
    /// replaces an object above it, for example with null), else <c>reference.conf</c>.
    /// </summary>
    /// <param name="path">A dotted path of plain keys, such as <c>actorpager.vm.page-size</c>.</param>
    public string SourceOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Split('.');
        for (var i = _variables.Count - 1; i >= 0; i--)
        {
            var set = _variables[i].Path;
            if (set.Length <= segments.Length && set.AsSpan().SequenceEqual(segments.AsSpan(0, set.Length)))
            {
                return "environment variable " + _variables[i].Variable;
            }
        }

        if (_file is not null && File is not null)
        {
            for (var length = segments.Length; length > 0; length--)
            {
                var prefix = string.Join('.', segments, 0, length);
                if (_file.GetValue(prefix) is { } value && (length == segments.Length || !value.IsObject()))
                {
                    return File;
                }
            }
        }

        return ConfigLoader.ReferenceResourceName;
    }

    /// <summary>The text at <paramref name="path"/> (Akka's <see cref="Config.GetString"/>).</summary>
    /// <exception cref="ConfigException">The setting is not there, or is an object, a list or null.</exception>
    public string GetString(string path) => Read(path, "a string", c => c.GetString(path));

    /// <summary>A 32-bit whole number (Akka's <see cref="Config.GetInt"/>).</summary>
    /// <exception cref="ConfigException">The setting is not there or is not such a number.</exception>
    public int GetInt(string path) => Read(path, "a whole number", c => c.GetInt(path));

    /// <summary>A 64-bit whole number (Akka's <see cref="Config.GetLong"/>).</summary>
    /// <exception cref="ConfigException">The setting is not there or is not such a number.</exception>
    public long GetLong(string path) => Read(path, "a whole number", c => c.GetLong(path));

    /// <summary>true or false (Akka's <see cref="Config.GetBoolean"/>: <c>true</c>, <c>false</c>, <c>on</c>, <c>off</c>).</summary>
    /// <exception cref="ConfigException">The setting is not there or is none of those.</exception>
    public bool GetBoolean(string path) => Read(path, "true or false", c => c.GetBoolean(path));

    /// <summary>
    /// A size in bytes (Akka's <see cref="Config.GetByteSize(string)"/>): a whole number of bytes,
    /// or one followed by a unit, <c>K</c>/<c>Ki</c>/<c>KiB</c> (1024), <c>kB</c> (1000), and so on
    /// up to <c>E</c>/<c>EiB</c>/<c>EB</c>.
    /// </summary>
    /// <exception cref="ConfigException">The setting is not there or is not such a size.</exception>
    public long GetByteSize(string path) =>
        Read(path, "a size such as 4KiB", c => c.GetByteSize(path) ?? throw new FormatException("the value is empty"));

    /// <summary>
    /// A duration (Akka's <see cref="Config.GetTimeSpan"/>, with <c>infinite</c> refused): a number
    /// of milliseconds, or a number followed by <c>ns</c>, <c>us</c>, <c>ms</c>, <c>s</c>, <c>m</c>,
    /// <c>h</c>, <c>d</c> or their long names.
    /// </summary>
    /// <exception cref="ConfigException">The setting is not there, is not such a duration, or is negative.</exception>
    public TimeSpan GetTimeSpan(string path) => Read(path, "a duration such as 250ms", c => c.GetTimeSpan(path, null, allowInfinite: false));

    /// <summary>An exception for a value that was read but cannot be used, naming where it came from and its path.</summary>
    /// <param name="path">The setting.</param>
    /// <param name="problem">What is wrong with it, such as <c>expected a positive number, got 0</c>.</param>
    public ConfigException Problem(string path, string problem) => new(SourceOf(path), path, problem);

    private T Read<T>(string path, string expected, Func<Config, T> get)
    {
        ArgumentNullException.ThrowIfNull(path);
        var value = Config.GetValue(path) ?? throw Problem(path, $"not set (expected {expected})");
        if (!value.IsString())
        {
            throw Problem(path, $"expected {expected}, got {Shape(value)}");
        }

        var text = value.GetString() ?? throw Problem(path, $"expected {expected}, got null");
        try
        {
            return get(Config);
        }
        catch (Exception e) when (e is FormatException or OverflowException or NotSupportedException or ArgumentException)
        {
            throw new ConfigException(SourceOf(path), path, $"expected {expected}, got \"{text}\" ({e.Message})", e);
        }
    }

    private static string Shape(HoconValue value) =>
        value.IsObject() ? "an object"
        : value.Values.Exists(e => e.IsArray()) ? "a list"
        : "no value";
}
