using System.CommandLine;

namespace ActorPager.Host;

/// <summary>The <c>actorpager</c> command tree. Each command lives in its own file under Commands/.</summary>
internal static class CommandLine
{
    /// <summary>Parses <paramref name="args"/> and runs the chosen command.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("ActorPager: the FreeBSD VM pager rebuilt as an actor system.");
        foreach (var command in Commands.All())
        {
            root.Subcommands.Add(command);
        }

        var parse = root.Parse(args);

        // serve stops on SIGTERM through the generic host (Kestrel drains, every file is synced,
        // shards are handed off), which can take longer than System.CommandLine's default 2 s
        // before it ends the process with 143: for serve, System.CommandLine leaves the signal alone.
        var invocation = new InvocationConfiguration
        {
            ProcessTerminationTimeout = parse.CommandResult.Command.Name == "serve" ? null : TimeSpan.FromSeconds(2),
        };
        return parse.InvokeAsync(invocation);
    }
}
