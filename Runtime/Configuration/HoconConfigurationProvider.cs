using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ActorPager.Runtime.Configuration;

/// <summary>
/// Flattens a resolved HOCON tree into configuration keys the .NET way: the path
/// <c>a.b.c</c> becomes the key <c>a:b:c</c>, list elements become <c>a:0</c>, <c>a:1</c>, ...
/// Strings are kept as they are, numbers as written, booleans as <c>true</c>/<c>false</c>, null
/// as a null value; an empty object or list becomes a key with an empty value.
/// </summary>
public sealed class HoconConfigurationProvider : ConfigurationProvider
{
    /// <summary>What to load.</summary>
    private readonly HoconConfigurationSource _source;

    /// <summary>Creates a provider for <paramref name="source"/>.</summary>
    /// <param name="source">The file or configuration to expose.</param>
    public HoconConfigurationProvider(HoconConfigurationSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
    }

    /// <summary>Reads the file (or the given configuration) and replaces the provider's data.</summary>
    /// <exception cref="HoconException">The file is missing (and not optional) or invalid.</exception>
    public override void Load()
    {
        Config? config = _source.Config;
        if (config is null && _source.Path is { } path)
        {
            if (!File.Exists(path) && _source.Optional)
            {
                config = _source.IncludeReference ? ConfigurationFactory.Reference() : null;
            }
            else
            {
                config = Config.ParseFile(path);
                if (_source.IncludeReference)
                {
                    config = config.WithFallback(ConfigurationFactory.Reference());
                }
            }
        }

        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (config is not null)
        {
            Flatten(config.Resolve().Root, null, data);
        }

        Data = data;
    }

    /// <summary>Adds every leaf of <paramref name="value"/> under <paramref name="prefix"/>.</summary>
    internal static void Flatten(ConfigValue value, string? prefix, IDictionary<string, string?> data)
    {
        ConfigEquality.EnsureStack();
        switch (value)
        {
            case ConfigObject obj:
                if (obj.Count == 0 && prefix is not null)
                {
                    data[prefix] = string.Empty;
                }

                foreach (var (key, child) in obj)
                {
                    Flatten(child, prefix is null ? key : ConfigurationPath.Combine(prefix, key), data);
                }

                break;
            case ConfigList list:
                if (list.Count == 0 && prefix is not null)
                {
                    data[prefix] = string.Empty;
                }

                for (var i = 0; i < list.Count; i++)
                {
                    Flatten(list[i], ConfigurationPath.Combine(prefix ?? string.Empty, i.ToString(CultureInfo.InvariantCulture)), data);
                }

                break;
            case ConfigString s:
                data[prefix!] = s.Value;
                break;
            case ConfigNumber n:
                data[prefix!] = n.Text;
                break;
            case ConfigBoolean b:
                data[prefix!] = b.Value ? "true" : "false";
                break;
            default:
                data[prefix!] = null;
                break;
        }
    }
}
