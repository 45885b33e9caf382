using System.Collections.Concurrent;
using ActorPager.Storage.Internal;
using Microsoft.Data.Sqlite;

namespace ActorPager.Storage;

/// <summary>
/// A store in one SQLite database file (kind "sqlite"): file data as rows keyed by (file, row
/// index), file sizes in their own table, WAL mode. Changes run in transactions on one writer
/// connection, grouped (group commit); a transaction holding a durable write or a flush commits
/// with synchronous=FULL, others with NORMAL. Reads run on pooled reader connections and see the
/// last committed state. A missing row inside the file size is a hole. Thread-safe.
/// </summary>
/// <remarks>
/// Fences (<see cref="IFencedPageStore"/>) are rows of a <c>fence</c> table in the same database.
/// A fenced change reads its file's fence inside the transaction that applies it, so the check
/// and the change commit together; a refused change is left out and the rest of its group commit
/// still commits. A fence is written by the same committer, in order with the changes, and
/// answers only after its transaction commits durably. Nothing is cached: a second process (or a
/// second store instance) on the same database is checked as well, since SQLite runs one write
/// transaction at a time (transactions begin IMMEDIATE) and each reads the fence afresh.
/// </remarks>
public sealed class SqliteStore : IFencedPageStore
{
    /// <summary>The version of the schema this code writes: 2 added the <c>fence</c> table.</summary>
    internal const int SchemaVersion = 2;

    /// <summary>Reader connections kept for reuse.</summary>
    private const int MaxIdleReaders = 8;

    /// <summary>The bytes of file data per row.</summary>
    private readonly int _rowSize;

    /// <summary>The synchronous level of durable commits.</summary>
    private readonly SqliteSynchronous _synchronous;

    /// <summary>The connection string of every connection.</summary>
    private readonly string _connectionString;

    /// <summary>The writer connection; used only by the group committer's loop, one batch at a time.</summary>
    private readonly Writer _writer;

    /// <summary>Runs changes in grouped transactions.</summary>
    private readonly GroupCommitter _committer;

    /// <summary>Idle reader connections.</summary>
    private readonly ConcurrentQueue<Reader> _readers = new();

    /// <summary>Set once the store is disposed.</summary>
    private volatile bool _disposed;

    /// <summary>Opens (creating if needed) a database file.</summary>
    /// <param name="path">The database file; its directory is created if needed.</param>
    /// <param name="rowSize">Bytes of file data per row; must match the database's if it exists.</param>
    /// <param name="synchronous">The synchronous level of durable commits.</param>
    /// <param name="groupCommitWindow">How long a durable transaction waits for company; null for 2 ms.</param>
    /// <param name="maxBatch">The most changes in one transaction.</param>
    /// <exception cref="InvalidOperationException">The database holds another row size or a newer schema.</exception>
    /// <exception cref="SqliteException">The database cannot be opened.</exception>
    public SqliteStore(string path, int rowSize = 4096, SqliteSynchronous synchronous = SqliteSynchronous.Full, TimeSpan? groupCommitWindow = null, int maxBatch = 256)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowSize, 512);
        Path = System.IO.Path.GetFullPath(path);
        string? directory = System.IO.Path.GetDirectoryName(Path);
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        _rowSize = rowSize;
        _synchronous = synchronous;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        _writer = new Writer(_connectionString, rowSize);
        _committer = new GroupCommitter(CommitAsync, groupCommitWindow ?? TimeSpan.FromMilliseconds(2), maxBatch);
    }

    /// <inheritdoc/>
    public string Kind => "sqlite";

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    /// <summary>Counters of the group commit.</summary>
    public GroupCommitStatistics Statistics => _committer.Statistics;

    /// <summary>The group committer, for tests.</summary>
    internal GroupCommitter Committer => _committer;

    /// <summary>
    /// Test seam: called before each commit of a batch; an exception it returns is thrown inside
    /// the transaction, after its statements and before its commit, as if SQLite had failed there
    /// (the transaction rolls back and the batch answers the error).
    /// </summary>
    internal Func<SqliteException?>? FaultBeforeCommit { get; set; }

    /// <inheritdoc/>
    public ValueTask<StoreResult> ReadAsync(string file, long offset, Memory<byte> destination, ReadOptions options = default, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : Checks.Range(file, offset, destination.Length);
        if (error is not null)
        {
            return new(StoreResult.Failed(error));
        }

        bool holes = options.ReportHoles;
        return new(Task.Run(() => WithReader(r => r.ReadVector(file, offset, [destination], destination.Length, holes), $"read '{file}' at {offset}"), CancellationToken.None));
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return _committer.Write(_disposed, file, offset, source, durability);
    }

    /// <inheritdoc/>
    /// <remarks>The fence is read in the transaction that writes, and the write is left out of it when fenced.</remarks>
    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, long generation, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return _committer.Write(_disposed, file, offset, source, durability, generation);
    }

    /// <inheritdoc/>
    /// <remarks>One statement for the whole range, its rows scattered into the buffers.</remarks>
    public ValueTask<StoreResult> ReadVectorAsync(string file, long offset, IReadOnlyList<Memory<byte>> destinations, ReadOptions options = default, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        ct.ThrowIfCancellationRequested();
        if (destinations.Count == 1)
        {
            return ReadAsync(file, offset, destinations[0], options, ct);
        }

        int total = VectorBuffers.TotalLength(destinations);
        StoreError? error = _disposed ? StoreError.Disposed : Checks.Range(file, offset, total);
        if (error is not null)
        {
            return new(StoreResult.Failed(error));
        }

        bool holes = options.ReportHoles;
        return new(Task.Run(() => WithReader(r => r.ReadVector(file, offset, destinations, total, holes), $"read '{file}' at {offset}"), CancellationToken.None));
    }

    /// <inheritdoc/>
    /// <remarks>The buffers are gathered into one change, so the write is one row run in one transaction.</remarks>
    public ValueTask<StoreResult> WriteVectorAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, CancellationToken ct = default) =>
        WriteVectorAsync(file, offset, sources, durability, long.MaxValue, ct);

    /// <inheritdoc/>
    /// <remarks>The buffers are gathered into one change, so the write is one row run in one transaction.</remarks>
    public ValueTask<StoreResult> WriteVectorAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, long generation, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return WriteAsync(file, offset, VectoredIo.Gather(sources), durability, generation, ct);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> GetSizeAsync(string file, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : FileNames.Check(file);
        return error is not null
            ? new(StoreResult.Failed(error))
            : new(Task.Run(() => WithReader(r => StoreResult.Ok(r.GetSize(file)), $"size of '{file}'"), CancellationToken.None));
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> SetSizeAsync(string file, long size, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return _committer.SetSize(_disposed, file, size);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> SetSizeAsync(string file, long size, long generation, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return _committer.SetSize(_disposed, file, size, generation);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The fence is a change like a write, queued to the same committer: changes queued before it
    /// commit before it or in its transaction, ahead of it; changes after it, from this store or
    /// from any other connection to the database, read it in their own transaction. It answers
    /// once its transaction has committed with the durable synchronous level.
    /// </remarks>
    public ValueTask<StoreResult> FenceAsync(string file, long generation, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return _committer.Fence(_disposed, file, generation);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> GetFenceAsync(string file, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : FileNames.Check(file);
        return error is not null
            ? new(StoreResult.Failed(error))
            : new(Task.Run(() => WithReader(r => StoreResult.Ok(r.GetFence(file)), $"fence of '{file}'"), CancellationToken.None));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Answers Ok at once, with no transaction, when every change to the file queued through this
    /// store before it has been covered by a successful durable commit (a durable commit makes
    /// every earlier commit durable too); otherwise commits a durable transaction behind them.
    /// Counted in <see cref="GroupCommitStatistics.SkippedFlushes"/>.
    /// </remarks>
    public ValueTask<StoreResult> FlushAsync(string file, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return _committer.Flush(_disposed, file);
    }

    /// <summary>Commits every change already queued, then closes the connections.</summary>
    /// <returns>A task that completes when the store is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _committer.DisposeAsync().ConfigureAwait(false);
        _writer.Dispose();
        while (_readers.TryDequeue(out Reader? reader))
        {
            reader.Dispose();
        }
    }

    /// <summary>Runs a read on a pooled reader connection, turning database errors into results.</summary>
    private StoreResult WithReader(Func<Reader, StoreResult> read, string what)
    {
        Reader? reader = null;
        try
        {
            if (!_readers.TryDequeue(out reader))
            {
                reader = new Reader(_connectionString, _rowSize);
            }

            StoreResult result = read(reader);
            if (_disposed || _readers.Count >= MaxIdleReaders)
            {
                reader.Dispose();
            }
            else
            {
                _readers.Enqueue(reader);
            }

            return result;
        }
        catch (SqliteException e)
        {
            reader?.Dispose();
            return StoreResult.Failed(ToError(what, e));
        }
        catch (ObjectDisposedException) when (_disposed)
        {
            return StoreResult.Failed(StoreError.Disposed);
        }
    }

    /// <summary>Commits one batch as one transaction on the writer connection.</summary>
    private ValueTask<StoreError?> CommitAsync(IReadOnlyList<PendingWrite> batch, bool durable, CancellationToken ct)
    {
        try
        {
            _writer.Commit(batch, durable, durable ? _synchronous : SqliteSynchronous.Normal, FaultBeforeCommit);
            return new((StoreError?)null);
        }
        catch (SqliteException e)
        {
            return new(ToError($"commit of {batch.Count} changes", e));
        }
    }

    /// <summary>An error from a SQLite exception; busy and locked are transient.</summary>
    private static StoreError ToError(string what, SqliteException e) =>
        StoreError.FromException(what, e, isTransient: e.SqliteErrorCode is 5 or 6);

    /// <summary>The writer connection and its prepared statements.</summary>
    private sealed class Writer : IDisposable
    {
        /// <summary>The connection.</summary>
        private readonly SqliteConnection _connection;

        /// <summary>Bytes per row.</summary>
        private readonly int _rowSize;

        /// <summary>A row being built.</summary>
        private readonly byte[] _row;

        /// <summary>SELECT data of one row.</summary>
        private readonly SqliteCommand _selectRow;

        /// <summary>INSERT or replace one row.</summary>
        private readonly SqliteCommand _upsertRow;

        /// <summary>Raise a file's size to at least a value.</summary>
        private readonly SqliteCommand _growSize;

        /// <summary>Set a file's size.</summary>
        private readonly SqliteCommand _setSize;

        /// <summary>Delete the rows from an index on.</summary>
        private readonly SqliteCommand _deleteFrom;

        /// <summary>Change a row of meta, so every durable transaction writes and its commit syncs (the row's key, 'flushes', is older than this use).</summary>
        private readonly SqliteCommand _countDurable;

        /// <summary>SELECT the generation a file is fenced at.</summary>
        private readonly SqliteCommand _selectFence;

        /// <summary>Set a file's fence.</summary>
        private readonly SqliteCommand _setFence;

        /// <summary>The synchronous level the connection is at.</summary>
        private SqliteSynchronous? _level;

        /// <summary>Opens the connection and sets up the schema.</summary>
        public Writer(string connectionString, int rowSize)
        {
            _rowSize = rowSize;
            _row = new byte[rowSize];
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
            try
            {
                Execute("PRAGMA journal_mode=WAL;");
                Execute("""
                    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                    CREATE TABLE IF NOT EXISTS files (file TEXT PRIMARY KEY, size INTEGER NOT NULL) WITHOUT ROWID;
                    CREATE TABLE IF NOT EXISTS pages (file TEXT NOT NULL, idx INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (file, idx)) WITHOUT ROWID;
                    CREATE TABLE IF NOT EXISTS fence (file TEXT PRIMARY KEY, generation INTEGER NOT NULL) WITHOUT ROWID;
                    """);
                long storedRowSize = ReadOrInitMeta("row_size", rowSize);
                if (storedRowSize != rowSize)
                {
                    throw new InvalidOperationException($"the SQLite store '{connectionString}' holds rows of {storedRowSize} bytes; it was opened with a row size of {rowSize}");
                }

                long version = ReadOrInitMeta("schema_version", SchemaVersion);
                if (version > SchemaVersion)
                {
                    throw new InvalidOperationException($"the SQLite store '{connectionString}' has schema version {version}; this build knows up to {SchemaVersion}");
                }

                if (version < SchemaVersion)
                {
                    // Version 1 had no fence table; it was created above. Recording the new version
                    // keeps a build that does not know fences from opening the database and
                    // writing past them.
                    Execute($"UPDATE meta SET value = {SchemaVersion} WHERE key = 'schema_version';");
                }

                _ = ReadOrInitMeta("flushes", 0);
            }
            catch
            {
                _connection.Dispose();
                throw;
            }

            _selectRow = Prepare("SELECT data FROM pages WHERE file = $file AND idx = $idx", ("$file", SqliteType.Text), ("$idx", SqliteType.Integer));
            _upsertRow = Prepare("INSERT INTO pages (file, idx, data) VALUES ($file, $idx, $data) ON CONFLICT (file, idx) DO UPDATE SET data = excluded.data", ("$file", SqliteType.Text), ("$idx", SqliteType.Integer), ("$data", SqliteType.Blob));
            _upsertRow.Parameters["$data"].Size = rowSize;
            _growSize = Prepare("INSERT INTO files (file, size) VALUES ($file, $size) ON CONFLICT (file) DO UPDATE SET size = max(size, excluded.size)", ("$file", SqliteType.Text), ("$size", SqliteType.Integer));
            _setSize = Prepare("INSERT INTO files (file, size) VALUES ($file, $size) ON CONFLICT (file) DO UPDATE SET size = excluded.size", ("$file", SqliteType.Text), ("$size", SqliteType.Integer));
            _deleteFrom = Prepare("DELETE FROM pages WHERE file = $file AND idx >= $idx", ("$file", SqliteType.Text), ("$idx", SqliteType.Integer));
            _countDurable = Prepare("UPDATE meta SET value = value + 1 WHERE key = 'flushes'");
            _selectFence = Prepare("SELECT generation FROM fence WHERE file = $file", ("$file", SqliteType.Text));
            _setFence = Prepare("INSERT INTO fence (file, generation) VALUES ($file, $generation) ON CONFLICT (file) DO UPDATE SET generation = excluded.generation", ("$file", SqliteType.Text), ("$generation", SqliteType.Integer));
        }

        /// <summary>Runs a batch as one transaction at the given synchronous level; a durable one always writes a row of meta.</summary>
        public void Commit(IReadOnlyList<PendingWrite> batch, bool durable, SqliteSynchronous level, Func<SqliteException?>? fault)
        {
            if (_level != level)
            {
                // Set outside the transaction; SQLite applies it to the commits that follow.
                Execute($"PRAGMA synchronous={level.ToString().ToUpperInvariant()};");
                _level = level;
            }

            // IMMEDIATE (not deferred), said outright: the transaction holds the database's write lock
            // from its start, so the fences it reads cannot change under it, whoever else writes.
            using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
            foreach (SqliteCommand command in Commands)
            {
                command.Transaction = transaction;
            }

            if (durable)
            {
                // A commit that changed no page appends nothing to the WAL and syncs nothing
                // (sqlite3PagerCommitPhaseOne returns early below PAGER_WRITER_CACHEMOD), and a
                // row rewritten with the bytes it holds changes no page (btreeOverwriteContent
                // writes a page only when its bytes differ). So a durable batch of refused changes,
                // or of bytes equal to a buffered write committed at NORMAL, would answer durable
                // unsynced. Changing this row makes the commit append to the WAL and, at FULL,
                // fsync it; the fsync covers every earlier commit made at NORMAL, since they lie
                // before it in the same file ("With synchronous=FULL in WAL mode, an additional
                // sync operation of the WAL file happens after each transaction commit",
                // https://www.sqlite.org/pragma.html#pragma_synchronous). A flush needs no more.
                _countDurable.ExecuteNonQuery();
            }

            foreach (PendingWrite write in batch)
            {
                switch (write.Kind)
                {
                    case PendingWriteKind.Write:
                        if (Admit(write, "write"))
                        {
                            Write(write.File, write.Offset, write.Source.Span);
                        }

                        break;
                    case PendingWriteKind.SetSize:
                        if (Admit(write, "set size"))
                        {
                            SetSize(write.File, write.Offset);
                        }

                        break;
                    case PendingWriteKind.Fence:
                        RaiseFence(write);
                        break;
                    default:
                        // A flush: the durable transaction's row of meta above is all it needs.
                        break;
                }
            }

            SqliteException? injected = fault?.Invoke();
            if (injected is not null)
            {
                throw injected;
            }

            transaction.Commit();
        }

        /// <summary>Every prepared statement.</summary>
        private SqliteCommand[] Commands => [_selectRow, _upsertRow, _growSize, _setSize, _deleteFrom, _countDurable, _selectFence, _setFence];

        /// <summary>
        /// Checks a change against its file's fence, read in this transaction: answers whether it
        /// goes ahead, and sets its refusal when it does not. Unfenced changes are not checked.
        /// </summary>
        private bool Admit(PendingWrite write, string operation)
        {
            write.Refusal = null;
            if (!write.IsFenced)
            {
                return true;
            }

            long fence = ReadFence(write.File);
            if (fence > write.Generation)
            {
                write.Refusal = StoreError.Fenced(write.File, operation, write.Generation, fence);
                return false;
            }

            return true;
        }

        /// <summary>Raises a file's fence to the change's generation, or refuses it when the fence is higher.</summary>
        private void RaiseFence(PendingWrite write)
        {
            long fence = ReadFence(write.File);
            if (fence > write.Generation)
            {
                write.Refusal = StoreError.Fenced(write.File, "fence", write.Generation, fence);
                return;
            }

            write.Refusal = null;
            _setFence.Parameters["$file"].Value = write.File;
            _setFence.Parameters["$generation"].Value = write.Generation;
            _setFence.ExecuteNonQuery();
        }

        /// <summary>The generation a file is fenced at, 0 when never fenced.</summary>
        private long ReadFence(string file)
        {
            _selectFence.Parameters["$file"].Value = file;
            return _selectFence.ExecuteScalar() is long fence ? fence : 0;
        }

        /// <summary>Writes bytes into rows, reading back a row that is only partly covered.</summary>
        private void Write(string file, long offset, ReadOnlySpan<byte> source)
        {
            int done = 0;
            while (done < source.Length)
            {
                long position = offset + done;
                long idx = position / _rowSize;
                int within = (int)(position % _rowSize);
                int count = Math.Min(_rowSize - within, source.Length - done);
                if (count < _rowSize)
                {
                    LoadRow(file, idx);
                }

                source.Slice(done, count).CopyTo(_row.AsSpan(within));
                StoreRow(file, idx);
                done += count;
            }

            _growSize.Parameters["$file"].Value = file;
            _growSize.Parameters["$size"].Value = offset + source.Length;
            _growSize.ExecuteNonQuery();
        }

        /// <summary>Sets a size: rows past it go, the tail of the last row is zeroed.</summary>
        private void SetSize(string file, long size)
        {
            _deleteFrom.Parameters["$file"].Value = file;
            _deleteFrom.Parameters["$idx"].Value = (size + _rowSize - 1) / _rowSize;
            _deleteFrom.ExecuteNonQuery();
            int tail = (int)(size % _rowSize);
            if (tail != 0 && LoadRow(file, size / _rowSize))
            {
                _row.AsSpan(tail).Clear();
                StoreRow(file, size / _rowSize);
            }

            _setSize.Parameters["$file"].Value = file;
            _setSize.Parameters["$size"].Value = size;
            _setSize.ExecuteNonQuery();
        }

        /// <summary>Loads a row into the row buffer (zeros when missing); answers whether it existed.</summary>
        private bool LoadRow(string file, long idx)
        {
            _selectRow.Parameters["$file"].Value = file;
            _selectRow.Parameters["$idx"].Value = idx;
            using SqliteDataReader reader = _selectRow.ExecuteReader();
            Array.Clear(_row);
            if (!reader.Read())
            {
                return false;
            }

            byte[] stored = reader.GetFieldValue<byte[]>(0);
            stored.AsSpan(0, Math.Min(stored.Length, _rowSize)).CopyTo(_row);
            return true;
        }

        /// <summary>Stores the row buffer as a row.</summary>
        private void StoreRow(string file, long idx)
        {
            _upsertRow.Parameters["$file"].Value = file;
            _upsertRow.Parameters["$idx"].Value = idx;
            _upsertRow.Parameters["$data"].Value = _row;
            _upsertRow.ExecuteNonQuery();
        }

        /// <summary>Reads a meta value, storing <paramref name="initial"/> when absent.</summary>
        private long ReadOrInitMeta(string key, long initial)
        {
            using SqliteCommand command = _connection.CreateCommand();
            command.CommandText = "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO NOTHING; SELECT value FROM meta WHERE key = $key;";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$value", initial);
            return (long)command.ExecuteScalar()!;
        }

        /// <summary>Runs a statement without results.</summary>
        private void Execute(string sql)
        {
            using SqliteCommand command = _connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        /// <summary>Prepares a statement with typed parameters.</summary>
        private SqliteCommand Prepare(string sql, params (string Name, SqliteType Type)[] parameters)
        {
            SqliteCommand command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach ((string name, SqliteType type) in parameters)
            {
                command.Parameters.Add(name, type);
            }

            return command;
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            foreach (SqliteCommand command in Commands)
            {
                command.Dispose();
            }

            _connection.Dispose();
        }
    }

    /// <summary>A reader connection and its prepared statements.</summary>
    private sealed class Reader : IDisposable
    {
        /// <summary>The connection.</summary>
        private readonly SqliteConnection _connection;

        /// <summary>Bytes per row.</summary>
        private readonly int _rowSize;

        /// <summary>The size and the rows of a range, in one statement so that both come from one snapshot.</summary>
        private readonly SqliteCommand _range;

        /// <summary>The size of a file.</summary>
        private readonly SqliteCommand _size;

        /// <summary>The generation a file is fenced at.</summary>
        private readonly SqliteCommand _fence;

        /// <summary>Opens a reader connection.</summary>
        public Reader(string connectionString, int rowSize)
        {
            _rowSize = rowSize;
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
            _range = _connection.CreateCommand();
            _range.CommandText = """
                SELECT -1, NULL, COALESCE((SELECT size FROM files WHERE file = $file), 0)
                UNION ALL
                SELECT idx, data, 0 FROM pages WHERE file = $file AND idx BETWEEN $first AND $last
                """;
            _range.Parameters.Add("$file", SqliteType.Text);
            _range.Parameters.Add("$first", SqliteType.Integer);
            _range.Parameters.Add("$last", SqliteType.Integer);
            _size = _connection.CreateCommand();
            _size.CommandText = "SELECT size FROM files WHERE file = $file";
            _size.Parameters.Add("$file", SqliteType.Text);
            _fence = _connection.CreateCommand();
            _fence.CommandText = "SELECT generation FROM fence WHERE file = $file";
            _fence.Parameters.Add("$file", SqliteType.Text);
        }

        /// <summary>Reads a range into several buffers: zeros first, then every row found copied over them.</summary>
        public StoreResult ReadVector(string file, long offset, IReadOnlyList<Memory<byte>> destinations, int total, bool reportHoles)
        {
            var scatter = new RowScatter(destinations, offset, total, _rowSize);
            if (scatter.IsEmpty)
            {
                return StoreResult.Ok(0);
            }

            _range.Parameters["$file"].Value = file;
            _range.Parameters["$first"].Value = scatter.FirstRow;
            _range.Parameters["$last"].Value = scatter.LastRow;
            using (SqliteDataReader reader = _range.ExecuteReader())
            {
                while (reader.Read())
                {
                    long idx = reader.GetInt64(0);
                    if (idx < 0)
                    {
                        scatter.SetSize(reader.GetInt64(2));
                        continue;
                    }

                    // GetFieldValue, not GetBytes: Microsoft.Data.Sqlite 10 over SQLitePCLRaw 3
                    // crashes in native code when GetBytes/GetStream reads a column without a
                    // source table (this UNION's), so each row costs one array here.
                    scatter.AddRow(idx, reader.GetFieldValue<byte[]>(1));
                }
            }

            return scatter.Finish(reportHoles);
        }

        /// <summary>Reads a file's size.</summary>
        public long GetSize(string file)
        {
            _size.Parameters["$file"].Value = file;
            return _size.ExecuteScalar() is long size ? size : 0;
        }

        /// <summary>Reads the generation a file is fenced at, 0 when never fenced.</summary>
        public long GetFence(string file)
        {
            _fence.Parameters["$file"].Value = file;
            return _fence.ExecuteScalar() is long fence ? fence : 0;
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            _range.Dispose();
            _size.Dispose();
            _fence.Dispose();
            _connection.Dispose();
        }
    }
}
