namespace ActorPager.Runtime;

/// <summary>Start, stop, failure and restart (FaultHandling in Akka's terms).</summary>
internal sealed partial class ActorCell
{
    private enum LifeState
    {
        New,
        Running,
        Terminating,
        Terminated,
    }

    private LifeState _state;

    /// <summary>True from a failure until the supervisor's directive arrives.</summary>
    private bool _awaitingDirective;

    /// <summary>
    /// True while the mailbox and the children carry the one suspension a failure adds. A restart
    /// whose new instance fails to start fails again before any directive has resumed them; that
    /// second failure must not suspend a second time, or the one resume of the next successful
    /// restart would leave the actor suspended for good.
    /// </summary>
    private bool _suspendedByFailure;

    /// <summary>The cause of a restart waiting for the children PreRestart stopped; null when none waits.</summary>
    private Exception? _pendingRestart;

    /// <summary>The message whose handling failed, handed to PreRestart.</summary>
    private object? _failedMessage;

    /// <summary>Restart count in the current window, kept for the parent's strategy.</summary>
    private ChildRestartStats? _restartStats;

    public ChildRestartStats RestartStats => _restartStats ??= new ChildRestartStats();

    public bool IsTerminating => _state >= LifeState.Terminating;

    private void Start()
    {
        if (_state != LifeState.New)
        {
            return;
        }

        _state = LifeState.Running;
        CreateInstance();
    }

    /// <summary>Makes a fresh instance and runs PreStart (or PostRestart, when <paramref name="restartCause"/> is set).</summary>
    private bool CreateInstance(Exception? restartCause = null)
    {
        ActorBase instance;
        var previous = Current;
        Current = this;
        try
        {
            instance = _props.Factory();
        }
#pragma warning disable CA1031 // A constructor failure is reported to the supervisor as an initialization failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            FailInitialization(new ActorInitializationException($"{PathString}: creating {_props.ActorType.Name} failed: {ex.Message}", ex));
            return false;
        }
        finally
        {
            Current = previous;
        }

        // The cell check catches an instance made for another actor; Installed catches a factory
        // handing back an instance that already served (the failed one, on a restart), whose
        // state a restart exists to throw away.
        if (!ReferenceEquals(instance.Cell, this) || instance.Installed)
        {
            FailInitialization(new ActorInitializationException($"{PathString}: the Props factory for {_props.ActorType.Name} returned an actor that was not made for this actor (reuse of an instance?)"));
            return false;
        }

        instance.Installed = true;
        _actor = instance;
        try
        {
            if (restartCause is null)
            {
                instance.PreStart();
            }
            else
            {
                instance.PostRestart(restartCause);
            }
        }
#pragma warning disable CA1031 // As above.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            FailInitialization(new ActorInitializationException($"{PathString}: {(restartCause is null ? "PreStart" : "PostRestart")} of {_props.ActorType.Name} failed: {ex.Message}", ex));
            return false;
        }

        return true;
    }

    /// <summary>
    /// Making or starting the instance failed. Logged here because these failures do not pass
    /// through <see cref="HandleInvokeFailure"/>, and the default decider stops the actor: without
    /// the log the actor would vanish with nothing said.
    /// </summary>
    private void FailInitialization(ActorInitializationException failure)
    {
        _system.Log(LogLevel.Error, PathString, failure.Message, failure);
        Fail(failure, null);
    }

    /// <summary>The actor threw: log it with the message, suspend, and ask the supervisor.</summary>
    private void HandleInvokeFailure(Exception cause, object? message)
    {
        _system.Log(
            LogLevel.Error,
            PathString,
            $"{_props.ActorType.Name} failed handling {Describe(message)}{(_current.Sender is { } s ? " from " + s.Path : "")}: {cause.GetType().Name}: {cause.Message}",
            cause);
        Fail(cause, message);
    }

    private void Fail(Exception cause, object? message)
    {
        if (IsTerminating)
        {
            // A failure while stopping (in PostStop, say) has no one to decide on it: logged, done.
            return;
        }

        if (_awaitingDirective)
        {
            return;
        }

        _awaitingDirective = true;
        _failedMessage = message;
        if (!_suspendedByFailure)
        {
            _suspendedByFailure = true;
            SuspendSelfAndChildren();
        }

        if (_parent is null)
        {
            // The root guardian has no supervisor: stop it, which stops the system.
            BeginTerminate();
            return;
        }

        _parent.SendSystemMessage(new Failed(this, cause));
    }

    private void HandleFailedChild(ActorCell child, Exception cause)
    {
        if (!IsLiveChild(child))
        {
            return;
        }

        var strategy = _props.SupervisorStrategy ?? _actor?.SupervisorStrategy() ?? SupervisorStrategy.Default;
        Directive directive;
        try
        {
            directive = strategy.Decider(cause);
        }
#pragma warning disable CA1031 // A throwing decider escalates, as in Akka.
        catch (Exception)
#pragma warning restore CA1031
        {
            directive = Directive.Escalate;
        }

        var targets = strategy.AppliesToAllChildren ? ChildrenSnapshot() : [child];
        switch (directive)
        {
            case Directive.Resume:
                child.SendSystemMessage(new Resume(cause));
                break;
            case Directive.Restart when strategy.RequestRestartPermission(child.RestartStats, _system.Scheduler.Elapsed):
                foreach (var target in targets)
                {
                    target.SendSystemMessage(new Recreate(cause));
                }

                break;
            case Directive.Restart:
                _system.Log(LogLevel.Error, PathString, $"{child.PathString} exceeded {strategy.MaxNrOfRetries} restarts within {strategy.WithinTimeRange}; stopping it");
                foreach (var target in targets)
                {
                    StopChild(target);
                }

                break;
            case Directive.Stop:
                foreach (var target in targets)
                {
                    StopChild(target);
                }

                break;
            default:
                Fail(cause, null);
                break;
        }
    }

    private void SuspendSelfAndChildren()
    {
        _mailbox.Suspend();
        foreach (var child in ChildrenSnapshot())
        {
            child.SendSystemMessage(new Suspend());
        }
    }

    private void ResumeSelfAndChildren(Exception? causedByFailure)
    {
        if (causedByFailure is not null)
        {
            if (!_awaitingDirective)
            {
                return;
            }

            _awaitingDirective = false;
            _failedMessage = null;
            _suspendedByFailure = false;
        }

        _mailbox.Resume();
        foreach (var child in ChildrenSnapshot())
        {
            child.SendSystemMessage(new Resume(null));
        }
    }

    /// <summary>Replaces the instance; the mailbox and the messages waiting in it are kept.</summary>
    private void Restart(Exception cause)
    {
        if (IsTerminating)
        {
            return;
        }

        var failed = _actor;
        if (failed is not null)
        {
            try
            {
                failed.PreRestart(cause, _failedMessage);
            }
#pragma warning disable CA1031 // PreRestart failing must not stop the restart; it is logged.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _system.Log(LogLevel.Error, PathString, $"PreRestart of {_props.ActorType.Name} failed: {ex.Message}", ex);
            }
        }

        _actor = null;
        _behaviors = null;
        _failedMessage = null;
        _awaitingDirective = false;
        CancelReceiveTimeout();
        _receiveTimeout = null;

        // Stashed messages go back in front of the mailbox so the new instance sees them.
        UnstashAll();

        // Children the old instance stopped (the default PreRestart stops them all) still hold
        // their names until they report back; a new instance creating a child of the same name
        // in PreStart would fail on the duplicate. Finish the restart once they are gone, as
        // Akka does. The mailbox stays suspended meanwhile, so no user message sees no instance.
        if (_stoppingChildren is { Count: > 0 })
        {
            _pendingRestart = cause;
            return;
        }

        FinishRestart(cause);
    }

    /// <summary>Makes the new instance of a restart and, when it starts, resumes the actor.</summary>
    private void FinishRestart(Exception cause)
    {
        if (!CreateInstance(cause))
        {
            // Still suspended from the failure that led here; Fail has asked the supervisor again.
            return;
        }

        // A sibling restarted by an all-for-one strategy did not fail and was never suspended:
        // only undo a suspension this actor's own failure added.
        if (_suspendedByFailure)
        {
            _suspendedByFailure = false;
            ResumeSelfAndChildren(null);
        }
    }

    /// <summary>Starts stopping: children first, then this actor.</summary>
    private void BeginTerminate()
    {
        if (IsTerminating)
        {
            return;
        }

        _state = LifeState.Terminating;
        _pendingRestart = null;
        CancelReceiveTimeout();
        _mailbox.Suspend();
        var children = ChildrenSnapshot();
        if (children.Length == 0)
        {
            FinishTerminate();
            return;
        }

        foreach (var child in children)
        {
            child.SendSystemMessage(new Terminate());
        }
    }

    /// <summary>Every child has stopped: run PostStop, close the mailbox, tell watchers and the parent.</summary>
    private void FinishTerminate()
    {
        var actor = _actor;
        if (actor is not null)
        {
            try
            {
                actor.PostStop();
            }
#pragma warning disable CA1031 // PostStop failing must not block the stop; it is logged.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _system.Log(LogLevel.Error, PathString, $"PostStop of {_props.ActorType.Name} failed: {ex.Message}", ex);
            }
        }

        _actor = null;
        _behaviors = null;
        _state = LifeState.Terminated;
        UnwatchAll();
        DropStash();
        _mailbox.Close();
        NotifyWatchers();
        if (_parent is null)
        {
            _system.OnRootTerminated();
        }
        else
        {
            _parent.SendSystemMessage(new DeathWatchNotification(this));
        }
    }

    private static string Describe(object? message)
    {
        if (message is null)
        {
            return "its start or a system message";
        }

        var text = message.ToString() ?? message.GetType().Name;
        if (text.Length > 200)
        {
            text = string.Concat(text.AsSpan(0, 200), "…");
        }

        return $"{message.GetType().Name} ({text})";
    }
}
