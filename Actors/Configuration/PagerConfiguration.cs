using Akka.Actor;
using ActorPager.Storage;

namespace ActorPager.Actors;

/// <summary>
/// Reads the settings of hocon/reference.conf into options: <c>actorpager.vm</c> into
/// <see cref="PagerOptions"/> and <c>actorpager.storage</c> into <see cref="StoreOptions"/>. The
/// actor system's own settings are Akka.NET's, in the same file's <c>akka</c> section.
/// </summary>
public static class PagerConfiguration
{
    /// <summary>The VM settings under <c>actorpager.vm</c>.</summary>
    /// <exception cref="ConfigException">A setting is missing or has the wrong type; the message names its file and path.</exception>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public static PagerOptions Pager(LoadedConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string Vm = "actorpager.vm";
        var options = new PagerOptions
        {
            PageSize = IntBytes(config, $"{Vm}.page-size"),
            PhysicalMemory = config.GetByteSize($"{Vm}.physical-memory"),
            ClusterMax = config.GetInt($"{Vm}.cluster-max"),
            ReadBehind = config.GetInt($"{Vm}.read-behind"),
            ReadAhead = config.GetInt($"{Vm}.read-ahead"),
            SequentialWindow = config.GetInt($"{Vm}.sequential-window"),
            ReadAheadMax = config.GetInt($"{Vm}.read-ahead-max"),
            FreeTarget = config.GetInt($"{Vm}.free-target"),
            FreeMin = config.GetInt($"{Vm}.free-min"),
            DirtyAge = config.GetTimeSpan($"{Vm}.dirty-age"),
            DaemonInterval = config.GetTimeSpan($"{Vm}.daemon-interval"),
            MaxVnodes = config.GetInt($"{Vm}.max-vnodes"),
            MappedReads = config.GetBoolean($"{Vm}.mapped-reads"),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            // Validate's messages start with the setting ("actorpager.vm.page-size: ..."); put
            // the file (or variable) it came from in front.
            var colon = e.Message.IndexOf(':', StringComparison.Ordinal);
            var setting = colon > 0 ? e.Message[..colon] : Vm;
            throw new ArgumentException($"{config.SourceOf(setting)}: {e.Message}", e);
        }

        return options;
    }

    /// <summary>The store settings under <c>actorpager.storage</c>, for <see cref="PageStores.Create"/>.</summary>
    /// <exception cref="ConfigException">A setting is missing, has the wrong type or an unknown value; the message names its file and path.</exception>
    public static StoreOptions Store(LoadedConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string S = "actorpager.storage";
        var kind = Choose(config, $"{S}.kind", ("directory", "directory"), ("sqlite", "sqlite"), ("postgres", "postgres"), ("memory", "memory"), ("simulated", "simulated"));
        var synchronous = Choose(config, $"{S}.sqlite.synchronous", ("normal", SqliteSynchronous.Normal), ("full", SqliteSynchronous.Full), ("extra", SqliteSynchronous.Extra));
        var connection = config.GetString($"{S}.postgres.connection-string");
        return new StoreOptions
        {
            Kind = kind,
            Directory = config.GetString($"{S}.directory.root"),
            MaxOpenFiles = config.GetInt($"{S}.directory.max-open-files"),
            SqlitePath = config.GetString($"{S}.sqlite.path"),
            SqliteSynchronous = synchronous,
            PostgresConnectionString = string.IsNullOrEmpty(connection) ? null : connection,
            PostgresSchema = config.GetString($"{S}.postgres.schema"),
            RetryLimit = config.GetInt($"{S}.postgres.retry-limit"),
            RetryBackoff = config.GetTimeSpan($"{S}.postgres.retry-backoff"),
            RowSize = config.GetInt($"{S}.row-size"),
            GroupCommitWindow = config.GetTimeSpan($"{S}.group-commit.window"),
            GroupCommitMaxBatch = config.GetInt($"{S}.group-commit.max-batch"),
        };
    }

    /// <summary>A size that must fit an int (the page size).</summary>
    private static int IntBytes(LoadedConfig config, string path)
    {
        var value = config.GetByteSize(path);
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw config.Problem(path, $"expected a size below 2GiB, got {value} bytes");
    }

    private static T Choose<T>(LoadedConfig config, string path, params (string Name, T Value)[] choices)
    {
        var text = config.GetString(path);
        foreach (var (name, value) in choices)
        {
            if (string.Equals(name, text, StringComparison.Ordinal))
            {
                return value;
            }
        }

        throw config.Problem(path, $"expected one of {string.Join(", ", choices.Select(c => c.Name))}, got \"{text}\"");
    }
}
