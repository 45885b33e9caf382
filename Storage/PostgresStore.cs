using System.Text.RegularExpressions;
using ActorPager.Storage.Internal;
using Npgsql;
using NpgsqlTypes;

namespace ActorPager.Storage;

/// <summary>
/// A store in PostgreSQL (kind "postgres"), the model of <see cref="SqliteStore"/> on a server
/// several nodes can share: rows keyed by (file, row index) in <c>pages</c>, sizes in
/// <c>files</c>, in a schema created or migrated on first use under a version table. Changes run
/// grouped, one transaction per batch, with every statement of a batch sent in one round trip; a
/// batch without durable changes commits with <c>synchronous_commit = off</c>. Connections are
/// pooled by Npgsql. Transient errors are retried with a bound, then answered as Error.
/// Thread-safe.
/// </summary>
/// <remarks>
/// Fences (<see cref="IFencedPageStore"/>) are rows of <c>fence</c> in the schema, shared by every
/// node on it. A batch holding fenced changes reads their files' fences inside its own
/// transaction, under a shared advisory lock per file that <see cref="FenceAsync"/> takes
/// exclusively, and leaves out the changes that are refused; the rest of the batch commits.
/// Nothing about fences is cached, so every node sees every other node's fence. A vectored read
/// is one query for the whole range, its rows scattered into the buffers; vectored writes are
/// gathered into one change.
/// </remarks>
public sealed partial class PostgresStore : IFencedPageStore
{
    /// <summary>The migrations, in order; entry i brings the schema from version i to i + 1.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE {0}.meta (key text PRIMARY KEY, value bigint NOT NULL);
        CREATE TABLE {0}.files (file text PRIMARY KEY, size bigint NOT NULL);
        CREATE TABLE {0}.pages (file text NOT NULL, idx bigint NOT NULL, data bytea NOT NULL, PRIMARY KEY (file, idx));
        """,
        """
        CREATE TABLE {0}.fence (file text PRIMARY KEY, generation bigint NOT NULL);
        """,
    ];

    /// <summary>The pooled connections.</summary>
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>The schema, already checked to be a plain identifier.</summary>
    private readonly string _schema;

    /// <summary>Bytes of file data per row.</summary>
    private readonly int _rowSize;

    /// <summary>How many times a transient failure is retried.</summary>
    private readonly int _retryLimit;

    /// <summary>The pause before the first retry.</summary>
    private readonly TimeSpan _retryBackoff;

    /// <summary>The clock of the retry pauses.</summary>
    private readonly TimeProvider _time;

    /// <summary>Runs changes in grouped transactions.</summary>
    private readonly GroupCommitter _committer;

    /// <summary>Lets one caller at a time create or migrate the schema.</summary>
    private readonly SemaphoreSlim _initializing = new(1, 1);

    /// <summary>The statements, with the schema filled in.</summary>
    private readonly Sql _sql;

    /// <summary>Set once the schema is known to be current.</summary>
    private volatile bool _initialized;

    /// <summary>Set once the store is disposed.</summary>
    private volatile bool _disposed;

    /// <summary>Range queries sent by reads, attempts included.</summary>
    private long _readQueries;

    /// <summary>Creates a store; the server is first contacted by the first operation (or <see cref="InitializeAsync"/>).</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="schema">The schema holding the tables: lowercase letters, digits and '_'.</param>
    /// <param name="rowSize">Bytes of file data per row; must match the schema's if it exists.</param>
    /// <param name="groupCommitWindow">How long a durable transaction waits for company; null for 2 ms.</param>
    /// <param name="maxBatch">The most changes in one transaction.</param>
    /// <param name="retryLimit">Retries after a transient error.</param>
    /// <param name="retryBackoff">The pause before the first retry, doubled for each next; null for 50 ms.</param>
    /// <param name="time">The clock of the pauses; null for the system clock.</param>
    public PostgresStore(string connectionString, string schema = "actorpager", int rowSize = 4096, TimeSpan? groupCommitWindow = null, int maxBatch = 256, int retryLimit = 3, TimeSpan? retryBackoff = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentException.ThrowIfNullOrEmpty(schema);
        if (!SchemaName().IsMatch(schema))
        {
            throw new ArgumentException($"schema '{schema}' must be a lowercase identifier (letters, digits, '_', at most 63 characters)", nameof(schema));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(rowSize, 512);
        ArgumentOutOfRangeException.ThrowIfNegative(retryLimit);
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _schema = schema;
        _rowSize = rowSize;
        _retryLimit = retryLimit;
        _retryBackoff = retryBackoff ?? TimeSpan.FromMilliseconds(50);
        _time = time ?? TimeProvider.System;
        _sql = new Sql(schema);
        _committer = new GroupCommitter(CommitAsync, groupCommitWindow ?? TimeSpan.FromMilliseconds(2), maxBatch, _time);
    }

    /// <inheritdoc/>
    public string Kind => "postgres";

    /// <summary>The schema holding the tables.</summary>
    public string Schema => _schema;

    /// <summary>Counters of the group commit.</summary>
    public GroupCommitStatistics Statistics => _committer.Statistics;

    /// <summary>The group committer, for tests.</summary>
    internal GroupCommitter Committer => _committer;

    /// <summary>How many range queries reads have sent (each attempt counts), for tests.</summary>
    internal long ReadQueries => Interlocked.Read(ref _readQueries);

    /// <summary>
    /// Test seam: called before each attempt to commit a batch with the attempt number (1 first);
    /// an exception it returns is thrown inside the transaction, as if the server had failed.
    /// </summary>
    internal Func<int, Exception?>? FaultBeforeCommit { get; set; }

    /// <summary>Creates or migrates the schema now rather than on first use.</summary>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>Ok, or why the schema could not be set up.</returns>
    public async ValueTask<StoreResult> InitializeAsync(CancellationToken ct = default)
    {
        StoreError? error = await EnsureInitializedAsync(ct).ConfigureAwait(false);
        return error is null ? StoreResult.Ok() : StoreResult.Failed(error);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> ReadAsync(string file, long offset, Memory<byte> destination, ReadOptions options = default, CancellationToken ct = default) =>
        ReadVectorAsync(file, offset, [destination], options, ct);

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return _committer.Write(_disposed, file, offset, source, durability);
    }

    /// <inheritdoc/>
    /// <remarks>Checked in the transaction of its batch; refused alone when fenced, the rest of the batch commits.</remarks>
    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, long generation, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return _committer.Write(_disposed, file, offset, source, durability, generation);
    }

    /// <inheritdoc/>
    /// <remarks>One query for the whole range (the size and the rows, from one snapshot), its rows scattered into the buffers, as <see cref="SqliteStore"/> reads.</remarks>
    public ValueTask<StoreResult> ReadVectorAsync(string file, long offset, IReadOnlyList<Memory<byte>> destinations, ReadOptions options = default, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        ct.ThrowIfCancellationRequested();
        int total = VectorBuffers.TotalLength(destinations);
        StoreError? error = _disposed ? StoreError.Disposed : Checks.Range(file, offset, total);
        return error is not null ? new(StoreResult.Failed(error)) : ReadCoreAsync(file, offset, destinations, total, options.ReportHoles, ct);
    }

    /// <inheritdoc/>
    /// <remarks>The buffers are gathered into one change, so the write is one run of rows in one transaction.</remarks>
    public ValueTask<StoreResult> WriteVectorAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, CancellationToken ct = default) =>
        WriteVectorAsync(file, offset, sources, durability, long.MaxValue, ct);

    /// <inheritdoc/>
    /// <remarks>The buffers are gathered into one change, so the write is one run of rows in one transaction.</remarks>
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
        return error is not null ? new(StoreResult.Failed(error)) : GetSizeCoreAsync(file, ct);
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
    /// Its own transaction, not a change of the group commit: it takes the file's fence lock
    /// exclusively, so it waits for every batch (of any node) that read the file's fence under the
    /// shared lock, then raises the row and commits durably. See the comment on
    /// <c>Sql.LockFencesShared</c> for why that gives the guarantee.
    /// </remarks>
    public ValueTask<StoreResult> FenceAsync(string file, long generation, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : FileNames.Check(file) ?? Checks.Generation(file, generation);
        return error is not null ? new(StoreResult.Failed(error)) : FenceCoreAsync(file, generation, ct);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> GetFenceAsync(string file, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        StoreError? error = _disposed ? StoreError.Disposed : FileNames.Check(file);
        return error is not null ? new(StoreResult.Failed(error)) : GetFenceCoreAsync(file, ct);
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

    /// <summary>Commits every change already queued, then closes the pool.</summary>
    /// <returns>A task that completes when the store is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _committer.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _initializing.Dispose();
    }

    /// <summary>Whether an exception is worth retrying: Npgsql's own verdict (lost connection, timeout, serialization failure, server shutting down).</summary>
    internal static bool IsTransient(Exception e) => e is NpgsqlException { IsTransient: true } or TimeoutException;

    /// <summary>A plain lowercase identifier, so the schema can be written into statements.</summary>
    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
