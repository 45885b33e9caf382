namespace ActorPager.Runtime;

/// <summary>
/// A hierarchy of actors with its dispatchers, scheduler, event stream and dead letters. Top-level
/// actors live under <c>/user</c>; the runtime's own under <c>/system</c>. <see cref="Terminate"/>
/// stops everything in order (children before parents) and completes <see cref="WhenTerminated"/>.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorCell _root;
    private readonly ActorCell _userGuardian;
    private readonly ActorCell _systemGuardian;
    private readonly IDisposable? _stderrLogger;
    private long _tempCounter;

    private ActorSystem(string name, ActorSystemSettings settings)
    {
        Name = name;
        Settings = settings;
        EventStream = new EventStream();
        var rootPath = ActorPath.Root(name);
        DeadLettersRef = new DeadLetterActorRef(rootPath.Child("deadLetters"), EventStream);
        TempPath = rootPath.Child("temp");

        VirtualTimeScheduler? clock = null;
        if (settings.Dispatcher == DispatcherKind.Deterministic || settings.Scheduler == SchedulerKind.Virtual)
        {
            clock = new VirtualTimeScheduler();
            Scheduler = clock;
        }
        else
        {
            Scheduler = new RealTimeScheduler(settings.SchedulerTick, settings.TicksPerWheel);
        }

        ((SchedulerBase)Scheduler).SetErrorHandler(ex => Log(LogLevel.Error, "scheduler", $"a scheduled action failed: {ex.Message}", ex));
        Dispatchers = new Dispatchers(settings, clock);
        if (settings.LogToStandardError && settings.LogLevel != LogLevel.Off)
        {
            _stderrLogger = EventStream.Subscribe<LogEvent>(static e => Console.Error.WriteLine(e.ToString()));
        }

        var dispatcher = Dispatchers.Default;
        _root = new ActorCell(this, Props.Create(static () => new RootGuardian()).WithSupervisorStrategy(SupervisorStrategy.StoppingStrategy), null, name, dispatcher, MailboxOptions.Unbounded);
        _userGuardian = _root.MakeChild(Props.Create(static () => new Guardian()), "user", systemName: true);
        _systemGuardian = _root.MakeChild(Props.Create(static () => new Guardian()), "system", systemName: true);
        _root.SendSystemMessage(new Create());
    }

    /// <summary>The system's name (the host part of every path).</summary>
    public string Name { get; }

    /// <summary>The settings it was made with.</summary>
    public ActorSystemSettings Settings { get; }

    /// <summary>The scheduler: real or virtual time.</summary>
    public IScheduler Scheduler { get; }

    /// <summary>The event stream.</summary>
    public EventStream EventStream { get; }

    /// <summary>The dispatchers.</summary>
    public Dispatchers Dispatchers { get; }

    /// <summary>The deterministic dispatcher, when the system runs on one (null on the thread pool).</summary>
    public DeterministicDispatcher? Deterministic => Dispatchers.Deterministic;

    /// <summary>The seed of every random source in the system.</summary>
    public long Seed => Settings.Seed;

    /// <summary>The ref undeliverable messages go to.</summary>
    public IActorRef DeadLetters => DeadLettersRef;

    /// <summary>How many messages went to dead letters.</summary>
    public long DeadLetterCount => DeadLettersRef.Count;

    /// <summary>The guardian of top-level actors (<c>/user</c>).</summary>
    public IActorRef UserGuardian => _userGuardian;

    /// <summary>Completes when the system has terminated.</summary>
    public Task WhenTerminated => _terminated.Task;

    internal DeadLetterActorRef DeadLettersRef { get; }

    internal ActorPath TempPath { get; }

    /// <summary>Creates a system.</summary>
    /// <param name="name">Letters, digits, '-' and '_', starting with a letter or digit.</param>
    /// <param name="settings">Settings; <see cref="ActorSystemSettings.Default"/> when null.</param>
    public static ActorSystem Create(string name, ActorSystemSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || !char.IsAsciiLetterOrDigit(name[0]) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            throw new ArgumentException($"invalid actor system name '{name}': use letters, digits, '-' and '_', starting with a letter or digit", nameof(name));
        }

        return new ActorSystem(name, settings ?? ActorSystemSettings.Default);
    }

    /// <summary>Creates a top-level actor under <c>/user</c>. Safe from any thread.</summary>
    /// <param name="props">The recipe.</param>
    /// <param name="name">A name unique among live top-level actors; null picks one.</param>
    /// <exception cref="InvalidActorNameException">The name is invalid or taken.</exception>
    public IActorRef ActorOf(Props props, string? name = null) => _userGuardian.ActorOf(props, name);

    /// <summary>Creates an actor under <c>/system</c>, for the runtime's and the library's own services.</summary>
    public IActorRef SystemActorOf(Props props, string? name = null) => _systemGuardian.ActorOf(props, name);

    /// <summary>
    /// Messages waiting in <paramref name="actor"/>'s mailbox now (a snapshot, for monitoring);
    /// null for a ref without a mailbox (a stopped actor's is 0 or null, an Ask's temporary ref, dead letters).
    /// </summary>
    public static int? MailboxDepth(IActorRef actor) => actor is ActorCell cell && !cell.Mailbox.IsClosed ? cell.Mailbox.NumberOfMessages : null;

    /// <summary>Stops an actor (after its children).</summary>
    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is IInternalActorRef target)
        {
            target.SendSystemMessage(new Terminate());
        }
    }

    /// <summary>
    /// Stops every actor, children before parents, running each PostStop; then stops the
    /// scheduler. On the deterministic dispatcher the returned task completes only as the
    /// dispatcher is stepped (the test kit does that).
    /// </summary>
    public Task Terminate()
    {
        _root.Tell(RootGuardian.TerminateSystem.Instance);
        return WhenTerminated;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        var terminating = Terminate();
        if (Deterministic is { } deterministic)
        {
            deterministic.RunUntil(() => terminating.IsCompleted);
        }

        await terminating.ConfigureAwait(false);
    }

    /// <summary>Publishes a log event (when at or above the configured level).</summary>
    public void Log(LogLevel level, string source, string message, Exception? cause = null)
    {
        if (level >= Settings.LogLevel && level != LogLevel.Off)
        {
            EventStream.Publish(new LogEvent(level, source, message, cause));
        }
    }

    /// <summary>A fresh path under <c>/temp</c>, for ask promises.</summary>
    internal ActorPath NewTempPath() => TempPath.Child("$" + Interlocked.Increment(ref _tempCounter).ToString(System.Globalization.CultureInfo.InvariantCulture));

    internal void OnRootTerminated()
    {
        (Scheduler as IDisposable)?.Dispose();
        foreach (var id in new[] { Dispatchers.DefaultDispatcherId })
        {
            Dispatchers.Lookup(id).Shutdown();
        }

        _stderrLogger?.Dispose();
        _terminated.TrySetResult();
    }

    /// <inheritdoc />
    public override string ToString() => $"ActorSystem({Name})";

    /// <summary>The guardian of /user and /system: supervises with the default strategy.</summary>
    private sealed class Guardian : ActorBase
    {
        protected internal override bool Receive(object message) => false;
    }

    /// <summary>The root: on TerminateSystem stops /user, then itself (and so /system after it).</summary>
    private sealed class RootGuardian : ActorBase
    {
        private IActorRef? _user;

        protected internal override void PreStart()
        {
            _user = Context.Child("user");
            if (_user is not null)
            {
                Context.Watch(_user);
            }
        }

        protected internal override bool Receive(object message)
        {
            switch (message)
            {
                case TerminateSystem when _user is not null:
                    Context.Stop(_user);
                    return true;
                case TerminateSystem:
                    Context.Stop(Self);
                    return true;
                case Terminated t when t.ActorRef.Equals(_user):
                    Context.Stop(Self);
                    return true;
                default:
                    return false;
            }
        }

        internal sealed class TerminateSystem
        {
            public static readonly TerminateSystem Instance = new();
        }
    }
}
