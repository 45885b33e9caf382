using System.CommandLine;
using ActorPager.Actors;
using ActorPager.Service.Configuration;

namespace ActorPager.Host;

/// <summary>
/// <c>actorpager config FILE [--json]</c>: prints what a configuration file means, as Akka's
/// HOCON reader reads it. Without <c>--json</c>, the resolved configuration of FILE layered over
/// reference.conf, as HOCON; with <c>--json</c>, the resolved tree of FILE alone, as JSON. A bad
/// file exits with 1 and the error (file[:line:column]: problem) on stderr.
/// </summary>
internal static class ConfigCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The HOCON (.conf) or JSON (.json) file to check." };
        var json = new Option<bool>("--json") { Description = "Print the resolved tree of FILE alone (without reference.conf) as JSON." };
        var command = new Command("config", "Print the resolved configuration of FILE layered over reference.conf.")
        {
            file,
            json,
        };
        command.SetAction(parseResult =>
        {
            var path = parseResult.GetValue(file)!.ToString();
            return Run(path, parseResult.GetValue(json), Console.Out, Console.Error);
        });
        return command;
    }

    /// <summary>Runs the command, writing to the given streams; returns the exit code.</summary>
    public static int Run(string path, bool json, TextWriter output, TextWriter error)
    {
        try
        {
            var config = ConfigLoader.ParseFile(path);
            if (json)
            {
                output.WriteLine(ConfigRenderer.ToJson(config.Root));
            }
            else
            {
                output.Write(ConfigRenderer.ToHocon(config.WithFallback(ConfigLoader.Reference()).Root));
            }

            return 0;
        }
        catch (ConfigException e)
        {
            error.WriteLine(e.Message);
            return 1;
        }
    }
}
