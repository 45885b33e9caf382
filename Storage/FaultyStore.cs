namespace ActorPager.Storage;

/// <summary>
/// A wrapper that injects errors, latency, and short or failed writes into another store, chosen
/// by a seeded random source (kind: the inner store's). For tests and the harness: under a
/// deterministic scheduler the same seed gives the same faults. Thread-safe.
/// </summary>
/// <remarks>
/// Each call draws from the random source in a fixed order (latency, error, then for writes
/// failure and shortness), so the faults depend only on the seed and the order of calls.
/// Validation is the inner store's: a bad name reaches it and is refused there.
/// </remarks>
public sealed class FaultyStore : IPageStore
{
    /// <summary>The store that does the work.</summary>
    private readonly IPageStore _inner;

    /// <summary>The seeded source of every decision.</summary>
    private readonly Random _random;

    /// <summary>Guards <see cref="_random"/> and the counters.</summary>
    private readonly Lock _lock = new();

    /// <summary>Waits out an injected delay.</summary>
    private readonly Func<TimeSpan, CancellationToken, ValueTask> _delay;

    /// <summary>Injected faults so far.</summary>
    private long _injectedErrors;

    /// <summary>Injected delays so far.</summary>
    private long _injectedDelays;

    /// <summary>Wraps a store.</summary>
    /// <param name="inner">The store that does the work; disposed with this one.</param>
    /// <param name="options">What to inject and how often.</param>
    /// <param name="time">The clock of injected delays; null for the system clock. Ignored when <paramref name="delay"/> is given.</param>
    /// <param name="delay">Waits out an injected delay; a test passes one that completes when it decides.</param>
    public FaultyStore(IPageStore inner, FaultOptions options, TimeProvider? time = null, Func<TimeSpan, CancellationToken, ValueTask>? delay = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        _inner = inner;
        Options = options;
        _random = new Random(options.Seed);
        TimeProvider clock = time ?? TimeProvider.System;
        _delay = delay ?? ((span, ct) => new ValueTask(Task.Delay(span, clock, ct)));
    }

    /// <inheritdoc/>
    public string Kind => _inner.Kind;

    /// <summary>What is injected.</summary>
    public FaultOptions Options { get; }

    /// <summary>The wrapped store.</summary>
    public IPageStore Inner => _inner;

    /// <summary>How many errors (failed and short writes included) were injected.</summary>
    public long InjectedErrors => Interlocked.Read(ref _injectedErrors);

    /// <summary>How many delays were injected.</summary>
    public long InjectedDelays => Interlocked.Read(ref _injectedDelays);

    /// <inheritdoc/>
    public async ValueTask<StoreResult> ReadAsync(string file, long offset, Memory<byte> destination, ReadOptions options = default, CancellationToken ct = default)
    {
        Decision decision = Decide(isWrite: false, destination.Length);
        await DelayAsync(decision, ct).ConfigureAwait(false);
        return decision.Error ? Injected($"read '{file}' at {offset}") : await _inner.ReadAsync(file, offset, destination, options, ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, CancellationToken ct = default)
    {
        Decision decision = Decide(isWrite: true, source.Length);
        await DelayAsync(decision, ct).ConfigureAwait(false);
        if (decision.Error)
        {
            return Injected($"write '{file}' at {offset}");
        }

        if (decision.ShortLength >= 0)
        {
            StoreResult partial = await _inner.WriteAsync(file, offset, source[..decision.ShortLength], durability, ct).ConfigureAwait(false);
            if (!partial.IsOk)
            {
                return partial;
            }

            return StoreResult.Failed(new StoreError(StoreErrorKind.Injected, $"injected short write of '{file}' at {offset}: {decision.ShortLength} of {source.Length} bytes written", Options.TransientErrors), decision.ShortLength);
        }

        return await _inner.WriteAsync(file, offset, source, durability, ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<StoreResult> GetSizeAsync(string file, CancellationToken ct = default)
    {
        Decision decision = Decide(isWrite: false, 0);
        await DelayAsync(decision, ct).ConfigureAwait(false);
        return decision.Error ? Injected($"size of '{file}'") : await _inner.GetSizeAsync(file, ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<StoreResult> SetSizeAsync(string file, long size, CancellationToken ct = default)
    {
        Decision decision = Decide(isWrite: false, 0);
        await DelayAsync(decision, ct).ConfigureAwait(false);
        return decision.Error ? Injected($"set size of '{file}' to {size}") : await _inner.SetSizeAsync(file, size, ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<StoreResult> FlushAsync(string file, CancellationToken ct = default)
    {
        Decision decision = Decide(isWrite: false, 0);
        await DelayAsync(decision, ct).ConfigureAwait(false);
        return decision.Error ? Injected($"flush '{file}'") : await _inner.FlushAsync(file, ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    /// <summary>Draws this call's faults, always in the same order so that a seed replays exactly.</summary>
    private Decision Decide(bool isWrite, int length)
    {
        lock (_lock)
        {
            TimeSpan latency = TimeSpan.Zero;
            if (Options.LatencyRate > 0 && _random.NextDouble() < Options.LatencyRate)
            {
                latency = Options.MaxLatency * _random.NextDouble();
            }

            bool error = Options.ErrorRate > 0 && _random.NextDouble() < Options.ErrorRate;
            int shortLength = -1;
            if (isWrite && !error)
            {
                error = Options.FailedWriteRate > 0 && _random.NextDouble() < Options.FailedWriteRate;
                if (!error && length > 1 && Options.ShortWriteRate > 0 && _random.NextDouble() < Options.ShortWriteRate)
                {
                    shortLength = _random.Next(0, length);
                }
            }

            if (error || shortLength >= 0)
            {
                _injectedErrors++;
            }

            if (latency > TimeSpan.Zero)
            {
                _injectedDelays++;
            }

            return new Decision(latency, error, shortLength);
        }
    }

    /// <summary>Waits out an injected delay, if any.</summary>
    private ValueTask DelayAsync(Decision decision, CancellationToken ct) =>
        decision.Latency > TimeSpan.Zero ? _delay(decision.Latency, ct) : ValueTask.CompletedTask;

    /// <summary>An injected error result.</summary>
    private StoreResult Injected(string what) =>
        StoreResult.Failed(new StoreError(StoreErrorKind.Injected, $"injected fault: {what} (seed {Options.Seed})", Options.TransientErrors));

    /// <summary>The faults drawn for one call.</summary>
    /// <param name="Latency">The delay before the call, or zero.</param>
    /// <param name="Error">Fail the call, touching nothing.</param>
    /// <param name="ShortLength">A write writes only this many bytes; -1 for a whole write.</param>
    private readonly record struct Decision(TimeSpan Latency, bool Error, int ShortLength);
}
