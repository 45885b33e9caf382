using System.Globalization;

namespace ActorPager.Runtime.Configuration;

/// <summary>Where a value was written: the file (null for a string) and the 1-based line and column.</summary>
internal readonly record struct ConfigOrigin(string? File, int Line, int Column)
{
    /// <summary>An origin that names nothing (values made by code).</summary>
    public static ConfigOrigin None => default;

    /// <summary><c>file:line:column</c>, <c>line:column</c> or the empty string.</summary>
    public override string ToString()
    {
        if (File is null)
        {
            return Line > 0 ? string.Create(CultureInfo.InvariantCulture, $"{Line}:{Column}") : string.Empty;
        }

        return Line > 0 ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}") : File;
    }
}
