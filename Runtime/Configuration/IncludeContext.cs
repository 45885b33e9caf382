namespace ActorPager.Runtime.Configuration;

/// <summary>What an include needs to know about the document that contains it.</summary>
internal sealed class IncludeContext
{
    /// <summary>Deepest chain of nested includes allowed (a guard, far beyond real use).</summary>
    public const int MaxIncludeDepth = 50;

    private IncludeContext(string? directory, bool isResource, ConfigPath prefix, IReadOnlyList<string> chain, bool isOutermost = true)
    {
        IsOutermost = isOutermost;
        Directory = directory;
        IsResource = isResource;
        Prefix = prefix;
        Chain = chain;
    }

    /// <summary>The directory relative includes are found in (as the user named it; "" is the working directory).</summary>
    public string? Directory { get; }

    /// <summary>Whether the document is an embedded resource, so plain includes name resources.</summary>
    public bool IsResource { get; }

    /// <summary>Where in the including document this one is included; substitutions are fixed up with it.</summary>
    public ConfigPath Prefix { get; }

    /// <summary>Full names of the documents being included, outermost first, for cycle detection.</summary>
    public IReadOnlyList<string> Chain { get; }

    /// <summary>Whether this is the outermost document (not an include).</summary>
    public bool IsOutermost { get; }

    /// <summary>The context of a top-level file.</summary>
    public static IncludeContext ForFile(string file) =>
        new(Path.GetDirectoryName(file) ?? string.Empty, false, ConfigPath.Root, [FullName(file)]);

    /// <summary>The context of a top-level string; includes are relative to <paramref name="directory"/> (null: the working directory).</summary>
    public static IncludeContext ForString(string? directory) => new(directory ?? string.Empty, false, ConfigPath.Root, []);

    /// <summary>The context of a top-level embedded resource.</summary>
    public static IncludeContext ForResource(string name) => new(null, true, ConfigPath.Root, ["resource:" + name]);

    /// <summary>The context for a document included from this one.</summary>
    public IncludeContext Nested(string fullName, string? directory, bool isResource, ConfigPath prefix) =>
        new(directory, isResource, prefix, [.. Chain, fullName], isOutermost: false);

    /// <summary>The name used to detect include cycles.</summary>
    public static string FullName(string file)
    {
        try
        {
            return Path.GetFullPath(file);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return file;
        }
    }
}
