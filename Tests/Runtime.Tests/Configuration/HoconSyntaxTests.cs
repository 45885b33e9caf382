using ActorPager.Runtime.Configuration;
using static ActorPager.Runtime.Tests.Configuration.HoconTestSupport;

namespace ActorPager.Runtime.Tests.Configuration;

/// <summary>The syntax of HOCON.md, each case as (document, the JSON tree it must resolve to).</summary>
public sealed class HoconSyntaxTests
{
    public static TheoryData<string, string> Documents() => new()
    {
        // Separators and braces
        { "a = 1", """{"a":1}""" },
        { "a : 1", """{"a":1}""" },
        { "a { b = 1 }", """{"a":{"b":1}}""" },
        { "a\n{\n b = 1\n}", """{"a":{"b":1}}""" },
        { "{ a = 1 }", """{"a":1}""" },
        { "", "{}" },
        { "   \n  # only a comment\n", "{}" },
        { "{}", "{}" },
        { "a = 1, b = 2", """{"a":1,"b":2}""" },
        { "a = 1\nb = 2", """{"a":1,"b":2}""" },
        { "a = 1,\nb = 2,", """{"a":1,"b":2}""" },
        { "a = [1, 2, 3,]", """{"a":[1,2,3]}""" },
        { "a = [1\n2\n3]", """{"a":[1,2,3]}""" },
        { "a = [\n1,\n2\n]", """{"a":[1,2]}""" },
        { "a = []", """{"a":[]}""" },
        { "a = {}", """{"a":{}}""" },
        { "a = [[1], [2, [3]]]", """{"a":[[1],[2,[3]]]}""" },
        { "a = [{ x = 1 }, { y = 2 }]", """{"a":[{"x":1},{"y":2}]}""" },

        // Comments
        { "a = 1 # comment", """{"a":1}""" },
        { "a = 1 // comment", """{"a":1}""" },
        { "// first\na = 1\n# last", """{"a":1}""" },
        { "a = \"# not a comment\"", """{"a":"# not a comment"}""" },
        { "a = \"// not a comment\"", """{"a":"// not a comment"}""" },
        { "a = \"http://x\"", """{"a":"http://x"}""" },

        // Scalars
        { "a = true, b = false, c = null", """{"a":true,"b":false,"c":null}""" },
        { "a = 42, b = -7, c = 1.5, d = 1e3, e = -2.5E-2", """{"a":42,"b":-7,"c":1.5,"d":1000,"e":-0.025}""" },
        { "a = 9223372036854775807", """{"a":9223372036854775807}""" },
        { "a = 99999999999999999999", """{"a":"99999999999999999999"}""" },
        { "a = 1.0.0", """{"a":"1.0.0"}""" },
        { "a = 10ms", """{"a":"10ms"}""" },
        { "a = 5 seconds", """{"a":"5 seconds"}""" },
        { "a = truefoo", """{"a":"truefoo"}""" },
        { "a = footrue", """{"a":"footrue"}""" },
        { "a = -foo", """{"a":"-foo"}""" },
        { "a = 0.5", """{"a":0.5}""" },

        // Strings
        { "a = \"hello\"", """{"a":"hello"}""" },
        { "a = \"tab\\tnl\\nq\\\"bs\\\\sl\\/u\\u0041\"", """{"a":"tab\tnl\nq\"bs\\sl/uA"}""" },
        { "a = unquoted text here", """{"a":"unquoted text here"}""" },
        { "a =    padded   ", """{"a":"padded"}""" },
        { "a = \"\"\"raw \\n \"quoted\" \"\"\"", """{"a":"raw \\n \"quoted\" "}""" },
        { "a = \"\"\"line1\nline2\"\"\"", """{"a":"line1\nline2"}""" },
        { "a = \"\"\"x\"\"\"\"", """{"a":"x\""}""" },
        { "a = café-ünïcode", """{"a":"café-ünïcode"}""" },
        { "a = \"\"", """{"a":""}""" },

        // Value concatenation
        { "a = foo \"bar\" 42 true null", """{"a":"foo bar 42 true null"}""" },
        { "a = foo\"bar\"", """{"a":"foobar"}""" },
        { "a = 1 2", """{"a":"1 2"}""" },
        { "a = 1.50 x", """{"a":"1.50 x"}""" },
        { "a = [1, 2] [3]", """{"a":[1,2,3]}""" },
        { "a = [1][2]", """{"a":[1,2]}""" },
        { "a = { x = 1 } { y = 2 }", """{"a":{"x":1,"y":2}}""" },
        { "a = { x = 1, y = 1 } { y = 2 }", """{"a":{"x":1,"y":2}}""" },
        { "a = [foo bar, baz]", """{"a":["foo bar","baz"]}""" },

        // Path keys
        { "a.b.c = 1", """{"a":{"b":{"c":1}}}""" },
        { "a.b = 1, a.c = 2", """{"a":{"b":1,"c":2}}""" },
        { "\"a.b\" = 1", """{"a.b":1}""" },
        { "a.\"b.c\".d = 1", """{"a":{"b.c":{"d":1}}}""" },
        { "a.\"\".b = 1", """{"a":{"":{"b":1}}}""" },
        { "a b c = 1", """{"a b c":1}""" },
        { "true = 1", """{"true":1}""" },
        { "3.14 = 1", """{"3":{"14":1}}""" },
        { "10.0foo = 1", """{"10":{"0foo":1}}""" },
        { "foo10.0 = 1", """{"foo10":{"0":1}}""" },
        { "foo\"10.0\" = 1", """{"foo10.0":1}""" },
        { "foo include = 1", """{"foo include":1}""" },
        { "\"include\" = 1", """{"include":1}""" },
        { "a = include", """{"a":"include"}""" },

        // Duplicate keys
        { "a = 1, a = 2", """{"a":2}""" },
        { "a { x = 1 }, a { y = 2 }", """{"a":{"x":1,"y":2}}""" },
        { "a { x = 1 }, a = null, a { y = 2 }", """{"a":{"y":2}}""" },
        { "a { x = 1 }, a = 5", """{"a":5}""" },
        { "a = 5, a { x = 1 }", """{"a":{"x":1}}""" },
        { "a { b { c = 1, d = 2 } }, a.b.c = 3", """{"a":{"b":{"c":3,"d":2}}}""" },
        { "a = [1], a = [2]", """{"a":[2]}""" },

        // += and self-reference
        { "a += 1", """{"a":[1]}""" },
        { "a = [0], a += 1, a += 2", """{"a":[0,1,2]}""" },
        { "a { b += x }, a { b += y }", """{"a":{"b":["x","y"]}}""" },

        // Whitespace
        { "a\u00A0=\u2003 1", """{"a":1}""" },
        { "\uFEFFa = 1", """{"a":1}""" },
        { "a = 1\r\nb = 2\r\n", """{"a":1,"b":2}""" },
        { "a = 1\tb", """{"a":"1\tb"}""" },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Parse_Document_ResolvesToExpectedTree(string hocon, string expectedJson)
    {
        var expected = Config.ParseString(expectedJson).Resolve(NoEnv).Root;
        var actual = Parse(hocon).Root;

        Assert.True(expected.Equals(actual), $"expected {expected.ToJson()}, got {actual.ToJson()}");
    }

    [Fact]
    public void Parse_NumberInConcatenation_KeepsTextAsWritten()
    {
        Assert.Equal("1e5 x", Parse("a = 1e5 x").GetString("a"));
    }

    [Fact]
    public void Parse_SingleNumber_KeepsType()
    {
        Assert.Equal(ConfigValueType.Number, Parse("a = 42").GetValue("a").ValueType);
        Assert.Equal(ConfigValueType.Boolean, Parse("a = true").GetValue("a").ValueType);
        Assert.Equal(ConfigValueType.String, Parse("a = true x").GetValue("a").ValueType);
    }

    [Fact]
    public void Parse_Keys_KeepFirstWrittenOrder()
    {
        Assert.Equal(["z", "a", "m"], Parse("z = 1, a = 2, m = 3, a = 4").Keys.ToArray());
    }

    [Fact]
    public void Parse_Origin_RecordsLineAndColumn()
    {
        var config = Config.ParseString("a = 1\n  b = 2", "x.conf").Resolve(NoEnv);

        Assert.Equal("x.conf:2:7", config.GetValue("b").OriginDescription);
    }
}
