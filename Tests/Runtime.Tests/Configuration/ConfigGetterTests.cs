using ActorPager.Runtime.Configuration;
using static ActorPager.Runtime.Tests.Configuration.HoconTestSupport;

namespace ActorPager.Runtime.Tests.Configuration;

/// <summary>The typed getters, units, lists, HasPath, WithFallback and iteration.</summary>
public sealed class ConfigGetterTests
{
    public static TheoryData<string, long> Durations() => new()
    {
        { "10ms", 10L * 1_000_000 },
        { "5 seconds", 5L * 1_000_000_000 },
        { "5s", 5L * 1_000_000_000 },
        { "1.5h", 5400L * 1_000_000_000 },
        { "2 days", 2L * 86_400 * 1_000_000_000 },
        { "3m", 180L * 1_000_000_000 },
        { "100us", 100L * 1_000 },
        { "500ns", 500 },
        { "250", 250L * 1_000_000 },
        { " 7 minutes ", 7L * 60 * 1_000_000_000 },
        { "1 millisecond", 1_000_000 },
        { "-1s", -1_000_000_000 },
    };

    [Theory]
    [MemberData(nameof(Durations))]
    public void GetDuration_UnitString_ConvertsToTimeSpan(string text, long nanoseconds)
    {
        var config = Parse($"d = \"{text}\"");

        Assert.Equal(TimeSpan.FromTicks(nanoseconds / 100), config.GetDuration("d"));
    }

    [Fact]
    public void GetDuration_BareNumber_IsMilliseconds()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1500), Parse("d = 1500").GetDuration("d"));
        Assert.Equal(TimeSpan.FromMilliseconds(2.5), Parse("d = 2.5").GetDuration("d"));
    }

    [Fact]
    public void GetDuration_UnquotedConcatenation_Works()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), Parse("d = 5 seconds").GetDuration("d"));
        Assert.Equal(TimeSpan.FromMilliseconds(10), Parse("d = 10ms").GetDuration("d"));
    }

    public static TheoryData<string, long> Sizes() => new()
    {
        { "4KiB", 4096 },
        { "256MiB", 256L * 1024 * 1024 },
        { "1G", 1L << 30 },
        { "1g", 1L << 30 },
        { "10 kB", 10_000 },
        { "2MB", 2_000_000 },
        { "3 bytes", 3 },
        { "512", 512 },
        { "1.5K", 1536 },
        { "1TiB", 1L << 40 },
        { "2 mebibytes", 2L << 20 },
        { "1 gigabyte", 1_000_000_000 },
        { "8 b", 8 },
        { "1EiB", 1L << 60 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void GetBytes_UnitString_ConvertsToBytes(string text, long bytes)
    {
        Assert.Equal(bytes, Parse($"s = \"{text}\"").GetBytes("s"));
    }

    [Fact]
    public void GetBytes_NotASize_ThrowsTheIssueMessage()
    {
        var e = Assert.Throws<HoconException>(() =>
            Config.ParseString("actorpager.vm.page-size = four", "app.conf").Resolve(NoEnv).GetBytes("actorpager.vm.page-size"));

        Assert.Equal("app.conf:1:27: actorpager.vm.page-size: expected a size such as 4KiB, got \"four\"", e.Message);
        Assert.Equal("actorpager.vm.page-size", e.Path);
    }

    [Theory]
    [InlineData("s = 4XB", "unknown size unit 'XB'")]
    [InlineData("s = 16EiB", "does not fit in 64 bits")]
    [InlineData("s = 1ZB", "does not fit in 64 bits")]
    [InlineData("s = [1]", "expected a size such as 4KiB, got a list")]
    [InlineData("s = KiB", "expected a size such as 4KiB, got \"KiB\"")]
    [InlineData("s = 1.x.2K", "expected a size such as 4KiB, got \"1.x.2K\"")]
    public void GetBytes_Invalid_ThrowsActionableMessage(string hocon, string message)
    {
        var e = Assert.Throws<HoconException>(() => Parse(hocon).GetBytes("s"));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("d = 5 sec", "unknown duration unit 'sec'")]
    [InlineData("d = 5S", "unknown duration unit 'S'")]
    [InlineData("d = soon", "expected a duration such as 10ms or 5 seconds, got \"soon\"")]
    [InlineData("d = true", "expected a duration such as 10ms or 5 seconds, got a boolean")]
    [InlineData("d = 99999999999d", "out of range")]
    public void GetDuration_Invalid_ThrowsActionableMessage(string hocon, string message)
    {
        var e = Assert.Throws<HoconException>(() => Parse(hocon).GetDuration("d"));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetString_Scalars_ConvertToText()
    {
        var config = Parse("s = text, n = 42, f = 1.50, b = true");

        Assert.Equal("text", config.GetString("s"));
        Assert.Equal("42", config.GetString("n"));
        Assert.Equal("1.50", config.GetString("f"));
        Assert.Equal("true", config.GetString("b"));
    }

    [Fact]
    public void GetInt_NumberAndNumericString_Convert()
    {
        var config = Parse("a = 42, b = \"17\", c = -3");

        Assert.Equal(42, config.GetInt("a"));
        Assert.Equal(17, config.GetInt("b"));
        Assert.Equal(-3, config.GetInt("c"));
    }

    [Fact]
    public void GetInt_OutOfRange_Throws()
    {
        var e = Assert.Throws<HoconException>(() => Parse("a = 3000000000").GetInt("a"));

        Assert.Contains("expected a 32-bit integer, got 3000000000, which is out of range", e.Message, StringComparison.Ordinal);
        Assert.Equal(3_000_000_000L, Parse("a = 3000000000").GetLong("a"));
    }

    [Fact]
    public void GetDouble_IntegerAndFraction_Convert()
    {
        var config = Parse("a = 2, b = 0.25, c = \"1e2\"");

        Assert.Equal(2.0, config.GetDouble("a"));
        Assert.Equal(0.25, config.GetDouble("b"));
        Assert.Equal(100.0, config.GetDouble("c"));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("yes", true)]
    [InlineData("on", true)]
    [InlineData("false", false)]
    [InlineData("no", false)]
    [InlineData("off", false)]
    public void GetBoolean_SpecWords_Convert(string text, bool expected)
    {
        Assert.Equal(expected, Parse($"b = {text}").GetBoolean("b"));
    }

    [Theory]
    [InlineData("b = maybe", "expected a boolean (true, false, yes, no, on or off), got \"maybe\"")]
    [InlineData("b = 1", "expected a boolean, got a number")]
    [InlineData("b = null", "expected a boolean, got null")]
    public void GetBoolean_Invalid_Throws(string hocon, string message)
    {
        var e = Assert.Throws<HoconException>(() => Parse(hocon).GetBoolean("b"));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a = { x = 1 }", "GetString", "expected a string, got an object")]
    [InlineData("a = [1]", "GetString", "expected a string, got a list")]
    [InlineData("a = null", "GetString", "expected a string, got null")]
    [InlineData("a = abc", "GetInt", "expected a number, got \"abc\"")]
    [InlineData("a = 1", "GetConfig", "expected an object, got a number")]
    [InlineData("a = 1", "GetList", "expected a list, got a number")]
    [InlineData("b = 1", "GetString", "a: nothing is set at this path")]
    [InlineData("a = 1", "GetString:a.b", "a.b: nothing is set at this path ('a' is a number, not an object)")]
    public void Getter_WrongTypeOrMissing_NamesPathAndTypes(string hocon, string getter, string message)
    {
        var config = Parse(hocon);
        var parts = getter.Split(':');
        var path = parts.Length > 1 ? parts[1] : "a";
        Action read = parts[0] switch
        {
            "GetString" => () => config.GetString(path),
            "GetInt" => () => config.GetInt(path),
            "GetConfig" => () => config.GetConfig(path),
            _ => () => config.GetList(path),
        };

        var e = Assert.Throws<HoconException>(read);

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetLists_TypedElements_Convert()
    {
        var config = Parse("s = [a, b], i = [1, 2], l = [3000000000], d = [0.5, 1], b = [true, no], t = [10ms, 1s], z = [1K, 2 MiB], c = [{ x = 1 }, { x = 2 }]");

        Assert.Equal(["a", "b"], config.GetStringList("s"));
        Assert.Equal([1, 2], config.GetIntList("i"));
        Assert.Equal([3_000_000_000L], config.GetLongList("l"));
        Assert.Equal([0.5, 1.0], config.GetDoubleList("d"));
        Assert.Equal([true, false], config.GetBooleanList("b"));
        Assert.Equal([TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1)], config.GetDurationList("t"));
        Assert.Equal([1024L, 2L << 20], config.GetBytesList("z"));
        Assert.Equal([1, 2], config.GetConfigList("c").Select(c => c.GetInt("x")));
    }

    [Fact]
    public void GetIntList_BadElement_NamesTheIndex()
    {
        var e = Assert.Throws<HoconException>(() => Parse("i = [1, x]").GetIntList("i"));

        Assert.Contains("i[1]: expected a number, got \"x\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetList_NumericallyIndexedObject_BecomesOrderedList()
    {
        var config = Parse("a.2 = c, a.0 = a, a.1 = b, a.x = ignored");

        Assert.Equal(["a", "b", "c"], config.GetStringList("a"));
    }

    [Fact]
    public void GetList_ObjectWithoutNumericKeys_IsNotAList()
    {
        Assert.Throws<HoconException>(() => Parse("a { x = 1 }").GetList("a"));
        Assert.Throws<HoconException>(() => Parse("a {}").GetList("a"));
    }

    [Fact]
    public void GetConfig_SubTree_ReadsRelativePaths()
    {
        var sub = Parse("a.b { c = 1, d = two }").GetConfig("a.b");

        Assert.Equal(1, sub.GetInt("c"));
        Assert.Equal(["c", "d"], sub.Keys.ToArray());
    }

    [Fact]
    public void HasPath_NullMissingAndSet_Distinguished()
    {
        var config = Parse("a = 1, n = null, o { x = 1 }");

        Assert.True(config.HasPath("a"));
        Assert.True(config.HasPath("o.x"));
        Assert.True(config.HasPath("o"));
        Assert.False(config.HasPath("n"));
        Assert.False(config.HasPath("missing"));
        Assert.False(config.HasPath("a.b"));
    }

    [Fact]
    public void HasPath_QuotedSegment_FindsDottedKey()
    {
        var config = Parse("\"a.b\" { c = 1 }");

        Assert.True(config.HasPath("\"a.b\".c"));
        Assert.False(config.HasPath("a.b.c"));
    }

    [Fact]
    public void HasPath_InvalidPath_Throws()
    {
        Assert.Throws<HoconException>(() => Parse("a = 1").HasPath("a..b"));
    }

    [Fact]
    public void WithFallback_LayersObjectsAndLetsPrimaryWin()
    {
        var primary = Config.ParseString("a { x = 1 }, b = primary");
        var fallback = Config.ParseString("a { x = 0, y = 2 }, b = fallback, c = 3");

        var config = primary.WithFallback(fallback).Resolve(NoEnv);

        Assert.Equal(1, config.GetInt("a.x"));
        Assert.Equal(2, config.GetInt("a.y"));
        Assert.Equal("primary", config.GetString("b"));
        Assert.Equal(3, config.GetInt("c"));
    }

    [Fact]
    public void WithFallback_NonObjectHidesFallbackObject()
    {
        var config = Config.ParseString("a = 42").WithFallback(Config.ParseString("a { y = 2 }")).Resolve(NoEnv);

        Assert.Equal(42, config.GetInt("a"));
    }

    [Fact]
    public void WithFallback_DoesNotChangeInputs()
    {
        var primary = Config.ParseString("a { x = 1 }").Resolve(NoEnv);
        var fallback = Config.ParseString("a { y = 2 }").Resolve(NoEnv);

        _ = primary.WithFallback(fallback).Resolve(NoEnv);

        Assert.False(primary.HasPath("a.y"));
        Assert.False(fallback.HasPath("a.x"));
    }

    [Fact]
    public void Entries_NestedTree_FlattensLeavesWithPaths()
    {
        var entries = Parse("a { b = 1, c = [x] }, \"d.e\" = 2, n = null").Entries.ToDictionary(e => e.Key, e => e.Value.Unwrapped);

        Assert.Equal(3, entries.Count);
        Assert.Equal(1L, entries["a.b"]);
        Assert.Equal(2L, entries["\"d.e\""]);
        Assert.IsType<List<object?>>(entries["a.c"]);
    }

    [Fact]
    public void Root_Iteration_YieldsFieldsInOrder()
    {
        var root = Parse("b = 1, a = { c = 2 }").Root;

        Assert.Equal(["b", "a"], root.Select(kv => kv.Key));
        Assert.Equal(ConfigValueType.Object, root["a"].ValueType);
        Assert.True(root.ContainsKey("b"));
    }

    [Fact]
    public void Unwrapped_Values_AreDotNetTypes()
    {
        var root = Parse("s = x, i = 1, d = 1.5, b = true, n = null, l = [1], o { k = v }").Root;

        Assert.Equal("x", root["s"].Unwrapped);
        Assert.Equal(1L, root["i"].Unwrapped);
        Assert.Equal(1.5, root["d"].Unwrapped);
        Assert.Equal(true, root["b"].Unwrapped);
        Assert.Null(root["n"].Unwrapped);
        Assert.Equal(new List<object?> { 1L }, root["l"].Unwrapped);
        Assert.Equal("v", ((Dictionary<string, object?>)root["o"].Unwrapped!)["k"]);
    }
}
