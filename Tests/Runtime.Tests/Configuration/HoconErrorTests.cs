using ActorPager.Runtime.Configuration;
using static ActorPager.Runtime.Tests.Configuration.HoconTestSupport;

namespace ActorPager.Runtime.Tests.Configuration;

/// <summary>Every error path: the exception names the file, line, column (and path) and says what to do.</summary>
public sealed class HoconErrorTests
{
    public static TheoryData<string, int, int, string> SyntaxErrors() => new()
    {
        { "a {\n  b = 1\n", 3, 1, "expected '}' to close the object opened at 1:3" },
        { "a = [1, 2", 1, 10, "expected ']' to close the list opened at 1:5" },
        { "a = [1, 2}", 1, 10, "expected ']' to close the list opened at 1:5, got '}'" },
        { "a { b = 1 ]", 1, 11, "expected '}' to close the object opened at 1:3, got ']'" },
        { "a = 1 }", 1, 7, "unexpected '}': there is no '{' for it to close" },
        { "{ a = 1 } }", 1, 11, "unexpected '}': there is no '{' for it to close" },
        { "{ a = 1 } b", 1, 11, "unexpected 'b' after the closing '}' of the root object" },
        { "a = [1,,2]", 1, 8, "two commas in a row; remove one" },
        { "a = [,1]", 1, 6, "expected a value, got ','" },
        { "a = 1,, b = 2", 1, 7, "two commas in a row; remove one" },
        { ", a = 1", 1, 1, "unexpected ','" },
        { "a = 1 b = 2", 1, 9, "expected ',' or a newline after the value of 'a', got '='" },
        { "a = [1 2 = 3]", 1, 10, "expected ',' or ']' after a list element, got '='" },
        { "a", 1, 2, "expected ':', '=' or '{' after the key 'a', got end of input" },
        { "a\nb = 1", 2, 1, "expected ':', '=' or '{' after the key 'a', got 'b'" },
        { "a =", 1, 4, "expected a value, got end of input" },
        { "a = }", 1, 5, "expected a value, got '}'" },
        { "= 1", 1, 1, "expected a key, got '='" },
        { "${x} = 1", 1, 1, "substitutions are not allowed in keys" },
        { "a..b = 1", 1, 1, "has an empty key" },
        { ".a = 1", 1, 1, "has an empty key" },
        { "a. = 1", 1, 1, "has an empty key" },
        { "a = \"unterminated", 1, 5, "this quoted string is never closed" },
        { "a = \"two\nlines\"", 1, 9, "a quoted string may not span lines" },
        { "a = \"bad \\q escape\"", 1, 10, "'\\q' is not a valid escape" },
        { "a = \"\\u12\"", 1, 6, "'\\u' must be followed by four hexadecimal digits" },
        { "a = \"\"\"never closed", 1, 5, "this triple-quoted string is never closed" },
        { "a = \"tab\there\"", 1, 9, "control character U+0009 is not allowed in a quoted string" },
        { "a = ${x", 1, 5, "this substitution is never closed" },
        { "a = ${}", 1, 5, "this substitution has an empty path" },
        { "a = ${x:y}", 1, 8, "is not allowed inside ${...}" },
        { "a = ${x..y}", 1, 7, "has an empty key" },
        { "a = $x", 1, 5, "'$' must start a substitution" },
        { "a = b + c", 1, 7, "'+' may only appear as '+='" },
        { "a = 1+2", 1, 5, "'+' may not appear in unquoted text" },
        { "a = x!", 1, 6, "'!' is reserved" },
        { "a = x`y", 1, 6, "'`' is reserved" },
        { "a = x^y", 1, 6, "'^' is reserved" },
        { "a = x@y", 1, 6, "'@' is reserved" },
        { "a = x*y", 1, 6, "'*' is reserved" },
        { "a = x&y", 1, 6, "'&' is reserved" },
        { "a = x\\y", 1, 6, "'\\' is reserved" },
        { "a = x?y", 1, 6, "'?' is reserved" },
        { "a = http://x", 1, 9, "expected ',' or a newline after the value of 'a', got ':'" },
        { "[1, 2]", 1, 1, "the document's root is a list" },
        { "a = [1] x", 1, 9, "cannot concatenate a list with a string (\"x\")" },
        { "a = { b = 1 } x", 1, 15, "cannot concatenate an object with a string (\"x\")" },
        { "a = [1] { b = 1 }", 1, 9, "cannot concatenate a list with an object" },
        { "include 42", 1, 9, "include must be followed by a quoted name" },
        { "include foo(\"x\")", 1, 1, "include must be followed by a quoted name" },
        { "include file(\"x\"", 1, 14, "expected 1 closing ')'" },
    };

    [Theory]
    [MemberData(nameof(SyntaxErrors))]
    public void Parse_InvalidDocument_ThrowsWithLocationAndMessage(string hocon, int line, int column, string message)
    {
        var e = Fails(hocon, "test.conf");

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Equal("test.conf", e.File);
        Assert.Equal((line, column), (e.Line, e.Column));
        Assert.StartsWith($"test.conf:{line}:{column}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ErrorInFile_MessageMatchesTheIssueFormat()
    {
        var dir = TempDir();
        var file = Path.Combine(dir, "cluster.conf");
        File.WriteAllText(file, "a = 1\nb = 2\nnodes {\n  x = 1\n  y = 2\n");

        var e = Assert.Throws<HoconException>(() => Config.ParseFile(file));

        Assert.Equal($"{file}:6:1: expected '}}' to close the object opened at 3:7", e.Message);
    }

    [Theory]
    [InlineData("[")]
    [InlineData("{a:")]
    [InlineData("{a ")]
    [InlineData("[{a=")]
    public void Parse_HundredThousandNestedOpeners_ThrowsHoconExceptionNotStackOverflow(string opener)
    {
        var text = "a = " + string.Concat(Enumerable.Repeat(opener, 100_000));

        var e = Fails(text);

        Assert.Contains("nest deeper than 512 levels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeepButAllowedNesting_Parses()
    {
        var text = "a = " + new string('[', 500) + "1" + new string(']', 500);

        var value = Parse(text).GetValue("a");

        Assert.Equal(ConfigValueType.List, value.ValueType);
    }

    [Fact]
    public void Parse_DeepPathKey_ThrowsHoconException()
    {
        var text = string.Join(".", Enumerable.Repeat("k", 100_000)) + " = 1";

        Assert.Throws<HoconException>(() => Parse(text));
    }

    [Fact]
    public void Resolve_SubstitutionsBuildingDeepValue_ThrowsHoconException()
    {
        // Each step wraps the previous value in one more list: the resolved value grows past the limit.
        var lines = Enumerable.Range(0, 600).Select(i => $"a{i + 1} = [${{a{i}}}]");
        var text = "a0 = 1\n" + string.Join("\n", lines);

        Assert.Throws<HoconException>(() => Parse(text));
    }

    [Fact]
    public void Resolve_LongChainOfSubstitutions_ResolvesOrReportsWithoutCrashing()
    {
        var lines = Enumerable.Range(0, 20_000).Select(i => $"a{i} = ${{a{i + 1}}}");
        var text = string.Join("\n", lines) + "\na20000 = end";

        // Either resolves or reports that it nests too deeply; never a stack overflow.
        try
        {
            Assert.Equal("end", Parse(text).GetString("a0"));
        }
        catch (HoconException e)
        {
            Assert.Contains("too deeply", e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("\"\"\"")]
    [InlineData("${")]
    [InlineData("a = \\")]
    [InlineData("a = [{[{[")]
    [InlineData("include")]
    [InlineData("include \"")]
    [InlineData("a = ${?}")]
    [InlineData("\u0000\u0001\u0002")]
    [InlineData("a = \"\\")]
    [InlineData("a.\"b = 1")]
    public void Parse_TruncatedOrGarbageInput_ThrowsOnlyHoconException(string text)
    {
        var e = Record.Exception(() => Config.ParseString(text).Resolve(NoEnv));

        Assert.True(e is null or HoconException, $"got {e?.GetType().Name}: {e?.Message}");
    }

    [Fact]
    public void Parse_RandomBytes_ThrowOnlyHoconException()
    {
        var random = new Random(1234);
        const string Alphabet = "ab1.=:{}[],\"$?+#/\n \\-e";
        for (var i = 0; i < 2000; i++)
        {
            var chars = new char[random.Next(1, 40)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = Alphabet[random.Next(Alphabet.Length)];
            }

            var text = new string(chars);
            var e = Record.Exception(() => Config.ParseString(text).Resolve(NoEnv));
            Assert.True(e is null or HoconException, $"input {text}: {e?.GetType().Name}: {e?.Message}");
        }
    }

    [Fact]
    public void ParseFile_MissingFile_NamesTheFile()
    {
        var e = Assert.Throws<HoconException>(() => Config.ParseFile("no/such/file.conf"));

        Assert.Equal("no/such/file.conf: file not found", e.Message);
    }

    [Fact]
    public void ParseFile_InvalidJson_ReportsLineAndColumn()
    {
        var dir = TempDir();
        var file = Path.Combine(dir, "bad.json");
        File.WriteAllText(file, "{\n  \"a\": 1,\n  b: 2\n}");

        var e = Assert.Throws<HoconException>(() => Config.ParseFile(file));

        Assert.Equal(3, e.Line);
        Assert.Contains("invalid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseFile_JsonArrayRoot_IsRejected()
    {
        var dir = TempDir();
        var file = Path.Combine(dir, "list.json");
        File.WriteAllText(file, "[1, 2]");

        var e = Assert.Throws<HoconException>(() => Config.ParseFile(file));

        Assert.Contains("must contain an object", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Getters_UnresolvedConfig_TellToCallResolve()
    {
        var config = Config.ParseString("a = ${b}, b = 1");

        var e = Assert.Throws<HoconException>(() => config.GetInt("a"));

        Assert.Contains("call Resolve()", e.Message, StringComparison.Ordinal);
        Assert.False(config.IsResolved);
    }
}
