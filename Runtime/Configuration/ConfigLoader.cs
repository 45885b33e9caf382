using System.Reflection;

namespace ActorPager.Runtime.Configuration;

/// <summary>Reads files and embedded resources in the three formats HOCON includes understand.</summary>
internal static class ConfigLoader
{
    /// <summary>The syntax a document is read with.</summary>
    internal enum Syntax
    {
        /// <summary>HOCON (.conf and anything else).</summary>
        Conf,

        /// <summary>Strict JSON (.json).</summary>
        Json,

        /// <summary>Java properties (.properties).</summary>
        Properties,
    }

    /// <summary>The syntax implied by a file name's extension.</summary>
    public static Syntax SyntaxOf(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".json" => Syntax.Json,
        ".properties" => Syntax.Properties,
        _ => Syntax.Conf,
    };

    /// <summary>Reads a top-level file.</summary>
    /// <exception cref="HoconException">The file is missing, unreadable or invalid.</exception>
    public static ConfigObject LoadFile(string file)
    {
        if (!File.Exists(file))
        {
            throw new HoconException(file, 0, 0, null, "file not found");
        }

        return Parse(Read(file, ConfigOrigin.None), file, SyntaxOf(file), IncludeContext.ForFile(file));
    }

    /// <summary>Reads an embedded resource of the runtime assembly as a top-level document, or null when there is none by that name.</summary>
    public static ConfigObject? LoadResource(string name)
    {
        var text = ReadResource(name);
        return text is null ? null : Parse(text, name, SyntaxOf(name), IncludeContext.ForResource(name));
    }

    /// <summary>Reads an included file, or returns null when it does not exist.</summary>
    public static ConfigObject? TryLoadFile(string file, IncludeContext includer, ConfigPath prefix, ConfigOrigin includedFrom)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        var fullName = IncludeContext.FullName(file);
        CheckCycle(fullName, file, includer, includedFrom);
        var context = includer.Nested(fullName, Path.GetDirectoryName(file) ?? string.Empty, isResource: false, prefix);
        return Parse(Read(file, includedFrom), file, SyntaxOf(file), context);
    }

    /// <summary>Reads an included embedded resource, or returns null when there is none by that name.</summary>
    public static ConfigObject? TryLoadResource(string name, IncludeContext includer, ConfigPath prefix, ConfigOrigin includedFrom)
    {
        var text = ReadResource(name);
        if (text is null)
        {
            return null;
        }

        var fullName = "resource:" + name;
        CheckCycle(fullName, name, includer, includedFrom);
        return Parse(text, name, SyntaxOf(name), includer.Nested(fullName, null, isResource: true, prefix));
    }

    /// <summary>Parses text in the given syntax.</summary>
    public static ConfigObject Parse(string text, string? file, Syntax syntax, IncludeContext context) => syntax switch
    {
        Syntax.Json => JsonDocumentReader.Read(text, file),
        Syntax.Properties => PropertiesReader.Read(text, file),
        _ => HoconParser.ParseObjectDocument(text, file, context),
    };

    private static void CheckCycle(string fullName, string shown, IncludeContext includer, ConfigOrigin includedFrom)
    {
        foreach (var outer in includer.Chain)
        {
            if (string.Equals(outer, fullName, StringComparison.Ordinal))
            {
                throw HoconException.At(includedFrom, null, $"include cycle: '{shown}' includes itself, directly or through other files ({string.Join(" -> ", includer.Chain.Select(Path.GetFileName))} -> {Path.GetFileName(shown)})");
            }
        }
    }

    private static string Read(string file, ConfigOrigin includedFrom)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            throw includedFrom.File is null && includedFrom.Line == 0
                ? new HoconException(file, 0, 0, null, "cannot read the file: " + e.Message, e)
                : new HoconException(includedFrom.File, includedFrom.Line, includedFrom.Column, null, $"cannot read the included file '{file}': {e.Message}", e);
        }
    }

    private static string? ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
