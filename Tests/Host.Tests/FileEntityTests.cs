using System.Text;
using ActorPager.Actors;
using ActorPager.Service.Cluster;
using ActorPager.Storage;
using Akka.Actor;
using Akka.Configuration;
using Xunit.Abstractions;

namespace ActorPager.Host.Tests;

/// <summary>
/// The file entity (the durable half of a vnode) over a real SQLite journal and a shared fenced
/// store: ownership generations survive restarts, and a stale owner (another node took the file
/// over) can neither write the store nor answer a write with success. Two ActorSystems stand for
/// two nodes; each has its own pager, its own ownership table and its own router.
/// </summary>
public sealed class FileEntityTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly string _dir;
    private readonly MemoryStore _store = new();
    private readonly List<ActorSystem> _others = [];

    public FileEntityTests(ITestOutputHelper output)
        : this(Directory.CreateTempSubdirectory("actorpager-entity-").FullName, output)
    {
    }

    private FileEntityTests(string dir, ITestOutputHelper output)
        : base(Config(dir), "entity-a", output)
    {
        _dir = dir;
    }

    private static Akka.Configuration.Config Config(string dir)
    {
        var journal = ClusterHocon.Journal(new ClusterSettings { JournalKind = "sqlite", JournalSqlitePath = Path.Combine(dir, "journal.db") }, new StoreOptions { Kind = "memory" });
        return ConfigurationFactory.ParseString(ClusterHocon.Persistence(journal) + "\nakka.loglevel = WARNING");
    }

    /// <summary>A node: a pager over the shared store, seen through this node's ownership, and a router of file entities.</summary>
    private IActorRef StartNode(ActorSystem system, string name, out Ownership owners, int snapshotEvery = 500)
    {
        var pager = PagerSystem.Start(system);
        owners = new Ownership();
        pager.Mount("files", new OwnedStore(_store, owners, name));
        var node = new FileNode(pager, "files", owners, _store, name, new ClusterSettings { SnapshotEvery = snapshotEvery });
        return system.ActorOf(FileRouter.Props(node), "files");
    }

    private ActorSystem OtherSystem()
    {
        var system = ActorSystem.Create("entity-b", Config(_dir));
        _others.Add(system);
        return system;
    }

    private T Ask<T>(IActorRef router, FileProtocol.ICommand command) =>
        router.Ask<object>(command, Wait).Result switch
        {
            T answer => answer,
            var other => throw new Xunit.Sdk.XunitException($"{command}: expected {typeof(T).Name}, got {other}"),
        };

    private byte[] StoreBytes(string file, int length)
    {
        var bytes = new byte[length];
        var result = _store.ReadAsync(file, 0, bytes).AsTask().Result;
        Assert.True(result.IsOk, result.ToString());
        return bytes;
    }

    [Fact]
    public void Restart_TheJournalGivesTheNextOwnerTheNextGeneration()
    {
        var a = StartNode(Sys, "a", out _);
        Ask<FileProtocol.Written>(a, new FileProtocol.Write("f", 0, Encoding.ASCII.GetBytes("first"), Sync: true));
        Assert.Equal(1, Ask<FileProtocol.Stat>(a, new FileProtocol.GetStat("f")).Generation);
        Shutdown(Sys);

        var b = StartNode(OtherSystem(), "b", out _);
        var stat = Ask<FileProtocol.Stat>(b, new FileProtocol.GetStat("f"));
        Assert.Equal((2L, "b", 5L), (stat.Generation, stat.Owner, stat.SizeBytes));
        Assert.Equal("first", Encoding.ASCII.GetString(Ask<FileProtocol.Data>(b, new FileProtocol.Read("f", 0, 5)).Bytes));
    }

    [Fact]
    public void Restart_AfterSnapshots_RecoversTheGenerationAndTheJournaledSize()
    {
        // A snapshot every two events. Size changes are journaled behind the answers and coalesce
        // while one is being written, so each write waits for its own event: Owned(1) is event 1,
        // the seven sizes are events 2-8, and snapshots follow events 2, 4, 6 and 8.
        var a = StartNode(Sys, "a", out _, snapshotEvery: 2);
        var journal = Path.Combine(_dir, "journal.db");
        for (var i = 1; i <= 7; i++)
        {
            Ask<FileProtocol.Written>(a, new FileProtocol.Write("f", i * 100, [(byte)i], Sync: true));
            var size = (i * 100) + 1;
            AwaitCondition(() => LastSize(journal) == size, Wait, $"the size {size} journaled");
        }

        AwaitCondition(() => SnapshotRows(journal) >= 2 && NewestSnapshot(journal) == 8, Wait, "snapshots saved, the newest after event 8");
        Shutdown(Sys);

        var b = StartNode(OtherSystem(), "b", out _, snapshotEvery: 2);
        var stat = Ask<FileProtocol.Stat>(b, new FileProtocol.GetStat("f"));
        Assert.Equal((2L, 701L), (stat.Generation, stat.SizeBytes));
    }

    private static long NewestSnapshot(string journal) => Query(journal, "SELECT MAX(sequence_number) FROM snapshot", v => v is null or DBNull ? -1 : Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture));

    private static long SnapshotRows(string journal) => Query(journal, "SELECT COUNT(*) FROM snapshot", v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The size in the newest SizeChanged event (its payload is the size, 8 bytes little-endian), or -1.</summary>
    private static long LastSize(string journal) =>
        Query(journal, "SELECT message FROM journal WHERE manifest = 'Z' ORDER BY sequence_number DESC LIMIT 1", v => v is byte[] bytes ? BitConverter.ToInt64(bytes) : -1);

    private static long Query(string journal, string sql, Func<object?, long> read)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={journal}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        try
        {
            return read(command.ExecuteScalar());
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return -1; // the plugin makes its tables on first use
        }
    }

    [Fact]
    public void StaleOwner_SyncWriteAfterANewerOwnerTookOver_AnsweredUnavailableAndNeverReachesTheStore()
    {
        var a = StartNode(Sys, "a", out var ownersA);
        Ask<FileProtocol.Written>(a, new FileProtocol.Write("f", 0, Encoding.ASCII.GetBytes("aaaa"), Sync: true));

        // Another node takes the file over: its journal event and its fence are newer.
        var b = StartNode(OtherSystem(), "b", out _);
        Ask<FileProtocol.Written>(b, new FileProtocol.Write("f", 0, Encoding.ASCII.GetBytes("bbbb"), Sync: true));
        Assert.Equal(2, Ask<FileProtocol.Stat>(b, new FileProtocol.GetStat("f")).Generation);

        // The stale owner still serves its cached file; its sync write is fenced by the store.
        var failed = Ask<FileProtocol.Failed>(a, new FileProtocol.Write("f", 0, Encoding.ASCII.GetBytes("cccc"), Sync: true));
        Assert.Equal(FileProtocol.FailureKind.Unavailable, failed.Kind);
        Assert.Equal("bbbb", Encoding.ASCII.GetString(StoreBytes("f", 4)));
        AwaitCondition(() => !ownersA.TryGet("f", out _), Wait, "the stale owner left its ownership table");

        // Asked again, node a takes the file over anew (generation 3) and reads what the store has,
        // not its old pages: its vnode of the old ownership was evicted.
        var again = Ask<FileProtocol.Stat>(a, new FileProtocol.GetStat("f"));
        Assert.Equal(3, again.Generation);
        Assert.Equal("bbbb", Encoding.ASCII.GetString(Ask<FileProtocol.Data>(a, new FileProtocol.Read("f", 0, 4)).Bytes));
    }

    [Fact]
    public void Serializer_EveryMessageAndEvent_RoundTripsThroughTheBinaryFormat()
    {
        var serialization = Sys.Serialization;
        object[] messages =
        [
            new FileProtocol.Read("a/b", 4096, 100),
            new FileProtocol.Write("a/b", 7, [1, 2, 3], Sync: true),
            new FileProtocol.Sync("x"),
            new FileProtocol.Truncate("x", 12345),
            new FileProtocol.GetStat("x"),
            new FileProtocol.GetPages("x", 3, 9),
            new FileProtocol.Written(3, Durable: true),
            new FileProtocol.Synced(false, 4, "disk full"),
            new FileProtocol.Synced(true, 4, null),
            new FileProtocol.Truncated(99),
            new FileProtocol.Stat(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "akka.tcp://actorpager@127.0.0.1:4053", 11),
            new FileProtocol.Failed(FileProtocol.FailureKind.Unavailable, "moving"),
            FileProtocol.HandOff.Instance,
            new FileEvents.Owned(5, "node"),
            new FileEvents.SizeChanged(1L << 40),
            new FileEvents.Snapshot(5, 6, "node"),
        ];
        foreach (var message in messages)
        {
            var serializer = serialization.FindSerializerFor(message);
            Assert.IsType<FileProtocolSerializer>(serializer);
            var back = serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, ((Akka.Serialization.SerializerWithStringManifest)serializer).Manifest(message));
            switch (message)
            {
                case FileProtocol.Write w:
                    var wb = Assert.IsType<FileProtocol.Write>(back);
                    Assert.Equal((w.Path, w.Offset, w.Sync), (wb.Path, wb.Offset, wb.Sync));
                    Assert.Equal(w.Bytes, wb.Bytes);
                    break;
                default:
                    Assert.Equal(message, back);
                    break;
            }
        }

        // Data carries only the bytes read, and a page-state answer every entry.
        var data = (FileProtocol.Data)RoundTrip(new FileProtocol.Data([9, 8, 7, 6], 2));
        Assert.Equal([9, 8], data.Bytes);
        Assert.Equal(2, data.Length);
        var pages = (FileProtocol.Pages)RoundTrip(new FileProtocol.Pages([new(1, true, 255, 1, "none", "active", true), new(2, false, 0, 0, "", "", false)]));
        Assert.Equal([new(1, true, 255, 1, "none", "active", true), new(2, false, 0, 0, "", "", false)], pages.Entries);
    }

    private object RoundTrip(object message)
    {
        var serializer = (Akka.Serialization.SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
        return serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
    }

    /// <inheritdoc />
    void IDisposable.Dispose()
    {
        foreach (var system in _others)
        {
            system.Terminate().Wait(Wait);
        }

        Shutdown(Sys);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A journal file still open by a terminating system: the temp directory is left.
        }
    }
}
