using System.Text;

namespace ActorPager.Runtime.Configuration;

/// <summary>Joins the pieces of a value concatenation: strings into a string, lists into a list, objects by merging.</summary>
internal static class Concatenation
{
    /// <summary>
    /// Joins pieces (undefined optional substitutions already removed). Whitespace between lists
    /// or objects is ignored; mixing strings with lists or objects is an error. Returns null when
    /// nothing but whitespace is left (every substitution was an undefined <c>${?...}</c>).
    /// </summary>
    public static ConfigValue? Join(List<ConfigValue> pieces, ConfigOrigin origin, string? path)
    {
        ConfigValue? container = null;
        ConfigValue? firstScalar = null;
        var nonSpace = 0;
        foreach (var piece in pieces)
        {
            if (piece is ConfigString { Kind: StringKind.Whitespace })
            {
                continue;
            }

            nonSpace++;
            if (piece is ConfigObject or ConfigList)
            {
                container ??= piece;
            }
            else
            {
                firstScalar ??= piece;
            }
        }

        if (nonSpace == 0)
        {
            return null;
        }

        if (container is not null)
        {
            if (firstScalar is not null)
            {
                throw HoconException.At(
                    firstScalar.Origin,
                    path,
                    $"cannot concatenate {ConfigValue.Describe(container.ValueType)} with {Show(firstScalar)}; a value concatenation joins only strings, only lists or only objects (quote the text, or put it on its own line)");
            }

            ConfigValue? result = null;
            foreach (var piece in pieces)
            {
                if (piece is ConfigString)
                {
                    continue;
                }

                result = result switch
                {
                    null => piece,
                    ConfigObject left when piece is ConfigObject right => ConfigMerge.MergeObjects(left, right),
                    ConfigList left when piece is ConfigList right => Append(left, right),
                    _ => throw HoconException.At(
                        piece.Origin,
                        path,
                        $"cannot concatenate {ConfigValue.Describe(result.ValueType)} with {ConfigValue.Describe(piece.ValueType)}; a value concatenation joins only strings, only lists or only objects"),
                };
            }

            return result;
        }

        if (pieces.Count == 1)
        {
            return pieces[0];
        }

        var sb = new StringBuilder();
        foreach (var piece in pieces)
        {
            AppendText(sb, piece);
        }

        return new ConfigString(origin, sb.ToString(), StringKind.Quoted);
    }

    /// <summary>The text a simple value contributes to a string concatenation (numbers as written).</summary>
    public static void AppendText(StringBuilder sb, ConfigValue value)
    {
        switch (value)
        {
            case ConfigString s:
                sb.Append(s.Value);
                break;
            case ConfigNumber n:
                sb.Append(n.Text);
                break;
            case ConfigBoolean b:
                sb.Append(b.Value ? "true" : "false");
                break;
            case ConfigNull:
                sb.Append("null");
                break;
        }
    }

    private static ConfigList Append(ConfigList left, ConfigList right)
    {
        var result = new ConfigList(right.Origin, left.Count + right.Count);
        foreach (var item in left)
        {
            result.Add(item);
        }

        foreach (var item in right)
        {
            result.Add(item);
        }

        return result;
    }

    private static string Show(ConfigValue scalar)
    {
        var sb = new StringBuilder();
        AppendText(sb, scalar);
        return ConfigValue.Describe(scalar.ValueType) + " (" + ConfigRenderer.Quote(sb.ToString()) + ")";
    }
}
