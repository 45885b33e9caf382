namespace ActorPager.Runtime.Configuration;

/// <summary>How <see cref="Config.Resolve(ConfigResolveOptions?)"/> treats substitutions the configuration does not define.</summary>
public sealed class ConfigResolveOptions
{
    /// <summary>The defaults: environment variables of the process fill substitutions the configuration leaves unset.</summary>
    public static ConfigResolveOptions Default { get; } = new();

    /// <summary>No environment: a substitution the configuration does not define is missing.</summary>
    public static ConfigResolveOptions NoEnvironment { get; } = new() { UseEnvironmentVariables = false };

    /// <summary>
    /// Whether a substitution whose path is a single key (<c>${HOME}</c>) and is not set in the
    /// configuration is looked up as an environment variable. A value set to null in the
    /// configuration is never looked up. Default: true.
    /// </summary>
    public bool UseEnvironmentVariables { get; init; } = true;

    /// <summary>The environment to use instead of the process's (tests, hosts that filter it), or null for the process environment.</summary>
    public IReadOnlyDictionary<string, string>? EnvironmentVariables { get; init; }
}
