using ActorPager.Actors.Tests.Support;

namespace ActorPager.Actors.Tests;

/// <summary>ConfigLoader: reference.conf, the load order, environment overrides, includes, and errors that name the file.</summary>
public sealed class ConfigLoaderTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<string, string> ReferenceSettings() => new()
    {
        { "actorpager.vm.page-size", "4KiB" },
        { "actorpager.vm.cluster-max", "16" },
        { "actorpager.vm.read-behind", "7" },
        { "actorpager.vm.read-ahead", "8" },
        { "actorpager.vm.dirty-age", "30s" },
        { "actorpager.vm.daemon-interval", "250ms" },
        { "actorpager.vm.max-vnodes", "10000" },
        { "actorpager.storage.kind", "directory" },
        { "actorpager.storage.sqlite.synchronous", "full" },
        { "actorpager.storage.postgres.retry-limit", "3" },
        { "actorpager.storage.group-commit.window", "2ms" },
        { "actorpager.http.listen", "127.0.0.1:5080" },
    };

    [Theory]
    [MemberData(nameof(ReferenceSettings))]
    public void Load_NoUserFile_HasReferenceDefault(string path, string expected)
    {
        var config = ConfigLoader.Load(null, ConfigFiles.NoVariables);

        Assert.Equal(expected, config.GetString(path));
        Assert.Equal(ConfigLoader.ReferenceResourceName, config.SourceOf(path));
    }

    [Fact]
    public void Load_ReferenceDefaults_ReadWithAkkasUnits()
    {
        var config = ConfigLoader.Load(null, ConfigFiles.NoVariables);

        Assert.Equal(TimeSpan.FromSeconds(30), config.GetTimeSpan("actorpager.vm.dirty-age"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), config.GetTimeSpan("actorpager.vm.daemon-interval"));
        Assert.Equal(10_000, config.GetLong("actorpager.vm.max-vnodes"));
        Assert.Equal(4096, config.GetByteSize("actorpager.vm.page-size"));
        Assert.Equal(64L << 20, config.GetByteSize("actorpager.vm.physical-memory"));
        Assert.Equal(1L << 40, config.GetByteSize("actorpager.http.max-file-size"));
    }

    [Theory]
    [InlineData("4096", 4096L)]
    [InlineData("4K", 4096L)]
    [InlineData("4KiB", 4096L)]
    [InlineData("4kB", 4000L)]
    [InlineData("\"4 KiB\"", 4096L)]
    [InlineData("2MB", 2_000_000L)]
    [InlineData("1G", 1L << 30)]
    public void GetByteSize_Units_AreAkkasAndHocons(string text, long bytes)
    {
        Assert.Equal(bytes, _files.Load("actorpager.vm.physical-memory = " + text).GetByteSize("actorpager.vm.physical-memory"));
    }

    [Theory]
    [InlineData("250", 250.0)]
    [InlineData("250ms", 250.0)]
    [InlineData("\"5 seconds\"", 5000.0)]
    [InlineData("1.5h", 5_400_000.0)]
    [InlineData("2m", 120_000.0)]
    [InlineData("1d", 86_400_000.0)]
    [InlineData("500micros", 0.5)]
    [InlineData("500000ns", 0.5)]
    public void GetTimeSpan_Units_AreAkkasAndHocons(string text, double milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), _files.Load("actorpager.vm.dirty-age = " + text).GetTimeSpan("actorpager.vm.dirty-age"));
    }

    [Theory]
    [InlineData("500us")]
    [InlineData("1.5GiB")]
    public void Getters_UnitsAkkaDoesNotRead_AreRefusedNamingTheSetting(string text)
    {
        // HOCON has both; Akka's GetTimeSpan matches "us" but has no case for it, and GetByteSize
        // reads whole numbers only (docs/configuration.md).
        var config = _files.Load($"actorpager.vm.dirty-age = {text}\nactorpager.vm.physical-memory = {text}");
        var read = text.EndsWith("us", StringComparison.Ordinal)
            ? () => config.GetTimeSpan("actorpager.vm.dirty-age")
            : (Action)(() => config.GetByteSize("actorpager.vm.physical-memory"));

        var e = Assert.Throws<ConfigException>(read);

        Assert.Contains($"got \"{text}\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReferenceFile_EverySetting_HasACommentAbove()
    {
        var lines = File.ReadAllLines(Path.Combine(ConfigFiles.RepoRoot, "hocon", "reference.conf"));
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Contains('=', StringComparison.Ordinal) && !line.StartsWith('#'))
            {
                Assert.True(i > 0 && lines[i - 1].Trim().StartsWith('#'), $"reference.conf line {i + 1} ({line}) has no comment above it");
            }
        }
    }

    [Fact]
    public void ReferenceFile_EverySetting_IsUnderActorpager()
    {
        var keys = ConfigLoader.Reference().AsEnumerable().Select(e => e.Key).ToList();

        Assert.Equal(["actorpager"], keys);
    }

    [Fact]
    public void ReferenceFile_IsTheEmbeddedResource()
    {
        using var stream = typeof(ConfigLoader).Assembly.GetManifestResourceStream(ConfigLoader.ReferenceResourceName);
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream);

        Assert.Equal(File.ReadAllText(Path.Combine(ConfigFiles.RepoRoot, "hocon", "reference.conf")), reader.ReadToEnd());
    }

    [Fact]
    public void Load_UserFile_OverridesReference()
    {
        var config = _files.Load("actorpager.vm.cluster-max = 5\nactorpager.storage { kind = sqlite }");

        Assert.Equal(5, config.GetInt("actorpager.vm.cluster-max"));
        Assert.Equal("sqlite", config.GetString("actorpager.storage.kind"));
        Assert.Equal(256, config.GetInt("actorpager.storage.group-commit.max-batch"));
        Assert.Equal(Path.Combine(_files.Directory, "user.conf"), config.SourceOf("actorpager.storage.kind"));
        Assert.Equal("reference.conf", config.SourceOf("actorpager.storage.group-commit.max-batch"));
    }

    [Fact]
    public void Load_JsonUserFile_OverridesReference()
    {
        var file = _files.Write("""{ "actorpager": { "storage": { "kind": "memory" } } }""", "user.json");

        Assert.Equal("memory", ConfigLoader.Load(file, ConfigFiles.NoVariables).GetString("actorpager.storage.kind"));
    }

    [Fact]
    public void Load_EnvironmentOverride_WinsOverUserFile()
    {
        var file = _files.Write("actorpager.vm.cluster-max = 5");
        var env = new Dictionary<string, string> { ["ACTORPAGER__VM__CLUSTER_MAX"] = "7", ["PATH"] = "/bin" };

        var config = ConfigLoader.Load(file, env);

        Assert.Equal(7, config.GetInt("actorpager.vm.cluster-max"));
        Assert.Equal("environment variable ACTORPAGER__VM__CLUSTER_MAX", config.SourceOf("actorpager.vm.cluster-max"));
        Assert.Equal(16, ConfigLoader.Load(null, ConfigFiles.NoVariables).GetInt("actorpager.vm.cluster-max"));
    }

    [Fact]
    public void Load_EnvironmentOverrides_SetSeveralSettingsAndKeepTheRest()
    {
        var env = new Dictionary<string, string>
        {
            ["ACTORPAGER__STORAGE__KIND"] = "memory",
            ["ACTORPAGER__VM__DAEMON_INTERVAL"] = "2ms",
            ["ACTORPAGER__VM__READ_AHEAD"] = "4",
        };

        var config = ConfigLoader.Load(null, env);

        Assert.Equal("memory", config.GetString("actorpager.storage.kind"));
        Assert.Equal(TimeSpan.FromMilliseconds(2), config.GetTimeSpan("actorpager.vm.daemon-interval"));
        Assert.Equal(4, config.GetInt("actorpager.vm.read-ahead"));
        Assert.Equal(7, config.GetInt("actorpager.vm.read-behind"));
    }

    [Fact]
    public void Load_UserFileSubstitutionOfAReferenceSetting_FailsNamingTheFile()
    {
        // Akka's reader resolves a file's substitutions within that file alone (docs/configuration.md).
        var file = _files.Write("copy = ${actorpager.vm.page-size}");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, ConfigFiles.NoVariables));

        Assert.Equal(file, e.File);
        Assert.Contains("Unresolved substitution: actorpager.vm.page-size", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UserFileSubstitutionWithinTheFile_IsResolved()
    {
        var config = _files.Load("base = 128MiB\nactorpager.vm.physical-memory = ${base}");

        Assert.Equal(128L << 20, config.GetByteSize("actorpager.vm.physical-memory"));
    }

    [Theory]
    [InlineData("ACTORPAGER__STORAGE__GROUP_COMMIT__MAX_BATCH", "actorpager.storage.group-commit.max-batch")]
    [InlineData("ACTORPAGER__LOG_LEVEL", "actorpager.log-level")]
    [InlineData("ACTORPAGER__VM__MAX_VNODES", "actorpager.vm.max-vnodes")]
    [InlineData("ACTORPAGER__DETERMINISTIC__SEED", "actorpager.deterministic.seed")]
    [InlineData("ACTORPAGER__X__A.B", "actorpager.x.\"a.b\"")]
    [InlineData("ACTORPAGER__", null)]
    [InlineData("ACTORPAGER_LOG_LEVEL", null)]
    [InlineData("ACTORPAGER__A____B", null)]
    [InlineData("PATH", null)]
    public void PathForVariableName_Names_MapAsDocumented(string name, string? path)
    {
        Assert.Equal(path, ConfigLoader.PathForVariableName(name));
    }

    [Fact]
    public void FromEnvironment_ListAndObjectValues_AreParsedAsHocon()
    {
        var env = new Dictionary<string, string> { ["ACTORPAGER__X__LIST"] = "[a, b]", ["ACTORPAGER__X__OBJ"] = "{ k = 1 }", ["ACTORPAGER__X__TEXT"] = "[not a list" };

        var config = ConfigLoader.FromEnvironment(env);

        Assert.Equal(["a", "b"], config.GetStringList("actorpager.x.list"));
        Assert.Equal(1, config.GetInt("actorpager.x.obj.k"));
    }

    [Fact]
    public void FromEnvironment_PlainValue_IsText()
    {
        var env = new Dictionary<string, string> { ["ACTORPAGER__X"] = "a = b, c" };

        Assert.Equal("a = b, c", ConfigLoader.FromEnvironment(env).GetString("actorpager.x"));
    }

    [Fact]
    public void FromEnvironment_ListValueAkkaRejects_NamesTheVariable()
    {
        var env = new Dictionary<string, string> { ["ACTORPAGER__X"] = "[a=b]" };

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.FromEnvironment(env));

        Assert.Equal("environment variable ACTORPAGER__X", e.File);
    }

    [Fact]
    public void Load_MissingUserFile_ThrowsNamingIt()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load("does-not-exist.conf", ConfigFiles.NoVariables));

        Assert.Equal("does-not-exist.conf", e.File);
        Assert.Equal("does-not-exist.conf: file not found", e.Message);
    }

    [Fact]
    public void ParseFile_UnknownToken_NamesFileLineAndColumn()
    {
        var file = _files.Write("a = 1\nb {\n  @ = 2\n}\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseFile(file));

        Assert.Equal(3, e.Line);
        Assert.Equal(3, e.Column);
        Assert.StartsWith(file + ":3:3: Unknown token at position 12", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseFile_UnquotedTextWithColon_NamesTheFileAndTheFix()
    {
        var file = _files.Write("actorpager.http.listen = 127.0.0.1:5080\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseFile(file));

        Assert.Equal(file, e.File);
        Assert.Contains("enclose the item with double quotes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseFile_BadEscape_NamesTheFile()
    {
        var file = _files.Write("a = \"x\\qy\"\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseFile(file));

        Assert.Equal(file + ": Unknown escape code: q", e.Message);
    }

    [Fact]
    public void ParseFile_CommaAfterAnObjectWithoutSeparator_IsRejectedByAkka()
    {
        // Valid HOCON; Akka's reader accepts "a = { ... }," and "a { ... }" but not "a { ... },".
        var file = _files.Write("a { b = 1 }, c = 2\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseFile(file));

        Assert.StartsWith(file + ":1:12: Unknown token at position 11", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, ConfigLoader.ParseFile(_files.Write("a = { b = 1 }, c = 2\n", "equals.conf")).GetInt("c"));
    }

    [Fact]
    public void ParseFile_PropertiesFile_IsRefused()
    {
        var file = _files.Write("a=1\n", "user.properties");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseFile(file));

        Assert.Equal(file, e.File);
        Assert.Contains("Java properties files are not supported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseFile_SelfReference_IsRefusedAsACycle()
    {
        // Akka's reader resolves ${path} to the final value of path, so this would loop forever.
        var file = _files.Write("path = /usr/bin\npath = ${path}\":/opt/bin\"\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseFile(file));

        Assert.Equal(file, e.File);
        Assert.Equal("path", e.Path);
        Assert.Contains("the substitution ${path} leads back to this value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseFile_SubstitutionOfAnEnclosingObject_IsRefusedAsACycle()
    {
        var file = _files.Write("a { b { c = ${a} } }\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseFile(file));

        Assert.Equal("a.b.c", e.Path);
    }

    [Fact]
    public void ParseFile_OptionalSubstitution_IsRefusedNamingIt()
    {
        var file = _files.Write("a = ${?HOME}\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseFile(file));

        Assert.Equal(file, e.File);
        Assert.Contains("optional substitutions ${?...}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TreeCheck.MaxDepth - 1, true)]
    [InlineData(TreeCheck.MaxDepth, false)]
    public void ParseFile_Nesting_IsRefusedPastTheLimitNamingTheSetting(int depth, bool accepted)
    {
        // Akka's parser itself overflows the stack somewhere past 20,000 levels; that cannot be caught.
        var file = _files.Write("deep = " + new string('[', depth) + new string(']', depth) + "\nok = 1\n");

        if (accepted)
        {
            Assert.Equal(1, ConfigLoader.ParseFile(file).GetInt("ok"));
        }
        else
        {
            var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseFile(file));
            Assert.Equal($"{file}: deep: nested deeper than {TreeCheck.MaxDepth} levels", e.Message);
        }
    }

    [Fact]
    public void ParseFile_SharedSubstitutionTargets_AreNotACycle()
    {
        var file = _files.Write("a { x = 1 }\nb = ${a}\nc = [${a}, ${b}]\n");

        var config = ConfigLoader.ParseFile(file);

        Assert.Equal(1, config.GetInt("b.x"));
    }

    [Fact]
    public void ParseFile_Include_IsReadNextToTheIncludingFile()
    {
        _files.Write("x = 1\n", Path.Combine("sub", "one.conf"));
        _files.Write("""{ "y": 2, "z": "json" }""", Path.Combine("sub", "two.json"));
        _files.Write("z = conf\n", Path.Combine("sub", "two.conf"));
        _files.Write("inner { include \"two\" }\n", Path.Combine("sub", "nested.conf"));
        var file = _files.Write("include \"sub/one.conf\"\nouter { include \"sub/nested.conf\" }\n");

        var config = ConfigLoader.ParseFile(file);

        Assert.Equal(1, config.GetInt("x"));
        Assert.Equal(2, config.GetInt("outer.inner.y"));
        Assert.Equal("conf", config.GetString("outer.inner.z"));
    }

    [Fact]
    public void ParseFile_MissingInclude_IsSkipped()
    {
        var file = _files.Write("include \"nowhere.conf\"\na = 1\n");

        Assert.Equal(1, ConfigLoader.ParseFile(file).GetInt("a"));
    }

    [Fact]
    public void ParseFile_IncludedFileError_NamesTheIncludedFile()
    {
        var included = _files.Write("b = \"x\\qy\"\n", "bad.conf");
        var file = _files.Write("include \"bad.conf\"\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseFile(file));

        Assert.Equal(included, e.File);
    }

    [Fact]
    public void ParseFile_IncludeCycle_IsRefusedNamingTheFiles()
    {
        _files.Write("include \"a.conf\"\n", "b.conf");
        var file = _files.Write("include \"b.conf\"\n", "a.conf");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseFile(file));

        Assert.Contains("include cycle: a.conf -> b.conf -> a.conf", e.Message, StringComparison.Ordinal);
    }
}
