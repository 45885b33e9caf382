namespace ActorPager.Runtime;

/// <summary>Death watch: who this actor watches, who watches it, and Terminated exactly once.</summary>
internal sealed partial class ActorCell
{
    /// <summary>Actors this one watches.</summary>
    private HashSet<IInternalActorRef>? _watching;

    /// <summary>Actors watching this one.</summary>
    private HashSet<IInternalActorRef>? _watchedBy;

    /// <summary>Terminated messages queued to self and not yet handled; an Unwatch in between drops them.</summary>
    private HashSet<IActorRef>? _terminatedQueued;

    public IActorRef Watch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (ReferenceEquals(subject, this))
        {
            return subject;
        }

        if (subject is not IInternalActorRef target)
        {
            // A ref with no lifecycle can never report its death: treat it as already dead.
            // ReceiveTerminated delivers only Terminated messages recorded as queued (so an
            // Unwatch can drop them), so record this one too, once however often it is watched.
            if ((_terminatedQueued ??= []).Add(subject))
            {
                Tell(new Terminated(subject), subject);
            }

            return subject;
        }

        if ((_watching ??= []).Add(target))
        {
            target.SendSystemMessage(new Watch(target, this));
        }

        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject is IInternalActorRef target && _watching is not null && _watching.Remove(target))
        {
            target.SendSystemMessage(new Unwatch(target, this));
        }

        _terminatedQueued?.Remove(subject);
        return subject;
    }

    private void AddWatcher(Watch watch)
    {
        if (ReferenceEquals(watch.Watcher, this))
        {
            return;
        }

        if (_state == LifeState.Terminated)
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this));
            return;
        }

        (_watchedBy ??= []).Add(watch.Watcher);
    }

    private void RemoveWatcher(Unwatch unwatch) => _watchedBy?.Remove(unwatch.Watcher);

    /// <summary>A watched actor or a child stopped.</summary>
    private void WatchedActorTerminated(IInternalActorRef actor)
    {
        var child = actor as ActorCell;
        var wasChild = child is not null && ReferenceEquals(child._parent, this) && RemoveChild(child);
        if (_watching is not null && _watching.Remove(actor) && !IsTerminating)
        {
            // Delivered as a user message so it keeps its place among the others; exactly once,
            // because the watching entry is gone now.
            (_terminatedQueued ??= []).Add(actor);
            Tell(new Terminated(actor), actor);
        }

        if (wasChild && _stoppingChildren is not null && _stoppingChildren.Remove(child!) && _stoppingChildren.Count == 0
            && _pendingRestart is { } restartCause && !IsTerminating)
        {
            _pendingRestart = null;
            FinishRestart(restartCause);
        }

        if (wasChild && _state == LifeState.Terminating && !HasChildren)
        {
            FinishTerminate();
        }
    }

    private void ReceiveTerminated(Terminated terminated)
    {
        if (_terminatedQueued is null || !_terminatedQueued.Remove(terminated.ActorRef))
        {
            // Unwatched after the notification was queued (or not from the runtime): drop it.
            return;
        }

        ReceiveMessage(terminated);
    }

    private void UnwatchAll()
    {
        if (_watching is null)
        {
            return;
        }

        foreach (var target in _watching)
        {
            target.SendSystemMessage(new Unwatch(target, this));
        }

        _watching = null;
        _terminatedQueued = null;
    }

    private void NotifyWatchers()
    {
        if (_watchedBy is null)
        {
            return;
        }

        foreach (var watcher in _watchedBy)
        {
            watcher.SendSystemMessage(new DeathWatchNotification(this));
        }

        _watchedBy = null;
    }
}
