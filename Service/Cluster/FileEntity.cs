using ActorPager.Actors;
using ActorPager.Messages;
using ActorPager.Storage;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;

namespace ActorPager.Service.Cluster;

/// <summary>The events of a file's journal (Akka.Persistence.Sql), and its snapshot.</summary>
internal static class FileEvents
{
    /// <summary>A node took the file over with <paramref name="Generation"/>, one more than any before it.</summary>
    internal sealed record Owned(long Generation, string Node);

    /// <summary>The file's size became <paramref name="Size"/> (a write that extended it, or a truncate).</summary>
    internal sealed record SizeChanged(long Size);

    /// <summary>The journal's state so far, saved every few hundred events so a recovery reads few.</summary>
    internal sealed record Snapshot(long Generation, long Size, string Node);
}

/// <summary>What every file entity of a node shares: the pager, the mount it serves and the ownership table.</summary>
internal sealed record FileNode(PagerSystem Pager, string Mount, Ownership Owners, IFencedPageStore Store, string Name, ClusterSettings Settings)
{
    /// <summary>In a cluster: whether this node may take a file over now (not frozen, on the majority side).</summary>
    public NodeHealth? Health { get; init; }
}

/// <summary>
/// One file, owned by this node: the durable half of its vnode. On start it recovers the file's
/// journal, takes the file over by persisting <see cref="FileEvents.Owned"/> with the next
/// generation, fences the store at that generation, and only then opens the file in the local
/// pager and serves requests. Each request runs on the local <see cref="PagerFile"/> and its
/// answer comes back through this actor, which journals size changes in batches. Whatever stops
/// it (hand-off, passivation, a journal write refused because a newer owner wrote first, a store
/// write fenced) it gives up the file: leaves the ownership table, so this node writes nothing
/// more to it, and evicts the vnode, so its frames are freed.
/// </summary>
internal sealed class FileEntity : UntypedPersistentActor
{
    private readonly FileNode _node;
    private readonly string _path;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<(FileProtocol.ICommand Command, IActorRef ReplyTo)> _waiting = [];

    private Phase _phase = Phase.Recovering;
    private long _generation;
    private long _size;
    private long _journaledSize;

    /// <summary>The sequence number of the last snapshot this entity recovered from or saved.</summary>
    private long _snapshotAt;
    private bool _persistingSize;
    private int _inFlight;
    private PagerFile? _file;
    private string? _stopReason;
    private bool _handOff;
    private bool _syncing;

    public FileEntity(FileNode node, string path)
    {
        _node = node;
        _path = path;
        PersistenceId = PersistenceIdOf(node.Mount, path);
    }

    private enum Phase
    {
        Recovering,
        Opening,
        Serving,
        HandingOff,
        Stopping,
        Fenced,
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>The journal's id of a file: mount and path.</summary>
    public static string PersistenceIdOf(string mount, string path) => $"file:{mount}:{path}";

    /// <summary>Props of the entity of <paramref name="path"/>.</summary>
    public static Props Props(FileNode node, string path) => Akka.Actor.Props.Create(() => new FileEntity(node, path));

    /// <summary>Told by <see cref="NodeHealth"/> when this node stalled: the cluster may have moved the file, so stop serving it from cache (sync first; the store refuses that if another node owns it now).</summary>
    internal sealed record Suspect
    {
        /// <summary>The single instance.</summary>
        public static Suspect Instance { get; } = new();
    }

    /// <summary>Told by <see cref="OwnedStore"/> when the store refused a write of this file: a newer owner exists.</summary>
    internal sealed record StoreFenced(string Reason);

    private sealed record FenceDone(StoreResult Result);

    private sealed record OpenDone(PagerFile? File, Exception? Error);

    /// <summary>A request's answer; <paramref name="Size"/> is the file's size after it when it may have changed (a write's end, extending only; a truncate's size).</summary>
    private sealed record Done(object Reply, IActorRef ReplyTo, SizeChange? Size);

    private readonly record struct SizeChange(long Size, bool ExtendOnly);

    private sealed record HandOffSynced(string? Error);

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case FileEvents.Owned owned:
                // The highest generation ever journaled, whatever order writers left it in.
                _generation = Math.Max(_generation, owned.Generation);
                break;
            case FileEvents.SizeChanged changed:
                _size = _journaledSize = changed.Size;
                break;
            case SnapshotOffer { Snapshot: FileEvents.Snapshot snapshot } offer:
                _snapshotAt = offer.Metadata.SequenceNr;
                _generation = Math.Max(_generation, snapshot.Generation);
                _size = _journaledSize = snapshot.Size;
                break;
            case RecoveryCompleted:
                if (_node.Health?.WhyNotTakeOver() is { } why)
                {
                    // Not now: the node may be on the losing side of a partition; the request retries.
                    Stop(Phase.Stopping, why);
                    break;
                }

                TakeOver();
                break;
        }
    }

    /// <summary>The next generation, journaled: a stale owner's next persist now fails on the journal's unique key.</summary>
    private void TakeOver()
    {
        var generation = _generation + 1;
        Persist(new FileEvents.Owned(generation, _node.Name), owned =>
        {
            _generation = owned.Generation;
            _phase = Phase.Opening;
            _node.Store.FenceAsync(_path, _generation).AsTask().PipeTo(Self, Self, r => new FenceDone(r), e => new FenceDone(StoreResult.Failed(StoreError.FromException("fence", e))));
        });
    }

    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case FileProtocol.ICommand command:
                OnRequest(command, Sender);
                break;
            case Done done:
                OnDone(done);
                break;
            case FenceDone fence:
                OnFenced(fence.Result);
                break;
            case OpenDone opened:
                OnOpened(opened);
                break;
            case StoreFenced fenced:
                Stop(Phase.Fenced, $"the store fenced a write: {fenced.Reason}");
                break;
            case FileProtocol.HandOff:
                OnHandOff();
                break;
            case Suspect:
                Stop(Phase.HandingOff, "this node stalled: the cluster may have moved the file");
                break;
            case HandOffSynced synced:
                _syncing = false;
                if (synced.Error is not null)
                {
                    _log.Warning("{0}: the sync before hand-off failed: {1}", _path, synced.Error);
                }

                Context.Stop(Self);
                break;
            case ReceiveTimeout:
                // Idle: ask the shard (or the local router) to stop us; it buffers requests meanwhile.
                Context.SetReceiveTimeout(null);
                Context.Parent.Tell(new Passivate(FileProtocol.HandOff.Instance));
                break;
            case SaveSnapshotSuccess or SaveSnapshotFailure:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnFenced(StoreResult result)
    {
        if (!result.IsOk)
        {
            Stop(Phase.Stopping, $"cannot fence the store at generation {_generation}: {result.Error}");
            return;
        }

        _node.Owners.Enter(_path, _generation, Self);
        _node.Pager.OpenAsync(_node.Mount, _path).PipeTo(Self, Self, f => new OpenDone(f, null), e => new OpenDone(null, e));
    }

    private void OnOpened(OpenDone opened)
    {
        if (opened.File is null)
        {
            Stop(Phase.Stopping, $"cannot open it: {opened.Error?.Message}");
            return;
        }

        _file = opened.File;
        if (_phase != Phase.Opening)
        {
            // Told to stop while opening: nothing was served.
            FinishWhenIdle();
            return;
        }

        _phase = Phase.Serving;
        Context.SetReceiveTimeout(_node.Settings.PassivateAfter);
        foreach (var (command, replyTo) in _waiting)
        {
            Start(command, replyTo);
        }

        _waiting.Clear();
    }

    private void OnRequest(FileProtocol.ICommand command, IActorRef replyTo)
    {
        switch (_phase)
        {
            case Phase.Recovering or Phase.Opening:
                _waiting.Add((command, replyTo));
                break;
            case Phase.Serving:
                Start(command, replyTo);
                break;
            default:
                replyTo.Tell(Unavailable(), Self);
                break;
        }
    }

    private void Start(FileProtocol.ICommand command, IActorRef replyTo)
    {
        _inFlight++;
        var file = _file!;
        RunAsync(file, command).PipeTo(Self, Self, r => new Done(r.Reply, replyTo, r.Size), e => new Done(Failure(e), replyTo, null));
    }

    private async Task<(object Reply, SizeChange? Size)> RunAsync(PagerFile file, FileProtocol.ICommand command)
    {
        switch (command)
        {
            case FileProtocol.Read read:
                var buffer = new byte[read.Length];
                var n = read.Length == 0 ? 0 : await file.ReadAsync(read.Offset, buffer).ConfigureAwait(false);
                return (new FileProtocol.Data(buffer, n), null);
            case FileProtocol.Write write:
                var (written, durable) = await file.WriteAsync(write.Offset, write.Bytes, write.Sync).ConfigureAwait(false);
                return (new FileProtocol.Written(written, durable), new SizeChange(write.Offset + written, ExtendOnly: true));
            case FileProtocol.Sync:
                var synced = await file.SyncAsync().ConfigureAwait(false);
                return (new FileProtocol.Synced(synced.Ok, synced.PagesWritten, synced.Error), null);
            case FileProtocol.Truncate truncate:
                await file.TruncateAsync(truncate.Size).ConfigureAwait(false);
                return (new FileProtocol.Truncated(truncate.Size), new SizeChange(truncate.Size, ExtendOnly: false));
            case FileProtocol.GetStat:
                var s = await file.StatAsync().ConfigureAwait(false);
                return (new FileProtocol.Stat(s.SizeBytes, s.SizePages, s.Resident, s.Dirty, s.Busy, s.Pip, s.RefCount, s.Active, s.Inactive, s.Laundry, _node.Name, _generation), null);
            case FileProtocol.GetPages pages:
                var states = await file.PageStatesAsync(pages.First, pages.Count).ConfigureAwait(false);
                return (new FileProtocol.Pages([.. states.Select(p => new FileProtocol.PageEntry(p.PIndex, p.Resident, p.Valid, p.Dirty, p.Busy, p.Queue, p.Mapped))]), null);
            default:
                throw new InvalidOperationException($"unknown file command {command.GetType().Name}");
        }
    }

    private static FileProtocol.Failed Failure(Exception e) => e switch
    {
        PagerException { FailedObjectFile: not null } => new(FileProtocol.FailureKind.ObjectFailed, e.Message),
        PagerException => new(FileProtocol.FailureKind.Error, e.Message),
        AskTimeoutException or TimeoutException => new(FileProtocol.FailureKind.Unavailable, $"the pager did not answer in time: {e.Message}"),
        _ => new(FileProtocol.FailureKind.Error, $"{e.GetType().Name}: {e.Message}"),
    };

    private void OnDone(Done done)
    {
        _inFlight--;
        var reply = done.Reply;
        if (reply is FileProtocol.Failed failed)
        {
            if (_phase == Phase.Fenced)
            {
                // Refused because a newer owner has the file: the client retries and reaches it.
                reply = failed with { Kind = FileProtocol.FailureKind.Unavailable, Message = $"{failed.Message} (this node no longer owns {_path}; retry)" };
            }
            else if (failed.Kind == FileProtocol.FailureKind.ObjectFailed)
            {
                // The VM object is gone with its dirty pages: the next request starts a fresh entity.
                Stop(Phase.Stopping, failed.Message);
            }
        }
        else if (done.Size is { } size)
        {
            var newSize = size.ExtendOnly ? Math.Max(_size, size.Size) : size.Size;
            if (newSize != _size)
            {
                _size = newSize;
                JournalSize();
            }
        }

        done.ReplyTo.Tell(reply, Self);
        if (_handOff)
        {
            FinishWhenIdle();
        }
    }

    /// <summary>Journals the newest size, one event at a time: what changed while one was being written goes in the next.</summary>
    private void JournalSize()
    {
        if (_persistingSize || _size == _journaledSize || _phase == Phase.Fenced)
        {
            return;
        }

        _persistingSize = true;
        PersistAsync(new FileEvents.SizeChanged(_size), changed =>
        {
            _persistingSize = false;
            _journaledSize = changed.Size;
            // Every so many events since the last snapshot (take-overs count too, so not "seq % n").
            if (LastSequenceNr - _snapshotAt >= _node.Settings.SnapshotEvery)
            {
                _snapshotAt = LastSequenceNr;
                SaveSnapshot(new FileEvents.Snapshot(_generation, _journaledSize, _node.Name));
            }

            JournalSize();
        });
    }

    /// <summary>
    /// This entity cannot go on serving its file: answers what waits, and asks its parent (the
    /// shard, or the local router) to stop it, so the file's next requests wait for a new entity
    /// instead of reaching this one. A fenced entity leaves the ownership table at once: from now
    /// on this node writes nothing to the file.
    /// </summary>
    private void Stop(Phase phase, string reason)
    {
        if (phase == Phase.Fenced && _phase != Phase.Fenced)
        {
            _node.Owners.Leave(_path, Self);
            _node.Owners.CountFenced();
        }

        if (_phase is Phase.Fenced or Phase.Stopping or Phase.HandingOff)
        {
            _phase = phase == Phase.Fenced ? Phase.Fenced : _phase;
            return;
        }

        _phase = phase;
        _stopReason = reason;
        _log.Warning("{0}: giving the file up: {1}", _path, reason);
        Context.SetReceiveTimeout(null);
        AnswerWaiting();
        Context.Parent.Tell(new Passivate(FileProtocol.HandOff.Instance));
    }

    /// <summary>The shard (or router) stops this entity: once its requests in flight have answered, it syncs (unless fenced) and stops.</summary>
    private void OnHandOff()
    {
        _handOff = true;
        Context.SetReceiveTimeout(null);
        if (_phase == Phase.Serving)
        {
            _phase = Phase.HandingOff;
            _stopReason = "handed off";
        }

        AnswerWaiting();
        FinishWhenIdle();
    }

    private void FinishWhenIdle()
    {
        if (!_handOff || _inFlight > 0 || _syncing)
        {
            return;
        }

        if (_phase != Phase.HandingOff || _file is null)
        {
            Context.Stop(Self);
            return;
        }

        // Handing off: what is dirty goes to the store before the next owner reads it.
        _syncing = true;
        _file.SyncAsync().PipeTo(Self, Self, r => new HandOffSynced(r.Ok ? null : r.Error ?? "not every page was written"), e => new HandOffSynced(e.Message));
    }

    private void AnswerWaiting()
    {
        foreach (var (_, replyTo) in _waiting)
        {
            replyTo.Tell(Unavailable(), Self);
        }

        _waiting.Clear();
    }

    private FileProtocol.Failed Unavailable() =>
        new(FileProtocol.FailureKind.Unavailable, $"{_path} is not served here now ({_stopReason ?? _phase.ToString().ToLowerInvariant()}); retry");

    /// <summary>
    /// The journal's unique key: another node persisted this sequence number first, so it owns the
    /// file now. Not the base behaviour (stop at once): this entity leaves the ownership table, and
    /// stops through its parent like any other, so no request is lost in between.
    /// </summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        Stop(Phase.Fenced, $"the journal refused event {sequenceNr} ({cause.Message}): another node owns the file");
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _stopReason = $"the journal rejected event {sequenceNr} of {_path}: {cause.Message}";
        _log.Error(cause, _stopReason);
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _stopReason = $"cannot recover the journal of {_path}: {reason.Message}";
        _log.Error(reason, _stopReason);
        base.OnRecoveryFailure(reason, message);
    }

    protected override void PostStop()
    {
        _node.Owners.Leave(_path, Self);
        AnswerWaiting();
        if (_file is { } file)
        {
            _ = file.DisposeAsync();
            _node.Pager.MountRef(_node.Mount).Tell(new MountProtocol.Evict(_path));
        }

        base.PostStop();
    }
}
