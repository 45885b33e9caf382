using System.Text;

namespace ActorPager.Runtime.Configuration;

/// <summary>A path through the object tree: a list of keys, rendered as HOCON (<c>a.b."c.d"</c>).</summary>
internal sealed class ConfigPath : IEquatable<ConfigPath>
{
    /// <summary>Rendered form, computed once.</summary>
    private string? _rendered;

    internal ConfigPath(string[] segments)
    {
        Segments = segments;
    }

    /// <summary>The path with no keys (the root object).</summary>
    public static ConfigPath Root { get; } = new([]);

    /// <summary>The keys, outermost first.</summary>
    public string[] Segments { get; }

    /// <summary>The number of keys.</summary>
    public int Length => Segments.Length;

    /// <summary>Parses a path expression as HOCON does in keys and substitutions.</summary>
    /// <exception cref="HoconException">The text is not a valid path.</exception>
    public static ConfigPath Parse(string text)
    {
        if (IsSimple(text))
        {
            return new ConfigPath(text.Split('.'));
        }

        return HoconTokenizer.ParsePathExpression(text, new ConfigOrigin(null, 1, 1));
    }

    /// <summary>This path with one more key.</summary>
    public ConfigPath Child(string key)
    {
        var segments = new string[Segments.Length + 1];
        Segments.CopyTo(segments, 0);
        segments[^1] = key;
        return new ConfigPath(segments);
    }

    /// <summary>This path followed by <paramref name="other"/>.</summary>
    public ConfigPath Concat(ConfigPath other)
    {
        if (Length == 0)
        {
            return other;
        }

        return other.Length == 0 ? this : new ConfigPath([.. Segments, .. other.Segments]);
    }

    /// <summary>The first <paramref name="length"/> keys.</summary>
    public ConfigPath Prefix(int length) => length == Segments.Length ? this : new ConfigPath(Segments[..length]);

    /// <summary>Whether this path is <paramref name="prefix"/> or lies under it.</summary>
    public bool StartsWith(ConfigPath prefix)
    {
        if (prefix.Length > Length)
        {
            return false;
        }

        for (var i = 0; i < prefix.Length; i++)
        {
            if (!string.Equals(Segments[i], prefix.Segments[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The HOCON form, quoting keys that need it.</summary>
    public string Render()
    {
        if (_rendered is null)
        {
            var sb = new StringBuilder();
            for (var i = 0; i < Segments.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append('.');
                }

                AppendKey(sb, Segments[i]);
            }

            _rendered = sb.ToString();
        }

        return _rendered;
    }

    /// <summary>Appends one key, quoted when it could not be read back unquoted as a single path element.</summary>
    public static void AppendKey(StringBuilder sb, string key)
    {
        if (NeedsQuotes(key))
        {
            ConfigRenderer.AppendQuoted(sb, key);
        }
        else
        {
            sb.Append(key);
        }
    }

    /// <summary>Whether a key must be quoted to be read back as exactly one path element.</summary>
    public static bool NeedsQuotes(string key)
    {
        if (key.Length == 0 || key is "true" or "false" or "null" or "include" || char.IsAsciiDigit(key[0]) || key[0] == '-')
        {
            return true;
        }

        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public bool Equals(ConfigPath? other)
    {
        if (other is null || other.Length != Length)
        {
            return false;
        }

        for (var i = 0; i < Segments.Length; i++)
        {
            if (!string.Equals(Segments[i], other.Segments[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ConfigPath other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var segment in Segments)
        {
            hash.Add(segment, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => Render();

    /// <summary>Letters, digits, '-' and '_' separated by single dots, not starting with a digit or '-': splitting on '.' gives the same path the full parser would.</summary>
    private static bool IsSimple(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        var segmentStart = true;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (segmentStart)
                {
                    return false;
                }

                segmentStart = true;
                continue;
            }

            if (segmentStart && (char.IsAsciiDigit(c) || c == '-'))
            {
                return false;
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }

            segmentStart = false;
        }

        return !segmentStart && !text.Split('.').Any(s => s is "true" or "false" or "null");
    }
}
