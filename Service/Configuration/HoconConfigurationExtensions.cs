using Akka.Configuration;
using Microsoft.Extensions.Configuration;

namespace ActorPager.Service.Configuration;

/// <summary>Adds a HOCON configuration to an <see cref="IConfigurationBuilder"/>.</summary>
internal static class HoconConfigurationExtensions
{
    /// <summary>Adds <paramref name="config"/> (for example <c>ConfigLoader.Load(file).Config</c>); later sources, such as switches, override its keys.</summary>
    public static IConfigurationBuilder AddHocon(this IConfigurationBuilder builder, Config config)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(config);
        return builder.Add(new HoconConfigurationSource(config));
    }
}
