using System.CommandLine;

namespace ActorPager.Host;

/// <summary>The list of subcommands. Add one line here per command file.</summary>
internal static class Commands
{
    /// <summary>Every subcommand of <c>actorpager</c>.</summary>
    public static IEnumerable<Command> All()
    {
        yield return DemoCommand.Create();
        yield return ConfigCommand.Create();
    }
}
