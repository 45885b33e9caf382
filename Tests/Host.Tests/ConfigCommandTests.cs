namespace ActorPager.Host.Tests;

public sealed class ConfigCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorpager-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string text)
    {
        var path = Path.Combine(_dir, "node.conf");
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Run_Json_PrintsOnlyTheFilesResolvedTree()
    {
        var path = File("actorpager.vm.physical-memory = 256MiB\nname = ${actorpager.vm.physical-memory}\n");
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, ConfigCommand.Run(path, json: true, output, error));
        var text = output.ToString();
        Assert.Contains("\"physical-memory\": \"256MiB\"", text, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"256MiB\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("default-dispatcher", text, StringComparison.Ordinal);
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void Run_Hocon_LayersTheFileOverReferenceConf()
    {
        var path = File("actorpager.actor.default-dispatcher.throughput = 7\n");
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, ConfigCommand.Run(path, json: false, output, error));
        var text = output.ToString();
        Assert.Contains("throughput = 7", text, StringComparison.Ordinal);
        Assert.Contains("ask-timeout", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_BadFile_ExitsOneWithFileLineAndColumnOnStderr()
    {
        var path = File("a {\n  b = 1\n");
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(1, ConfigCommand.Run(path, json: false, output, error));
        Assert.Contains("node.conf:", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("'}'", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }
}
