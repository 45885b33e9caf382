namespace ActorPager.Harness.Dispatch;

/// <summary>What a deterministic step can run: an actor's next message, or an external event (such as a store I/O completion).</summary>
public enum CandidateKind
{
    /// <summary>An actor with a message it can handle now.</summary>
    Actor,

    /// <summary>A pending event of an <see cref="IExternalEventSource"/>.</summary>
    External,
}

/// <summary>One choice offered to a strategy at a step.</summary>
/// <param name="Id">A stable name: the actor's path, or the source's description of the event.</param>
/// <param name="Kind">Actor or external event.</param>
public readonly record struct ScheduleCandidate(string Id, CandidateKind Kind);

/// <summary>
/// Chooses, at each step of the deterministic dispatcher, which candidate runs. A strategy must
/// be a pure function of its seed and the sequence of choices offered, so one seed gives one run.
/// </summary>
public interface IScheduleStrategy
{
    /// <summary>A short name for reports (<c>random</c>, <c>pct</c>, <c>replay</c>).</summary>
    string Name { get; }

    /// <summary>Picks the index of the candidate to run.</summary>
    /// <param name="candidates">At least one candidate, in a deterministic order.</param>
    /// <param name="step">The number of the step about to run, from 0.</param>
    int Choose(IReadOnlyList<ScheduleCandidate> candidates, long step);
}

/// <summary>Picks uniformly at random among the candidates.</summary>
public sealed class RandomStrategy : IScheduleStrategy
{
    private readonly Random _random;

    /// <summary>Creates the strategy.</summary>
    /// <param name="seed">The seed.</param>
    public RandomStrategy(long seed) => _random = new Random(SeedMixer.ToInt32(seed));

    /// <inheritdoc />
    public string Name => "random";

    /// <inheritdoc />
    public int Choose(IReadOnlyList<ScheduleCandidate> candidates, long step) => _random.Next(candidates.Count);
}

/// <summary>Always runs the first candidate (the actor that became runnable first): for steps that are not explored, such as stopping a run.</summary>
public sealed class FirstCandidateStrategy : IScheduleStrategy
{
    /// <summary>The one instance.</summary>
    public static readonly FirstCandidateStrategy Instance = new();

    private FirstCandidateStrategy()
    {
    }

    /// <inheritdoc />
    public string Name => "first";

    /// <inheritdoc />
    public int Choose(IReadOnlyList<ScheduleCandidate> candidates, long step) => 0;
}

/// <summary>
/// Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): every candidate gets a
/// random priority when first seen and the highest-priority candidate always runs; at
/// <c>depth − 1</c> randomly chosen steps the running candidate drops to the lowest priority.
/// Finds a bug of depth d with probability at least 1/(n·k^(d−1)).
/// </summary>
public sealed class PctStrategy : IScheduleStrategy
{
    private readonly Random _random;
    private readonly Dictionary<string, double> _priority = new(StringComparer.Ordinal);
    private readonly HashSet<long> _changePoints = [];
    private double _lowest;

    /// <summary>Creates the strategy.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="depth">The bug depth to target (number of ordering constraints); at least 1.</param>
    /// <param name="maxSteps">The expected length of a run, over which change points are spread.</param>
    public PctStrategy(long seed, int depth, long maxSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSteps, 1);
        _random = new Random(SeedMixer.ToInt32(seed));
        for (var i = 0; i < depth - 1; i++)
        {
            _changePoints.Add(_random.NextInt64(maxSteps));
        }
    }

    /// <inheritdoc />
    public string Name => "pct";

    /// <summary>The steps at which the running candidate drops to the lowest priority (<c>depth − 1</c> of them, below <c>maxSteps</c>).</summary>
    public IReadOnlyCollection<long> ChangePoints => _changePoints;

    /// <inheritdoc />
    public int Choose(IReadOnlyList<ScheduleCandidate> candidates, long step)
    {
        var best = 0;
        var bestPriority = double.MinValue;
        for (var i = 0; i < candidates.Count; i++)
        {
            var id = candidates[i].Id;
            if (!_priority.TryGetValue(id, out var p))
            {
                p = _random.NextDouble();
                _priority[id] = p;
            }

            if (p > bestPriority)
            {
                bestPriority = p;
                best = i;
            }
        }

        if (_changePoints.Contains(step))
        {
            _lowest -= 1;
            _priority[candidates[best].Id] = _lowest;
        }

        return best;
    }
}

/// <summary>Replays a recorded trace: at each step runs the candidate the trace names, and fails loudly when the run diverges.</summary>
public sealed class ReplayStrategy : IScheduleStrategy
{
    private readonly IReadOnlyList<Delivery> _trace;

    /// <summary>Creates the strategy.</summary>
    /// <param name="trace">The deliveries to reproduce, in order.</param>
    public ReplayStrategy(IReadOnlyList<Delivery> trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        _trace = trace.Where(static d => d.Kind != DeliveryKind.Timer).ToArray();
    }

    /// <inheritdoc />
    public string Name => "replay";

    /// <summary>Choices made so far (timer firings are not choices and are not counted).</summary>
    public int Position { get; private set; }

    /// <inheritdoc />
    public int Choose(IReadOnlyList<ScheduleCandidate> candidates, long step)
    {
        if (Position >= _trace.Count)
        {
            throw new ReplayDivergedException(
                $"replay diverged at step {step}: the recorded trace has {_trace.Count} choices, but the run offers more ({Describe(candidates)})");
        }

        var expected = _trace[Position];
        for (var i = 0; i < candidates.Count; i++)
        {
            if (string.Equals(candidates[i].Id, expected.Recipient, StringComparison.Ordinal))
            {
                Position++;
                return i;
            }
        }

        throw new ReplayDivergedException(
            $"replay diverged at step {step}: the trace delivers {expected.Message} to {expected.Recipient}, but the runnable candidates are {Describe(candidates)}");
    }

    private static string Describe(IReadOnlyList<ScheduleCandidate> candidates) =>
        string.Join(", ", candidates.Select(static c => c.Id));
}

/// <summary>A replay found the run taking a different course from the recorded trace: the code or its inputs changed.</summary>
public sealed class ReplayDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ReplayDivergedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ReplayDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ReplayDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Folds a 64-bit seed into the 32 bits <see cref="Random"/> takes, without losing the high half.</summary>
internal static class SeedMixer
{
    public static int ToInt32(long seed)
    {
        // splitmix64 finaliser: neighbouring seeds give unrelated streams.
        var z = unchecked((ulong)seed + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return unchecked((int)z ^ (int)(z >> 32));
    }
}
