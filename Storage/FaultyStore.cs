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
/// <para>
/// Vectored reads are one read per buffer and vectored writes one gathered write, each drawing its
/// faults, as <see cref="VectoredIo"/>'s fallbacks did before the wrapper was vectored, so a seed
/// replays the same faults. The fenced calls (<see cref="IFencedPageStore"/>) draw faults like
/// the unfenced ones and forward to the inner store, which must be an
/// <see cref="IFencedPageStore"/> (every store of this project is); a fence refusal is the inner
/// store's answer, not an injected fault.
/// </para>
/// </remarks>
public sealed class FaultyStore : IFencedPageStore
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
    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, CancellationToken ct = default) =>
        WriteCoreAsync(_inner, file, offset, source, durability, long.MaxValue, ct);

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteAsync(string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, long generation, CancellationToken ct = default) =>
        WriteCoreAsync(FencedInner, file, offset, source, durability, generation, ct);

    /// <inheritdoc/>
    public ValueTask<StoreResult> ReadVectorAsync(string file, long offset, IReadOnlyList<Memory<byte>> destinations, ReadOptions options = default, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        return VectoredIo.ReadBySegmentsAsync(this, file, offset, destinations, options, ct);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteVectorAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return WriteAsync(file, offset, VectoredIo.Gather(sources), durability, ct);
    }

    /// <inheritdoc/>
    public ValueTask<StoreResult> WriteVectorAsync(string file, long offset, IReadOnlyList<ReadOnlyMemory<byte>> sources, WriteDurability durability, long generation, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return WriteAsync(file, offset, VectoredIo.Gather(sources), durability, generation, ct);
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
    public ValueTask<StoreResult> SetSizeAsync(string file, long size, long generation, CancellationToken ct = default) =>
        SetSizeFencedAsync(FencedInner, file, size, generation, ct);

    /// <inheritdoc/>
    public ValueTask<StoreResult> FenceAsync(string file, long generation, CancellationToken ct = default) =>
        FenceCoreAsync(FencedInner, file, generation, ct);

    /// <inheritdoc/>
    public ValueTask<StoreResult> GetFenceAsync(string file, CancellationToken ct = default) =>
        GetFenceCoreAsync(FencedInner, file, ct);

    /// <inheritdoc/>
    public async ValueTask<StoreResult> FlushAsync(string file, CancellationToken ct = default)
    {
        Decision decision = Decide(isWrite: false, 0);
        await DelayAsync(decision, ct).ConfigureAwait(false);
        return decision.Error ? Injected($"flush '{file}'") : await _inner.FlushAsync(file, ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    /// <summary>The inner store as a fenced store; a fenced call on a wrapper of any other store is misuse.</summary>
    private IFencedPageStore FencedInner => _inner as IFencedPageStore
        ?? throw new NotSupportedException($"this FaultyStore wraps a store of kind '{_inner.Kind}' ({_inner.GetType().Name}) that is not an IFencedPageStore, so it cannot forward a fenced call");

    /// <summary>A write, fenced unless <paramref name="generation"/> is <see cref="long.MaxValue"/>: its faults drawn, then forwarded whole or short.</summary>
    private async ValueTask<StoreResult> WriteCoreAsync(IPageStore inner, string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, long generation, CancellationToken ct)
    {
        Decision decision = Decide(isWrite: true, source.Length);
        await DelayAsync(decision, ct).ConfigureAwait(false);
        if (decision.Error)
        {
            return Injected($"write '{file}' at {offset}");
        }

        if (decision.ShortLength >= 0)
        {
            StoreResult partial = await ForwardWriteAsync(inner, file, offset, source[..decision.ShortLength], durability, generation, ct).ConfigureAwait(false);
            if (!partial.IsOk)
            {
                return partial;
            }

            return StoreResult.Failed(new StoreError(StoreErrorKind.Injected, $"injected short write of '{file}' at {offset}: {decision.ShortLength} of {source.Length} bytes written", Options.TransientErrors), decision.ShortLength);
        }

        return await ForwardWriteAsync(inner, file, offset, source, durability, generation, ct).ConfigureAwait(false);
    }

    /// <summary>The inner store's write: the unfenced one for <see cref="long.MaxValue"/>, else the fenced one.</summary>
    private static ValueTask<StoreResult> ForwardWriteAsync(IPageStore inner, string file, long offset, ReadOnlyMemory<byte> source, WriteDurability durability, long generation, CancellationToken ct) =>
        generation == long.MaxValue
            ? inner.WriteAsync(file, offset, source, durability, ct)
            : ((IFencedPageStore)inner).WriteAsync(file, offset, source, durability, generation, ct);

    /// <summary>A fenced size change: its faults drawn, then forwarded.</summary>
    private async ValueTask<StoreResult> SetSizeFencedAsync(IFencedPageStore inner, string file, long size, long generation, CancellationToken ct)
    {
        Decision decision = Decide(isWrite: false, 0);
        await DelayAsync(decision, ct).ConfigureAwait(false);
        return decision.Error ? Injected($"set size of '{file}' to {size}") : await inner.SetSizeAsync(file, size, generation, ct).ConfigureAwait(false);
    }

    /// <summary>A fence: its faults drawn, then forwarded.</summary>
    private async ValueTask<StoreResult> FenceCoreAsync(IFencedPageStore inner, string file, long generation, CancellationToken ct)
    {
        Decision decision = Decide(isWrite: false, 0);
        await DelayAsync(decision, ct).ConfigureAwait(false);
        return decision.Error ? Injected($"fence '{file}' at generation {generation}") : await inner.FenceAsync(file, generation, ct).ConfigureAwait(false);
    }

    /// <summary>A read of a fence: its faults drawn, then forwarded.</summary>
    private async ValueTask<StoreResult> GetFenceCoreAsync(IFencedPageStore inner, string file, CancellationToken ct)
    {
        Decision decision = Decide(isWrite: false, 0);
        await DelayAsync(decision, ct).ConfigureAwait(false);
        return decision.Error ? Injected($"fence of '{file}'") : await inner.GetFenceAsync(file, ct).ConfigureAwait(false);
    }

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
