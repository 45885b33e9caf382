namespace ActorPager.Runtime;

/// <summary>The dispatchers of a system, by id.</summary>
public sealed class Dispatchers
{
    /// <summary>The id of the dispatcher actors get unless their props name another.</summary>
    public const string DefaultDispatcherId = "default-dispatcher";

    private readonly Dictionary<string, MessageDispatcher> _byId = new(StringComparer.Ordinal);
    private readonly DeterministicDispatcher? _deterministic;

    internal Dispatchers(ActorSystemSettings settings, VirtualTimeScheduler? clock)
    {
        if (settings.Dispatcher == DispatcherKind.Deterministic)
        {
            // The whole system on one logical thread: every id maps to the one dispatcher.
            _deterministic = new DeterministicDispatcher(DefaultDispatcherId, settings.Seed, settings.CreateStrategy(), clock!, settings.TraceLimit);
            _byId[DefaultDispatcherId] = _deterministic;
        }
        else
        {
            _byId[DefaultDispatcherId] = new ThreadPoolDispatcher(DefaultDispatcherId, settings.Throughput);
            foreach (var (id, throughput) in settings.ExtraDispatchers)
            {
                _byId[id] = new ThreadPoolDispatcher(id, throughput);
            }
        }
    }

    /// <summary>The default dispatcher.</summary>
    public MessageDispatcher Default => _byId[DefaultDispatcherId];

    /// <summary>The deterministic dispatcher, when the system runs on one.</summary>
    public DeterministicDispatcher? Deterministic => _deterministic;

    /// <summary>The dispatcher called <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentException">No dispatcher has that id; the message lists those that do.</exception>
    public MessageDispatcher Lookup(string id)
    {
        if (_deterministic is not null)
        {
            return _deterministic;
        }

        return _byId.TryGetValue(id, out var dispatcher)
            ? dispatcher
            : throw new ArgumentException($"no dispatcher called '{id}'; configured: {string.Join(", ", _byId.Keys.Order(StringComparer.Ordinal))}", nameof(id));
    }
}
