using System.Data;
using ActorPager.Storage.Internal;
using Npgsql;
using NpgsqlTypes;

namespace ActorPager.Storage;

/// <summary>The statements and their execution: schema, reads, batches, retries.</summary>
public sealed partial class PostgresStore
{
    /// <summary>Creates or migrates the schema once; a failure is answered and tried again by the next operation.</summary>
    private async ValueTask<StoreError?> EnsureInitializedAsync(CancellationToken ct)
    {
        if (_initialized)
        {
            return null;
        }

        await _initializing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return null;
            }

            StoreError? error = await WithRetriesAsync(MigrateAsync, "schema setup", ct).ConfigureAwait(false);
            _initialized = error is null;
            return error;
        }
        finally
        {
            _initializing.Release();
        }
    }

    /// <summary>One attempt at creating or migrating the schema, under an advisory lock so nodes starting together do not race.</summary>
    private async ValueTask<StoreError?> MigrateAsync(CancellationToken ct)
    {
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock(hashtext('actorpager.{_schema}'))", ct).ConfigureAwait(false);
        await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {_schema}", ct).ConfigureAwait(false);
        await ExecuteAsync(connection, $"CREATE TABLE IF NOT EXISTS {_schema}.schema_version (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", ct).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand($"SELECT COALESCE(MAX(version), 0) FROM {_schema}.schema_version", connection))
        {
            int version = (int)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            if (version > Migrations.Length)
            {
                return new StoreError(StoreErrorKind.Corrupt, $"schema '{_schema}' is at version {version}; this build knows up to {Migrations.Length}", false);
            }

            for (int next = version; next < Migrations.Length; next++)
            {
                await ExecuteAsync(connection, string.Format(System.Globalization.CultureInfo.InvariantCulture, Migrations[next], _schema), ct).ConfigureAwait(false);
                await ExecuteAsync(connection, $"INSERT INTO {_schema}.schema_version (version) VALUES ({next + 1})", ct).ConfigureAwait(false);
            }
        }

        await ExecuteAsync(connection, $"INSERT INTO {_schema}.meta (key, value) VALUES ('row_size', {_rowSize}) ON CONFLICT (key) DO NOTHING", ct).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand($"SELECT value FROM {_schema}.meta WHERE key = 'row_size'", connection))
        {
            long stored = (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            if (stored != _rowSize)
            {
                return new StoreError(StoreErrorKind.Corrupt, $"schema '{_schema}' holds rows of {stored} bytes; the store was opened with a row size of {_rowSize}", false);
            }
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return null;
    }

    /// <summary>Reads a range into buffers: the size and the rows in one statement, so both come from one snapshot.</summary>
    private async ValueTask<StoreResult> ReadCoreAsync(string file, long offset, IReadOnlyList<Memory<byte>> destinations, int total, bool reportHoles, CancellationToken ct)
    {
        StoreError? error = await EnsureInitializedAsync(ct).ConfigureAwait(false);
        if (error is not null)
        {
            return StoreResult.Failed(error);
        }

        StoreResult result = default;
        error = await WithRetriesAsync(
            async token =>
            {
                result = await ReadOnceAsync(file, offset, destinations, total, reportHoles, token).ConfigureAwait(false);
                return null;
            },
            $"read '{file}' at {offset}",
            ct).ConfigureAwait(false);
        return error is null ? result : StoreResult.Failed(error);
    }

    /// <summary>One attempt at a read: one query for the whole range, its rows scattered into the buffers (afresh on every attempt).</summary>
    private async ValueTask<StoreResult> ReadOnceAsync(string file, long offset, IReadOnlyList<Memory<byte>> destinations, int total, bool reportHoles, CancellationToken ct)
    {
        var scatter = new RowScatter(destinations, offset, total, _rowSize);
        if (scatter.IsEmpty)
        {
            return StoreResult.Ok(0);
        }

        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(_sql.ReadRange, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = scatter.FirstRow });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = scatter.LastRow });
        Interlocked.Increment(ref _readQueries);
        await using (NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                long idx = reader.GetInt64(0);
                if (idx < 0)
                {
                    scatter.SetSize(reader.GetInt64(2));
                    continue;
                }

                scatter.AddRow(idx, reader.GetFieldValue<byte[]>(1));
            }
        }

        return scatter.Finish(reportHoles);
    }

    /// <summary>Reads a file's size.</summary>
    private async ValueTask<StoreResult> GetSizeCoreAsync(string file, CancellationToken ct)
    {
        StoreError? error = await EnsureInitializedAsync(ct).ConfigureAwait(false);
        if (error is not null)
        {
            return StoreResult.Failed(error);
        }

        long size = 0;
        error = await WithRetriesAsync(
            async token =>
            {
                await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
                await using var command = new NpgsqlCommand(_sql.GetSize, connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file });
                size = await command.ExecuteScalarAsync(token).ConfigureAwait(false) is long stored ? stored : 0;
                return null;
            },
            $"size of '{file}'",
            ct).ConfigureAwait(false);
        return error is null ? StoreResult.Ok(size) : StoreResult.Failed(error);
    }

    /// <summary>
    /// Commits one batch: one transaction, every statement in one round trip, retried when
    /// transient. A batch holding fenced changes first reads their fences in the same transaction
    /// (one more round trip) and leaves the refused changes out.
    /// </summary>
    private async ValueTask<StoreError?> CommitAsync(IReadOnlyList<PendingWrite> batch, bool durable, CancellationToken ct)
    {
        StoreError? error = await EnsureInitializedAsync(ct).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        bool fenced = false;
        foreach (PendingWrite write in batch)
        {
            fenced |= write.IsFenced;
        }

        int attempt = 0;
        return await WithRetriesAsync(
            async token =>
            {
                attempt++;
                await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(token).ConfigureAwait(false);

                // READ COMMITTED said outright where fences are read: each statement then takes its
                // snapshot when it starts, so the fence read after the lock statement sees every
                // fence committed before the lock was granted (under REPEATABLE READ the snapshot
                // would date from the lock statement's start, before a fence it waited for).
                await using NpgsqlTransaction transaction = fenced
                    ? await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, token).ConfigureAwait(false)
                    : await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                if (fenced)
                {
                    await CheckFencesAsync(connection, batch, token).ConfigureAwait(false);
                }

                await using NpgsqlBatch statements = BuildBatch(connection, batch, durable);
                if (statements.BatchCommands.Count > 0)
                {
                    await statements.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                Exception? injected = FaultBeforeCommit?.Invoke(attempt);
                if (injected is not null)
                {
                    throw injected;
                }

                await transaction.CommitAsync(token).ConfigureAwait(false);
                return null;
            },
            $"commit of {batch.Count} changes",
            ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the shared fence lock of every file with a fenced change in the batch, reads their
    /// fences, and sets the refusal of each fenced change older than its file's fence (clearing
    /// those of an earlier attempt). The locks are held until the transaction ends.
    /// </summary>
    private async ValueTask CheckFencesAsync(NpgsqlConnection connection, IReadOnlyList<PendingWrite> batch, CancellationToken ct)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (PendingWrite write in batch)
        {
            write.Refusal = null;
            if (write.IsFenced)
            {
                files.Add(write.File);
            }
        }

        string[] names = [.. files];
        await using var statements = new NpgsqlBatch(connection);
        var lockShared = new NpgsqlBatchCommand(_sql.LockFencesShared);
        lockShared.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
        statements.BatchCommands.Add(lockShared);
        var read = new NpgsqlBatchCommand(_sql.ReadFences);
        read.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
        statements.BatchCommands.Add(read);

        var fences = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (NpgsqlDataReader reader = await statements.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            // The first result is the lock statement's (a void per lock); the second the fences.
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
            }

            if (!await reader.NextResultAsync(ct).ConfigureAwait(false))
            {
                // Never expected; a batch must not go ahead unchecked, so it fails instead.
                throw new InvalidOperationException("the fence read of a batch answered no result; the batch is not committed");
            }

            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                fences[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        foreach (PendingWrite write in batch)
        {
            if (write.IsFenced && fences.TryGetValue(write.File, out long fence) && fence > write.Generation)
            {
                write.Refusal = StoreError.Fenced(write.File, write.Kind == PendingWriteKind.Write ? "write" : "set size", write.Generation, fence);
            }
        }
    }

    /// <summary>Raises a fence in a transaction of its own, under the file's exclusive fence lock.</summary>
    private async ValueTask<StoreResult> FenceCoreAsync(string file, long generation, CancellationToken ct)
    {
        StoreError? error = await EnsureInitializedAsync(ct).ConfigureAwait(false);
        if (error is not null)
        {
            return StoreResult.Failed(error);
        }

        long fence = 0;
        error = await WithRetriesAsync(
            async token =>
            {
                await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
                await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, token).ConfigureAwait(false);
                await using var statements = new NpgsqlBatch(connection);
                var lockExclusive = new NpgsqlBatchCommand(_sql.LockFenceExclusive);
                lockExclusive.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file });
                statements.BatchCommands.Add(lockExclusive);
                var raise = new NpgsqlBatchCommand(_sql.RaiseFence);
                raise.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file });
                raise.Parameters.Add(new NpgsqlParameter<long> { TypedValue = generation });
                statements.BatchCommands.Add(raise);
                await using (NpgsqlDataReader reader = await statements.ExecuteReaderAsync(token).ConfigureAwait(false))
                {
                    // Past the lock statement's result to the fence now in force.
                    if (!await reader.NextResultAsync(token).ConfigureAwait(false) || !await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        throw new InvalidOperationException($"raising the fence of '{file}' answered no row");
                    }

                    fence = reader.GetInt64(0);
                }

                if (fence > generation)
                {
                    // Fenced higher already: GREATEST kept the row's value, and nothing is committed.
                    await transaction.RollbackAsync(token).ConfigureAwait(false);
                    return null;
                }

                await transaction.CommitAsync(token).ConfigureAwait(false);
                return null;
            },
            $"fence of '{file}' at generation {generation}",
            ct).ConfigureAwait(false);
        if (error is not null)
        {
            return StoreResult.Failed(error);
        }

        return fence > generation ? StoreResult.Failed(StoreError.Fenced(file, "fence", generation, fence)) : StoreResult.Ok(generation);
    }

    /// <summary>Reads a file's fence.</summary>
    private async ValueTask<StoreResult> GetFenceCoreAsync(string file, CancellationToken ct)
    {
        StoreError? error = await EnsureInitializedAsync(ct).ConfigureAwait(false);
        if (error is not null)
        {
            return StoreResult.Failed(error);
        }

        long fence = 0;
        error = await WithRetriesAsync(
            async token =>
            {
                await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
                await using var command = new NpgsqlCommand(_sql.GetFence, connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file });
                fence = await command.ExecuteScalarAsync(token).ConfigureAwait(false) is long stored ? stored : 0;
                return null;
            },
            $"fence of '{file}'",
            ct).ConfigureAwait(false);
        return error is null ? StoreResult.Ok(fence) : StoreResult.Failed(error);
    }

    /// <summary>The statements of a batch, in order.</summary>
    private NpgsqlBatch BuildBatch(NpgsqlConnection connection, IReadOnlyList<PendingWrite> batch, bool durable)
    {
        var statements = new NpgsqlBatch(connection);
        if (!durable)
        {
            // Nothing in this batch was promised durable: the commit need not wait for the WAL
            // flush. A later durable commit flushes the WAL up to its own record, which covers it.
            statements.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO off"));
        }
        else
        {
            // A transaction without a transaction id writes no commit record and waits for no
            // WAL flush (RecordTransactionCommit in xact.c flushes only "wrote_xlog &&
            // markXidCommitted && synchronous_commit > off"), as a batch of only flushes or only
            // refused changes would be. Taking an id makes every durable commit call
            // XLogFlush(XactLastRecEnd), which "ensure[s] that all XLOG data through the given
            // position is flushed to disk" (xlog.c): the WAL is one sequence, so every commit
            // record written before this one, of this store's earlier batches (committed one
            // after another) or of anyone's, is flushed with it. The group committer's flush skip
            // counts on that (GroupCommitter.CommitBatch).
            statements.BatchCommands.Add(new NpgsqlBatchCommand("SELECT txid_current()"));
        }

        foreach (PendingWrite write in batch)
        {
            if (write.Refusal is not null)
            {
                // Fenced: left out; the group committer answers its refusal, the rest commits.
                continue;
            }

            switch (write.Kind)
            {
                case PendingWriteKind.Write:
                    AddWrite(statements, write.File, write.Offset, write.Source);
                    break;
                case PendingWriteKind.SetSize:
                    AddSetSize(statements, write.File, write.Offset);
                    break;
                default:
                    // A flush: the durable batch's transaction id above is all it needs.
                    break;
            }
        }

        return statements;
    }

    /// <summary>Adds a write: whole rows replaced, partial rows patched in place with overlay(), the size raised.</summary>
    private void AddWrite(NpgsqlBatch statements, string file, long offset, ReadOnlyMemory<byte> source)
    {
        int done = 0;
        while (done < source.Length)
        {
            long position = offset + done;
            long idx = position / _rowSize;
            int within = (int)(position % _rowSize);
            int count = Math.Min(_rowSize - within, source.Length - done);
            ReadOnlyMemory<byte> part = source.Slice(done, count);
            NpgsqlBatchCommand command;
            if (count == _rowSize)
            {
                command = new NpgsqlBatchCommand(_sql.UpsertRow);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = idx });
                command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = part, NpgsqlDbType = NpgsqlDbType.Bytea });
            }
            else
            {
                command = new NpgsqlBatchCommand(_sql.PatchRow);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = idx });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _rowSize });
                command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = part, NpgsqlDbType = NpgsqlDbType.Bytea });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = within + 1 });
            }

            statements.BatchCommands.Add(command);
            done += count;
        }

        var size = new NpgsqlBatchCommand(_sql.GrowSize);
        size.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file });
        size.Parameters.Add(new NpgsqlParameter<long> { TypedValue = offset + source.Length });
        statements.BatchCommands.Add(size);
    }

    /// <summary>Adds a size change: rows past it deleted, the tail of the last row zeroed, the size set.</summary>
    private void AddSetSize(NpgsqlBatch statements, string file, long size)
    {
        var delete = new NpgsqlBatchCommand(_sql.DeleteFrom);
        delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file });
        delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (size + _rowSize - 1) / _rowSize });
        statements.BatchCommands.Add(delete);
        int tail = (int)(size % _rowSize);
        if (tail != 0)
        {
            var zero = new NpgsqlBatchCommand(_sql.ZeroTail);
            zero.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file });
            zero.Parameters.Add(new NpgsqlParameter<long> { TypedValue = size / _rowSize });
            zero.Parameters.Add(new NpgsqlParameter<int> { TypedValue = tail });
            zero.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _rowSize - tail });
            statements.BatchCommands.Add(zero);
        }

        var set = new NpgsqlBatchCommand(_sql.SetSize);
        set.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file });
        set.Parameters.Add(new NpgsqlParameter<long> { TypedValue = size });
        statements.BatchCommands.Add(set);
    }

    /// <summary>
    /// Runs an attempt, and again after a transient error, at most <see cref="_retryLimit"/> more
    /// times with doubling pauses; then answers the error (transient errors flagged so).
    /// </summary>
    private async ValueTask<StoreError?> WithRetriesAsync(Func<CancellationToken, ValueTask<StoreError?>> attempt, string what, CancellationToken ct)
    {
        TimeSpan pause = _retryBackoff;
        for (int tries = 0; ; tries++)
        {
            try
            {
                return await attempt(ct).ConfigureAwait(false);
            }
            catch (Exception e) when ((e is NpgsqlException or TimeoutException or System.IO.IOException) && !ct.IsCancellationRequested)
            {
                bool transient = IsTransient(e);
                if (!transient || tries >= _retryLimit)
                {
                    string suffix = transient ? $" (after {tries + 1} attempts)" : "";
                    return new StoreError(transient ? StoreErrorKind.Unavailable : StoreErrorKind.Io, $"{what} failed{suffix}: {e.GetType().Name}: {e.Message}", transient);
                }

                _committer?.CountRetry();
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, _time, ct).ConfigureAwait(false);
                    pause *= 2;
                }
            }
        }
    }

    /// <summary>Runs a statement without results.</summary>
    private static async ValueTask ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The statements of one schema.</summary>
    private sealed class Sql(string schema)
    {
        /// <summary>
        /// The shared fence lock of each file in $1, in the order of their keys. A fence lock is
        /// the advisory lock (hashtext('actorpager.fence.' + schema), hashtext(file)): advisory
        /// locks are per database, so the schema is part of the key; two files whose hashes collide
        /// share a lock, which costs waiting, never correctness. Why fencing holds
        /// (the guarantee of <see cref="IFencedPageStore.FenceAsync"/>):
        /// <list type="number">
        /// <item>A batch with fenced changes takes these shared locks, then (in a later statement,
        /// so with a later snapshot, under READ COMMITTED) reads the fences, decides, writes and
        /// commits, holding the locks to the end of its transaction.</item>
        /// <item>FenceAsync takes the same lock exclusively before it changes the fence row, and
        /// holds it until it commits. An exclusive lock waits for every shared holder.</item>
        /// <item>So a batch that read the old fence holds its shared lock, and FenceAsync cannot
        /// commit (nor answer) until that batch has committed or rolled back: it committed before
        /// the fence answered. A batch that takes its shared lock after FenceAsync committed reads
        /// the new fence, and leaves out every change older than it. There is no third case: the
        /// two locks cannot be held at once.</item>
        /// </list>
        /// A row lock (SELECT ... FOR SHARE on the fence row, which INSERT ... ON CONFLICT DO
        /// UPDATE in FenceAsync would wait for) gives the same ordering only for files that
        /// already have a fence row: a batch writing a never-fenced file finds no row to lock, and
        /// a first fence would not wait for it. It would also write every fenced batch's lock into
        /// the row (and the WAL); advisory locks live in shared memory only. Taking the locks in
        /// key order keeps two batches from deadlocking through a fence queued between them;
        /// should a deadlock happen anyway (hash collisions), PostgreSQL aborts one transaction
        /// with 40P01, which is transient and retried.
        /// </summary>
        public string LockFencesShared { get; } = $"""
            SELECT pg_advisory_xact_lock_shared(hashtext('actorpager.fence.{schema}'), k)
            FROM (SELECT DISTINCT hashtext(name) AS k FROM unnest($1::text[]) AS name) AS keys
            ORDER BY k
            """;

        /// <summary>The fences of the files in $1 (files never fenced have no row).</summary>
        public string ReadFences { get; } = $"SELECT file, generation FROM {schema}.fence WHERE file = ANY($1)";

        /// <summary>The exclusive fence lock of the file $1.</summary>
        public string LockFenceExclusive { get; } = $"SELECT pg_advisory_xact_lock(hashtext('actorpager.fence.{schema}'), hashtext($1))";

        /// <summary>Raise the fence of $1 to $2 if higher, answering the fence now in force.</summary>
        public string RaiseFence { get; } = $"INSERT INTO {schema}.fence AS f (file, generation) VALUES ($1, $2) ON CONFLICT (file) DO UPDATE SET generation = GREATEST(f.generation, EXCLUDED.generation) RETURNING generation";

        /// <summary>The fence of a file.</summary>
        public string GetFence { get; } = $"SELECT generation FROM {schema}.fence WHERE file = $1";

        /// <summary>The size and the rows of a range.</summary>
        public string ReadRange { get; } = $"""
            SELECT -1::bigint, NULL::bytea, COALESCE((SELECT size FROM {schema}.files WHERE file = $1), 0)
            UNION ALL
            SELECT idx, data, 0 FROM {schema}.pages WHERE file = $1 AND idx BETWEEN $2 AND $3
            """;

        /// <summary>The size of a file.</summary>
        public string GetSize { get; } = $"SELECT size FROM {schema}.files WHERE file = $1";

        /// <summary>Insert or replace a whole row.</summary>
        public string UpsertRow { get; } = $"INSERT INTO {schema}.pages (file, idx, data) VALUES ($1, $2, $3) ON CONFLICT (file, idx) DO UPDATE SET data = EXCLUDED.data";

        /// <summary>Patch part of a row, starting from zeros when it does not exist.</summary>
        public string PatchRow { get; } = $"""
            INSERT INTO {schema}.pages AS p (file, idx, data) VALUES ($1, $2, overlay(decode(repeat('00', $3), 'hex') placing $4 from $5))
            ON CONFLICT (file, idx) DO UPDATE SET data = overlay(p.data placing $4 from $5)
            """;

        /// <summary>Raise a file's size.</summary>
        public string GrowSize { get; } = $"INSERT INTO {schema}.files AS f (file, size) VALUES ($1, $2) ON CONFLICT (file) DO UPDATE SET size = GREATEST(f.size, EXCLUDED.size)";

        /// <summary>Set a file's size.</summary>
        public string SetSize { get; } = $"INSERT INTO {schema}.files (file, size) VALUES ($1, $2) ON CONFLICT (file) DO UPDATE SET size = EXCLUDED.size";

        /// <summary>Delete the rows from an index on.</summary>
        public string DeleteFrom { get; } = $"DELETE FROM {schema}.pages WHERE file = $1 AND idx >= $2";

        /// <summary>Zero a row past a point.</summary>
        public string ZeroTail { get; } = $"UPDATE {schema}.pages SET data = substring(data from 1 for $3) || decode(repeat('00', $4), 'hex') WHERE file = $1 AND idx = $2";
    }
}
