using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ActorPager.Service.Cluster;

/// <summary>
/// <c>actorpager.cluster</c> and <c>actorpager.journal</c> (reference.conf documents each): how a
/// node joins the cluster, how files are sharded and fail over, and where the files' journals are.
/// </summary>
internal sealed record ClusterSettings
{
    /// <summary>The configuration section of the cluster settings.</summary>
    public const string Section = "actorpager:cluster";

    /// <summary>The configuration section of the journal settings.</summary>
    public const string JournalSection = "actorpager:journal";

    /// <summary>Run as a cluster node (<c>serve --cluster</c>); off: one node, files routed locally.</summary>
    public bool Enabled { get; init; }

    /// <summary>The address other nodes reach this one at (Akka.Remote's hostname).</summary>
    public string NodeHost { get; init; } = "127.0.0.1";

    /// <summary>The port of this node's cluster transport.</summary>
    public int NodePort { get; init; } = 4053;

    /// <summary>Seed nodes, HOST:PORT each; empty: this node is its own seed (a cluster's first node).</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>Number of shards the files are hashed into; the same on every node, fixed for the cluster's life.</summary>
    public int Shards { get; init; } = 64;

    /// <summary>The role of the nodes that own files; empty: every node.</summary>
    public string Role { get; init; } = string.Empty;

    /// <summary>How long a shard's hand-off waits for its files to sync and stop.</summary>
    public TimeSpan HandOffTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A file idle this long gives its pages up (its entity passivates).</summary>
    public TimeSpan PassivateAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>One ask of a file's owner through the shard region; after it, the request is sent again.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a request keeps trying (over a hand-off or a failover) before it is answered 503.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The Retry-After a 503 carries.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Failure detector heartbeat interval.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Silence the failure detector accepts before it marks a node unreachable.</summary>
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The split brain resolver downs the unreachable side after the membership has been stable this long.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>After a node is downed, how long before its shards are started elsewhere.</summary>
    public TimeSpan DownRemovalMargin { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the shard coordinator waits for an update of its state (a shard's new home) to reach
    /// every node before it tries again: an update begun while a dead node is still a member waits for
    /// it until this time-out, so it bounds the delay after that node's removal.
    /// </summary>
    public TimeSpan CoordinatorUpdateTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A file's journal saves a snapshot every this many events.</summary>
    public int SnapshotEvery { get; init; } = 500;

    /// <summary>Where the journals are: auto (PostgreSQL with a postgres store, else SQLite), sqlite, postgres, or memory (tests; nothing survives).</summary>
    public string JournalKind { get; init; } = "auto";

    /// <summary>The SQLite journal file; empty: actorpager-journal.db in the data directory.</summary>
    public string JournalSqlitePath { get; init; } = string.Empty;

    /// <summary>The PostgreSQL journal's connection string; empty: the store's.</summary>
    public string JournalConnectionString { get; init; } = string.Empty;

    /// <summary>Reads both sections; an unusable value gets an error naming the setting and the file it came from.</summary>
    public static ClusterSettings From(IConfiguration configuration, Func<string, string>? sourceOf = null)
    {
        var section = configuration.GetSection(Section);
        var journal = configuration.GetSection(JournalSection);
        var reader = new SettingsReader(section, "actorpager.cluster", sourceOf);
        var journalReader = new SettingsReader(journal, "actorpager.journal", sourceOf);
        var d = new ClusterSettings();
        var settings = new ClusterSettings
        {
            Enabled = reader.Flag("enabled") ?? d.Enabled,
            NodeHost = section["node-host"] is { Length: > 0 } host ? host : d.NodeHost,
            NodePort = (int?)reader.Number("node-port") ?? d.NodePort,
            Seeds = SeedList(section.GetSection("seeds")),
            Shards = (int?)reader.Number("shards") ?? d.Shards,
            Role = section["role"] ?? d.Role,
            HandOffTimeout = reader.Duration("hand-off-timeout") ?? d.HandOffTimeout,
            PassivateAfter = reader.Duration("passivate-after") ?? d.PassivateAfter,
            AskTimeout = reader.Duration("ask-timeout") ?? d.AskTimeout,
            RequestTimeout = reader.Duration("request-timeout") ?? d.RequestTimeout,
            RetryAfter = reader.Duration("retry-after") ?? d.RetryAfter,
            HeartbeatInterval = reader.Duration("heartbeat-interval") ?? d.HeartbeatInterval,
            AcceptableHeartbeatPause = reader.Duration("acceptable-heartbeat-pause") ?? d.AcceptableHeartbeatPause,
            StableAfter = reader.Duration("stable-after") ?? d.StableAfter,
            DownRemovalMargin = reader.Duration("down-removal-margin") ?? d.DownRemovalMargin,
            CoordinatorUpdateTimeout = reader.Duration("coordinator-update-timeout") ?? d.CoordinatorUpdateTimeout,
            SnapshotEvery = (int?)journalReader.Number("snapshot-every") ?? d.SnapshotEvery,
            JournalKind = (journal["kind"] ?? d.JournalKind).Trim().ToLowerInvariant(),
            JournalSqlitePath = journal["sqlite-path"] ?? d.JournalSqlitePath,
            JournalConnectionString = journal["connection-string"] ?? d.JournalConnectionString,
        };
        settings.Validate(sourceOf);
        return settings;
    }

    private void Validate(Func<string, string>? sourceOf)
    {
        void Check(bool ok, string key, string problem)
        {
            if (!ok)
            {
                throw new Actors.ConfigException(sourceOf?.Invoke(key), key, problem);
            }
        }

        Check(NodePort is >= 0 and <= 65535, "actorpager.cluster.node-port", $"expected a port (0-65535), got {NodePort}");
        Check(Shards is >= 1 and <= 100_000, "actorpager.cluster.shards", $"expected 1 to 100000 shards, got {Shards}");
        Check(CoordinatorUpdateTimeout > TimeSpan.Zero, "actorpager.cluster.coordinator-update-timeout", $"expected a positive duration, got {CoordinatorUpdateTimeout}");
        Check(SnapshotEvery >= 1, "actorpager.journal.snapshot-every", $"expected a positive number of events, got {SnapshotEvery}");
        Check(JournalKind is "auto" or "sqlite" or "postgres" or "memory", "actorpager.journal.kind", $"expected auto, sqlite, postgres or memory, got \"{JournalKind}\"");
        Check(AskTimeout > TimeSpan.Zero && RequestTimeout >= AskTimeout, "actorpager.cluster.request-timeout", $"expected ask-timeout > 0 and request-timeout >= ask-timeout, got {AskTimeout} and {RequestTimeout}");
        foreach (var seed in Seeds)
        {
            Check(TrySplit(seed, out _, out _), "actorpager.cluster.seeds", $"expected HOST:PORT, got \"{seed}\"");
        }
    }

    /// <summary>Splits HOST:PORT.</summary>
    public static bool TrySplit(string endpoint, out string host, out int port)
    {
        var colon = endpoint.LastIndexOf(':');
        host = colon > 0 ? endpoint[..colon].Trim('[', ']') : string.Empty;
        port = 0;
        return colon > 0 && int.TryParse(endpoint[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;
    }

    private static string[] SeedList(IConfigurationSection seeds)
    {
        // A HOCON list arrives as children 0, 1, ...; a single string (an environment variable) as the value.
        var children = seeds.GetChildren().Select(c => c.Value).OfType<string>().ToArray();
        if (children.Length > 0)
        {
            return children;
        }

        return seeds.Value is { Length: > 0 } one
            ? one.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
    }
}
