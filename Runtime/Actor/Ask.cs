namespace ActorPager.Runtime;

/// <summary>Request-reply from outside an actor: <c>await actor.Ask&lt;Reply&gt;(request)</c>.</summary>
public static class AskExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> with a temporary sender and completes with the first reply.
    /// A <see cref="Status.Failure"/> reply fails the task with its cause; a reply of another type
    /// fails it with <see cref="InvalidCastException"/>; no reply within the timeout fails it with
    /// <see cref="AskTimeoutException"/> naming the target and the message type.
    /// </summary>
    /// <typeparam name="T">The expected reply type.</typeparam>
    /// <param name="target">Who to ask.</param>
    /// <param name="message">The request.</param>
    /// <param name="timeout">How long to wait; the system's <c>ask-timeout</c> when null.</param>
    /// <param name="system">The system whose scheduler times the ask; found from the target when it is an actor.</param>
    public static Task<T> Ask<T>(this IActorRef target, object message, TimeSpan? timeout = null, ActorSystem? system = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        system ??= (target as ActorCell)?.SystemImpl
            ?? throw new ArgumentException($"Ask to {target.Path} needs the actor system passed explicitly (the target is not a local actor)", nameof(system));
        if (system.WhenTerminated.IsCompleted)
        {
            // Its scheduler has stopped: the timeout would never fire and the ask never end.
            return Task.FromException<T>(new InvalidOperationException($"Ask to {target.Path}: the actor system '{system.Name}' has terminated"));
        }

        var wait = timeout ?? system.Settings.AskTimeout;
        var promise = new PromiseActorRef<T>(system, target, message.GetType(), wait);
        if (wait > TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan)
        {
            ((SchedulerBase)system.Scheduler).Schedule(promise, wait);
        }

        target.Tell(message, promise);
        return promise.Task;
    }

    /// <summary>Ask with a reply of any type.</summary>
    public static Task<object> Ask(this IActorRef target, object message, TimeSpan? timeout = null, ActorSystem? system = null) =>
        target.Ask<object>(message, timeout, system);
}

/// <summary>
/// The temporary sender of an Ask: completes its task with the first reply. It is also the Ask's
/// timeout entry in the scheduler, so an Ask allocates this object, the task and its source.
/// </summary>
internal sealed class PromiseActorRef<T> : ScheduledWork, IInternalActorRef
{
    private readonly TaskCompletionSource<T> _completion;
    private readonly ActorSystem _system;
    private readonly IActorRef _target;
    private readonly Type _messageType;
    private readonly TimeSpan _timeout;
    private ActorPath? _path;

    public PromiseActorRef(ActorSystem system, IActorRef target, Type messageType, TimeSpan timeout)
    {
        // On the thread pool, continuations must not run inside the replying actor's turn. On the
        // deterministic dispatcher they must: code awaiting an Ask (with ConfigureAwait(false))
        // then goes on within the step that delivered the reply, on the one logical thread,
        // instead of on a pool thread whose timing would make the run nondeterministic.
        _completion = new TaskCompletionSource<T>(system.Deterministic is null ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);
        _system = system;
        _target = target;
        _messageType = messageType;
        _timeout = timeout;
    }

    public Task<T> Task => _completion.Task;

    public ActorPath Path => _path ??= _system.NewTempPath();

    public bool IsTerminated => _completion.Task.IsCompleted;

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        bool completed;
        switch (message)
        {
            case Status.Failure failure:
                completed = _completion.TrySetException(failure.Cause);
                break;
            case T reply:
                completed = _completion.TrySetResult(reply);
                break;
            default:
                completed = _completion.TrySetException(new InvalidCastException(
                    $"Ask to {_target.Path} with {_messageType.Name} expected a reply of type {typeof(T).Name} but got {message.GetType().Name}"));
                break;
        }

        if (completed)
        {
            Cancel();
        }
        else
        {
            _system.DeadLettersRef.Deliver(message, sender, this, "reply to an ask that had already completed");
        }
    }

    public void SendSystemMessage(SystemMessage message)
    {
        // A promise cannot watch; asked to be watched it reports itself dead once completed.
        if (message is Watch watch && IsTerminated)
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this));
        }
    }

    protected internal override void Run() =>
        _completion.TrySetException(new AskTimeoutException(
            $"Ask timed out on {_target.Path} after {_timeout.TotalMilliseconds:0} ms: no reply to a message of type {_messageType.Name}"));

    public bool Equals(IActorRef? other) => ReferenceEquals(this, other);

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => global::System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    public override string ToString() => Path.ToString();
}

/// <summary>Turns a task's outcome into a message, the one way asynchronous work re-enters an actor.</summary>
public static class PipeToExtensions
{
    /// <summary>
    /// When <paramref name="task"/> completes, tells <paramref name="recipient"/> its result (or
    /// <paramref name="success"/> of it), or a <see cref="Status.Failure"/> (or <paramref name="failure"/>
    /// of the exception). A task that has already completed is piped at once, on the calling thread.
    /// </summary>
    public static void PipeTo<T>(this Task<T> task, IActorRef recipient, IActorRef? sender = null, Func<T, object>? success = null, Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        if (task.IsCompleted)
        {
            Deliver(task, recipient, sender, success, failure);
            return;
        }

        task.ContinueWith(
            static (t, state) =>
            {
                var (r, s, ok, fail) = ((IActorRef, IActorRef?, Func<T, object>?, Func<Exception, object>?))state!;
                Deliver(t, r, s, ok, fail);
            },
            (recipient, sender, success, failure),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>When <paramref name="task"/> completes, tells <paramref name="recipient"/> a <see cref="Status.Success"/> (or <paramref name="success"/>) or a <see cref="Status.Failure"/>.</summary>
    public static void PipeTo(this Task task, IActorRef recipient, IActorRef? sender = null, Func<object>? success = null, Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        task.ContinueWith(
            static (t, state) =>
            {
                var (r, s, ok, fail) = ((IActorRef, IActorRef?, Func<object>?, Func<Exception, object>?))state!;
                if (t.IsCompletedSuccessfully)
                {
                    r.Tell(ok?.Invoke() ?? new Status.Success(null), s);
                }
                else
                {
                    var cause = Unwrap(t.Exception) ?? new TaskCanceledException(t);
                    r.Tell(fail?.Invoke(cause) ?? new Status.Failure(cause), s);
                }
            },
            (recipient, sender, success, failure),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private static void Deliver<T>(Task<T> task, IActorRef recipient, IActorRef? sender, Func<T, object>? success, Func<Exception, object>? failure)
    {
        if (task.IsCompletedSuccessfully)
        {
            var result = task.Result;
            recipient.Tell(success is not null ? success(result) : (object?)result ?? new Status.Success(null), sender);
        }
        else
        {
            var cause = Unwrap(task.Exception) ?? new TaskCanceledException(task);
            recipient.Tell(failure?.Invoke(cause) ?? new Status.Failure(cause), sender);
        }
    }

    private static Exception? Unwrap(AggregateException? exception) =>
        exception is { InnerExceptions.Count: 1 } ? exception.InnerExceptions[0] : exception;
}
