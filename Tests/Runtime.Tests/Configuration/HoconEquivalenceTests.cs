using ActorPager.Runtime.Configuration;

namespace ActorPager.Runtime.Tests.Configuration;

/// <summary>
/// lightbend/config's equivalence corpus (../shared/conformance/hocon-equiv): every .conf and
/// .json file in a folder resolves to the same tree as the folder's original.json.
/// </summary>
public sealed class HoconEquivalenceTests
{
    /// <summary>The corpus folder.</summary>
    private static string Corpus => Path.GetFullPath(Path.Combine(HoconTestSupport.RepoRoot, "..", "shared", "conformance", "hocon-equiv"));

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in Directory.GetDirectories(Corpus).Order(StringComparer.Ordinal))
        {
            foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                if (name != "original.json" && (name.EndsWith(".conf", StringComparison.Ordinal) || name.EndsWith(".json", StringComparison.Ordinal)))
                {
                    data.Add(Path.GetFileName(folder), name);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ParseFile_EquivalenceCorpusFile_ResolvesToOriginalJson(string folder, string file)
    {
        var expected = Config.ParseFile(Path.Combine(Corpus, folder, "original.json")).Resolve(HoconTestSupport.NoEnv);
        var actual = Config.ParseFile(Path.Combine(Corpus, folder, file)).Resolve(HoconTestSupport.NoEnv);

        Assert.True(expected.Root.Equals(actual.Root), $"{folder}/{file}:\nexpected {expected.ToJson()}\nactual   {actual.ToJson()}");
    }

    [Fact]
    public void Cases_Corpus_CoversEveryFolder()
    {
        var folders = Cases().Select(row => (string)row[0]).Distinct().Count();

        Assert.Equal(Directory.GetDirectories(Corpus).Length, folders);
    }
}
