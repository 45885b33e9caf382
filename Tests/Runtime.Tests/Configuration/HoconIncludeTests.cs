using ActorPager.Runtime.Configuration;
using static ActorPager.Runtime.Tests.Configuration.HoconTestSupport;

namespace ActorPager.Runtime.Tests.Configuration;

/// <summary>include "x", file(), url(), classpath(), required(); extensions and merge order.</summary>
public sealed class HoconIncludeTests
{
    /// <summary>A fresh directory for this test's files.</summary>
    private readonly string _dir = TempDir();

    [Fact]
    public void Include_RelativeFile_IsFoundNextToTheIncludingFile()
    {
        Write("sub/inner.conf", "x = 1");
        Write("sub/outer.conf", "include \"inner.conf\"\ny = 2");
        var config = Load("main.conf", "include \"sub/outer.conf\"");

        Assert.Equal(1, config.GetInt("x"));
        Assert.Equal(2, config.GetInt("y"));
    }

    [Fact]
    public void Include_NoExtension_MergesPropertiesThenJsonThenConf()
    {
        Write("c.properties", "v = props\np = only-props");
        Write("c.json", "{ \"v\": \"json\", \"j\": 1 }");
        Write("c.conf", "v = conf");
        var config = Load("main.conf", "include \"c\"");

        Assert.Equal("conf", config.GetString("v"));
        Assert.Equal("only-props", config.GetString("p"));
        Assert.Equal(1, config.GetInt("j"));
    }

    [Fact]
    public void Include_FileSyntaxAndRequired_Load()
    {
        Write("a.conf", "a = 1");
        Write("b.conf", "b = 2");
        var config = Load("main.conf", "include file(\"a.conf\")\ninclude required( file( \"b.conf\" ) )");

        Assert.Equal(1, config.GetInt("a"));
        Assert.Equal(2, config.GetInt("b"));
    }

    [Fact]
    public void Include_FileUrl_Loads()
    {
        Write("u.conf", "u = 1");
        var config = Load("main.conf", $"include url(\"{new Uri(Path.Combine(_dir, "u.conf")).AbsoluteUri}\")");

        Assert.Equal(1, config.GetInt("u"));
    }

    [Fact]
    public void Include_HttpUrl_IsRejectedWithAReason()
    {
        var e = Assert.Throws<HoconException>(() => Load("main.conf", "include url(\"http://example.com/x.conf\")"));

        Assert.Contains("only file: URLs can be included", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_Missing_IsIgnored()
    {
        var config = Load("main.conf", "include \"nope\"\na = 1");

        Assert.Equal(["a"], config.Keys.ToArray());
    }

    [Fact]
    public void Include_RequiredMissing_ThrowsWithWhereItLooked()
    {
        var e = Assert.Throws<HoconException>(() => Load("main.conf", "a = 1\ninclude required(\"nope\")"));

        Assert.Equal(2, e.Line);
        Assert.Contains("required include 'nope' was not found (looked for nope.properties, nope.json, nope.conf", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_InsideObject_FixesUpSubstitutions()
    {
        Write("foo.conf", "x = 10, y = ${x}");
        var config = Load("main.conf", "a { include \"foo.conf\" }\na { x = 42 }");

        Assert.Equal(42, config.GetInt("a.y"));
    }

    [Fact]
    public void Include_SubstitutionToRootPath_FallsBackToOriginalPath()
    {
        Write("foo.conf", "y = ${top}");
        var config = Load("main.conf", "top = 7\na { include \"foo.conf\" }");

        Assert.Equal(7, config.GetInt("a.y"));
    }

    [Fact]
    public void Include_OrderRelativeToKeys_FollowsDuplicateKeyRules()
    {
        Write("inc.conf", "a = included, o { x = 1 }");
        var config = Load("main.conf", "a = before, o { y = 2 }\ninclude \"inc.conf\"\nb = after");

        Assert.Equal("included", config.GetString("a"));
        Assert.Equal(1, config.GetInt("o.x"));
        Assert.Equal(2, config.GetInt("o.y"));
    }

    [Fact]
    public void Include_Cycle_IsReported()
    {
        Write("a.conf", "include \"b.conf\"");
        Write("b.conf", "include \"a.conf\"");

        var e = Assert.Throws<HoconException>(() => Config.ParseFile(Path.Combine(_dir, "a.conf")));

        Assert.Contains("include cycle", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_ArrayRoot_IsRejected()
    {
        Write("list.json", "[1]");

        var e = Assert.Throws<HoconException>(() => Load("main.conf", "include \"list.json\""));

        Assert.Contains("must contain an object", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_ErrorInIncludedFile_NamesThatFile()
    {
        Write("broken.conf", "a = [");

        var e = Assert.Throws<HoconException>(() => Load("main.conf", "include \"broken.conf\""));

        Assert.EndsWith("broken.conf", e.File, StringComparison.Ordinal);
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void Include_Classpath_ReadsEmbeddedReference()
    {
        var config = Config.ParseString("include classpath(\"reference.conf\")").Resolve(NoEnv);

        Assert.Equal(30, config.GetInt("actorpager.actor.default-dispatcher.throughput"));
    }

    [Fact]
    public void ParseFile_Properties_BuildsPathsAndStrings()
    {
        Write("p.properties", "# comment\n! also comment\na.b = 1\na.c : two\nlong = first \\\n   second\nesc = tab\\there\\u0041\nlist.0 = x\nlist.1 = y\n");
        var config = Config.ParseFile(Path.Combine(_dir, "p.properties")).Resolve(NoEnv);

        Assert.Equal("1", config.GetString("a.b"));
        Assert.Equal("two", config.GetString("a.c"));
        Assert.Equal("first second", config.GetString("long"));
        Assert.Equal("tab\thereA", config.GetString("esc"));
        Assert.Equal(["x", "y"], config.GetStringList("list"));
    }

    [Fact]
    public void ParseFile_PropertiesValueAndObjectAtSamePath_ObjectWins()
    {
        Write("p.properties", "a = 1\na.b = 2");

        var config = Config.ParseFile(Path.Combine(_dir, "p.properties")).Resolve(NoEnv);

        Assert.Equal("2", config.GetString("a.b"));
    }

    [Fact]
    public void ParseFile_ByteOrderMark_IsIgnored()
    {
        File.WriteAllBytes(Path.Combine(_dir, "bom.conf"), [0xEF, 0xBB, 0xBF, (byte)'a', (byte)'=', (byte)'1']);

        var config = Config.ParseFile(Path.Combine(_dir, "bom.conf")).Resolve(NoEnv);

        Assert.Equal(1, config.GetInt("a"));
    }

    [Fact]
    public void ParseFile_JsonWithDuplicateKeys_MergesLikeHocon()
    {
        Write("d.json", "{ \"a\": { \"x\": 1 }, \"a\": { \"y\": 2 } }");

        var config = Config.ParseFile(Path.Combine(_dir, "d.json")).Resolve(NoEnv);

        Assert.Equal(1, config.GetInt("a.x"));
        Assert.Equal(2, config.GetInt("a.y"));
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private Config Load(string relative, string text)
    {
        Write(relative, text);
        return Config.ParseFile(Path.Combine(_dir, relative)).Resolve(NoEnv);
    }
}
