using ActorPager.Runtime.Configuration;

namespace ActorPager.Runtime.Tests.Configuration;

/// <summary>Helpers shared by the HOCON tests.</summary>
internal static class HoconTestSupport
{
    /// <summary>No environment: substitutions find only what the document sets.</summary>
    public static readonly ConfigResolveOptions NoEnv = ConfigResolveOptions.NoEnvironment;

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

    /// <summary>Parses and resolves without the environment.</summary>
    public static Config Parse(string text) => Config.ParseString(text).Resolve(NoEnv);

    /// <summary>Parses, resolves and renders as compact JSON.</summary>
    public static string Json(string text) => Parse(text).ToJson(indented: false);

    /// <summary>Asserts that parsing (and resolving) fails, and returns the exception.</summary>
    public static HoconException Fails(string text, string? origin = null) =>
        Assert.Throws<HoconException>(() => Config.ParseString(text, origin).Resolve(NoEnv));

    /// <summary>A fresh empty temporary directory.</summary>
    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "hocon-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
