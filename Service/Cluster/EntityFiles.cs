using ActorPager.Actors;
using ActorPager.Client;
using Akka.Actor;

namespace ActorPager.Service.Cluster;

/// <summary>A request that could not reach a file's owner in time (a hand-off or a failover in progress): answered 503 with Retry-After.</summary>
internal sealed class FileUnavailableException(string message) : Exception(message);

/// <summary>
/// The HTTP handlers' way to a file through its entity: the local <see cref="FileRouter"/> on one
/// node, the shard region in a cluster. A request the owner cannot take now (its entity is
/// starting, handing off, or was fenced) and, in a cluster, an ask that timed out (the owner died
/// before the cluster noticed) is sent again until <see cref="ClusterSettings.RequestTimeout"/>;
/// then the client gets 503 with Retry-After. A write sent twice that way writes the same bytes
/// at the same offset twice, which changes nothing.
/// </summary>
internal sealed class EntityFiles(IActorRef target, Ownership owners, ClusterSettings settings, TimeSpan localTimeout, MembershipSignal? membership = null) : IFileService
{
    /// <summary>After a member was removed, this long counts as "shards moving".</summary>
    private static readonly TimeSpan MovingWindow = TimeSpan.FromSeconds(10);

    /// <summary>An ask's time-out while shards are moving.</summary>
    private static readonly TimeSpan MovingAskTimeout = TimeSpan.FromSeconds(1);

    private volatile bool _closed;

    /// <inheritdoc />
    public int Count => owners.Count;

    /// <summary>How long one ask waits: in a cluster short (an ask to a dead node is lost), on one node the pager's own time-out.</summary>
    private TimeSpan AttemptTimeout => settings.Enabled ? settings.AskTimeout : localTimeout;

    /// <inheritdoc />
    /// <remarks>The answer's own bytes are returned as they are: the pooled buffer is not used.</remarks>
    public async Task<ReadOnlyMemory<byte>> ReadAsync(string path, long offset, LentBuffer buffer, int length)
    {
        var data = await AskAsync<FileProtocol.Data>(new FileProtocol.Read(path, offset, length)).ConfigureAwait(false);
        return data.Bytes.AsMemory(0, data.Length);
    }

    /// <inheritdoc />
    public async Task<(int Written, bool Durable)> WriteAsync(string path, long offset, LentBuffer buffer, int length, bool sync)
    {
        // The message owns its bytes (it may cross the network): the pooled buffer is never lent.
        var written = await AskAsync<FileProtocol.Written>(new FileProtocol.Write(path, offset, buffer.Array.AsSpan(0, length).ToArray(), sync)).ConfigureAwait(false);
        return (written.Bytes, written.Durable);
    }

    /// <inheritdoc />
    public async Task<SyncResult> SyncAsync(string path)
    {
        var synced = await AskAsync<FileProtocol.Synced>(new FileProtocol.Sync(path)).ConfigureAwait(false);
        return new SyncResult(synced.Ok, synced.PagesWritten, synced.Error);
    }

    /// <inheritdoc />
    public Task TruncateAsync(string path, long size) => AskAsync<FileProtocol.Truncated>(new FileProtocol.Truncate(path, size));

    /// <inheritdoc />
    public async Task<FileStat> StatAsync(string path)
    {
        var s = await AskAsync<FileProtocol.Stat>(new FileProtocol.GetStat(path)).ConfigureAwait(false);
        return new FileStat(path, s.SizeBytes, s.SizePages, s.Resident, s.Dirty, s.Busy, s.Pip, s.RefCount, s.Active, s.Inactive, s.Laundry, s.Owner, s.Generation);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PageInfo>> PagesAsync(string path, long first, int count)
    {
        var pages = await AskAsync<FileProtocol.Pages>(new FileProtocol.GetPages(path, first, count)).ConfigureAwait(false);
        return [.. pages.Entries.Select(p => new PageInfo(p.PIndex, p.Resident, p.Valid, p.Dirty, p.Busy, p.Queue, p.Mapped))];
    }

    /// <inheritdoc />
    /// <remarks>Nothing to do: the entity whose object failed has stopped itself, and the next request starts a new one.</remarks>
    public void Forget(string path)
    {
    }

    /// <inheritdoc />
    public async Task<(int Files, int Pages, IReadOnlyList<string> Errors)> SyncAndCloseAllAsync()
    {
        _closed = true;
        int files = 0, pages = 0;
        var errors = new List<string>();
        foreach (var (path, owner) in owners.Snapshot())
        {
            try
            {
                switch (await owner.Entity.Ask<object>(new FileProtocol.Sync(path), localTimeout).ConfigureAwait(false))
                {
                    case FileProtocol.Synced { Ok: true } synced:
                        files++;
                        pages += synced.PagesWritten;
                        break;
                    case FileProtocol.Synced synced:
                        files++;
                        pages += synced.PagesWritten;
                        errors.Add($"{path}: {synced.Error}");
                        break;
                    case FileProtocol.Failed failed:
                        errors.Add($"{path}: {failed.Message}");
                        break;
                }
            }
            catch (Exception e) when (e is AskTimeoutException or TimeoutException)
            {
                errors.Add($"{path}: {e.Message}");
            }
        }

        return (files, pages, errors);
    }

    private async Task<T> AskAsync<T>(FileProtocol.ICommand command)
        where T : class
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var deadline = DateTime.UtcNow + (settings.Enabled ? settings.RequestTimeout : localTimeout);
        var pause = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new FileUnavailableException($"{command.Path}: its owner did not answer within {settings.RequestTimeout.TotalSeconds:0} s (actorpager.cluster.request-timeout)");
            }

            object reply;
            try
            {
                // Just after a member was removed the shards are moving: short asks, sent again soon.
                var moving = membership?.RemovedWithin(MovingWindow) == true;
                var ask = target.Ask<object>(command, moving ? MovingAskTimeout : AttemptTimeout);
                if (membership is not null)
                {
                    // A member removed meanwhile (a failover): an ask that went to the dead node is
                    // lost, and the region learns the shard's new home a moment later. Send it again then.
                    var removed = membership.Next;
                    if (await Task.WhenAny(ask, removed).ConfigureAwait(false) == removed && !ask.IsCompleted)
                    {
                        _ = ask.ContinueWith(static t => t.Exception, TaskScheduler.Default);
                        await Task.Delay(MovingAskTimeout / 2).ConfigureAwait(false);
                        continue;
                    }
                }

                reply = await ask.ConfigureAwait(false);
            }
            catch (AskTimeoutException) when (settings.Enabled && DateTime.UtcNow + pause < deadline)
            {
                continue;
            }
            catch (AskTimeoutException e)
            {
                throw new FileUnavailableException($"{command.Path}: its owner did not answer in time ({e.Message})");
            }

            switch (reply)
            {
                case T answer:
                    return answer;
                case FileProtocol.Failed { Kind: FileProtocol.FailureKind.Unavailable } failed:
                    if (DateTime.UtcNow + pause >= deadline)
                    {
                        throw new FileUnavailableException(failed.Message);
                    }

                    await Task.Delay(pause).ConfigureAwait(false);
                    pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMilliseconds(500).Ticks));
                    ObjectDisposedException.ThrowIf(_closed, this);
                    break;
                case FileProtocol.Failed { Kind: FileProtocol.FailureKind.ObjectFailed } failed:
                    throw new PagerException(failed.Message) { FailedObjectFile = command.Path };
                case FileProtocol.Failed failed:
                    throw new PagerException(failed.Message);
                default:
                    throw new PagerException($"{command.Path}: unexpected answer {reply.GetType().Name} to {command.GetType().Name}");
            }
        }
    }
}
