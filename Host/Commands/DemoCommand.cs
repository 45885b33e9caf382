using System.CommandLine;

namespace ActorPager.Host;

/// <summary><c>actorpager demo</c>: runs a short scripted workload and prints what happened.</summary>
internal static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("demo", "Start an embedded node, run a short scripted workload and print what happened.");
        command.SetAction(_ =>
        {
            Console.WriteLine("demo: the actor runtime is being built");
            return 0;
        });
        return command;
    }
}
