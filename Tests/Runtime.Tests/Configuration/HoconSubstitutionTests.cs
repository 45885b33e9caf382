using ActorPager.Runtime.Configuration;
using static ActorPager.Runtime.Tests.Configuration.HoconTestSupport;

namespace ActorPager.Runtime.Tests.Configuration;

/// <summary>Substitutions, self-references, cycles, += and environment variables (HOCON.md "Substitutions").</summary>
public sealed class HoconSubstitutionTests
{
    public static TheoryData<string, string> Resolved() => new()
    {
        { "a = 1, b = ${a}", """{"a":1,"b":1}""" },
        { "b = ${a}, a = 1", """{"a":1,"b":1}""" },
        { "a { x = 1 }, b = ${a}", """{"a":{"x":1},"b":{"x":1}}""" },
        { "a { x = 1 }, b = ${a.x}", """{"a":{"x":1},"b":1}""" },
        { "a = hello, b = ${a} world", """{"a":"hello","b":"hello world"}""" },
        { "a = hello, b = ${a}\" world\"", """{"a":"hello","b":"hello world"}""" },
        { "a = 1, b = ${a}${a}", """{"a":1,"b":"11"}""" },
        { "a = null, b = ${a}", """{"a":null,"b":null}""" },
        { "a = null, b = x${a}", """{"a":null,"b":"xnull"}""" },
        { "a = [1], b = ${a} [2]", """{"a":[1],"b":[1,2]}""" },
        { "a = { x = 1 }, b = ${a} { y = 2 }", """{"a":{"x":1},"b":{"x":1,"y":2}}""" },
        { "b = ${?missing}", "{}" },
        { "b = 1, b = ${?missing}", """{"b":1}""" },
        { "b = ${?x}${?y}", "{}" },
        { "b = [${?missing}, 1]", """{"b":[1]}""" },
        { "b = x${?missing}", """{"b":"x"}""" },
        { "b = ${?missing} [1]", """{"b":[1]}""" },
        { "\"a.b\" = 1, c = ${\"a.b\"}", """{"a.b":1,"c":1}""" },
        { "a { b { c = deep } }, d = ${a.b.c}", """{"a":{"b":{"c":"deep"}},"d":"deep"}""" },
        { "bar { foo = 42, baz = ${bar.foo} }", """{"bar":{"foo":42,"baz":42}}""" },
        { "bar { foo = 42, baz = ${bar.foo} }, bar { foo = 43 }", """{"bar":{"foo":43,"baz":43}}""" },
        { "bar { a = ${foo.d}, b = 1 }, bar.b = 3, foo { c = ${bar.b}, d = 2 }, foo.d = 4", """{"bar":{"a":4,"b":3},"foo":{"c":3,"d":4}}""" },
        { "a = ${b}, b = ${c}, c = end", """{"a":"end","b":"end","c":"end"}""" },
        { "a = [${b}, ${b}], b = 2", """{"a":[2,2],"b":2}""" },

        // Self-references look back.
        { "path = \"a:b:c\", path = ${path}\":d\"", """{"path":"a:b:c:d"}""" },
        { "a = ${?a}foo", """{"a":"foo"}""" },
        { "a = 1, a = ${a}", """{"a":1}""" },
        { "foo { a = 1 }, foo = ${foo}", """{"foo":{"a":1}}""" },
        { "foo { a = 1 }, foo = ${foo} { b = 2 }", """{"foo":{"a":1,"b":2}}""" },
        { "foo { a { c = 1 } }, foo = ${foo.a}, foo { a = 2 }", """{"foo":{"a":2,"c":1}}""" },
        { "foo = ${?foo}", "{}" },
        { "foo = ${does-not-exist}, foo = 42", """{"foo":42}""" },
        { "foo = ${foo}, foo = 42", """{"foo":42}""" },
        { "a = x, a = ${a}y, a = ${a}z", """{"a":"xyz"}""" },
        { "a = [1], a = ${a} [2], a = ${a} [3]", """{"a":[1,2,3]}""" },
        { "a { x = 1 }, a { y = ${a.x} }", """{"a":{"x":1,"y":1}}""" },
        { "x { a = 1 }, x.a = ${x.a}0", """{"x":{"a":"10"}}""" },

        // +=
        { "a += 1, a += 2", """{"a":[1,2]}""" },
        { "a = [x], a += y", """{"a":["x","y"]}""" },
        { "o { list = [1] }, o { list += 2 }", """{"o":{"list":[1,2]}}""" },
        { "a += { b = 1 }", """{"a":[{"b":1}]}""" },
    };

    [Theory]
    [MemberData(nameof(Resolved))]
    public void Resolve_Document_ResolvesToExpectedTree(string hocon, string expectedJson)
    {
        var expected = Config.ParseString(expectedJson).Resolve(NoEnv).Root;
        var actual = Parse(hocon).Root;

        Assert.True(expected.Equals(actual), $"expected {expected.ToJson()}, got {actual.ToJson()}");
    }

    public static TheoryData<string, string> Failures() => new()
    {
        { "a = ${missing}", "1:5: a: could not resolve the substitution ${missing}: nothing is set at 'missing'; set it, or write ${?missing} if it may be missing" },
        { "a = ${b.c}, b = 1", "could not resolve the substitution ${b.c}: nothing is set at 'b.c'" },
        { "foo = ${foo}", "it refers to the field being defined, which has no earlier value to build on" },
        { "a = ${b}, b = ${a}", "is part of a cycle: " },
        { "a = ${b}, b = ${c}, c = ${a}", "is part of a cycle: " },
        { "a { b = ${a} }", "is part of a cycle: " },
        { "a = [${a}]", "is part of a cycle: " },
        { "a = 1, a += 2", "cannot concatenate a list with a number (\"1\")" },
        { "a = { x = 1 }, b = ${a} foo", "cannot concatenate an object with a string (\"foo\")" },
        { "a = [1], b = ${a}x", "cannot concatenate a list with a string (\"x\")" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Resolve_UnresolvableDocument_ThrowsActionableMessage(string hocon, string message)
    {
        var e = Fails(hocon);

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ThreeStepCycle_NamesEveryPathInTheCycle()
    {
        var e = Fails("a = ${b}\nb = ${c}\nc = ${a}");

        Assert.Contains("a -> b -> c -> a", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, e.Line);
        Assert.Equal("c", e.Path);
    }

    [Fact]
    public void Resolve_OptionalCycle_IsTreatedAsMissing()
    {
        var config = Parse("a = ${?b}, b = ${?a}");

        Assert.False(config.HasPath("a"));
        Assert.False(config.HasPath("b"));
    }

    [Fact]
    public void Resolve_MissingPath_FallsBackToEnvironmentVariable()
    {
        var options = new ConfigResolveOptions { EnvironmentVariables = new Dictionary<string, string> { ["HOME_DIR"] = "/home/x" } };

        var config = Config.ParseString("a = ${HOME_DIR}/data").Resolve(options);

        Assert.Equal("/home/x/data", config.GetString("a"));
    }

    [Fact]
    public void Resolve_SelfReferenceWithNoEarlierValue_UsesEnvironment()
    {
        var options = new ConfigResolveOptions { EnvironmentVariables = new Dictionary<string, string> { ["PATH"] = "/bin" } };

        var config = Config.ParseString("PATH = ${PATH}\":/usr/bin\"").Resolve(options);

        Assert.Equal("/bin:/usr/bin", config.GetString("PATH"));
    }

    [Fact]
    public void Resolve_ValueSetToNull_DoesNotConsultEnvironment()
    {
        var options = new ConfigResolveOptions { EnvironmentVariables = new Dictionary<string, string> { ["HOME"] = "/home/x" } };

        var config = Config.ParseString("HOME = null, a = ${HOME}").Resolve(options);

        Assert.Equal(ConfigValueType.Null, config.GetValue("a").ValueType);
    }

    [Fact]
    public void Resolve_EnvironmentDisabled_OptionalSubstitutionDisappears()
    {
        var config = Config.ParseString("a = ${?PATH}").Resolve(NoEnv);

        Assert.False(config.HasPath("a"));
    }

    [Fact]
    public void Resolve_DottedPath_DoesNotReadEnvironment()
    {
        var options = new ConfigResolveOptions { EnvironmentVariables = new Dictionary<string, string> { ["a.b"] = "x" } };

        Assert.Throws<HoconException>(() => Config.ParseString("c = ${a.b}").Resolve(options));
    }

    [Fact]
    public void WithFallback_SelfReference_SeesFallbackValue()
    {
        var reference = Config.ParseString("a = [1], s = base");
        var user = Config.ParseString("a = ${a} [2], s = ${s}-user");

        var config = user.WithFallback(reference).Resolve(NoEnv);

        Assert.Equal([1, 2], config.GetIntList("a"));
        Assert.Equal("base-user", config.GetString("s"));
    }

    [Fact]
    public void WithFallback_SubstitutionInFallback_SeesOverride()
    {
        var reference = Config.ParseString("port = 80, url = \"http://host:\"${port}");
        var user = Config.ParseString("port = 8080");

        var config = user.WithFallback(reference).Resolve(NoEnv);

        Assert.Equal("http://host:8080", config.GetString("url"));
    }

    [Fact]
    public void Resolve_ManySelfReferencingObjectMerges_FinishesQuickly()
    {
        var text = "a { x0 = 0 }\n" + string.Join("\n", Enumerable.Range(1, 60).Select(i => $"a = ${{a}} {{ x{i} = {i} }}"));

        var config = Parse(text);

        Assert.Equal(61, config.GetConfig("a").Keys.Count());
    }
}
