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

        return root.Parse(args).InvokeAsync();
    }
}
