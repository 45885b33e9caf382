using Microsoft.Extensions.Configuration;

namespace ActorPager.Runtime.Configuration;

/// <summary>
/// A HOCON file (or an already loaded <see cref="Config"/>) as a
/// <c>Microsoft.Extensions.Configuration</c> source, so a .NET host can layer it with JSON,
/// environment variables and command-line switches and bind sections with <c>IOptions&lt;T&gt;</c>.
/// </summary>
public sealed class HoconConfigurationSource : IConfigurationSource
{
    /// <summary>The HOCON file to read; ignored when <see cref="Config"/> is set.</summary>
    public string? Path { get; set; }

    /// <summary>Whether a missing <see cref="Path"/> is allowed (it then contributes nothing).</summary>
    public bool Optional { get; set; }

    /// <summary>A configuration to expose directly (resolved on load if it is not already).</summary>
    public Config? Config { get; set; }

    /// <summary>Whether the file is layered over the built-in reference.conf, as the runtime loads it.</summary>
    public bool IncludeReference { get; set; }

    /// <inheritdoc/>
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconConfigurationProvider(this);
}
