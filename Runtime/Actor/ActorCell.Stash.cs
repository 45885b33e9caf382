namespace ActorPager.Runtime;

/// <summary>Stash and receive timeout.</summary>
internal sealed partial class ActorCell
{
    /// <summary>Messages put aside, oldest first.</summary>
    private List<Envelope>? _stash;

    /// <summary>The receive timeout in force.</summary>
    private TimeSpan? _receiveTimeout;

    /// <summary>The pending timeout timer.</summary>
    private ICancelable? _receiveTimeoutTimer;

    public TimeSpan? ReceiveTimeout => _receiveTimeout;

    public void Stash()
    {
        if (_current.Message is null)
        {
            throw new InvalidOperationException($"{PathString}: Stash() may be called only while handling a message");
        }

        (_stash ??= []).Add(_current);
    }

    public void Unstash()
    {
        if (_stash is not { Count: > 0 } stash)
        {
            return;
        }

        var first = stash[0];
        stash.RemoveAt(0);
        _mailbox.Prepend([first]);
    }

    public void UnstashAll()
    {
        if (_stash is not { Count: > 0 } stash)
        {
            return;
        }

        _mailbox.Prepend(stash);
        stash.Clear();
    }

    /// <summary>Stashed messages of a stopped actor go to dead letters.</summary>
    private void DropStash()
    {
        if (_stash is null)
        {
            return;
        }

        foreach (var envelope in _stash)
        {
            _system.DeadLettersRef.Deliver(envelope.Message, envelope.Sender, this, "stashed when the actor stopped");
        }

        _stash = null;
    }

    /// <summary>Messages waiting in the stash.</summary>
    public int StashCount => _stash?.Count ?? 0;

    public void SetReceiveTimeout(TimeSpan? timeout)
    {
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "a receive timeout must be positive (or null to turn it off)");
        }

        _receiveTimeout = timeout;
        CancelReceiveTimeout();
        if (timeout is not null && !IsTerminating)
        {
            RescheduleReceiveTimeout();
        }
    }

    private void RescheduleReceiveTimeout()
    {
        CancelReceiveTimeout();
        _receiveTimeoutTimer = _system.Scheduler.ScheduleTellOnce(_receiveTimeout!.Value, this, Runtime.ReceiveTimeout.Instance, null);
    }

    private void CancelReceiveTimeout()
    {
        _receiveTimeoutTimer?.Cancel();
        _receiveTimeoutTimer = null;
    }
}
