using System.Globalization;
using System.Text;
using ActorPager.Storage;

namespace ActorPager.Service.Cluster;

/// <summary>
/// The <c>akka</c> configuration the service derives from <see cref="ClusterSettings"/>: the
/// journal and snapshot store of the files' entities (Akka.Persistence.Sql, or memory), the binary
/// serializer of their messages and events, and for a cluster node the provider, the transport,
/// the seeds, the split brain resolver and the timings of failure detection. It goes under the
/// user's configuration, so an <c>akka.*</c> setting in the user's file wins.
/// </summary>
internal static class ClusterHocon
{
    /// <summary>The journal's provider and connection string, as resolved from the settings and the store.</summary>
    internal sealed record JournalTarget(string Kind, string ProviderName, string ConnectionString, string? SqliteFile);

    /// <summary>Where the journals go: <c>actorpager.journal.kind</c>, with auto following the store.</summary>
    public static JournalTarget Journal(ClusterSettings settings, StoreOptions store)
    {
        var kind = settings.JournalKind == "auto"
            ? store.Kind switch
            {
                "postgres" => "postgres",
                "memory" or "simulated" => "memory",
                _ => "sqlite",
            }
            : settings.JournalKind;
        switch (kind)
        {
            case "postgres":
                var connection = settings.JournalConnectionString.Length > 0 ? settings.JournalConnectionString : store.PostgresConnectionString ?? string.Empty;
                if (connection.Length == 0)
                {
                    throw new ArgumentException("actorpager.journal.kind = postgres needs a connection string (actorpager.journal.connection-string, or the store's --connection)");
                }

                return new JournalTarget(kind, "PostgreSQL.15", connection, null);
            case "sqlite":
                var file = settings.JournalSqlitePath.Length > 0
                    ? settings.JournalSqlitePath
                    : Path.Combine(store.Kind == "sqlite" ? Path.GetDirectoryName(Path.GetFullPath(store.SqlitePath)) ?? "." : store.Directory, "actorpager-journal.db");
                return new JournalTarget(kind, "SQLite.MS", $"Data Source={Path.GetFullPath(file)}", Path.GetFullPath(file));
            default:
                return new JournalTarget("memory", string.Empty, string.Empty, null);
        }
    }

    /// <summary>The persistence and serialization section every node has.</summary>
    public static string Persistence(JournalTarget journal)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $$"""
            akka.actor {
              serializers.actorpager = "{{typeof(FileProtocolSerializer).AssemblyQualifiedName}}"
              serialization-bindings {
                "{{Name(typeof(FileProtocol.ICommand))}}" = actorpager
                "{{Name(typeof(FileProtocol.Data))}}" = actorpager
                "{{Name(typeof(FileProtocol.Written))}}" = actorpager
                "{{Name(typeof(FileProtocol.Synced))}}" = actorpager
                "{{Name(typeof(FileProtocol.Truncated))}}" = actorpager
                "{{Name(typeof(FileProtocol.Stat))}}" = actorpager
                "{{Name(typeof(FileProtocol.Pages))}}" = actorpager
                "{{Name(typeof(FileProtocol.Failed))}}" = actorpager
                "{{Name(typeof(FileProtocol.HandOff))}}" = actorpager
                "{{Name(typeof(FileEvents.Owned))}}" = actorpager
                "{{Name(typeof(FileEvents.SizeChanged))}}" = actorpager
                "{{Name(typeof(FileEvents.Snapshot))}}" = actorpager
                "{{Name(typeof(ClusterView.ListOwned))}}" = actorpager
                "{{Name(typeof(ClusterView.OwnedList))}}" = actorpager
              }
              serialization-identifiers { "{{Name(typeof(FileProtocolSerializer))}}" = {{FileProtocolSerializer.Id}} }
            }

            """);
        if (journal.Kind == "memory")
        {
            text.Append("""
                akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
                akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"

                """);
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $$"""
                akka.persistence {
                  journal {
                    plugin = "akka.persistence.journal.sql"
                    sql {
                      class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                      connection-string = {{Quote(journal.ConnectionString)}}
                      provider-name = {{Quote(journal.ProviderName)}}
                      auto-initialize = on
                      # One writer per sequence number is the journal's unique key, which is what
                      # fences a stale owner; recovery must see every take-over, whichever node
                      # wrote it, so the replay filter (which drops events of an "old" writer) is off.
                      replay-filter.mode = off
                    }
                  }
                  snapshot-store {
                    plugin = "akka.persistence.snapshot-store.sql"
                    sql {
                      class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                      connection-string = {{Quote(journal.ConnectionString)}}
                      provider-name = {{Quote(journal.ProviderName)}}
                      auto-initialize = on
                    }
                  }
                }

                """);
        }

        return text.ToString();
    }

    /// <summary>The cluster section of a node started with <c>--cluster</c>.</summary>
    /// <param name="s">The cluster settings.</param>
    /// <param name="systemName">The actor system's name (in the seed addresses).</param>
    /// <param name="largestMessage">The largest request or answer a file carries between nodes (the larger of max-body-size and max-read-length): Akka.Remote drops a bigger frame.</param>
    public static string Cluster(ClusterSettings s, string systemName, long largestMessage)
    {
        // Room for the message's other fields and Akka's envelope around the page bytes.
        var frame = largestMessage + (64 * 1024);
        var seeds = s.Seeds.Count > 0 ? s.Seeds : [$"{s.NodeHost}:{s.NodePort}"];
        var seedList = string.Join(", ", seeds.Select(seed =>
        {
            ClusterSettings.TrySplit(seed, out var host, out var port);
            return Quote($"akka.tcp://{systemName}@{host}:{port}");
        }));
        var roles = s.Role.Length > 0 ? $"[{Quote(s.Role)}]" : "[]";
        return string.Create(CultureInfo.InvariantCulture, $$"""
            akka {
              actor.provider = cluster
              remote.dot-netty.tcp {
                hostname = {{Quote(s.NodeHost)}}
                port = {{s.NodePort}}
                # A write's body or a read's bytes cross in one message (Akka's default frame: 128,000 bytes).
                maximum-frame-size = {{frame}}b
              }
              cluster {
                seed-nodes = [{{seedList}}]
                roles = {{roles}}
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-majority
                  stable-after = {{Ms(s.StableAfter)}}
                }
                down-removal-margin = {{Ms(s.DownRemovalMargin)}}
                failure-detector {
                  heartbeat-interval = {{Ms(s.HeartbeatInterval)}}
                  acceptable-heartbeat-pause = {{Ms(s.AcceptableHeartbeatPause)}}
                  expected-response-after = {{Ms(s.HeartbeatInterval)}}
                }
                leader-actions-interval = 500ms
                unreachable-nodes-reaper-interval = 500ms
                gossip-interval = 500ms
                sharding {
                  state-store-mode = ddata
                  remember-entities = off
                  retry-interval = 200ms
                  handoff-timeout = {{Ms(s.HandOffTimeout)}}
                  # The coordinator writes its state to every node (Akka's majority-min-cap 5 is
                  # more than three nodes): an update begun while a dead node is still a member
                  # waits out this time-out before it is retried without it.
                  updating-state-timeout = {{Ms(s.CoordinatorUpdateTimeout)}}
                  role = {{Quote(s.Role)}}
                }
              }
            }

            """);
    }

    private static string Ms(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    private static string Name(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    /// <summary>A HOCON quoted string (JSON escaping).</summary>
    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
