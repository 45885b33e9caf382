using Microsoft.Extensions.Configuration;

namespace ActorPager.Runtime.Configuration;

/// <summary>Adds HOCON sources to an <see cref="IConfigurationBuilder"/>.</summary>
public static class HoconConfigurationExtensions
{
    /// <summary>Adds a HOCON file. Later sources (environment variables, command line) override it as usual.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The file.</param>
    /// <param name="optional">Whether the file may be missing.</param>
    /// <param name="includeReference">Layer the file over the built-in reference.conf, so every runtime setting has its default.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddHoconFile(this IConfigurationBuilder builder, string path, bool optional = false, bool includeReference = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(path);
        return builder.Add(new HoconConfigurationSource { Path = path, Optional = optional, IncludeReference = includeReference });
    }

    /// <summary>Adds an already loaded configuration (for example from <see cref="ConfigurationFactory.Load(string?)"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="config">The configuration; it is resolved on load if it is not already.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddHocon(this IConfigurationBuilder builder, Config config)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(config);
        return builder.Add(new HoconConfigurationSource { Config = config });
    }
}
