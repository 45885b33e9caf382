using System.Text.Json.Nodes;
using ActorPager.Actors;

namespace ActorPager.Host.Tests;

public sealed class ConfigCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorpager-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string text, string name = "node.conf")
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static (int Exit, string Output, string Error) Run(string path, bool json)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = ConfigCommand.Run(path, json, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Run_Json_PrintsOnlyTheFilesResolvedTree()
    {
        var path = File("actorpager.vm.physical-memory = 256MiB\nname = ${actorpager.vm.physical-memory}\n");
        var (exit, text, error) = Run(path, json: true);
        Assert.Equal(0, exit);
        Assert.Contains("\"physical-memory\": \"256MiB\"", text, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"256MiB\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("default-dispatcher", text, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Fact]
    public void Run_Json_WritesNumbersBooleansNullsListsAndText()
    {
        var path = File("a = 1\nb = 2.5\nc = true\nd = null\ne = [x, 2, {f = g}]\nh = \"he said \\\"hi\\\"\"\ni = []\nj {}\n");
        var (exit, text, _) = Run(path, json: true);
        Assert.Equal(0, exit);
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse("""{"a":1,"b":2.5,"c":true,"d":null,"e":["x",2,{"f":"g"}],"h":"he said \"hi\"","i":[],"j":{}}"""), JsonNode.Parse(text)),
            text);
    }

    [Fact]
    public void Run_Hocon_LayersTheFileOverReferenceConf()
    {
        var path = File("actorpager.vm.cluster-max = 7\nakka.loglevel = DEBUG\n");
        var (exit, text, _) = Run(path, json: false);
        Assert.Equal(0, exit);
        Assert.Contains("cluster-max = 7", text, StringComparison.Ordinal);
        Assert.Contains("daemon-interval", text, StringComparison.Ordinal);
        Assert.Contains("loglevel = \"DEBUG\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Hocon_OutputReadsBackToTheSameTree()
    {
        var path = File("extra { list = [1, \"two words\", { k = v }], empty = [], none = null, \"dotted.key\" = \"tab\\there\" }\nactorpager.vm.cluster-max = 8\n");
        var (exit, hocon, _) = Run(path, json: false);
        Assert.Equal(0, exit);

        var again = File(hocon, "again.conf");
        var expected = ConfigLoader.ParseFile(path).WithFallback(ConfigLoader.Reference());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Service.Configuration.ConfigRenderer.ToJson(expected.Root)), JsonNode.Parse(Run(again, json: true).Output)), hocon);
    }

    [Fact]
    public void Run_BadFile_ExitsOneWithFileLineAndColumnOnStderr()
    {
        var path = File("a {\n  b = 1\n  @ = 2\n}\n");
        var (exit, output, error) = Run(path, json: false);
        Assert.Equal(1, exit);
        Assert.StartsWith(path + ":3:3: Unknown token", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public void Run_MissingFile_ExitsOneNamingIt()
    {
        var path = Path.Combine(_dir, "missing.conf");
        var (exit, _, error) = Run(path, json: true);
        Assert.Equal(1, exit);
        Assert.Equal(path + ": file not found", error.TrimEnd());
    }

    [Fact]
    public void Run_SubstitutionOfAReferenceSetting_FailsEvenOverReferenceConf()
    {
        // Akka's reader resolves a file's substitutions within the file (docs/configuration.md).
        var path = File("copy = ${actorpager.log-level}\n");
        var (exit, _, error) = Run(path, json: false);
        Assert.Equal(1, exit);
        Assert.Equal(path + ": Unresolved substitution: actorpager.log-level", error.TrimEnd());
    }

    /// <summary>
    /// Input that lightbend/config rejects or reads differently, and what Akka's reader makes of
    /// it (docs/configuration.md, "Where Akka's reader differs"). A change here means Akka's
    /// reader changed: update that section.
    /// </summary>
    [Theory]
    [InlineData("a {\n  b = 1\n", """{"a":{"b":1}}""")]
    [InlineData("a = 1\n}\nb = 2\n", """{"a":1}""")]
    [InlineData("a = \"  padded  \"\n", """{"a":"padded"}""")]
    [InlineData("a = \"42\"\nb = \"true\"\nc = \"null\"\n", """{"a":42,"b":true,"c":null}""")]
    [InlineData("a = null\nb = ${a}\n", """{"a":null,"b":""}""")]
    [InlineData("a = [1, 2\n", """{"a":[1,2]}""")]
    [InlineData("a = \n", """{"a":null}""")]
    public void Run_Json_InputWhereAkkasReaderDiffers_PrintsWhatAkkaRead(string text, string json)
    {
        var (exit, output, error) = Run(File(text), json: true);
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(output)), output);
    }
}
