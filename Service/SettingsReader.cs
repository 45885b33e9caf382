using Akka.Configuration.Hocon;
using ActorPager.Actors;
using Microsoft.Extensions.Configuration;

namespace ActorPager.Service;

/// <summary>Reads values with HOCON's units (4KiB, 30s) through Akka's getters, whichever source they came from; an error names the setting.</summary>
internal sealed class SettingsReader(IConfiguration section, string prefix, Func<string, string>? sourceOf)
{
    public long? Bytes(string key) => Read(key, "a size such as 16MiB", v => v.GetByteSize() ?? throw new FormatException("the value is empty"));

    public long? Number(string key) => Read(key, "a whole number", v => v.GetLong());

    public bool? Flag(string key) => Read(key, "on or off", v => v.GetBoolean());

    /// <summary>A duration such as 30s, or null when not set.</summary>
    public TimeSpan? Duration(string key) => Read(key, "a duration such as 30s", v => v.GetTimeSpan(allowInfinite: false));

    private T? Read<T>(string key, string expected, Func<HoconValue, T> get)
        where T : struct
    {
        if (section[key] is not { Length: > 0 } text)
        {
            return null;
        }

        var value = new HoconValue();
        value.AppendValue(new HoconLiteral { Value = text });
        try
        {
            return get(value);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            var path = $"{prefix}.{key}";
            throw new ConfigException(sourceOf?.Invoke(path), path, $"expected {expected}, got \"{text}\" ({e.Message})", e);
        }
    }
}
