using System.Collections.Concurrent;

namespace ActorPager.Runtime.Tests;

/// <summary>Systems set up the way the tests want them: quiet, and deterministic when asked.</summary>
internal static class Systems
{
    /// <summary>A generous real-time bound for thread-pool tests; only a hang reaches it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static ActorSystemSettings DeterministicSettings(long seed) =>
        new() { Dispatcher = DispatcherKind.Deterministic, Seed = seed, LogToStandardError = false };

    public static ActorSystemSettings PoolSettings() => new() { LogToStandardError = false };

    public static ActorSystem Deterministic(long seed, string name = "det") => ActorSystem.Create(name, DeterministicSettings(seed));

    public static ActorSystem Pool(string name = "pool") => ActorSystem.Create(name, PoolSettings());

    public static DeterministicDispatcher Det(this ActorSystem system) =>
        system.Deterministic ?? throw new InvalidOperationException("not a deterministic system");

    /// <summary>Waits for <paramref name="task"/> with <see cref="Patience"/>, saying what it waited for on timeout.</summary>
    public static async Task<T> Within<T>(this Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Patience);
        }
        catch (TimeoutException ex) when (!task.IsCompleted)
        {
            throw new TimeoutException($"timed out after {Patience.TotalSeconds} s waiting for {what}", ex);
        }
    }

    /// <inheritdoc cref="Within{T}(Task{T}, string)"/>
    public static async Task Within(this Task task, string what)
    {
        try
        {
            await task.WaitAsync(Patience);
        }
        catch (TimeoutException ex) when (!task.IsCompleted)
        {
            throw new TimeoutException($"timed out after {Patience.TotalSeconds} s waiting for {what}", ex);
        }
    }
}

/// <summary>
/// A ref that records every message told to it (on the sender's thread) and lets a test wait
/// for a count. It has no mailbox, so it sees messages the moment they are sent.
/// </summary>
internal sealed class TestRef : IActorRef
{
    private readonly Lock _lock = new();
    private readonly List<(object Message, IActorRef? Sender)> _received = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

    public TestRef(string name = "probe") => Path = ActorPath.Root("test").Child(name);

    public ActorPath Path { get; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _received.Count;
            }
        }
    }

    public IReadOnlyList<object> Messages
    {
        get
        {
            lock (_lock)
            {
                return [.. _received.Select(static r => r.Message)];
            }
        }
    }

    public IReadOnlyList<IActorRef?> Senders
    {
        get
        {
            lock (_lock)
            {
                return [.. _received.Select(static r => r.Sender)];
            }
        }
    }

    public IReadOnlyList<T> OfType<T>() => [.. Messages.OfType<T>()];

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_lock)
        {
            _received.Add((message, sender));
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_received.Count >= _waiters[i].Count)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Completes when at least <paramref name="count"/> messages have arrived (fails after <see cref="Systems.Patience"/>).</summary>
    public Task WaitForCount(int count)
    {
        TaskCompletionSource done;
        lock (_lock)
        {
            if (_received.Count >= count)
            {
                return Task.CompletedTask;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
        }

        return done.Task.Within($"{count} messages at {Path} (have {Count})");
    }

    public bool Equals(IActorRef? other) => ReferenceEquals(this, other);

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => Path.GetHashCode();

    public override string ToString() => Path.ToString();
}

/// <summary>Collects events of one type from a system's event stream.</summary>
internal sealed class EventLog<T> : IDisposable
{
    private readonly ConcurrentQueue<T> _events = new();
    private readonly IDisposable _subscription;

    public EventLog(ActorSystem system) => _subscription = system.EventStream.Subscribe<T>(_events.Enqueue);

    public IReadOnlyList<T> Events => [.. _events];

    public void Dispose() => _subscription.Dispose();
}

/// <summary>
/// An actor assembled from delegates, so a test states its behaviour in place. It exposes the
/// protected members the delegates need.
/// </summary>
internal sealed class FuncActor : ActorBase
{
    private readonly Func<FuncActor, object, bool> _receive;
    private readonly ActorHooks? _hooks;

    public FuncActor(Func<FuncActor, object, bool> receive, ActorHooks? hooks = null)
    {
        _receive = receive;
        _hooks = hooks;
        _hooks?.Constructed?.Invoke(this);
    }

    public IActorContext Ctx => Context;

    public IActorRef Me => Self;

    public IActorRef From => Sender;

    /// <summary>Per-instance state for the delegates.</summary>
    public int Counter { get; set; }

    public static Props Props(Func<FuncActor, object, bool> receive, ActorHooks? hooks = null) =>
        Runtime.Props.Create(() => new FuncActor(receive, hooks));

    /// <summary>Props of an actor that handles everything with <paramref name="receive"/>.</summary>
    public static Props Props(Action<FuncActor, object> receive, ActorHooks? hooks = null) =>
        Runtime.Props.Create(() => new FuncActor((a, m) => { receive(a, m); return true; }, hooks));

    public void CallUnhandled(object message) => Unhandled(message);

    protected internal override bool Receive(object message) => _receive(this, message);

    protected internal override SupervisorStrategy SupervisorStrategy() => _hooks?.Strategy ?? base.SupervisorStrategy();

    protected internal override void PreStart()
    {
        if (_hooks?.PreStart is { } preStart)
        {
            preStart(this);
        }
    }

    protected internal override void PostStop() => _hooks?.PostStop?.Invoke(this);

    protected internal override void PreRestart(Exception reason, object? message)
    {
        _hooks?.PreRestart?.Invoke(this, reason, message);
        base.PreRestart(reason, message);
    }

    protected internal override void PostRestart(Exception reason)
    {
        _hooks?.PostRestart?.Invoke(this, reason);
        base.PostRestart(reason);
    }
}

/// <summary>Optional lifecycle delegates of a <see cref="FuncActor"/>.</summary>
internal sealed record ActorHooks
{
    public Action<FuncActor>? Constructed { get; init; }

    public Action<FuncActor>? PreStart { get; init; }

    public Action<FuncActor>? PostStop { get; init; }

    public Action<FuncActor, Exception, object?>? PreRestart { get; init; }

    public Action<FuncActor, Exception>? PostRestart { get; init; }

    public SupervisorStrategy? Strategy { get; init; }
}

/// <summary>Replies to every message with the same message.</summary>
internal sealed class Echo : ReceiveActor
{
    public Echo() => ReceiveAny(m => Sender.Tell(m, Self));
}

/// <summary>A failure the tests throw on purpose.</summary>
internal sealed class TestFailure : Exception
{
    public TestFailure()
    {
    }

    public TestFailure(string message)
        : base(message)
    {
    }

    public TestFailure(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
