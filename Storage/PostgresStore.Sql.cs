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

    /// <summary>Reads a range: the size and the rows in one statement, so both come from one snapshot.</summary>
    private async ValueTask<StoreResult> ReadCoreAsync(string file, long offset, Memory<byte> destination, bool reportHoles, CancellationToken ct)
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
                result = await ReadOnceAsync(file, offset, destination, reportHoles, token).ConfigureAwait(false);
                return null;
            },
            $"read '{file}' at {offset}",
            ct).ConfigureAwait(false);
        return error is null ? result : StoreResult.Failed(error);
    }

    /// <summary>One attempt at a read.</summary>
    private async ValueTask<StoreResult> ReadOnceAsync(string file, long offset, Memory<byte> destination, bool reportHoles, CancellationToken ct)
    {
        destination.Span.Clear();
        if (destination.IsEmpty)
        {
            return StoreResult.Ok(0);
        }

        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(_sql.ReadRange, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = offset / _rowSize });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (offset + destination.Length - 1) / _rowSize });
        long size = 0;
        int rows = 0;
        await using (NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                long idx = reader.GetInt64(0);
                if (idx < 0)
                {
                    size = reader.GetInt64(2);
                    continue;
                }

                rows++;
                long rowStart = idx * _rowSize;
                long from = Math.Max(rowStart, offset);
                long to = Math.Min(rowStart + _rowSize, offset + destination.Length);
                byte[] stored = reader.GetFieldValue<byte[]>(1);
                int start = (int)(from - rowStart);
                int count = (int)Math.Min(to - from, Math.Max(0, stored.Length - start));
                stored.AsSpan(start, count).CopyTo(destination.Span[(int)(from - offset)..]);
            }
        }

        long inside = Checks.Inside(offset, destination.Length, size);
        destination.Span[(int)inside..].Clear();
        return reportHoles && inside > 0 && rows == 0 ? StoreResult.Hole(inside) : StoreResult.Ok(inside);
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

    /// <summary>Commits one batch: one transaction, every statement in one round trip, retried when transient.</summary>
    private async ValueTask<StoreError?> CommitAsync(IReadOnlyList<PendingWrite> batch, bool durable, CancellationToken ct)
    {
        StoreError? error = await EnsureInitializedAsync(ct).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        int attempt = 0;
        return await WithRetriesAsync(
            async token =>
            {
                attempt++;
                await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
                await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                await using NpgsqlBatch statements = BuildBatch(connection, batch, durable);
                await statements.ExecuteNonQueryAsync(token).ConfigureAwait(false);
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

        foreach (PendingWrite write in batch)
        {
            switch (write.Kind)
            {
                case PendingWriteKind.Write:
                    AddWrite(statements, write.File, write.Offset, write.Source);
                    break;
                case PendingWriteKind.SetSize:
                    AddSetSize(statements, write.File, write.Offset);
                    break;
                default:
                    // A transaction with no transaction id commits without waiting for the WAL
                    // flush; taking an id makes this commit flush, covering every earlier commit.
                    statements.BatchCommands.Add(new NpgsqlBatchCommand("SELECT txid_current()"));
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
