using Akka.Actor;

namespace ActorPager.Harness.Dispatch;

/// <summary>
/// Asks whose replies are external events of the deterministic dispatcher. The reply ref is a
/// minimal actor ref: a Tell to it is held, and the strategy decides when the asker's task
/// completes; its continuations (with <c>ConfigureAwait(false)</c>) then run inline, in that step.
/// </summary>
internal sealed class AskReplies(DeterministicSystem owner) : IExternalEventSource
{
    private readonly Lock _lock = new();
    /// <summary>Replies held, oldest first, each with its description (made once: the dispatcher asks at every step).</summary>
    private readonly List<(Promise Promise, object Message, string Description)> _pending = [];
    private int _asks;

    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    public string Describe(int index)
    {
        lock (_lock)
        {
            return _pending[index].Description;
        }
    }

    public void Run(int index)
    {
        Promise promise;
        object message;
        lock (_lock)
        {
            (promise, message, _) = _pending[index];
            _pending.RemoveAt(index);
        }

        promise.Complete(message);
    }

    public void Clear()
    {
        lock (_lock)
        {
            _pending.Clear();
            _asks = 0;
        }
    }

    public Task<object> Ask(ICanTell target, object message, TimeSpan timeout)
    {
        int number;
        lock (_lock)
        {
            number = ++_asks;
        }

        var system = (ExtendedActorSystem)owner.System;
        var promise = new Promise(this, system.Provider, number);
        var cancel = new Cancelable((IActionScheduler)owner.Clock);
        promise.Timeout = cancel;
        owner.Clock.ScheduleOnce(timeout, () => promise.Fail(new AskTimeoutException($"ask #{number} of {message.GetType().Name} timed out after {timeout} of virtual time")), cancel);
        target.Tell(message, promise);
        return promise.Task;
    }

    /// <summary>A task that completes in a step the strategy chooses, with no message sent: a scheduling point for client code.</summary>
    public Task<object> Yield()
    {
        int number;
        lock (_lock)
        {
            number = ++_asks;
        }

        var promise = new Promise(this, ((ExtendedActorSystem)owner.System).Provider, number);
        lock (_lock)
        {
            _pending.Add((promise, YieldToken.Instance, $"yield {number}"));
        }

        return promise.Task;
    }

    /// <summary>What a yield completes with.</summary>
    private sealed class YieldToken
    {
        public static YieldToken Instance { get; } = new();
    }

    private void Hold(Promise promise, object message)
    {
        lock (_lock)
        {
            _pending.Add((promise, message, $"reply {promise.Number} {message.GetType().Name}"));
        }
    }

    /// <summary>The reply address of one ask.</summary>
    internal sealed class Promise(AskReplies owner, IActorRefProvider provider, int number) : MinimalActorRef
    {
        // No RunContinuationsAsynchronously: awaiting code continues inline, inside the step.
        private readonly TaskCompletionSource<object> _result = new();
        private int _replied;

        public int Number { get; } = number;

        public Task<object> Task => _result.Task;

        public ICancelable? Timeout { get; set; }

        // Named after the run's own ask count, not Akka's system-wide temp counter: the name is the
        // sender of the request in the trace, and the same seed must give the same trace on every run.
        public override ActorPath Path { get; } = provider.TempContainer.Path / ("ask-" + number.ToString(System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>The path as the trace names a sender: without the address.</summary>
        public string PathText => field ??= Path.ToStringWithoutAddress();

        public override IActorRefProvider Provider { get; } = provider;

        public void Complete(object message)
        {
            Timeout?.Cancel();
            if (message is Status.Failure failure)
            {
                _result.TrySetException(failure.Cause);
            }
            else
            {
                _result.TrySetResult(message);
            }
        }

        public void Fail(Exception error) => _result.TrySetException(error);

        protected override void TellInternal(object message, IActorRef sender)
        {
            // The first reply counts, as with Akka's own ask; later ones are dropped.
            if (Interlocked.Exchange(ref _replied, 1) == 0 && !_result.Task.IsCompleted)
            {
                owner.Hold(this, message);
            }
        }
    }
}
