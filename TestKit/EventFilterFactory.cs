using ActorPager.Runtime;
using ActorPager.TestKit.Internal;

namespace ActorPager.TestKit;

/// <summary>
/// Makes <see cref="EventFilter"/>s, as Akka.NET's <c>EventFilter</c> property does:
/// <c>EventFilter.Error(contains: "disk full").ExpectOne(() => actor.Tell(write))</c>. Each filter
/// matches one kind of event published on the system's <see cref="EventStream"/>.
/// </summary>
public sealed class EventFilterFactory
{
    private readonly TestKitEnvironment _env;

    /// <summary>Filters for a system used outside a <see cref="TestKit"/>.</summary>
    public EventFilterFactory(ActorSystem system)
        : this(new TestKitEnvironment(system ?? throw new ArgumentNullException(nameof(system))))
    {
    }

    internal EventFilterFactory(TestKitEnvironment environment) => _env = environment;

    /// <summary>Log events at <see cref="LogLevel.Debug"/>; see <see cref="Log"/>.</summary>
    public EventFilter Debug(string? contains = null, string? source = null) => Log(LogLevel.Debug, contains, source);

    /// <summary>Log events at <see cref="LogLevel.Info"/>; see <see cref="Log"/>.</summary>
    public EventFilter Info(string? contains = null, string? source = null) => Log(LogLevel.Info, contains, source);

    /// <summary>Log events at <see cref="LogLevel.Warning"/>; see <see cref="Log"/>.</summary>
    public EventFilter Warning(string? contains = null, string? source = null) => Log(LogLevel.Warning, contains, source);

    /// <summary>Log events at <see cref="LogLevel.Error"/> (an actor that throws logs one); see <see cref="Log"/>.</summary>
    public EventFilter Error(string? contains = null, string? source = null) => Log(LogLevel.Error, contains, source);

    /// <summary>Log events at exactly <paramref name="level"/>.</summary>
    /// <param name="level">The level.</param>
    /// <param name="contains">Text the message must contain (ordinal), or null for any.</param>
    /// <param name="source">Text the source (an actor path or component) must contain, or null for any.</param>
    /// <exception cref="InvalidOperationException">The system does not publish events at that level (its <see cref="ActorSystemSettings.LogLevel"/> is higher).</exception>
    public EventFilter Log(LogLevel level, string? contains = null, string? source = null)
    {
        if (level == LogLevel.Off || level < _env.System.Settings.LogLevel)
        {
            throw new InvalidOperationException(
                $"{level} log events are never published by {_env.System.Name}: its LogLevel is {_env.System.Settings.LogLevel}; lower it in the settings to filter them");
        }

        return new EventFilter(
            _env,
            typeof(LogEvent),
            e => e is LogEvent l && l.Level == level && Contains(l.Message, contains) && Contains(l.Source, source),
            $"{level} log event{Describe(contains, source)}");
    }

    /// <summary>Log events (of any level) whose cause is a <typeparamref name="TException"/>, as an actor's failure logs.</summary>
    /// <param name="contains">Text the log message must contain, or null for any.</param>
    public EventFilter Exception<TException>(string? contains = null)
        where TException : Exception =>
        new(
            _env,
            typeof(LogEvent),
            e => e is LogEvent { Cause: TException } l && Contains(l.Message, contains),
            $"log event caused by {TestKitEnvironment.TypeName(typeof(TException))}{Describe(contains, null)}");

    /// <summary>Dead letters carrying a <typeparamref name="T"/> (for which <paramref name="isMessage"/> is true, when given).</summary>
    public EventFilter DeadLetter<T>(Func<T, bool>? isMessage = null) =>
        new(
            _env,
            typeof(DeadLetter),
            e => e is DeadLetter { Message: T m } && (isMessage is null || isMessage(m)),
            $"dead letter of {TestKitEnvironment.TypeName(typeof(T))}");

    /// <summary>Dead letters of any message.</summary>
    public EventFilter DeadLetter() => DeadLetter<object>();

    /// <summary>Unhandled messages of type <typeparamref name="T"/> (for which <paramref name="isMessage"/> is true, when given).</summary>
    public EventFilter Unhandled<T>(Func<T, bool>? isMessage = null) =>
        new(
            _env,
            typeof(UnhandledMessage),
            e => e is UnhandledMessage { Message: T m } && (isMessage is null || isMessage(m)),
            $"unhandled {TestKitEnvironment.TypeName(typeof(T))}");

    /// <summary>Events of type <typeparamref name="TEvent"/> for which <paramref name="isEvent"/> is true.</summary>
    /// <param name="isEvent">The condition.</param>
    /// <param name="description">What the filter matches, for failure messages.</param>
    public EventFilter Custom<TEvent>(Func<TEvent, bool> isEvent, string description)
    {
        ArgumentNullException.ThrowIfNull(isEvent);
        ArgumentNullException.ThrowIfNull(description);
        return new EventFilter(_env, typeof(TEvent), e => e is TEvent t && isEvent(t), description);
    }

    private static bool Contains(string text, string? part) => part is null || text.Contains(part, StringComparison.Ordinal);

    private static string Describe(string? contains, string? source) =>
        (contains is null ? "" : $" containing \"{contains}\"") + (source is null ? "" : $" from a source containing \"{source}\"");
}
