using System.Diagnostics;
using System.Net.Sockets;
using ActorPager.Actors;
using ActorPager.Bench.Cluster;
using Akka.Actor;
using ActorPager.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorPager.Bench.Storage;

/// <summary>
/// Quick mode of the stores (issue 5 item 11): a 64 MiB file read and written through the pager
/// (clustered getpages/putpages) against the same bytes straight through the store's own API, and
/// 64 concurrent sync putpages with group commit against one transaction per putpages. With a
/// PostgreSQL server (ACTORPAGER_BENCH_POSTGRES or ACTORPAGER_TEST_POSTGRES) also the sequential
/// read on the PostgreSQL store (issue 13 item 5); without one that line alone is skipped.
/// </summary>
internal static class StorageQuick
{
    private const long FileBytes = 64L << 20;
    private const int ReadChunk = 64 << 10;
    private const int WriteChunk = 1 << 20;
    private const int Rounds = 3;
    private const int Writers = 64;
    private static readonly TimeSpan SyncSlice = TimeSpan.FromSeconds(2);

    /// <summary>Prints the <c>bench: storage.*</c> lines: five, and a sixth with a PostgreSQL server.</summary>
    [QuickArea("storage")]
    public static void Run() => RunAsync().GetAwaiter().GetResult();

    private static async Task RunAsync()
    {
        Console.Error.WriteLine($"storage quick: {BenchSupport.LoadNote()}");
        var root = BenchSupport.NewTempDirectory("storage");
        try
        {
            var data = new byte[WriteChunk];
            new Random(7).NextBytes(data);

            await using (var directory = new DirectoryStore(Path.Combine(root, "dir")))
            {
                using var raw = new DirectoryRaw(directory.Root);
                await SeqReadAsync("directory", directory, raw, data);
                await SeqWriteAsync("directory", directory, raw, data);
            }

            var dbPath = Path.Combine(root, "db", "store.db");
            await using (var sqlite = new SqliteStore(dbPath))
            {
                using var raw = new SqliteRaw(dbPath);
                await SeqReadAsync("sqlite", sqlite, raw, data);
                await SeqWriteAsync("sqlite", sqlite, raw, data);
            }

            await PostgresSeqReadAsync(data);
            await SyncPutAsync(root, data);
        }
        finally
        {
            BenchSupport.DeleteDirectory(root);
        }
    }

    private static PagerSystem StartPager(ActorSystem system, IPageStore store)
    {
        var pager = PagerSystem.Start(system, new PagerOptions { PhysicalMemory = 160L << 20 });
        pager.Mount("s", store);
        return pager;
    }

    /// <summary>
    /// The sequential read on a PostgreSQL store in a database of its own (dropped afterwards), the
    /// raw side one Npgsql query per 64 KiB request; without a server, or with one that cannot be
    /// reached, the line is skipped with a note on stderr and the other lines go on.
    /// </summary>
    private static async Task PostgresSeqReadAsync(byte[] data)
    {
        var server = BenchDatabase.ServerConnectionString();
        if (server is null)
        {
            Console.Error.WriteLine($"  postgres.seqread: skipped, no PostgreSQL server ({string.Join(" or ", BenchDatabase.Variables)} unset)");
            return;
        }

        BenchDatabase database;
        try
        {
            database = await BenchDatabase.CreateAsync(server, "storage");
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            Console.Error.WriteLine($"  postgres.seqread: skipped, the PostgreSQL server could not be reached: {e.Message}");
            return;
        }

        await using (database)
        {
            await using var postgres = new PostgresStore(database.ConnectionString);
            var schema = await postgres.InitializeAsync();
            if (!schema.IsOk)
            {
                throw new InvalidOperationException($"the PostgreSQL store's schema could not be set up: {schema.Error}");
            }

            await using var raw = new PostgresRaw(database.ConnectionString, postgres.Schema);
            await SeqReadAsync("postgres", postgres, raw, data);
        }
    }

    /// <summary>Cold 64 KiB reads of a 64 MiB file through the pager against the raw API reading the same requests.</summary>
    private static async Task SeqReadAsync(string kind, IPageStore store, IRawRead raw, byte[] data)
    {
        for (long at = 0; at < FileBytes; at += WriteChunk)
        {
            await store.WriteAsync("seq", at, data, WriteDurability.Buffered);
        }

        await store.FlushAsync("seq");
        using var system = BenchSystem.Create("sbench-r");
        var pager = StartPager(system, store);
        await using var file = await pager.OpenAsync("s", "seq");
        var buffer = new byte[ReadChunk];
        var ratios = new List<double>();
        var ours = new List<double>();
        var raws = new List<double>();
        for (var round = 0; round <= Rounds; round++)
        {
            await file.SyncAsync(invalidate: true);
            var o = await BenchSupport.TimeAsync(async () =>
            {
                for (long at = 0; at < FileBytes; at += ReadChunk)
                {
                    await file.ReadAsync(at, buffer).ConfigureAwait(false);
                }
            });
            var r = await BenchSupport.TimeAsync(async () =>
            {
                for (long at = 0; at < FileBytes; at += ReadChunk)
                {
                    await raw.ReadAsync("seq", at, buffer).ConfigureAwait(false);
                }
            });
            if (round == 0)
            {
                continue;
            }

            ours.Add(FileBytes / o / (1 << 20));
            raws.Add(FileBytes / r / (1 << 20));
            ratios.Add(r / o);
        }

        Console.Error.WriteLine(FormattableString.Invariant($"  {kind}.seqread: ours {BenchSupport.Median(ours):F0} MiB/s, raw {BenchSupport.Median(raws):F0} MiB/s"));
        QuickAreas.Report($"storage.{kind}.seqread", "ours/raw", BenchSupport.Median(ratios));
    }

    /// <summary>
    /// 64 MiB written in 1 MiB requests and made durable: through the pager, size set, writes,
    /// then fsync (clustered sync putpages and one store flush); raw, the same requests through
    /// the store's own API and one durable flush or commit at the end.
    /// </summary>
    private static async Task SeqWriteAsync(string kind, IPageStore store, IRaw raw, byte[] data)
    {
        using var system = BenchSystem.Create("sbench-w");
        var pager = StartPager(system, store);
        var ratios = new List<double>();
        var ours = new List<double>();
        var raws = new List<double>();
        for (var round = 0; round <= Rounds; round++)
        {
            await using var file = await pager.OpenAsync("s", $"w{round}");
            var o = await BenchSupport.TimeAsync(async () =>
            {
                await file.TruncateAsync(FileBytes).ConfigureAwait(false);
                for (long at = 0; at < FileBytes; at += WriteChunk)
                {
                    await file.WriteAsync(at, data).ConfigureAwait(false);
                }

                var fsync = await file.SyncAsync().ConfigureAwait(false);
                if (!fsync.Ok)
                {
                    throw new InvalidOperationException($"fsync failed: {fsync.Error}");
                }
            });
            await file.SyncAsync(invalidate: true);
            var r = await BenchSupport.TimeAsync(() => raw.WriteDurableAsync($"r{round}", FileBytes, data));
            if (round == 0)
            {
                continue;
            }

            ours.Add(FileBytes / o / (1 << 20));
            raws.Add(FileBytes / r / (1 << 20));
            ratios.Add(r / o);
        }

        Console.Error.WriteLine(FormattableString.Invariant($"  {kind}.seqwrite: ours {BenchSupport.Median(ours):F0} MiB/s, raw {BenchSupport.Median(raws):F0} MiB/s"));
        QuickAreas.Report($"storage.{kind}.seqwrite", "ours/raw", BenchSupport.Median(ratios));
    }

    /// <summary>64 writers, each its own file, each looping on a durable 4 KiB write through the pager (write + fsync: one sync putpages and a flush).</summary>
    private static async Task SyncPutAsync(string root, byte[] data)
    {
        var ratios = new List<double>();
        for (var round = 0; round <= Rounds; round++)
        {
            var (grouped, commits) = await SyncRateAsync(Path.Combine(root, $"g{round}", "store.db"), TimeSpan.FromMilliseconds(2), 256, data);
            var (single, _) = await SyncRateAsync(Path.Combine(root, $"s{round}", "store.db"), TimeSpan.Zero, 1, data);
            var storeGrouped = await StoreSyncRateAsync(Path.Combine(root, $"sg{round}", "store.db"), TimeSpan.FromMilliseconds(2), 256, data);
            var storeSingle = await StoreSyncRateAsync(Path.Combine(root, $"ss{round}", "store.db"), TimeSpan.Zero, 1, data);
            Console.Error.WriteLine(FormattableString.Invariant($"  sqlite.syncput round {round}: through the pager group commit {grouped:F0}/s, single {single:F0}/s; store alone {storeGrouped:F0}/s vs {storeSingle:F0}/s ({storeGrouped / storeSingle:F2}x); grouped through the pager: {commits.Operations} changes in {commits.Transactions} transactions, {commits.SkippedFlushes} flushes skipped"));
            if (round > 0)
            {
                ratios.Add(grouped / single);
            }
        }

        QuickAreas.Report("storage.sqlite.syncput", "groupcommit/single", BenchSupport.Median(ratios));
    }

    /// <summary>The sync putpages rate through the pager, and the store's group commit counters at the end.</summary>
    private static async Task<(double Rate, GroupCommitStatistics Commits)> SyncRateAsync(string dbPath, TimeSpan window, int maxBatch, byte[] data)
    {
        await using var store = new SqliteStore(dbPath, groupCommitWindow: window, maxBatch: maxBatch);
        using var system = BenchSystem.Create("sbench-s");
        var pager = StartPager(system, store);
        var files = new PagerFile[Writers];
        for (var i = 0; i < Writers; i++)
        {
            files[i] = await pager.OpenAsync("s", $"f{i}");
            await files[i].WriteAsync(0, data.AsMemory(0, 4096), sync: true);
        }

        var watch = Stopwatch.StartNew();
        var workers = new Task<long>[Writers];
        for (var i = 0; i < Writers; i++)
        {
            var file = files[i];
            workers[i] = Task.Run(async () =>
            {
                long n = 0;
                while (watch.Elapsed < SyncSlice)
                {
                    await file.WriteAsync((n % 16) * 4096, data.AsMemory((int)(n % 200) * 4096, 4096), sync: true).ConfigureAwait(false);
                    n++;
                }

                return n;
            });
        }

        var total = (await Task.WhenAll(workers)).Sum();
        var rate = total / watch.Elapsed.TotalSeconds;
        foreach (var file in files)
        {
            await file.DisposeAsync();
        }

        return (rate, store.Statistics);
    }

    /// <summary>For comparison on stderr: 64 writers calling the store's durable 4 KiB write directly, no pager.</summary>
    private static async Task<double> StoreSyncRateAsync(string dbPath, TimeSpan window, int maxBatch, byte[] data)
    {
        await using var store = new SqliteStore(dbPath, groupCommitWindow: window, maxBatch: maxBatch);
        var watch = Stopwatch.StartNew();
        var workers = new Task<long>[Writers];
        for (var i = 0; i < Writers; i++)
        {
            var name = $"f{i}";
            workers[i] = Task.Run(async () =>
            {
                long n = 0;
                while (watch.Elapsed < SyncSlice)
                {
                    await store.WriteAsync(name, (n % 16) * 4096, data.AsMemory((int)(n % 200) * 4096, 4096), WriteDurability.Durable).ConfigureAwait(false);
                    n++;
                }

                return n;
            });
        }

        return (await Task.WhenAll(workers)).Sum() / watch.Elapsed.TotalSeconds;
    }

    /// <summary>The store's own API without the pager: reads.</summary>
    private interface IRawRead
    {
        ValueTask ReadAsync(string file, long offset, byte[] buffer);
    }

    /// <summary>The store's own API without the pager: reads and a durable sequential write.</summary>
    private interface IRaw : IRawRead
    {
        Task WriteDurableAsync(string file, long bytes, byte[] chunk);
    }

    /// <summary>
    /// RandomAccess on the store's files. The durable write is sequential pwrite(2)s of the whole
    /// chunk (RandomAccess.WriteAsync on a handle opened without FileOptions.Asynchronous runs
    /// pwrite on a pool thread; each awaited before the next) and one fsync(2) at the end
    /// (RandomAccess.FlushToDisk).
    /// </summary>
    private sealed class DirectoryRaw(string root) : IRaw, IDisposable
    {
        private readonly Dictionary<string, Microsoft.Win32.SafeHandles.SafeFileHandle> _handles = [];

        public async ValueTask ReadAsync(string file, long offset, byte[] buffer)
        {
            if (!_handles.TryGetValue(file, out var handle))
            {
                handle = File.OpenHandle(Path.Combine(root, file), FileMode.Open, FileAccess.Read);
                _handles[file] = handle;
            }

            await RandomAccess.ReadAsync(handle, buffer, offset).ConfigureAwait(false);
        }

        public async Task WriteDurableAsync(string file, long bytes, byte[] chunk)
        {
            using var handle = File.OpenHandle(Path.Combine(root, file), FileMode.Create, FileAccess.ReadWrite);
            for (long at = 0; at < bytes; at += chunk.Length)
            {
                await RandomAccess.WriteAsync(handle, chunk, at).ConfigureAwait(false);
            }

            RandomAccess.FlushToDisk(handle);
        }

        public void Dispose()
        {
            foreach (var handle in _handles.Values)
            {
                handle.Dispose();
            }
        }
    }

    /// <summary>Plain SQL on the store's tables, on a connection of its own.</summary>
    private sealed class SqliteRaw : IDisposable, IRaw
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _select;

        public SqliteRaw(string path)
        {
            _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            _connection.Open();
            using (var pragma = _connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA synchronous=FULL;";
                pragma.ExecuteNonQuery();
            }

            _select = _connection.CreateCommand();
            _select.CommandText = "SELECT idx, data FROM pages WHERE file = $file AND idx BETWEEN $first AND $last";
            _select.Parameters.Add("$file", SqliteType.Text);
            _select.Parameters.Add("$first", SqliteType.Integer);
            _select.Parameters.Add("$last", SqliteType.Integer);
        }

        public ValueTask ReadAsync(string file, long offset, byte[] buffer)
        {
            _select.Parameters["$file"].Value = file;
            _select.Parameters["$first"].Value = offset / 4096;
            _select.Parameters["$last"].Value = (offset + buffer.Length - 1) / 4096;
            using var reader = _select.ExecuteReader();
            while (reader.Read())
            {
                var at = (int)((reader.GetInt64(0) * 4096) - offset);
                // As the store reads a row (GetBytes opens incremental blob I/O per call, slower).
                reader.GetFieldValue<byte[]>(1).CopyTo(buffer, at);
            }

            return ValueTask.CompletedTask;
        }

        public Task WriteDurableAsync(string file, long bytes, byte[] chunk)
        {
            using var transaction = _connection.BeginTransaction();
            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO pages (file, idx, data) VALUES ($file, $idx, $data) ON CONFLICT (file, idx) DO UPDATE SET data = excluded.data";
            var f = insert.Parameters.Add("$file", SqliteType.Text);
            var idx = insert.Parameters.Add("$idx", SqliteType.Integer);
            var blob = insert.Parameters.Add("$data", SqliteType.Blob);
            f.Value = file;
            var row = new byte[4096];
            for (long at = 0; at < bytes; at += 4096)
            {
                chunk.AsSpan((int)(at % chunk.Length), 4096).CopyTo(row);
                idx.Value = at / 4096;
                blob.Value = row;
                insert.ExecuteNonQuery();
            }

            using var size = _connection.CreateCommand();
            size.Transaction = transaction;
            size.CommandText = "INSERT INTO files (file, size) VALUES ($file, $size) ON CONFLICT (file) DO UPDATE SET size = max(size, excluded.size)";
            size.Parameters.AddWithValue("$file", file);
            size.Parameters.AddWithValue("$size", bytes);
            size.ExecuteNonQuery();
            transaction.Commit();
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            _select.Dispose();
            _connection.Dispose();
        }
    }

    /// <summary>
    /// Npgsql on the store's table, on a connection of its own: per request one prepared query for
    /// the rows it covers (16 rows for 64 KiB, the pager's cluster), each row read as the store
    /// reads it (<c>GetFieldValue&lt;byte[]&gt;</c>) and copied to its place.
    /// </summary>
    private sealed class PostgresRaw : IRawRead, IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlCommand _select;
        private readonly NpgsqlParameter<string> _file = new() { TypedValue = "" };
        private readonly NpgsqlParameter<long> _first = new();
        private readonly NpgsqlParameter<long> _last = new();

        public PostgresRaw(string connectionString, string schema)
        {
            _connection = new NpgsqlConnection(connectionString);
            _connection.Open();
            _select = new NpgsqlCommand($"SELECT idx, data FROM {schema}.pages WHERE file = $1 AND idx BETWEEN $2 AND $3", _connection);
            _select.Parameters.Add(_file);
            _select.Parameters.Add(_first);
            _select.Parameters.Add(_last);
            _select.Prepare();
        }

        public async ValueTask ReadAsync(string file, long offset, byte[] buffer)
        {
            _file.TypedValue = file;
            _first.TypedValue = offset / 4096;
            _last.TypedValue = (offset + buffer.Length - 1) / 4096;
            await using var reader = await _select.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                var at = (int)((reader.GetInt64(0) * 4096) - offset);
                reader.GetFieldValue<byte[]>(1).CopyTo(buffer, at);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _select.DisposeAsync().ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
