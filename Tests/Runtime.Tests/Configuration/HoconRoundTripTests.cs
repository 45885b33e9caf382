using ActorPager.Runtime.Configuration;
using static ActorPager.Runtime.Tests.Configuration.HoconTestSupport;

namespace ActorPager.Runtime.Tests.Configuration;

/// <summary>Generated documents rendered (as HOCON and as JSON) and re-parsed give the same tree.</summary>
public sealed class HoconRoundTripTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void Render_GeneratedDocument_ReparsesToSameTree(int seed)
    {
        var text = new HoconDocumentGenerator(seed).Generate(20_000);
        var config = Parse(text);

        var fromHocon = Parse(config.Render());
        var fromJson = Parse(config.ToJson(indented: seed % 2 == 0));

        Assert.True(config.Root.Equals(fromHocon.Root), $"seed {seed}: HOCON rendering changed the tree");
        Assert.True(config.Root.Equals(fromJson.Root), $"seed {seed}: JSON rendering changed the tree");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Parse_InPlaceMerges_KeepResolvedFlagsAndDepthsExact(int? seed)
    {
        // The parser keeps each container's unresolved count and depth up to date as fields merge
        // in place; recomputing them over the whole tree must change nothing.
        var text = seed is { } s ? new HoconDocumentGenerator(s).Generate(20_000) : """
            a { x = 1 }
            a.y = ${a.x}
            b = { p { q = 1 } }
            b.p.r = ${a.x}
            b.p { s = 2 }
            b.p { r = 3 }
            c = ${a}
            c { z = 1 }
            d = { m = 1 } { n = ${a.x} }
            d.n2 = 3
            e = { f { g = 1 } } { f { h = 2 } }
            e.f.i = ${?nothing}
            e.f { j { k { l = ${a.x} } } }
            l = [1, 2]
            l += 3
            """;
        var root = Config.ParseString(text).RawRoot;
        var incremental = Flags(root);

        root.Reseal();

        Assert.Equal(Flags(root), incremental);
        Config.ParseString(text).Resolve(NoEnv);
    }

    [Fact]
    public void Render_AwkwardKeysAndStrings_RoundTrip()
    {
        var config = Parse("\"a.b\" = 1, \"\" = 2, \"true\" = 3, \"1x\" = 4, \"sp ace\" = \"tab\\tquote\\\"nl\\n\\u0001\", \"include\" = 5, nested { \"-k\" = [[], {}, null] }");

        var again = Parse(config.Render());

        Assert.True(config.Root.Equals(again.Root), config.Render());
    }

    [Fact]
    public void ToJson_Compact_IsExact()
    {
        Assert.Equal("""{"a":{"b":[1,2.5,"x",true,null]}}""", Parse("a.b = [1, 2.5, x, true, null]").ToJson(indented: false));
    }

    [Fact]
    public void Equals_SameTreeDifferentKeyOrder_AreEqual()
    {
        var a = Parse("x = 1, y { p = 1, q = [1] }").Root;
        var b = Parse("y { q = [1.0], p = 1 }, x = 1").Root;

        Assert.True(a.Equals(b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.False(a.Equals(Parse("x = 1").Root));
        Assert.False(Parse("x = \"1\"").Root.Equals(Parse("x = 1").Root));
    }

    private static List<(bool Resolved, int Depth)> Flags(ConfigValue root)
    {
        var result = new List<(bool Resolved, int Depth)>();
        Walk(root);
        return result;

        void Walk(ConfigValue value)
        {
            result.Add((value.IsResolved, value.Depth));
            switch (value)
            {
                case ConfigObject o:
                    for (var i = 0; i < o.Count; i++)
                    {
                        Walk(o.ValueAt(i));
                    }

                    break;
                case ConfigList l:
                    foreach (var item in l)
                    {
                        Walk(item);
                    }

                    break;
                case ConfigConcatenation c:
                    c.Pieces.ForEach(Walk);
                    break;
                case ConfigDelayedMerge m:
                    m.Items.ForEach(Walk);
                    break;
            }
        }
    }
}
