using System.Globalization;
using System.Text;

namespace ActorPager.Runtime.Configuration;

/// <summary>Writes resolved values as HOCON (which parses back to the same tree) or as JSON.</summary>
internal static class ConfigRenderer
{
    /// <summary>HOCON text for a value; objects in braces.</summary>
    public static string RenderHocon(ConfigValue value)
    {
        var sb = new StringBuilder();
        WriteHocon(sb, value, 0);
        return sb.ToString();
    }

    /// <summary>HOCON text for a root object, without the outer braces, one field per line.</summary>
    public static string RenderHoconDocument(ConfigObject root)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in root)
        {
            WriteField(sb, key, value, 0);
        }

        return sb.ToString();
    }

    /// <summary>JSON text for a value.</summary>
    public static string RenderJson(ConfigValue value, bool indented)
    {
        var sb = new StringBuilder();
        WriteJson(sb, value, indented, 0);
        return sb.ToString();
    }

    /// <summary>A string in double quotes with JSON escapes.</summary>
    public static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2);
        AppendQuoted(sb, text);
        return sb.ToString();
    }

    /// <summary>Appends a string in double quotes with JSON escapes.</summary>
    public static void AppendQuoted(StringBuilder sb, string text)
    {
        sb.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                default:
                    if (c < ' ' || c is '\u2028' or '\u2029')
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    private static void WriteField(StringBuilder sb, string key, ConfigValue value, int indent)
    {
        sb.Append(' ', indent);
        ConfigPath.AppendKey(sb, key);
        sb.Append(value is ConfigObject ? " " : " = ");
        WriteHocon(sb, value, indent);
        sb.Append('\n');
    }

    private static void WriteHocon(StringBuilder sb, ConfigValue value, int indent)
    {
        ConfigEquality.EnsureStack();
        switch (value)
        {
            case ConfigObject obj when obj.Count == 0:
                sb.Append("{}");
                break;
            case ConfigObject obj:
                sb.Append("{\n");
                foreach (var (key, child) in obj)
                {
                    WriteField(sb, key, child, indent + 2);
                }

                sb.Append(' ', indent).Append('}');
                break;
            case ConfigList list when list.Count == 0:
                sb.Append("[]");
                break;
            case ConfigList list when list.All(v => v is not (ConfigObject or ConfigList)):
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    WriteHocon(sb, list[i], indent);
                }

                sb.Append(']');
                break;
            case ConfigList list:
                sb.Append("[\n");
                foreach (var item in list)
                {
                    sb.Append(' ', indent + 2);
                    WriteHocon(sb, item, indent + 2);
                    sb.Append('\n');
                }

                sb.Append(' ', indent).Append(']');
                break;
            default:
                WriteScalar(sb, value);
                break;
        }
    }

    private static void WriteJson(StringBuilder sb, ConfigValue value, bool indented, int indent)
    {
        ConfigEquality.EnsureStack();
        switch (value)
        {
            case ConfigObject obj when obj.Count == 0:
                sb.Append("{}");
                break;
            case ConfigObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, child) in obj)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    NewLine(sb, indented, indent + 2);
                    AppendQuoted(sb, key);
                    sb.Append(indented ? ": " : ":");
                    WriteJson(sb, child, indented, indent + 2);
                }

                NewLine(sb, indented, indent);
                sb.Append('}');
                break;
            case ConfigList list when list.Count == 0:
                sb.Append("[]");
                break;
            case ConfigList list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    NewLine(sb, indented, indent + 2);
                    WriteJson(sb, list[i], indented, indent + 2);
                }

                NewLine(sb, indented, indent);
                sb.Append(']');
                break;
            default:
                WriteScalar(sb, value);
                break;
        }
    }

    private static void NewLine(StringBuilder sb, bool indented, int indent)
    {
        if (indented)
        {
            sb.Append('\n').Append(' ', indent);
        }
    }

    private static void WriteScalar(StringBuilder sb, ConfigValue value)
    {
        switch (value)
        {
            case ConfigString s:
                AppendQuoted(sb, s.Value);
                break;
            case ConfigNumber n when n.IsIntegral:
                sb.Append(n.Long.ToString(CultureInfo.InvariantCulture));
                break;
            case ConfigNumber n:
                sb.Append(n.Double.ToString("R", CultureInfo.InvariantCulture));
                break;
            case ConfigBoolean b:
                sb.Append(b.Value ? "true" : "false");
                break;
            case ConfigNull:
                sb.Append("null");
                break;
            default:
                throw HoconException.At(value.Origin, null, "this value has unresolved substitutions; resolve the configuration before rendering it");
        }
    }
}
