using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorPager.Host.Tests;

/// <summary>
/// lightbend/config's equivalence corpus (a copy in Tests/Host.Tests/Conformance/hocon-equiv, with its licence) through
/// <c>actorpager config FILE --json</c>: in each folder every .conf and .json file should
/// resolve to the tree of original.json. This records how Akka's reader does today: the files
/// listed in <see cref="Identical"/> must match (so a regression fails), the others must still
/// differ in the recorded way (so an improvement is noticed and the table in
/// docs/configuration.md updated). Trees are compared as JSON trees, not as text.
/// </summary>
public sealed class HoconEquivalenceTests
{
    /// <summary>The files Akka's reader resolves exactly to original.json's tree.</summary>
    private static readonly HashSet<string> Identical = new(StringComparer.Ordinal)
    {
        "equiv01/comments.conf",
        "equiv01/equals.conf",
        "equiv01/no-commas.conf",
        "equiv01/no-root-braces.conf",
        "equiv01/no-whitespace.json",
        "equiv01/original.json",
        "equiv01/path-keys.conf",
        "equiv01/unquoted.conf",
        "equiv02/original.json",
        "equiv02/path-keys-weird-whitespace.conf",
        "equiv02/path-keys.conf",
        "equiv04/original.json",
    };

    /// <summary>
    /// The files that differ: why (Akka's reader's behaviour), and text that must appear in the
    /// command's error or in the list of differing paths, so the reason stays the true one.
    /// </summary>
    private static readonly Dictionary<string, (string Reason, string Evidence)> Differs = new(StringComparer.Ordinal)
    {
        ["equiv01/omit-colons.conf"] = (
            "a comma after an object written without ':' or '=' (\"ints\" { ... },) is an unknown token to Akka's reader",
            ":5:6: Unknown token at position 74"),
        ["equiv01/properties-style.conf"] = (
            "a substitution of a null value (nulls.null = ${nulls.nullAgain}) reads as the empty string",
            "nulls.null: expected null, got \"\""),
        ["equiv01/substitutions.conf"] = (
            "a substitution of a null value (nullAgain : ${nulls.null}) reads as the empty string",
            "nulls.nullAgain: expected null, got \"\""),
        ["equiv03/includes.conf"] = (
            "include \"letters/c\" and \"numbers/2\" find .properties files, which Akka cannot read, so the file is refused",
            "2.properties: Java properties files are not supported"),
        ["equiv03/original.json"] = (
            "Akka keeps scalars as text, so the JSON string \"true\" comes back as the boolean true",
            "letters.c.fromProp: expected \"true\", got true"),
        ["equiv04/missing-substitutions.conf"] = (
            "Akka's reader does not read optional substitutions ${?NAME}: it reads ${} (the whole tree, a cycle) and stops the file at the '}'",
            "it does not read optional substitutions ${?...}"),
        ["equiv05/original.json"] = (
            "Akka trims leading and trailing whitespace of every string, quoted or not",
            "d: expected \" \\\"hello\\\" \", got \"\\\"hello\\\"\""),
        ["equiv05/triple-quotes.conf"] = (
            "a triple-quoted string ends at the first \"\"\" (quotes just before the closing \"\"\" are not part of it), and strings are trimmed",
            "f1: missing"),
    };

    /// <summary>JSON text with quotes escaped as \" rather than \u0022, for the differences.</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The corpus folder.</summary>
    private static string Corpus
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ActorPager.sln")))
            {
                dir = dir.Parent;
            }

            var root = dir?.FullName ?? throw new InvalidOperationException("ActorPager.sln not found above " + AppContext.BaseDirectory);
            return Path.Combine(root, "Tests", "Host.Tests", "Conformance", "hocon-equiv");
        }
    }

    /// <summary>Every .conf and .json file directly in an equivNN folder, as <c>equivNN/name</c>.</summary>
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var folder in Directory.GetDirectories(Corpus, "equiv*").Order(StringComparer.Ordinal))
        {
            foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
            {
                if (file.EndsWith(".conf", StringComparison.Ordinal) || file.EndsWith(".json", StringComparison.Ordinal))
                {
                    data.Add($"{Path.GetFileName(folder)}/{Path.GetFileName(file)}");
                }
            }
        }

        return data;
    }

    [Fact]
    public void Corpus_EveryFile_IsRecordedOnce()
    {
        var files = ((IEnumerable<object[]>)Files()).Select(row => (string)row[0]).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(20, files.Count);
        Assert.Empty(Identical.Intersect(Differs.Keys));
        Assert.Equal(files.Order(StringComparer.Ordinal), Identical.Concat(Differs.Keys).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ConfigJson_CorpusFile_ResolvesAsRecorded(string file)
    {
        var (same, detail) = Compare(file);

        if (Identical.Contains(file))
        {
            Assert.True(same, $"{file} no longer resolves to original.json:\n{detail}");
        }
        else
        {
            var (reason, evidence) = Differs[file];
            Assert.False(same, $"{file} now resolves to original.json: move it to Identical and update the table in docs/configuration.md");
            Assert.True(detail.Contains(evidence, StringComparison.Ordinal), $"{file} still differs, but no longer as recorded ({reason}); expected to find \"{evidence}\" in:\n{detail}");
        }
    }

    /// <summary>Runs <c>config FILE --json</c> in process and compares its tree with original.json's.</summary>
    /// <returns>Whether the trees are equal, and the error or the differing paths.</returns>
    private static (bool Same, string Detail) Compare(string file)
    {
        var path = Path.Combine(Corpus, file);
        using var output = new StringWriter();
        using var error = new StringWriter();
        if (ConfigCommand.Run(path, json: true, output, error) != 0)
        {
            return (false, "error: " + error);
        }

        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(path)!, "original.json")));
        var actual = JsonNode.Parse(output.ToString());
        if (JsonNode.DeepEquals(expected, actual))
        {
            return (true, string.Empty);
        }

        var differences = new StringBuilder();
        Diff(expected, actual, string.Empty, differences);
        return (false, differences.ToString());
    }

    /// <summary>One line per path where the trees differ: <c>path: expected X, got Y</c>, <c>path: missing</c> or <c>path: unexpected</c>.</summary>
    private static void Diff(JsonNode? expected, JsonNode? actual, string path, StringBuilder into)
    {
        if (expected is JsonObject e && actual is JsonObject a)
        {
            foreach (var (key, value) in e)
            {
                var child = path.Length == 0 ? key : $"{path}.{key}";
                if (a.TryGetPropertyValue(key, out var other))
                {
                    Diff(value, other, child, into);
                }
                else
                {
                    into.Append(child).Append(": missing\n");
                }
            }

            foreach (var (key, _) in a.Where(p => !e.ContainsKey(p.Key)))
            {
                into.Append(path.Length == 0 ? key : $"{path}.{key}").Append(": unexpected\n");
            }
        }
        else if (!JsonNode.DeepEquals(expected, actual))
        {
            into.Append(path).Append(": expected ").Append(expected?.ToJsonString(Readable) ?? "null")
                .Append(", got ").Append(actual?.ToJsonString(Readable) ?? "null").Append('\n');
        }
    }
}
