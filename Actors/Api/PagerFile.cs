using ActorPager.Messages;
using ActorPager.Actors.Vm;
using Akka.Actor;

namespace ActorPager.Actors;

/// <summary>
/// An open file: byte-range reads and writes through its VM object (faults underneath), sync,
/// truncate and stat. Thread-safe; each call is one or two actor requests. Dispose to release
/// the reference and the vnode use.
/// </summary>
public sealed class PagerFile : IAsyncDisposable
{
    private readonly PagerSystem _pager;
    private readonly IActorRef _mount;

    /// <summary>Set when the VM object answered that it failed.</summary>
    private VmObjectProtocol.ObjectFailed? _objectFailed;
    private int _closed;

    /// <summary>The VM object's pmap, when mapped reads are on.</summary>
    private readonly PageMap? _map;

    internal PagerFile(PagerSystem pager, string mountName, string path, IActorRef mount, IActorRef vnode, IActorRef vmObject, PageMap? map = null)
    {
        _map = map;
        _pager = pager;
        MountName = mountName;
        Path = path;
        _mount = mount;
        Vnode = vnode;
        VmObject = vmObject;
    }

    /// <summary>The mount's name.</summary>
    public string MountName { get; }

    /// <summary>The file's path on the mount.</summary>
    public string Path { get; }

    /// <summary>The vnode actor.</summary>
    public IActorRef Vnode { get; }

    /// <summary>The VM object actor.</summary>
    public IActorRef VmObject { get; }

    /// <summary>
    /// Reads up to <paramref name="destination"/>.Length bytes at <paramref name="offset"/>; fewer at EOF. Holes read as zeros.
    /// When every page of the range is mapped, the bytes are copied with no message (<see cref="TryReadMapped"/>);
    /// otherwise the VM object faults them in.
    /// </summary>
    /// <exception cref="PagerException">A bad offset, or the pager failed to read a page (the status says how).</exception>
    public Task<int> ReadAsync(long offset, Memory<byte> destination)
    {
        if (_map is { } map && _pager.MappedReadHooks is { } hooks)
        {
            return ReadSteppedAsync(map, hooks, offset, destination);
        }

        return TryReadMapped(offset, destination.Span, out var bytes) ? Completed(bytes) : ReadByMessageAsync(offset, destination);
    }

    /// <summary>The last completed answer of a mapped read, reused while reads return the same count (no task allocated per read).</summary>
    private Task<int>? _lastMapped;

    private Task<int> Completed(int bytes)
    {
        var last = Volatile.Read(ref _lastMapped);
        if (last is not null && last.Result == bytes)
        {
            return last;
        }

        last = Task.FromResult(bytes);
        Volatile.Write(ref _lastMapped, last);
        return last;
    }

    /// <summary>
    /// Reads [<paramref name="offset"/>, offset + destination.Length), clipped at EOF, without a
    /// message when every page of it is mapped (resident, valid, not being changed) and none is
    /// unmapped while it copies: then the bytes are those of the pages at one moment, as a read by
    /// message would return. False when any page is not mapped, the range reaches EOF or mapped
    /// reads are off; <paramref name="destination"/> holds nothing to use then: call <see cref="ReadAsync"/>.
    /// </summary>
    /// <param name="offset">Byte offset.</param>
    /// <param name="destination">Where the bytes go.</param>
    /// <param name="bytes">Bytes read, when true.</param>
    public bool TryReadMapped(long offset, Span<byte> destination, out int bytes)
    {
        bytes = 0;
        if (_map is not { } map || Volatile.Read(ref _objectFailed) is not null || !map.TryRead(offset, destination, out bytes))
        {
            return false;
        }

        _pager.Metrics.CountMappedRead();
        return true;
    }

    /// <summary>A mapped read in the harness's steps, observed by its monitor; by message when it falls back.</summary>
    private async Task<int> ReadSteppedAsync(PageMap map, IMappedReadHooks hooks, long offset, Memory<byte> destination)
    {
        if (Volatile.Read(ref _objectFailed) is null)
        {
            var mark = hooks.Began(VmObject, offset, destination.Length);
            var bytes = await map.ReadSteppedAsync(offset, destination, hooks.Step).ConfigureAwait(false);
            if (bytes >= 0)
            {
                hooks.Returned(mark, VmObject, offset, destination.Span[..bytes]);
                _pager.Metrics.CountMappedRead();
                return bytes;
            }
        }

        return await ReadByMessageAsync(offset, destination).ConfigureAwait(false);
    }

    private async Task<int> ReadByMessageAsync(long offset, Memory<byte> destination)
    {
        var reply = PagerSystem.Expect<VmObjectProtocol.ReadReply>(await Ask(new VmObjectProtocol.Read(offset, destination)).ConfigureAwait(false), $"read {Describe()} at {offset}");
        if (reply.Status != PagerStatus.Ok && reply.Bytes == 0)
        {
            throw new PagerException($"read {Describe()} at {offset}: the pager answered {reply.Status}");
        }

        return reply.Bytes;
    }

    /// <summary>
    /// Writes <paramref name="source"/> at <paramref name="offset"/>, extending the file when it
    /// ends past EOF. With <paramref name="sync"/>, returns only once the pages written are durable
    /// (synchronous putpages of that range and a store flush). One VOP_WRITE: the extension, the
    /// copy and the write-back run in one turn of the vnode, so no truncate comes between them.
    /// </summary>
    /// <returns>Bytes written and whether they are durable.</returns>
    /// <exception cref="PagerException">A bad offset, a failed page, or a failed sync; the message says which.</exception>
    public async Task<(int Written, bool Durable)> WriteAsync(long offset, ReadOnlyMemory<byte> source, bool sync = false)
    {
        if (offset < 0)
        {
            throw new PagerException($"write {Describe()}: negative offset {offset}");
        }

        if (Volatile.Read(ref _objectFailed) is { } failed)
        {
            throw PagerSystem.ObjectFailure($"write on {Describe()}", failed);
        }

        var reply = await AskVnode(new VnodeProtocol.Write(offset, source, sync)).ConfigureAwait(false);
        if (reply is VmObjectProtocol.ObjectFailed objectFailed)
        {
            Volatile.Write(ref _objectFailed, objectFailed);
        }

        var written = PagerSystem.Expect<VnodeProtocol.WriteReply>(reply, $"write {Describe()} at {offset}");
        if (written.Status != PagerStatus.Ok)
        {
            throw new PagerException($"write {Describe()} at {offset}: the pager answered {written.Status} after {written.Bytes} bytes{(written.Error is null ? "" : ": " + written.Error)}");
        }

        if (sync && !written.Durable)
        {
            throw new PagerException($"write {Describe()} at {offset}: sync failed: {written.Error}");
        }

        return (written.Bytes, sync);
    }

    /// <summary>fsync: every dirty page through synchronous putpages, then a durable store flush (rule 46).</summary>
    public async Task<VnodeProtocol.FsyncReply> SyncAsync(bool invalidate = false) =>
        PagerSystem.Expect<VnodeProtocol.FsyncReply>(await AskVnode(new VnodeProtocol.Fsync(Sync: true, invalidate)).ConfigureAwait(false), $"sync {Describe()}");

    /// <summary>Truncates or extends the file to <paramref name="size"/> bytes (rules 47-50).</summary>
    /// <exception cref="PagerException">A negative size, or the store failed.</exception>
    public async Task TruncateAsync(long size)
    {
        var reply = PagerSystem.Expect<VnodeProtocol.SetSizeReply>(await AskVnode(new VnodeProtocol.SetSize(size)).ConfigureAwait(false), $"truncate {Describe()} to {size}");
        if (reply.Error is not null)
        {
            throw new PagerException($"truncate {Describe()} to {size}: {reply.Error}");
        }
    }

    /// <summary>The VM object's counters (size, resident, dirty, busy, pip, queues).</summary>
    public async Task<VmObjectProtocol.ObjectStat> StatAsync()
    {
        var stat = PagerSystem.Expect<VmObjectProtocol.ObjectStat>(await Ask(VmObjectProtocol.GetStat.Instance).ConfigureAwait(false), $"stat {Describe()}");
        return stat;
    }

    /// <summary>The state of pages [<paramref name="first"/>, first + <paramref name="count"/>).</summary>
    public async Task<IReadOnlyList<VmObjectProtocol.PageState>> PageStatesAsync(long first, int count) =>
        PagerSystem.Expect<VmObjectProtocol.PageStates>(await Ask(new VmObjectProtocol.GetPageStates(first, count)).ConfigureAwait(false), $"pages {Describe()}").Pages;

    /// <summary>Releases the reference on the VM object and the use of the vnode.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            VmObject.Tell(VmObjectProtocol.Deallocate.Instance);
            _mount.Tell(new MountProtocol.Release(Path));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Asks the VM object. Once it has answered that it failed, every later call fails the same
    /// way at once instead of waiting out a time-out on a stopped actor: open the file again.
    /// </summary>
    private async Task<object> Ask(object message)
    {
        if (Volatile.Read(ref _objectFailed) is { } failed)
        {
            throw PagerSystem.ObjectFailure($"{message.GetType().Name} on {Describe()}", failed);
        }

        var reply = await _pager.AskAsync(VmObject, message).ConfigureAwait(false);
        if (reply is VmObjectProtocol.ObjectFailed objectFailed)
        {
            Volatile.Write(ref _objectFailed, objectFailed);
        }

        return reply;
    }

    private Task<object> AskVnode(object message) => _pager.AskAsync(Vnode, message);

    private string Describe() => $"{MountName}:{Path}";
}
