using System.Text;

namespace ActorPager.Runtime.Configuration;

/// <summary>The kinds of HOCON tokens.</summary>
internal enum TokenKind : byte
{
    /// <summary>End of input.</summary>
    End,

    /// <summary>An ASCII newline (comments end just before one).</summary>
    Newline,

    /// <summary>A run of whitespace other than newlines.</summary>
    Whitespace,

    /// <summary><c>,</c></summary>
    Comma,

    /// <summary><c>:</c></summary>
    Colon,

    /// <summary><c>=</c></summary>
    Equals,

    /// <summary><c>+=</c></summary>
    PlusEquals,

    /// <summary><c>{</c></summary>
    OpenBrace,

    /// <summary><c>}</c></summary>
    CloseBrace,

    /// <summary><c>[</c></summary>
    OpenBracket,

    /// <summary><c>]</c></summary>
    CloseBracket,

    /// <summary>A double- or triple-quoted string.</summary>
    QuotedString,

    /// <summary>Unquoted text.</summary>
    Unquoted,

    /// <summary>A number (text kept as written).</summary>
    Number,

    /// <summary><c>true</c></summary>
    True,

    /// <summary><c>false</c></summary>
    False,

    /// <summary><c>null</c></summary>
    Null,

    /// <summary><c>${path}</c> or <c>${?path}</c>.</summary>
    Substitution,
}

/// <summary>One token: its kind, text and where it starts.</summary>
internal readonly struct Token(TokenKind kind, string? text, int line, int column, ConfigPath? path = null, bool optional = false)
{
    /// <summary>The kind.</summary>
    public TokenKind Kind { get; } = kind;

    /// <summary>String contents, unquoted text, number text or whitespace; null for punctuation.</summary>
    public string? Text { get; } = text;

    /// <summary>1-based line.</summary>
    public int Line { get; } = line;

    /// <summary>1-based column.</summary>
    public int Column { get; } = column;

    /// <summary>The path of a substitution.</summary>
    public ConfigPath? Path { get; } = path;

    /// <summary>Whether a substitution is <c>${?...}</c>.</summary>
    public bool Optional { get; } = optional;

    /// <summary>How the token reads in an error message.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "end of input",
        TokenKind.Newline => "a newline",
        TokenKind.Whitespace => "whitespace",
        TokenKind.Comma => "','",
        TokenKind.Colon => "':'",
        TokenKind.Equals => "'='",
        TokenKind.PlusEquals => "'+='",
        TokenKind.OpenBrace => "'{'",
        TokenKind.CloseBrace => "'}'",
        TokenKind.OpenBracket => "'['",
        TokenKind.CloseBracket => "']'",
        TokenKind.QuotedString => "the quoted string " + ConfigRenderer.Quote(Text ?? string.Empty),
        TokenKind.Substitution => "the substitution ${" + Path?.Render() + "}",
        _ => "'" + Text + "'",
    };
}

/// <summary>
/// Splits HOCON text into tokens. It looks at most three characters ahead (for <c>"""</c>).
/// Comments are skipped; the newline that ends them is still a token.
/// </summary>
internal sealed class HoconTokenizer
{
    /// <summary>Characters that end unquoted text (besides whitespace and <c>//</c>).</summary>
    private const string Forbidden = "$\"{}[]:=,+#`^?!@*&\\";

    /// <summary>Lookup table of <see cref="Forbidden"/>.</summary>
    private static readonly bool[] ForbiddenAscii = BuildForbidden();

    /// <summary>The input.</summary>
    private readonly string _text;

    /// <summary>The file named in errors.</summary>
    private readonly string? _file;

    /// <summary>Next character to read.</summary>
    private int _pos;

    /// <summary>Current 1-based line.</summary>
    private int _line = 1;

    /// <summary>Index of the first character of the current line.</summary>
    private int _lineStart;

    public HoconTokenizer(string text, string? file, int firstLine = 1, int firstColumn = 1)
    {
        _text = text;
        _file = file;
        _line = firstLine;
        _lineStart = -(firstColumn - 1);
    }

    /// <summary>Parses a whole string as a path expression (the form a getter's path argument takes).</summary>
    public static ConfigPath ParsePathExpression(string text, ConfigOrigin origin)
    {
        var tokenizer = new HoconTokenizer(text, origin.File, origin.Line, origin.Column);
        var tokens = new List<Token>();
        while (true)
        {
            var token = tokenizer.Next();
            if (token.Kind == TokenKind.End)
            {
                break;
            }

            tokens.Add(token);
        }

        return PathFromTokens(tokens, 0, tokens.Count, origin.File, text, "path");
    }

    /// <summary>
    /// Builds a path from key or substitution tokens: dots in unquoted text and numbers separate
    /// keys, dots in quoted strings do not, whitespace between tokens is kept, whitespace at the
    /// ends is dropped.
    /// </summary>
    public static ConfigPath PathFromTokens(List<Token> tokens, int start, int end, string? file, string? shownAs, string what)
    {
        while (start < end && tokens[start].Kind == TokenKind.Whitespace)
        {
            start++;
        }

        while (end > start && tokens[end - 1].Kind == TokenKind.Whitespace)
        {
            end--;
        }

        if (start == end)
        {
            var at = start < tokens.Count ? tokens[start] : default;
            throw new HoconException(file, at.Line, at.Column, null, $"expected a {what}, found nothing");
        }

        if (end - start == 1 && tokens[start].Kind == TokenKind.Unquoted && !tokens[start].Text!.Contains('.', StringComparison.Ordinal))
        {
            return new ConfigPath([tokens[start].Text!]);
        }

        var segments = new List<string>();
        var current = new StringBuilder();
        var currentHasContent = false;
        for (var i = start; i < end; i++)
        {
            var token = tokens[i];
            switch (token.Kind)
            {
                case TokenKind.QuotedString:
                    current.Append(token.Text);
                    currentHasContent = true;
                    break;
                case TokenKind.Whitespace:
                    current.Append(token.Text);
                    break;
                case TokenKind.Unquoted or TokenKind.Number or TokenKind.True or TokenKind.False or TokenKind.Null:
                    var text = token.Text!;
                    var from = 0;
                    while (true)
                    {
                        var dot = text.IndexOf('.', from);
                        if (dot < 0)
                        {
                            current.Append(text, from, text.Length - from);
                            currentHasContent |= text.Length > from;
                            break;
                        }

                        current.Append(text, from, dot - from);
                        currentHasContent |= dot > from;
                        if (!currentHasContent)
                        {
                            throw new HoconException(
                                file,
                                token.Line,
                                token.Column,
                                null,
                                $"the {what} '{shownAs ?? Show(tokens, start, end)}' has an empty key: a path may not start or end with '.' or contain '..' (write an empty key as \"\")");
                        }

                        segments.Add(current.ToString());
                        current.Clear();
                        currentHasContent = false;
                        from = dot + 1;
                    }

                    break;
                default:
                    throw new HoconException(file, token.Line, token.Column, null, $"{token.Describe()} is not allowed in a {what}; put the key in quotes");
            }
        }

        if (!currentHasContent)
        {
            var last = tokens[end - 1];
            throw new HoconException(
                file,
                last.Line,
                last.Column,
                null,
                $"the {what} '{shownAs ?? Show(tokens, start, end)}' has an empty key: a path may not start or end with '.' or contain '..' (write an empty key as \"\")");
        }

        segments.Add(current.ToString());
        return new ConfigPath([.. segments]);
    }

    private static bool[] BuildForbidden()
    {
        var table = new bool[128];
        foreach (var c in Forbidden)
        {
            table[c] = true;
        }

        return table;
    }

    /// <summary>Reads the next token.</summary>
    public Token Next()
    {
        while (true)
        {
            if (_pos >= _text.Length)
            {
                return new Token(TokenKind.End, null, _line, Column);
            }

            var c = _text[_pos];
            var line = _line;
            var column = Column;
            switch (c)
            {
                case '\n':
                    _pos++;
                    _line++;
                    _lineStart = _pos;
                    return new Token(TokenKind.Newline, null, line, column);
                case '#':
                    SkipComment();
                    continue;
                case '/' when Peek(1) == '/':
                    SkipComment();
                    continue;
                case ',':
                    _pos++;
                    return new Token(TokenKind.Comma, null, line, column);
                case ':':
                    _pos++;
                    return new Token(TokenKind.Colon, null, line, column);
                case '=':
                    _pos++;
                    return new Token(TokenKind.Equals, null, line, column);
                case '{':
                    _pos++;
                    return new Token(TokenKind.OpenBrace, null, line, column);
                case '}':
                    _pos++;
                    return new Token(TokenKind.CloseBrace, null, line, column);
                case '[':
                    _pos++;
                    return new Token(TokenKind.OpenBracket, null, line, column);
                case ']':
                    _pos++;
                    return new Token(TokenKind.CloseBracket, null, line, column);
                case '+':
                    if (Peek(1) == '=')
                    {
                        _pos += 2;
                        return new Token(TokenKind.PlusEquals, null, line, column);
                    }

                    throw Error(line, column, "'+' may only appear as '+='; put text containing '+' in quotes");
                case '"':
                    return Peek(1) == '"' && Peek(2) == '"' ? ReadTripleQuoted(line, column) : ReadQuoted(line, column);
                case '$':
                    return ReadSubstitution(line, column);
                default:
                    if (IsWhitespace(c))
                    {
                        var start = _pos;
                        while (_pos < _text.Length && _text[_pos] != '\n' && IsWhitespace(_text[_pos]))
                        {
                            _pos++;
                        }

                        return new Token(TokenKind.Whitespace, Spaces(start, _pos - start), line, column);
                    }

                    if (c == '-' || char.IsAsciiDigit(c))
                    {
                        return ReadNumber(line, column);
                    }

                    if (Forbidden.Contains(c, StringComparison.Ordinal))
                    {
                        throw Error(line, column, $"'{c}' is reserved and may not appear in unquoted text; put the value in quotes");
                    }

                    return ReadUnquoted(line, column);
            }
        }
    }

    /// <summary>HOCON whitespace: Unicode separators, ASCII control whitespace, the file/group/record/unit separators and the byte-order mark.</summary>
    public static bool IsWhitespace(char c) =>
        c switch
        {
            ' ' or '\t' or '\n' or '\r' or '\v' or '\f' => true,
            < '\u001C' => false,
            <= '\u001F' => true,
            < '\u0080' => false,
            '\uFEFF' => true,
            _ => char.IsWhiteSpace(c),
        };

    private int Column => _pos - _lineStart + 1;

    /// <summary>Runs of plain spaces, shared so indentation does not allocate.</summary>
    private static readonly string[] SpaceRuns = [.. Enumerable.Range(0, 65).Select(n => new string(' ', n))];

    /// <summary>The whitespace text, shared when it is only spaces.</summary>
    private string Spaces(int start, int length)
    {
        if (length < SpaceRuns.Length && _text.AsSpan(start, length).IndexOfAnyExcept(' ') < 0)
        {
            return SpaceRuns[length];
        }

        return _text.Substring(start, length);
    }

    private static string Show(List<Token> tokens, int start, int end)
    {
        var sb = new StringBuilder();
        for (var i = start; i < end; i++)
        {
            sb.Append(tokens[i].Kind == TokenKind.QuotedString ? ConfigRenderer.Quote(tokens[i].Text ?? string.Empty) : tokens[i].Text);
        }

        return sb.ToString();
    }

    private char Peek(int ahead) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private HoconException Error(int line, int column, string problem) => new(_file, line, column, null, problem);

    private void SkipComment()
    {
        var end = _text.IndexOf('\n', _pos);
        _pos = end < 0 ? _text.Length : end;
    }

    private Token ReadNumber(int line, int column)
    {
        var start = _pos;
        _pos++;
        while (_pos < _text.Length && _text[_pos] is (>= '0' and <= '9') or 'e' or 'E' or '+' or '-' or '.')
        {
            _pos++;
        }

        var text = _text.Substring(start, _pos - start);
        if (ConfigNumber.TryParse(default, text) is not null)
        {
            return new Token(TokenKind.Number, text, line, column);
        }

        // Not a number after all (1.2.3, 1-2, a lone '-'): it is unquoted text, which goes on
        // for as long as unquoted text would.
        if (text.Contains('+', StringComparison.Ordinal))
        {
            throw Error(line, column, $"'{text}' is not a number, and '+' may not appear in unquoted text; put the value in quotes");
        }

        return new Token(TokenKind.Unquoted, text, line, column);
    }

    private Token ReadUnquoted(int line, int column)
    {
        var start = _pos;

        // true, false and null are recognised only at the start of unquoted text (truefoo is
        // true then foo; footrue is one string).
        if (StartsWithWord("true"))
        {
            _pos += 4;
            return new Token(TokenKind.True, "true", line, column);
        }

        if (StartsWithWord("false"))
        {
            _pos += 5;
            return new Token(TokenKind.False, "false", line, column);
        }

        if (StartsWithWord("null"))
        {
            _pos += 4;
            return new Token(TokenKind.Null, "null", line, column);
        }

        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (IsWhitespace(c) || (c < 128 && ForbiddenAscii[c]) || (c == '/' && Peek(1) == '/'))
            {
                break;
            }

            _pos++;
        }

        return new Token(TokenKind.Unquoted, _text.Substring(start, _pos - start), line, column);
    }

    private bool StartsWithWord(string word) => string.CompareOrdinal(_text, _pos, word, 0, word.Length) == 0;

    private Token ReadQuoted(int line, int column)
    {
        _pos++;

        // Fast path: no escapes or control characters before the closing quote.
        var rest = _text.AsSpan(_pos);
        var stop = rest.IndexOfAny('"', '\\', '\n');
        if (stop >= 0 && rest[stop] == '"' && rest[..stop].IndexOfAnyInRange('\0', '\u001F') < 0)
        {
            var value = _text.Substring(_pos, stop);
            _pos += stop + 1;
            return new Token(TokenKind.QuotedString, value, line, column);
        }

        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error(line, column, "this quoted string is never closed; add the closing '\"'");
            }

            var c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return new Token(TokenKind.QuotedString, sb.ToString(), line, column);
            }

            if (c == '\\')
            {
                var escapeColumn = Column;
                _pos++;
                var e = _pos < _text.Length ? _text[_pos] : '\0';
                _pos++;
                switch (e)
                {
                    case '"':
                        sb.Append('"');
                        break;
                    case '\\':
                        sb.Append('\\');
                        break;
                    case '/':
                        sb.Append('/');
                        break;
                    case 'b':
                        sb.Append('\b');
                        break;
                    case 'f':
                        sb.Append('\f');
                        break;
                    case 'n':
                        sb.Append('\n');
                        break;
                    case 'r':
                        sb.Append('\r');
                        break;
                    case 't':
                        sb.Append('\t');
                        break;
                    case 'u':
                        if (_pos + 4 > _text.Length || !ushort.TryParse(_text.AsSpan(_pos, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var code))
                        {
                            throw Error(line, escapeColumn, "'\\u' must be followed by four hexadecimal digits");
                        }

                        sb.Append((char)code);
                        _pos += 4;
                        break;
                    default:
                        throw Error(line, escapeColumn, e == '\0'
                            ? "the quoted string ends in the middle of an escape sequence"
                            : $"'\\{e}' is not a valid escape in a quoted string; use \\\\ for a backslash");
                }

                continue;
            }

            if (c < ' ')
            {
                throw Error(_line, Column, c == '\n'
                    ? "a quoted string may not span lines; close it with '\"', or use \\n or a triple-quoted \"\"\" string"
                    : $"control character U+{(int)c:X4} is not allowed in a quoted string; write it as an escape");
            }

            sb.Append(c);
            _pos++;
        }
    }

    private Token ReadTripleQuoted(int line, int column)
    {
        var start = _pos + 3;
        var close = _text.IndexOf("\"\"\"", start, StringComparison.Ordinal);
        if (close < 0)
        {
            throw Error(line, column, "this triple-quoted string is never closed; add the closing \"\"\"");
        }

        // Quotes running on past the closing three belong to the string: """a"""" is a".
        var runEnd = close + 3;
        while (runEnd < _text.Length && _text[runEnd] == '"')
        {
            runEnd++;
        }

        var contentEnd = runEnd - 3;
        var content = _text.Substring(start, contentEnd - start);
        for (var i = _pos; i < runEnd; i++)
        {
            if (_text[i] == '\n')
            {
                _line++;
                _lineStart = i + 1;
            }
        }

        _pos = runEnd;
        return new Token(TokenKind.QuotedString, content, line, column);
    }

    private Token ReadSubstitution(int line, int column)
    {
        if (Peek(1) != '{')
        {
            throw Error(line, column, "'$' must start a substitution like ${path}; put text containing '$' in quotes");
        }

        _pos += 2;
        var optional = false;
        if (_pos < _text.Length && _text[_pos] == '?')
        {
            optional = true;
            _pos++;
        }

        var tokens = new List<Token>();
        while (true)
        {
            if (_pos < _text.Length && _text[_pos] == '}')
            {
                _pos++;
                break;
            }

            var token = Next();
            switch (token.Kind)
            {
                case TokenKind.End or TokenKind.Newline:
                    throw Error(line, column, "this substitution is never closed; add '}' on the same line");
                case TokenKind.QuotedString or TokenKind.Unquoted or TokenKind.Number or TokenKind.True or TokenKind.False or TokenKind.Null or TokenKind.Whitespace:
                    tokens.Add(token);
                    break;
                default:
                    throw Error(token.Line, token.Column, $"{token.Describe()} is not allowed inside ${{...}}; a substitution holds only a path");
            }
        }

        if (tokens.TrueForAll(t => t.Kind == TokenKind.Whitespace))
        {
            throw Error(line, column, "this substitution has an empty path; write ${some.path}");
        }

        var path = PathFromTokens(tokens, 0, tokens.Count, _file, null, "substitution path");
        return new Token(TokenKind.Substitution, null, line, column, path, optional);
    }
}
