using System.Globalization;
using System.Text;

namespace ActorPager.Runtime.Configuration;

/// <summary>
/// Writes random but valid HOCON documents from a seed, using most of the syntax (comments,
/// path keys, omitted separators, unquoted and triple-quoted strings, concatenation, lists,
/// substitutions, <c>+=</c>). The tests render and re-parse them; the benchmark times them.
/// </summary>
internal sealed class HoconDocumentGenerator(int seed)
{
    /// <summary>The seeded source of every choice.</summary>
    private readonly Random _random = new(seed);

    /// <summary>Counter that keeps generated keys unique.</summary>
    private int _next;

    /// <summary>A document of about <paramref name="targetChars"/> characters.</summary>
    public string Generate(int targetChars, int maxDepth = 4)
    {
        var sb = new StringBuilder(targetChars + 1024);
        sb.Append("# generated document, seed-driven\n");
        sb.Append("base { name = \"generated\", size = 4KiB, timeout = 10ms }\n");
        while (sb.Length < targetChars)
        {
            var key = "section" + _next++;
            sb.Append(key).Append(" {\n");
            WriteFields(sb, key, 1, maxDepth);
            sb.Append("}\n");
        }

        return sb.ToString();
    }

    private void WriteFields(StringBuilder sb, string path, int depth, int maxDepth)
    {
        var count = _random.Next(3, 9);
        for (var i = 0; i < count; i++)
        {
            sb.Append(' ', depth * 2);
            var key = "k" + _next++.ToString(CultureInfo.InvariantCulture);
            switch (_random.Next(12))
            {
                case 0 when depth < maxDepth:
                    sb.Append(key).Append(" {\n");
                    WriteFields(sb, path + "." + key, depth + 1, maxDepth);
                    sb.Append(' ', depth * 2).Append("}\n");
                    break;
                case 1:
                    sb.Append(key).Append(".inner.leaf = ").Append(_random.Next(1000)).Append('\n');
                    break;
                case 2:
                    sb.Append(key).Append(" = [");
                    var n = _random.Next(0, 6);
                    for (var j = 0; j < n; j++)
                    {
                        sb.Append(j == 0 ? string.Empty : ", ").Append(_random.Next(100));
                    }

                    sb.Append("]\n");
                    break;
                case 3:
                    sb.Append(key).Append(" = \"quoted \\\"text\\\" with \\n escapes ").Append(_random.Next()).Append("\"\n");
                    break;
                case 4:
                    sb.Append(key).Append(" : unquoted words here ").Append(_random.Next(50)).Append(" // comment\n");
                    break;
                case 5:
                    sb.Append(key).Append(" = \"\"\"triple\n  quoted \"text\" ").Append(_random.Next(10)).Append("\"\"\"\n");
                    break;
                case 6:
                    sb.Append(key).Append(" = ").Append((_random.NextDouble() * 1000).ToString("F3", CultureInfo.InvariantCulture)).Append('\n');
                    break;
                case 7:
                    sb.Append(key).Append(" = ${base.name}-").Append(_random.Next(100)).Append('\n');
                    break;
                case 8:
                    sb.Append(key).Append(" += ").Append(_random.Next(10)).Append('\n');
                    sb.Append(' ', depth * 2).Append(key).Append(" += x").Append(_random.Next(10)).Append('\n');
                    break;
                case 9:
                    sb.Append(key).Append(" = ").Append(_random.Next(2) == 0 ? "true" : "false").Append(", ");
                    sb.Append(key).Append("b = null\n");
                    break;
                case 10:
                    sb.Append("\"").Append(key).Append(".dotted\" = [{ a = 1 }, { b = [x, y] }]\n");
                    break;
                default:
                    sb.Append(key).Append(" = ").Append(_random.Next(1, 512)).Append(_random.Next(2) == 0 ? "ms" : "MiB").Append('\n');
                    break;
            }
        }
    }
}
