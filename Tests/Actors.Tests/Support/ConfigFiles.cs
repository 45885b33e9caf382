namespace ActorPager.Actors.Tests.Support;

/// <summary>Configuration files written to a temporary folder for one test class, deleted with it.</summary>
internal sealed class ConfigFiles : IDisposable
{
    /// <summary>No environment variables, so the machine's <c>ACTORPAGER__</c> variables do not leak into tests.</summary>
    public static readonly Dictionary<string, string> NoVariables = [];

    /// <summary>The folder.</summary>
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("actorpager-config-").FullName;

    /// <summary>The repository root (the folder holding ActorPager.sln).</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ActorPager.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("ActorPager.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="name"/> in the folder and returns its path.</summary>
    public string Write(string text, string name = "user.conf")
    {
        var path = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Writes <paramref name="text"/> as user.conf and loads it over reference.conf with no environment overrides.</summary>
    public LoadedConfig Load(string text) => ConfigLoader.Load(Write(text), NoVariables);

    /// <inheritdoc/>
    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
