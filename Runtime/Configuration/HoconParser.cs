namespace ActorPager.Runtime.Configuration;

/// <summary>
/// Recursive-descent HOCON parser producing an unresolved tree (substitutions, concatenations
/// and merges that wait for <see cref="HoconResolver"/>). Nesting is limited to
/// <see cref="ConfigValue.MaxDepth"/> levels so no input can overflow the stack.
/// </summary>
internal sealed partial class HoconParser
{
    /// <summary>Where the tokens come from.</summary>
    private readonly HoconTokenizer _tokenizer;

    /// <summary>The file named in origins and errors (null for a string).</summary>
    private readonly string? _file;

    /// <summary>Where includes are looked up, and the path this document is included at.</summary>
    private readonly IncludeContext _include;

    /// <summary>Keys from this document's root to the object being parsed (for <c>+=</c> and include fix-ups).</summary>
    private readonly List<string> _path = [];

    /// <summary>Tokens read ahead (at most two).</summary>
    private readonly Queue<Token> _ahead = new();

    /// <summary>Key tokens of the field being parsed (reused).</summary>
    private readonly List<Token> _keyTokens = [];

    /// <summary>Leading simple tokens of the value being parsed (reused).</summary>
    private readonly List<Token> _simpleTokens = [];

    /// <summary>Current nesting of objects and lists.</summary>
    private int _depth;

    private HoconParser(string text, string? file, IncludeContext include)
    {
        _tokenizer = new HoconTokenizer(text, file);
        _file = file;
        _include = include;
    }

    /// <summary>Parses a HOCON document whose root must be an object.</summary>
    public static ConfigObject ParseObjectDocument(string text, string? file, IncludeContext include)
    {
        var parser = new HoconParser(text, file, include);
        return (ConfigObject)parser.ParseRoot(allowArray: false);
    }

    /// <summary>Parses a single value (an environment override such as <c>[a, b]</c>).</summary>
    public static ConfigValue ParseSingleValue(string text, string? file)
    {
        var parser = new HoconParser(text, file, IncludeContext.ForString(null));
        parser.SkipWhitespaceAndNewlines();
        var value = parser.ParseValue();
        parser.SkipWhitespaceAndNewlines();
        var end = parser.Peek();
        if (end.Kind != TokenKind.End)
        {
            throw parser.Error(end, $"unexpected {end.Describe()} after the value");
        }

        value.Reseal();
        return value;
    }

    private ConfigValue ParseRoot(bool allowArray)
    {
        SkipWhitespaceAndNewlines();
        var first = Peek();
        ConfigValue root;
        switch (first.Kind)
        {
            case TokenKind.OpenBrace:
                root = ParseObject();
                break;
            case TokenKind.OpenBracket when !allowArray:
                throw Error(first, "the document's root is a list; a configuration file (and an included file) must contain an object");
            case TokenKind.OpenBracket:
                root = ParseArray();
                break;
            default:
                var body = new ConfigObject(Origin(first));
                ParseObjectBody(body, braced: false, first);
                root = body;
                break;
        }

        SkipWhitespaceAndNewlines();
        var end = Peek();
        if (end.Kind != TokenKind.End)
        {
            throw Error(end, end.Kind == TokenKind.CloseBrace
                ? "unexpected '}': there is no '{' for it to close"
                : $"unexpected {end.Describe()} after the closing '}}' of the root object");
        }

        return root;
    }

    private ConfigObject ParseObject()
    {
        var open = Take();
        Enter(open);
        var obj = new ConfigObject(Origin(open));
        ParseObjectBody(obj, braced: true, open);
        _depth--;
        return obj;
    }

    private void ParseObjectBody(ConfigObject obj, bool braced, Token open)
    {
        SkipWhitespaceAndNewlines();
        while (true)
        {
            var token = Peek();
            switch (token.Kind)
            {
                case TokenKind.CloseBrace when braced:
                    Take();
                    return;
                case TokenKind.CloseBrace:
                    throw Error(token, "unexpected '}': there is no '{' for it to close");
                case TokenKind.End when !braced:
                    return;
                case TokenKind.End:
                    throw Error(token, $"expected '}}' to close the object opened at {open.Line}:{open.Column}");
                case TokenKind.Comma:
                    throw Error(token, "unexpected ',': a comma must follow a field (is there a comma at the start of the object, or two in a row?)");
                case TokenKind.CloseBracket:
                    throw Error(token, braced
                        ? $"expected '}}' to close the object opened at {open.Line}:{open.Column}, got ']'"
                        : "unexpected ']': there is no '[' for it to close");
            }

            ConfigPath? lastPath = null;
            string? lastKey = null;
            if (token.Kind == TokenKind.Unquoted && token.Text == "include" && PeekSecond().Kind == TokenKind.Whitespace)
            {
                ParseInclude(obj);
            }
            else
            {
                lastPath = ParseField(obj, out lastKey);
            }

            if (!SkipSeparators(out var after))
            {
                if (after.Kind is TokenKind.CloseBrace or TokenKind.End)
                {
                    continue;
                }

                if (after.Kind == TokenKind.CloseBracket && braced)
                {
                    throw Error(after, $"expected '}}' to close the object opened at {open.Line}:{open.Column}, got ']'");
                }

                throw Error(after, $"expected ',' or a newline after {(lastKey is null ? "the include" : "the value of '" + (lastPath ?? new ConfigPath([lastKey])).Render() + "'")}, got {after.Describe()}");
            }
        }
    }

    /// <summary>
    /// Skips whitespace, newlines and at most one comma between fields or elements. Returns true
    /// when a separator was found; <paramref name="next"/> is the token after them.
    /// </summary>
    private bool SkipSeparators(out Token next)
    {
        var found = false;
        var comma = false;
        while (true)
        {
            next = Peek();
            switch (next.Kind)
            {
                case TokenKind.Whitespace:
                    Take();
                    continue;
                case TokenKind.Newline:
                    Take();
                    found = true;
                    continue;
                case TokenKind.Comma when comma:
                    throw Error(next, "two commas in a row; remove one");
                case TokenKind.Comma:
                    Take();
                    comma = true;
                    found = true;
                    continue;
                default:
                    return found;
            }
        }
    }

    /// <summary>
    /// Parses <c>key : value</c> (or <c>=</c>, <c>+=</c>, or no separator before <c>{</c>) and merges it into <paramref name="obj"/>.
    /// Returns the key's path when it has several keys, null for a single key (<paramref name="firstKey"/>).
    /// </summary>
    private ConfigPath? ParseField(ConfigObject obj, out string firstKey)
    {
        var keyStart = Peek();
        _keyTokens.Clear();
        while (Peek().Kind is TokenKind.QuotedString or TokenKind.Unquoted or TokenKind.Number or TokenKind.True or TokenKind.False or TokenKind.Null or TokenKind.Whitespace)
        {
            _keyTokens.Add(Take());
        }

        var stop = Peek();
        if (stop.Kind == TokenKind.Substitution)
        {
            throw Error(stop, "substitutions are not allowed in keys; a key is a path like a.b.\"c\"");
        }

        if (_keyTokens.TrueForAll(t => t.Kind == TokenKind.Whitespace))
        {
            throw Error(stop, $"expected a key, got {stop.Describe()}");
        }

        ConfigPath? path = null;
        if (!HoconTokenizer.TrySingleKey(_keyTokens, out firstKey))
        {
            path = HoconTokenizer.PathFromTokens(_keyTokens, 0, _keyTokens.Count, _file, null, "key", _tokenizer.Scratch);
            firstKey = path.Segments[0];
        }

        SkipWhitespaceAndNewlines();
        var separator = Peek();
        var append = false;
        switch (separator.Kind)
        {
            case TokenKind.Colon or TokenKind.Equals:
                Take();
                break;
            case TokenKind.PlusEquals:
                Take();
                append = true;
                break;
            case TokenKind.OpenBrace:
                break;
            default:
                throw Error(separator, $"expected ':', '=' or '{{' after the key '{(path ?? new ConfigPath([firstKey])).Render()}', got {separator.Describe()}");
        }

        SkipWhitespaceAndNewlines();
        var pathDepth = _path.Count;
        if (path is null)
        {
            _path.Add(firstKey);
        }
        else
        {
            _path.AddRange(path.Segments);
        }

        var valueStart = Peek();
        var value = ParseValue();
        if (append)
        {
            // a += b is a = ${?a} [b]
            var list = new ConfigList(Origin(valueStart), 1);
            list.Add(value);
            var own = new ConfigPath([.. _path]);
            var subst = _include.Prefix.Length == 0
                ? new ConfigSubstitution(Origin(keyStart), own, null, optional: true)
                : new ConfigSubstitution(Origin(keyStart), _include.Prefix.Concat(own), own, optional: true);
            value = new ConfigConcatenation(Origin(keyStart), [subst, list]);
        }

        _path.RemoveRange(pathDepth, _path.Count - pathDepth);
        for (var i = (path?.Length ?? 1) - 1; i > 0; i--)
        {
            var wrapper = new ConfigObject(Origin(keyStart), 1);
            wrapper.Add(path!.Segments[i], value);
            value = wrapper;
        }

        ConfigMerge.MergeField(obj, firstKey, value);
        return path;
    }

    /// <summary>Parses a value: one simple value, object or list, or a concatenation of several on one line.</summary>
    private ConfigValue ParseValue()
    {
        ConfigEquality.EnsureStack();
        var first = Peek();

        // Most values are one simple token, or a run of simple tokens that joins into one string
        // ("unquoted words 12"): those are built from the tokens without a list of pieces.
        var simple = _simpleTokens;
        simple.Clear();
        var valueCount = 0;
        while (true)
        {
            var token = Peek();
            if (token.Kind == TokenKind.Whitespace)
            {
                Take();
                if (valueCount > 0)
                {
                    simple.Add(token);
                }

                continue;
            }

            if (token.Kind is not (TokenKind.QuotedString or TokenKind.Unquoted or TokenKind.Number or TokenKind.True or TokenKind.False or TokenKind.Null))
            {
                break;
            }

            Take();
            simple.Add(token);
            valueCount++;
        }

        var stop = Peek().Kind;
        var more = stop is TokenKind.OpenBrace or TokenKind.OpenBracket or TokenKind.Substitution;
        if (!more && valueCount == 1)
        {
            return SimpleValue(simple[0]);
        }

        if (!more && valueCount > 1)
        {
            var end = simple.Count;
            while (simple[end - 1].Kind == TokenKind.Whitespace)
            {
                end--;
            }

            var sb = _tokenizer.Scratch.Clear();
            for (var i = 0; i < end; i++)
            {
                sb.Append(simple[i].Text);
            }

            return new ConfigString(Origin(simple[0]), sb.ToString(), StringKind.Quoted);
        }

        ConfigValue? single = null;
        List<ConfigValue>? pieces = null;
        Token? pendingSpace = null;
        var hasSubstitution = false;

        // Something other than simple tokens follows: replay the simple ones as pieces.
        if (valueCount > 0)
        {
            for (var i = 0; i < simple.Count; i++)
            {
                var token = simple[i];
                if (token.Kind == TokenKind.Whitespace)
                {
                    pendingSpace = token;
                    continue;
                }

                var value = SimpleValue(token);
                if (single is null)
                {
                    single = value;
                    continue;
                }

                pieces ??= [single];
                if (pendingSpace is { } space)
                {
                    pieces.Add(new ConfigString(Origin(space), space.Text!, StringKind.Whitespace));
                    pendingSpace = null;
                }

                pieces.Add(value);
            }
        }

        while (true)
        {
            var token = Peek();
            ConfigValue value;
            switch (token.Kind)
            {
                case TokenKind.OpenBrace:
                    value = ParseObject();
                    break;
                case TokenKind.OpenBracket:
                    value = ParseArray();
                    break;
                case TokenKind.QuotedString or TokenKind.Unquoted or TokenKind.Number or TokenKind.True or TokenKind.False or TokenKind.Null:
                    Take();
                    value = SimpleValue(token);
                    break;
                case TokenKind.Substitution:
                    Take();
                    value = _include.Prefix.Length == 0
                        ? new ConfigSubstitution(Origin(token), token.Path!, null, token.Optional)
                        : new ConfigSubstitution(Origin(token), _include.Prefix.Concat(token.Path!), token.Path, token.Optional);
                    hasSubstitution = true;
                    break;
                case TokenKind.Whitespace:
                    Take();
                    if (single is not null)
                    {
                        pendingSpace = token;
                    }

                    continue;
                default:
                    goto done;
            }

            if (single is null)
            {
                single = value;
                continue;
            }

            pieces ??= [single];
            if (pendingSpace is { } space)
            {
                pieces.Add(new ConfigString(Origin(space), space.Text!, StringKind.Whitespace));
                pendingSpace = null;
            }

            pieces.Add(value);
        }

    done:
        if (single is null)
        {
            throw Error(first, first.Kind == TokenKind.End ? "expected a value, got end of input" : $"expected a value, got {first.Describe()}");
        }

        if (pieces is null)
        {
            return single;
        }

        return hasSubstitution
            ? new ConfigConcatenation(single.Origin, pieces)
            : Concatenation.Join(pieces, single.Origin, null)!;
    }

    /// <summary>The value of one string, number, boolean or null token.</summary>
    private ConfigValue SimpleValue(Token token) => token.Kind switch
    {
        TokenKind.QuotedString => new ConfigString(Origin(token), token.Text!, StringKind.Quoted),
        TokenKind.Unquoted => new ConfigString(Origin(token), token.Text!, StringKind.Unquoted),
        TokenKind.Number => ConfigNumber.TryParse(Origin(token), token.Text!)!,
        TokenKind.True or TokenKind.False => new ConfigBoolean(Origin(token), token.Kind == TokenKind.True),
        _ => new ConfigNull(Origin(token)),
    };

    private ConfigList ParseArray()
    {
        var open = Take();
        Enter(open);
        var list = new ConfigList(Origin(open));
        SkipWhitespaceAndNewlines();
        if (Peek().Kind == TokenKind.CloseBracket)
        {
            Take();
            _depth--;
            return list;
        }

        while (true)
        {
            list.Add(ParseValue());
            var separated = SkipSeparators(out var next);
            switch (next.Kind)
            {
                case TokenKind.CloseBracket:
                    Take();
                    _depth--;
                    return list;
                case TokenKind.End or TokenKind.CloseBrace:
                    throw Error(next, next.Kind == TokenKind.End
                        ? $"expected ']' to close the list opened at {open.Line}:{open.Column}"
                        : $"expected ']' to close the list opened at {open.Line}:{open.Column}, got '}}'");
                default:
                    if (!separated)
                    {
                        throw Error(next, $"expected ',' or ']' after a list element, got {next.Describe()}");
                    }

                    break;
            }
        }
    }

    private void Enter(Token open)
    {
        if (++_depth > ConfigValue.MaxDepth)
        {
            throw Error(open, $"objects and lists nest deeper than {ConfigValue.MaxDepth} levels");
        }
    }

    private void SkipWhitespaceAndNewlines()
    {
        while (Peek().Kind is TokenKind.Whitespace or TokenKind.Newline)
        {
            Take();
        }
    }

    private void SkipWhitespace()
    {
        while (Peek().Kind == TokenKind.Whitespace)
        {
            Take();
        }
    }

    private Token Peek()
    {
        if (_ahead.Count == 0)
        {
            _ahead.Enqueue(_tokenizer.Next());
        }

        return _ahead.Peek();
    }

    private Token PeekSecond()
    {
        while (_ahead.Count < 2)
        {
            _ahead.Enqueue(_tokenizer.Next());
        }

        return _ahead.ElementAt(1);
    }

    private Token Take()
    {
        Peek();
        return _ahead.Dequeue();
    }

    private ConfigOrigin Origin(Token token) => new(_file, token.Line, token.Column);

    private HoconException Error(Token token, string problem) => new(_file, token.Line, token.Column, null, problem);
}
