using Akka.Configuration;
using Microsoft.Extensions.Configuration;

namespace ActorPager.Service.Configuration;

/// <summary>An Akka <see cref="Config"/> as a <c>Microsoft.Extensions.Configuration</c> source (<see cref="HoconConfigurationProvider"/>).</summary>
internal sealed class HoconConfigurationSource(Config config) : IConfigurationSource
{
    /// <inheritdoc/>
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconConfigurationProvider(config);
}
