using System.Text;
using System.Text.Json;

namespace ActorPager.Runtime.Configuration;

/// <summary>Reads strict JSON (<c>.json</c> includes and files) into configuration values with line and column origins.</summary>
internal static class JsonDocumentReader
{
    /// <summary>Parses a JSON document whose root must be an object.</summary>
    public static ConfigObject Read(string text, string? file)
    {
        var bytes = Encoding.UTF8.GetBytes(text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            MaxDepth = ConfigValue.MaxDepth,
        });
        var lines = new LineCounter(bytes, file);
        try
        {
            if (!reader.Read())
            {
                return new ConfigObject(new ConfigOrigin(file, 1, 1));
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw HoconException.At(lines.At(reader.TokenStartIndex), null, "a JSON configuration file must contain an object at its root");
            }

            var root = (ConfigObject)ReadValue(ref reader, lines);
            if (reader.Read())
            {
                throw HoconException.At(lines.At(reader.TokenStartIndex), null, "unexpected content after the root object");
            }

            root.Reseal();
            return root;
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }

            throw new HoconException(file, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, null, "invalid JSON: " + message.TrimEnd('.'), e);
        }
    }

    private static ConfigValue ReadValue(ref Utf8JsonReader reader, LineCounter lines)
    {
        ConfigEquality.EnsureStack();
        var origin = lines.At(reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new ConfigObject(origin);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.GetString()!;
                    reader.Read();

                    // Duplicate keys follow HOCON's rule: later wins, objects merge.
                    ConfigMerge.MergeField(obj, key, ReadValue(ref reader, lines));
                }

                return obj;
            case JsonTokenType.StartArray:
                var list = new ConfigList(origin);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(ReadValue(ref reader, lines));
                }

                return list;
            case JsonTokenType.String:
                return new ConfigString(origin, reader.GetString()!, StringKind.Quoted);
            case JsonTokenType.Number:
                var text = Encoding.UTF8.GetString(reader.ValueSpan);
                return ConfigNumber.TryParse(origin, text)
                    ?? throw HoconException.At(origin, null, $"the number {text} is out of range");
            case JsonTokenType.True:
                return new ConfigBoolean(origin, true);
            case JsonTokenType.False:
                return new ConfigBoolean(origin, false);
            default:
                return new ConfigNull(origin);
        }
    }

    /// <summary>Turns byte offsets into line and column, moving forward only.</summary>
    private sealed class LineCounter(byte[] bytes, string? file)
    {
        /// <summary>Offset counted up to.</summary>
        private int _offset;

        /// <summary>Line at <see cref="_offset"/>.</summary>
        private int _line = 1;

        /// <summary>Offset of that line's first byte.</summary>
        private int _lineStart;

        public ConfigOrigin At(long offset)
        {
            if (offset < _offset)
            {
                _offset = 0;
                _line = 1;
                _lineStart = 0;
            }

            for (; _offset < offset && _offset < bytes.Length; _offset++)
            {
                if (bytes[_offset] == (byte)'\n')
                {
                    _line++;
                    _lineStart = _offset + 1;
                }
            }

            return new ConfigOrigin(file, _line, (int)(offset - _lineStart) + 1);
        }
    }
}
