using System.Diagnostics;
using System.Globalization;
using ActorPager.Service.Cluster;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Npgsql;

namespace ActorPager.Bench.Cluster;

/// <summary>
/// <c>cluster.persist</c>: events/s into the files' journal (Akka.Persistence.Sql on PostgreSQL,
/// configured as the service configures it, <see cref="ClusterHocon.Persistence"/>) against raw
/// Npgsql doing one INSERT + COMMIT per event into a table of the same shape, with the same
/// event bytes (a <see cref="FileEvents.SizeChanged"/> through the service's serializer). The
/// journal side persists with <c>PersistAllAsync</c> of 1,000 events per command, three commands
/// in flight, so the journal writes big batches in parallel (its batch-size, parallelism);
/// <c>PersistAll</c> of 100 per command (one batch in flight, as a file entity does) and raw
/// Npgsql with a 100-row INSERT per COMMIT are measured too, for the detail: what the actor's
/// batching gives, and what the database gives a batch.
/// </summary>
internal static class JournalBench
{
    /// <summary>Events per PersistAllAsync command; a window of <see cref="AsyncWindow"/> commands stays under the journal's buffer-size (5,000).</summary>
    private const int AsyncCommand = 1000;

    private const int AsyncWindow = 3;

    /// <summary>Events per PersistAll command (one command in flight: the actor stashes the next).</summary>
    private const int AllCommand = 100;

    /// <summary>Rows per COMMIT of the batched raw peer.</summary>
    private const int RawBatch = 100;

    /// <summary>How long each measurement runs (the journal's side then waits for its last batch).</summary>
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(2.5);

    /// <summary>One round's figures, events/s.</summary>
    internal sealed record Round(double PersistAllAsync, double PersistAll, double RawSingle, double RawBatch);

    /// <summary>Runs <paramref name="rounds"/> rounds, each: raw single, PersistAllAsync, PersistAll, raw batch.</summary>
    public static async Task<IReadOnlyList<Round>> RunAsync(string connectionString, int rounds)
    {
        var journal = new ClusterHocon.JournalTarget("postgres", "PostgreSQL.15", connectionString, null);
        var config = ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            akka.log-dead-letters = off
            akka.log-dead-letters-during-shutdown = off
            akka.coordinated-shutdown.log-info = off
            """).WithFallback(ConfigurationFactory.ParseString(ClusterHocon.Persistence(journal)));
        var system = ActorSystem.Create("journalbench", config);
        try
        {
            // The same bytes the journal stores for a size change.
            var sample = new FileEvents.SizeChanged(123_456_789);
            var serializer = system.Serialization.FindSerializerFor(sample);
            var payload = serializer.ToBinary(sample);
            var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, sample);
            await using var raw = await RawJournal.CreateAsync(connectionString, payload, serializer.Identifier, manifest);

            // Warm-up, unmeasured: the journal's tables (auto-initialize), JIT, pools.
            var warm = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            await PersistEventsAsync(system, "warm-up", warm, all: false, limit: 2000);
            await PersistEventsAsync(system, "warm-up-all", warm, all: true, limit: 500);
            await raw.SingleAsync("warm-up", warm, limit: 100);
            await raw.BatchAsync("warm-up-batch", warm, limit: 1000);

            var results = new List<Round>();
            for (var r = 1; r <= rounds; r++)
            {
                var single = await Measure($"raw single {r}", until => raw.SingleAsync($"single-{r}", until));
                var persistAllAsync = await Measure($"PersistAllAsync(1000) {r}", until => PersistEventsAsync(system, $"async-{r}", until, all: false));
                var persistAll = await Measure($"PersistAll(100) {r}", until => PersistEventsAsync(system, $"all-{r}", until, all: true));
                var batch = await Measure($"raw batch {r}", until => raw.BatchAsync($"batch-{r}", until));
                results.Add(new Round(persistAllAsync, persistAll, single, batch));
            }

            return results;
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static async Task<double> Measure(string name, Func<DateTime, Task<int>> run)
    {
        var cpu = CpuSample.Take();
        var watch = Stopwatch.StartNew();
        var events = await run(DateTime.UtcNow + Slice);
        var seconds = watch.Elapsed.TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  cluster.persist {name}: {events} events in {seconds:F2}s, {events / seconds:F0} ev/s, machine cpu busy {cpu.BusySince():P0}"));
        return events / seconds;
    }

    /// <summary>
    /// Persists events as a fresh persistent actor, by PersistAll or PersistAllAsync commands,
    /// until <paramref name="until"/> (or <paramref name="limit"/> events), then waits for the
    /// last; returns how many were persisted.
    /// </summary>
    private static async Task<int> PersistEventsAsync(ActorSystem system, string id, DateTime until, bool all, int limit = int.MaxValue)
    {
        var actor = system.ActorOf(Props.Create(() => new Journaler("bench-" + id + "-" + Guid.NewGuid().ToString("N"))));
        try
        {
            var per = all ? AllCommand : AsyncCommand;
            using var window = new SemaphoreSlim(all ? 4 : AsyncWindow);
            var pending = new List<Task>();
            var sent = 0;
            while (sent < limit && DateTime.UtcNow < until)
            {
                await window.WaitAsync();
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                actor.Tell(new Journaler.Batch(per, all, done));
                sent += per;
                pending.Add(done.Task.ContinueWith(_ => window.Release(), TaskScheduler.Default));
            }

            await Task.WhenAll(pending).WaitAsync(TimeSpan.FromMinutes(2));
            return sent;
        }
        finally
        {
            await actor.GracefulStop(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>A persistent actor that journals <see cref="FileEvents.SizeChanged"/> events on command.</summary>
    private sealed class Journaler(string persistenceId) : UntypedPersistentActor
    {
        private long _size;

        /// <summary>Persist <paramref name="Count"/> events in one PersistAll (stashing the next commands until written) or PersistAllAsync (not stashing); <paramref name="Done"/> completes after the last one's handler.</summary>
        internal sealed record Batch(int Count, bool All, TaskCompletionSource Done);

        public override string PersistenceId { get; } = persistenceId;

        protected override void OnRecover(object message)
        {
        }

        protected override void OnCommand(object message)
        {
            if (message is not Batch batch)
            {
                Unhandled(message);
                return;
            }

            var events = new FileEvents.SizeChanged[batch.Count];
            for (var i = 0; i < events.Length; i++)
            {
                events[i] = new FileEvents.SizeChanged(_size += 4096);
            }

            var last = events[^1];
            void Handler(FileEvents.SizeChanged e)
            {
                if (ReferenceEquals(e, last))
                {
                    batch.Done.TrySetResult();
                }
            }

            if (batch.All)
            {
                PersistAll(events, Handler);
            }
            else
            {
                PersistAllAsync(events, Handler);
            }
        }

        protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
        {
            Console.Error.WriteLine($"cluster.persist: persist failed at {sequenceNr}: {cause.Message}");
            base.OnPersistFailure(cause, @event, sequenceNr);
        }

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
        {
            Console.Error.WriteLine($"cluster.persist: persist rejected at {sequenceNr}: {cause.Message}");
            base.OnPersistRejected(cause, @event, sequenceNr);
        }
    }

    /// <summary>The peer: a table shaped like the journal's, written with plain Npgsql.</summary>
    private sealed class RawJournal : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly byte[] _payload;
        private readonly int _identifier;
        private readonly string _manifest;

        private RawJournal(NpgsqlConnection connection, byte[] payload, int identifier, string manifest)
        {
            _connection = connection;
            _payload = payload;
            _identifier = identifier;
            _manifest = manifest;
        }

        public static async Task<RawJournal> CreateAsync(string connectionString, byte[] payload, int identifier, string manifest)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("""
                CREATE TABLE raw_journal (
                  ordering BIGSERIAL PRIMARY KEY,
                  persistence_id VARCHAR(255) NOT NULL,
                  sequence_number BIGINT NOT NULL,
                  deleted BOOLEAN NOT NULL,
                  created BIGINT NOT NULL,
                  tags VARCHAR(100),
                  message BYTEA NOT NULL,
                  identifier INTEGER,
                  manifest VARCHAR(500),
                  writer_uuid VARCHAR(128),
                  CONSTRAINT raw_journal_uq UNIQUE (persistence_id, sequence_number))
                """, connection);
            await create.ExecuteNonQueryAsync();
            return new RawJournal(connection, payload, identifier, manifest);
        }

        /// <summary>One INSERT and one COMMIT per event, one after another, until <paramref name="until"/>; returns the events written.</summary>
        public async Task<int> SingleAsync(string id, DateTime until, int limit = int.MaxValue)
        {
            await using var insert = Insert(1);
            await insert.PrepareAsync();
            var seq = 0;
            while (seq < limit && DateTime.UtcNow < until)
            {
                seq++;
                await using var tx = await _connection.BeginTransactionAsync();
                insert.Transaction = tx;
                Bind(insert, 0, id, seq);
                await insert.ExecuteNonQueryAsync();
                await tx.CommitAsync();
            }

            return seq;
        }

        /// <summary><see cref="RawBatch"/> rows per INSERT, one COMMIT each, until <paramref name="until"/>; returns the events written.</summary>
        public async Task<int> BatchAsync(string id, DateTime until, int limit = int.MaxValue)
        {
            await using var insert = Insert(RawBatch);
            await insert.PrepareAsync();
            var written = 0;
            while (written < limit && DateTime.UtcNow < until)
            {
                var seq = written + 1;
                written += RawBatch;
                await using var tx = await _connection.BeginTransactionAsync();
                insert.Transaction = tx;
                for (var row = 0; row < RawBatch; row++)
                {
                    Bind(insert, row, id, seq + row);
                }

                await insert.ExecuteNonQueryAsync();
                await tx.CommitAsync();
            }

            return written;
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();

        private NpgsqlCommand Insert(int rows)
        {
            var values = string.Join(", ", Enumerable.Range(0, rows).Select(r => string.Create(CultureInfo.InvariantCulture,
                $"(@p{r}, @s{r}, false, @c{r}, NULL, @m{r}, @i{r}, @f{r}, @w{r})")));
            var command = new NpgsqlCommand($"INSERT INTO raw_journal (persistence_id, sequence_number, deleted, created, tags, message, identifier, manifest, writer_uuid) VALUES {values}", _connection);
            for (var r = 0; r < rows; r++)
            {
                command.Parameters.Add(new NpgsqlParameter<string>($"p{r}", string.Empty));
                command.Parameters.Add(new NpgsqlParameter<long>($"s{r}", 0L));
                command.Parameters.Add(new NpgsqlParameter<long>($"c{r}", 0L));
                command.Parameters.Add(new NpgsqlParameter<byte[]>($"m{r}", _payload));
                command.Parameters.Add(new NpgsqlParameter<int>($"i{r}", _identifier));
                command.Parameters.Add(new NpgsqlParameter<string>($"f{r}", _manifest));
                command.Parameters.Add(new NpgsqlParameter<string>($"w{r}", "raw"));
            }

            return command;
        }

        private static void Bind(NpgsqlCommand insert, int row, string id, long seq)
        {
            var at = row * 7;
            ((NpgsqlParameter<string>)insert.Parameters[at]).TypedValue = id;
            ((NpgsqlParameter<long>)insert.Parameters[at + 1]).TypedValue = seq;
            ((NpgsqlParameter<long>)insert.Parameters[at + 2]).TypedValue = DateTime.UtcNow.Ticks;
        }
    }
}

/// <summary>The machine's CPU use between two samples of /proc/stat: how busy both cores were over a measurement.</summary>
internal readonly record struct CpuSample(long Busy, long Total)
{
    /// <summary>Now.</summary>
    public static CpuSample Take()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
            var total = fields.Take(8).Sum();
            return new CpuSample(total - idle, total);
        }
        catch (IOException)
        {
            return default;
        }
    }

    /// <summary>The busy fraction of all cores since this sample (0 when unknown).</summary>
    public double BusySince()
    {
        var now = Take();
        return now.Total > Total ? (double)(now.Busy - Busy) / (now.Total - Total) : 0;
    }
}
