using ActorPager.Runtime;
using ActorPager.TestKit.Internal;

namespace ActorPager.TestKit;

/// <summary>
/// An actor ref with a queue that a test reads from: give it to actors as a sender, a watcher,
/// a subscriber or a collaborator, then assert on what arrived with <c>ExpectMsg</c> and its
/// relatives. Probes can watch actors (a stopped actor's <see cref="Terminated"/> lands in the
/// queue) and be watched (<see cref="ActorSystem.Stop"/> on a probe stops it and tells its
/// watchers).
/// </summary>
/// <remarks>
/// <para>On the deterministic dispatcher every wait steps the dispatcher on the test's thread,
/// with the timeout as a limit of virtual time, so waiting costs no wall time. On the thread pool
/// a wait blocks on the probe's monitor, which each arriving message pulses, with a real-time
/// timeout scaled by <see cref="TestKitSettings.TimeFactor"/>.</para>
/// <para>A probe is read by one test thread; actors may send to it from any thread.</para>
/// </remarks>
public sealed partial class TestProbe : IActorRef, IInternalActorRef
{
    private static long s_counter;

    /// <summary>What the probes of this test share.</summary>
    private readonly TestKitEnvironment _env;

    /// <summary>Guards every field below; pulsed when a message arrives.</summary>
    private readonly object _gate = new();

    /// <summary>Messages received and not yet read by an expectation.</summary>
    private readonly Queue<(object Message, IActorRef? Sender)> _queue = new();

    /// <summary>Refs this probe watches; a death notification turns into Terminated only for these.</summary>
    private readonly HashSet<IActorRef> _watching = [];

    /// <summary>Refs watching this probe.</summary>
    private readonly HashSet<IInternalActorRef> _watchedBy = [];

    /// <summary>Messages matching this are dropped on arrival.</summary>
    private Func<object, bool>? _ignore;

    /// <summary>Set once the probe was stopped; later messages go to dead letters.</summary>
    private bool _terminated;

    /// <summary>Whether an expectation has read a message yet (for <see cref="Reply"/>).</summary>
    private bool _hasLast;

    /// <summary>Creates a probe in <paramref name="system"/>, outside any <see cref="TestKit"/>.</summary>
    /// <param name="system">The system whose dead letters, clock and dispatcher the probe uses.</param>
    /// <param name="name">The last element of its path; a unique one is made when null.</param>
    public TestProbe(ActorSystem system, string? name = null)
        : this(new TestKitEnvironment(system ?? throw new ArgumentNullException(nameof(system))), name)
    {
    }

    internal TestProbe(TestKitEnvironment environment, string? name)
    {
        _env = environment;
        if (name is not null)
        {
            ActorCell.ValidateName(name);
        }

        Path = environment.System.TempPath.Child(name ?? "testProbe-" + Interlocked.Increment(ref s_counter).ToString(System.Globalization.CultureInfo.InvariantCulture));
        LastSender = environment.System.DeadLetters;
    }

    /// <inheritdoc />
    public ActorPath Path { get; }

    /// <summary>This probe as a plain ref (Akka.NET's <c>probe.Ref</c>).</summary>
    public IActorRef Ref => this;

    /// <summary>The system the probe belongs to.</summary>
    public ActorSystem Sys => _env.System;

    /// <summary>The sender of the message the last expectation read (dead letters when it had none, or before any).</summary>
    public IActorRef LastSender { get; private set; }

    /// <summary>The message the last expectation read, or null before any.</summary>
    public object? LastMessage { get; private set; }

    /// <summary>True when messages are waiting to be read. Does not step or wait.</summary>
    public bool HasMessages
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count > 0;
            }
        }
    }

    /// <summary>True once the probe was stopped.</summary>
    public bool IsTerminated
    {
        get
        {
            lock (_gate)
            {
                return _terminated;
            }
        }
    }

    /// <summary>Queues <paramref name="message"/> unless it is ignored; after the probe stopped, sends it to dead letters.</summary>
    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        bool deadLetter;
        lock (_gate)
        {
            deadLetter = _terminated;
            if (!deadLetter)
            {
                if (_ignore is { } ignore && ignore(message))
                {
                    return;
                }

                _queue.Enqueue((message, sender));
                Monitor.PulseAll(_gate);
            }
        }

        if (deadLetter)
        {
            _env.System.DeadLettersRef.Deliver(message, sender, this, "recipient stopped");
            return;
        }

        // Wake AwaitCondition/AwaitAssert of the same test: a message often means the state
        // they poll has changed.
        lock (_env.Signal)
        {
            Monitor.PulseAll(_env.Signal);
        }
    }

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> with this probe as the sender.</summary>
    public void Send(IActorRef target, object message)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Tell(message, this);
    }

    /// <summary>Sends <paramref name="message"/> to the sender of the last message read, with this probe as the sender.</summary>
    /// <exception cref="InvalidOperationException">No message has been read yet.</exception>
    public void Reply(object message)
    {
        if (!_hasLast)
        {
            throw new InvalidOperationException($"{Path}: Reply needs a message to reply to; read one first (ExpectMsg)");
        }

        LastSender.Tell(message, this);
    }

    /// <summary>Sends the last message read to <paramref name="target"/>, keeping its original sender.</summary>
    /// <exception cref="InvalidOperationException">No message has been read yet.</exception>
    public void Forward(IActorRef target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!_hasLast || LastMessage is null)
        {
            throw new InvalidOperationException($"{Path}: Forward needs a message to forward; read one first (ExpectMsg)");
        }

        target.Tell(LastMessage, LastSender);
    }

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> as if from the sender of the last message read.</summary>
    public void Forward(IActorRef target, object message)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Tell(message, LastSender);
    }

    /// <summary>Drops, from now on, every arriving message for which <paramref name="shouldIgnore"/> is true. Replaces an earlier filter.</summary>
    public void IgnoreMessages(Func<object, bool> shouldIgnore)
    {
        ArgumentNullException.ThrowIfNull(shouldIgnore);
        lock (_gate)
        {
            _ignore = shouldIgnore;
        }
    }

    /// <summary>Drops, from now on, every arriving <typeparamref name="T"/> (for which <paramref name="shouldIgnore"/> is true, when given).</summary>
    public void IgnoreMessages<T>(Func<T, bool>? shouldIgnore = null) =>
        IgnoreMessages(m => m is T typed && (shouldIgnore is null || shouldIgnore(typed)));

    /// <summary>Stops ignoring messages.</summary>
    public void IgnoreNoMessages()
    {
        lock (_gate)
        {
            _ignore = null;
        }
    }

    /// <summary>Watches <paramref name="subject"/>: when it stops, a <see cref="Terminated"/> arrives (once).</summary>
    /// <returns>The subject.</returns>
    public IActorRef Watch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject is not IInternalActorRef target)
        {
            // A ref with no lifecycle can never report its death: treat it as already dead, as actors do.
            Tell(new Terminated(subject), subject);
            return subject;
        }

        bool added;
        lock (_gate)
        {
            added = _watching.Add(subject);
        }

        if (added)
        {
            target.SendSystemMessage(new Watch(target, this));
        }

        return subject;
    }

    /// <summary>Stops watching <paramref name="subject"/>; a <see cref="Terminated"/> of it still waiting in the queue is dropped.</summary>
    /// <returns>The subject.</returns>
    public IActorRef Unwatch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        bool removed;
        lock (_gate)
        {
            removed = _watching.Remove(subject);
            var kept = _queue.Where(e => !(e.Message is Terminated t && t.ActorRef.Equals(subject))).ToList();
            if (kept.Count != _queue.Count)
            {
                _queue.Clear();
                foreach (var e in kept)
                {
                    _queue.Enqueue(e);
                }
            }
        }

        if (removed && subject is IInternalActorRef target)
        {
            target.SendSystemMessage(new Unwatch(target, this));
        }

        return subject;
    }

    /// <summary>Takes the next message, waiting up to <paramref name="timeout"/> on the waiting clock.</summary>
    internal bool TryReceive(TimeSpan timeout, out object message, out IActorRef? sender)
    {
        if (_env.Deterministic is not null)
        {
            // Step the dispatcher until something arrives (or the virtual deadline passes).
            _env.AwaitCore(() => HasMessages, timeout, _gate, timeout);
            lock (_gate)
            {
                return TakeLocked(out message, out sender);
            }
        }

        lock (_gate)
        {
            var infinite = timeout == Timeout.InfiniteTimeSpan;
            var deadline = infinite ? TimeSpan.MaxValue : _env.Now + timeout;
            while (_queue.Count == 0)
            {
                // Checked and waited under the gate, so no arrival can slip between the two.
                var remaining = infinite ? TimeSpan.FromMilliseconds(int.MaxValue - 1) : deadline - _env.Now;
                if (remaining <= TimeSpan.Zero)
                {
                    break;
                }

                Monitor.Wait(_gate, TestKitEnvironment.Min(remaining, TimeSpan.FromMilliseconds(int.MaxValue - 1)));
            }

            return TakeLocked(out message, out sender);
        }
    }

    private bool TakeLocked(out object message, out IActorRef? sender)
    {
        if (_queue.Count == 0)
        {
            message = null!;
            sender = null;
            return false;
        }

        (message, sender) = _queue.Dequeue();
        LastMessage = message;
        LastSender = sender ?? _env.System.DeadLetters;
        _hasLast = true;
        return true;
    }

    void IInternalActorRef.SendSystemMessage(SystemMessage message)
    {
        switch (message)
        {
            case DeathWatchNotification notification:
                bool watched;
                lock (_gate)
                {
                    watched = _watching.Remove(notification.Actor);
                }

                // Exactly once: the watching entry is gone now.
                if (watched)
                {
                    Tell(new Terminated(notification.Actor), notification.Actor);
                }

                break;
            case Watch watch when ReferenceEquals(watch.Watchee, this) && !ReferenceEquals(watch.Watcher, this):
                bool deadAlready;
                lock (_gate)
                {
                    deadAlready = _terminated;
                    if (!deadAlready)
                    {
                        _watchedBy.Add(watch.Watcher);
                    }
                }

                if (deadAlready)
                {
                    watch.Watcher.SendSystemMessage(new DeathWatchNotification(this));
                }

                break;
            case Unwatch unwatch when ReferenceEquals(unwatch.Watchee, this):
                lock (_gate)
                {
                    _watchedBy.Remove(unwatch.Watcher);
                }

                break;
            case Terminate:
                Stop();
                break;
        }
    }

    /// <summary>Stops the probe: its watchers are told, its own watches are dropped, later messages go to dead letters.</summary>
    private void Stop()
    {
        IInternalActorRef[] watchers;
        IActorRef[] watching;
        lock (_gate)
        {
            if (_terminated)
            {
                return;
            }

            _terminated = true;
            watchers = [.. _watchedBy];
            watching = [.. _watching];
            _watchedBy.Clear();
            _watching.Clear();
        }

        foreach (var subject in watching)
        {
            if (subject is IInternalActorRef target)
            {
                target.SendSystemMessage(new Unwatch(target, this));
            }
        }

        foreach (var watcher in watchers)
        {
            watcher.SendSystemMessage(new DeathWatchNotification(this));
        }
    }

    /// <inheritdoc />
    public bool Equals(IActorRef? other) => ReferenceEquals(this, other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <inheritdoc />
    public override int GetHashCode() => Path.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => Path.ToString();
}
