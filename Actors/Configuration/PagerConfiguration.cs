using ActorPager.Runtime.Configuration;
using ActorPager.Storage;

namespace ActorPager.Actors;

/// <summary>Reads <c>actorpager.vm</c> and <c>actorpager.storage</c> (hocon/reference.conf) into <see cref="PagerOptions"/> and <see cref="StoreOptions"/>.</summary>
public static class PagerConfiguration
{
    /// <summary>The VM settings under <c>actorpager.vm</c>.</summary>
    /// <exception cref="HoconException">A setting is missing or has the wrong type; the message names its path.</exception>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public static PagerOptions Pager(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string Vm = "actorpager.vm";
        var options = new PagerOptions
        {
            PageSize = checked((int)config.GetBytes($"{Vm}.page-size")),
            PhysicalMemory = config.GetBytes($"{Vm}.physical-memory"),
            ClusterMax = config.GetInt($"{Vm}.cluster-max"),
            ReadBehind = config.GetInt($"{Vm}.read-behind"),
            ReadAhead = config.GetInt($"{Vm}.read-ahead"),
            SequentialWindow = config.GetInt($"{Vm}.sequential-window"),
            FreeTarget = config.GetInt($"{Vm}.free-target"),
            FreeMin = config.GetInt($"{Vm}.free-min"),
            DirtyAge = config.GetDuration($"{Vm}.dirty-age"),
            DaemonInterval = config.GetDuration($"{Vm}.daemon-interval"),
            MaxVnodes = config.GetInt($"{Vm}.max-vnodes"),
        };
        options.Validate();
        return options;
    }

    /// <summary>The store settings under <c>actorpager.storage</c>, for <see cref="PageStores.Create"/>.</summary>
    /// <exception cref="HoconException">A setting is missing, has the wrong type or an unknown value; the message names its path.</exception>
    public static StoreOptions Store(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string S = "actorpager.storage";
        var kind = config.GetString($"{S}.kind");
        if (kind is not ("directory" or "sqlite" or "postgres" or "memory" or "simulated"))
        {
            throw new HoconException(null, 0, 0, $"{S}.kind", $"expected directory, sqlite, postgres, memory or simulated, got \"{kind}\"");
        }

        var synchronous = config.GetString($"{S}.sqlite.synchronous") switch
        {
            "normal" => SqliteSynchronous.Normal,
            "full" => SqliteSynchronous.Full,
            "extra" => SqliteSynchronous.Extra,
            var other => throw new HoconException(null, 0, 0, $"{S}.sqlite.synchronous", $"expected normal, full or extra, got \"{other}\""),
        };
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
            RetryBackoff = config.GetDuration($"{S}.postgres.retry-backoff"),
            RowSize = config.GetInt($"{S}.row-size"),
            GroupCommitWindow = config.GetDuration($"{S}.group-commit.window"),
            GroupCommitMaxBatch = config.GetInt($"{S}.group-commit.max-batch"),
        };
    }
}
