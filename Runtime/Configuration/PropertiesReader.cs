using System.Globalization;
using System.Text;

namespace ActorPager.Runtime.Configuration;

/// <summary>
/// Reads Java properties (<c>.properties</c> includes and files). Keys are paths split at '.';
/// every value is a string. When a key is both a value and a parent (<c>a=1</c>, <c>a.b=2</c>),
/// the object wins, as lightbend/config does.
/// </summary>
internal static class PropertiesReader
{
    /// <summary>Parses properties text into an object.</summary>
    public static ConfigObject Read(string text, string? file)
    {
        var entries = new List<(string[] Path, ConfigString Value)>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNumber = i + 1;
            var line = lines[i].TrimStart(' ', '\t', '\f', '\uFEFF');
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            // A line ending in an odd number of backslashes continues on the next one.
            while (EndsWithContinuation(line) && i + 1 < lines.Length)
            {
                line = line[..^1] + lines[++i].TrimStart(' ', '\t', '\f');
            }

            var (key, value) = Split(line, file, lineNumber);
            var origin = new ConfigOrigin(file, lineNumber, 1);
            var path = key.Split('.');
            if (Array.Exists(path, s => s.Length == 0))
            {
                throw new HoconException(file, lineNumber, 1, null, $"the property key '{key}' has an empty path element");
            }

            entries.Add((path, new ConfigString(origin, value, StringKind.Quoted)));
        }

        var root = new ConfigObject(new ConfigOrigin(file, 1, 1));

        // Shorter paths first, so a parent set as a value is replaced by the object its children need.
        foreach (var (path, value) in entries.OrderBy(e => e.Path.Length))
        {
            var obj = root;
            for (var k = 0; k < path.Length - 1; k++)
            {
                if (obj.TryGetValue(path[k], out var existing) && existing is ConfigObject child)
                {
                    obj = child;
                    continue;
                }

                var created = new ConfigObject(value.Origin);
                obj.Set(path[k], created);
                obj = created;
            }

            if (!(obj.TryGetValue(path[^1], out var current) && current is ConfigObject))
            {
                obj.Set(path[^1], value);
            }
        }

        root.Reseal();
        return root;
    }

    private static bool EndsWithContinuation(string line)
    {
        var count = 0;
        for (var i = line.Length - 1; i >= 0 && line[i] == '\\'; i--)
        {
            count++;
        }

        return count % 2 == 1;
    }

    private static (string Key, string Value) Split(string line, string? file, int lineNumber)
    {
        var key = new StringBuilder();
        var i = 0;
        for (; i < line.Length; i++)
        {
            var c = line[i];
            if (c is '=' or ':' or ' ' or '\t' or '\f')
            {
                break;
            }

            if (c == '\\' && i + 1 < line.Length)
            {
                i = Unescape(line, i, key, file, lineNumber);
                continue;
            }

            key.Append(c);
        }

        // Separator: optional whitespace, then at most one '=' or ':', then optional whitespace.
        while (i < line.Length && line[i] is ' ' or '\t' or '\f')
        {
            i++;
        }

        if (i < line.Length && line[i] is '=' or ':')
        {
            i++;
        }

        while (i < line.Length && line[i] is ' ' or '\t' or '\f')
        {
            i++;
        }

        var value = new StringBuilder();
        for (; i < line.Length; i++)
        {
            if (line[i] == '\\' && i + 1 < line.Length)
            {
                i = Unescape(line, i, value, file, lineNumber);
                continue;
            }

            value.Append(line[i]);
        }

        return (key.ToString(), value.ToString());
    }

    private static int Unescape(string line, int i, StringBuilder sb, string? file, int lineNumber)
    {
        var e = line[i + 1];
        switch (e)
        {
            case 't':
                sb.Append('\t');
                break;
            case 'n':
                sb.Append('\n');
                break;
            case 'r':
                sb.Append('\r');
                break;
            case 'f':
                sb.Append('\f');
                break;
            case 'u':
                if (i + 6 > line.Length || !ushort.TryParse(line.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    throw new HoconException(file, lineNumber, i + 1, null, "'\\u' must be followed by four hexadecimal digits");
                }

                sb.Append((char)code);
                return i + 5;
            default:
                sb.Append(e);
                break;
        }

        return i + 1;
    }
}
