namespace ActorPager.Host.Tests;

public sealed class DemoCommandTests
{
    private static string RunDemo(long seed)
    {
        using var output = new StringWriter();
        Assert.Equal(0, DemoCommand.Run(seed, output));
        return output.ToString();
    }

    [Fact]
    public void Run_SameSeed_PrintsIdenticalProtocol()
    {
        Assert.Equal(RunDemo(7), RunDemo(7));
    }

    [Fact]
    public void Run_Seed7_ShowsClustersRtvalsAndCompletions()
    {
        var text = RunDemo(7);
        Assert.Contains("VOP_GETPAGES #1: pages 0..8", text, StringComparison.Ordinal);
        Assert.Contains("-> rtvals [OK, OK, OK, OK, OK]", text, StringComparison.Ordinal);
        Assert.Contains("-> rtvals [PEND, PEND, PEND]", text, StringComparison.Ordinal);
        Assert.Contains("completion of #2: 3 undirtied, 3 unbusied, then pip -= 3", text, StringComparison.Ordinal);
        Assert.DoesNotContain("MISMATCH", text, StringComparison.Ordinal);
        Assert.Contains("same VM object: True; first bytes match the write: True", text, StringComparison.Ordinal);
        Assert.Contains("after truncate: size 10000, resident 3", text, StringComparison.Ordinal);
    }
}
