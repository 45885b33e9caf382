using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Akka.Configuration.Hocon;

namespace ActorPager.Service.Configuration;

/// <summary>
/// Writes a tree Akka's reader built as JSON or as HOCON that Akka's reader reads back to the
/// same tree. A scalar is written as a number, <c>true</c>/<c>false</c> or <c>null</c> when its
/// text reads as one (Akka keeps only the text), otherwise as a quoted string.
/// </summary>
internal static class ConfigRenderer
{
    /// <summary>Indented JSON.</summary>
    public static string ToJson(HoconValue root)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            MaxDepth = int.MaxValue,
        }))
        {
            WriteJson(writer, root);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>HOCON, the root's fields one per line without outer braces, two spaces per level.</summary>
    public static string ToHocon(HoconValue root)
    {
        var sb = new StringBuilder();
        if (HoconTree.KindOf(root) == HoconTree.Kind.Object)
        {
            foreach (var (key, value) in root.GetObject().Items)
            {
                WriteHoconField(sb, key, value, 0);
            }
        }

        return sb.ToString();
    }

    private static void WriteJson(Utf8JsonWriter writer, HoconValue value)
    {
        switch (HoconTree.KindOf(value))
        {
            case HoconTree.Kind.Object:
                writer.WriteStartObject();
                foreach (var (key, child) in value.GetObject().Items)
                {
                    writer.WritePropertyName(key);
                    WriteJson(writer, child);
                }

                writer.WriteEndObject();
                break;
            case HoconTree.Kind.List:
                writer.WriteStartArray();
                foreach (var item in value.GetArray())
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            case HoconTree.Kind.Scalar:
                var text = value.GetString();
                if (text is null)
                {
                    writer.WriteNullValue();
                }
                else if (text is "true" or "false")
                {
                    writer.WriteBooleanValue(text == "true");
                }
                else if (HoconTree.IsNumber(text))
                {
                    // The number as written (42.10 stays 42.10); WriteRawValue would skip indentation.
                    using var number = JsonDocument.Parse(text);
                    number.RootElement.WriteTo(writer);
                }
                else
                {
                    writer.WriteStringValue(text);
                }

                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteHoconField(StringBuilder sb, string key, HoconValue value, int indent)
    {
        sb.Append(' ', indent * 2).Append(HoconKey(key));
        if (HoconTree.KindOf(value) == HoconTree.Kind.Object)
        {
            sb.Append(' ');
        }
        else
        {
            sb.Append(" = ");
        }

        WriteHoconValue(sb, value, indent);
        sb.Append('\n');
    }

    private static void WriteHoconValue(StringBuilder sb, HoconValue value, int indent)
    {
        switch (HoconTree.KindOf(value))
        {
            case HoconTree.Kind.Object:
                var items = value.GetObject().Items;
                if (items.Count == 0)
                {
                    sb.Append("{}");
                    break;
                }

                sb.Append("{\n");
                foreach (var (key, child) in items)
                {
                    WriteHoconField(sb, key, child, indent + 1);
                }

                sb.Append(' ', indent * 2).Append('}');
                break;
            case HoconTree.Kind.List:
                var list = value.GetArray();
                if (list.Count == 0)
                {
                    sb.Append("[]");
                    break;
                }

                sb.Append("[\n");
                foreach (var item in list)
                {
                    sb.Append(' ', (indent + 1) * 2);
                    WriteHoconValue(sb, item, indent + 1);
                    sb.Append('\n');
                }

                sb.Append(' ', indent * 2).Append(']');
                break;
            case HoconTree.Kind.Scalar:
                var text = value.GetString();
                sb.Append(text is null ? "null" : text is "true" or "false" || HoconTree.IsNumber(text) ? text : Quote(text));
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    /// <summary>A key as written: bare when it is letters, digits, '-' and '_' only, else quoted (a dot would make it a path).</summary>
    private static string HoconKey(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? key : Quote(key);

    /// <summary>A string in double quotes with JSON's escapes (which Akka's reader understands), non-ASCII kept as it is.</summary>
    private static string Quote(string text) => "\"" + JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value + "\"";
}
