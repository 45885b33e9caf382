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
}
