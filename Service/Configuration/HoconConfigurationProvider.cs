using System.Globalization;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace ActorPager.Service.Configuration;

/// <summary>
/// An Akka <see cref="Config"/> as a <c>Microsoft.Extensions.Configuration</c> provider, so the
/// generic host can layer it under command-line switches and bind sections. The path
/// <c>a.b.c</c> becomes the key <c>a:b:c</c>, list elements <c>a:0</c>, <c>a:1</c>, ...; text is
/// kept as Akka gives it, <c>null</c> as a null value, an empty object or list as an empty string.
/// </summary>
internal sealed class HoconConfigurationProvider : ConfigurationProvider
{
    /// <summary>The configuration to expose.</summary>
    private readonly Config _config;

    /// <summary>Creates a provider for <paramref name="config"/>.</summary>
    public HoconConfigurationProvider(Config config) => _config = config;

    /// <summary>Flattens the tree into the provider's data.</summary>
    public override void Load()
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (_config.Root is { } root)
        {
            Flatten(root, null, data);
        }

        Data = data;
    }

    /// <summary>Adds every leaf of <paramref name="value"/> under <paramref name="prefix"/>.</summary>
    private static void Flatten(HoconValue value, string? prefix, Dictionary<string, string?> data)
    {
        switch (HoconTree.KindOf(value))
        {
            case HoconTree.Kind.Object:
                var items = value.GetObject().Items;
                if (items.Count == 0 && prefix is not null)
                {
                    data[prefix] = string.Empty;
                }

                foreach (var (key, child) in items)
                {
                    Flatten(child, prefix is null ? key : ConfigurationPath.Combine(prefix, key), data);
                }

                break;
            case HoconTree.Kind.List:
                var list = value.GetArray();
                if (list.Count == 0 && prefix is not null)
                {
                    data[prefix] = string.Empty;
                }

                for (var i = 0; i < list.Count; i++)
                {
                    Flatten(list[i], ConfigurationPath.Combine(prefix ?? string.Empty, i.ToString(CultureInfo.InvariantCulture)), data);
                }

                break;
            case HoconTree.Kind.Scalar when prefix is not null:
                data[prefix] = value.GetString();
                break;
            default:
                if (prefix is not null)
                {
                    data[prefix] = null;
                }

                break;
        }
    }
}
