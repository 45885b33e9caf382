using ActorPager.Actors.Pager;
using ActorPager.Actors.Vm;
using ActorPager.Actors.Vnode;
using ActorPager.Messages;
using Akka.Actor;
using ActorPager.Storage;

namespace ActorPager.Actors;

/// <summary>
/// The pager for .NET programs: physical memory, the page daemon and the mounts, on an actor
/// system. Open a file on a mount and read, write, sync, truncate and stat it; faults, clustered
/// getpages, putpages and completions happen underneath, as actor protocols.
/// </summary>
/// <example>
/// <code>
/// var system = ActorSystem.Create("pager");
/// var pager = PagerSystem.Start(system, PagerOptions.Default);
/// pager.Mount("data", new DirectoryStore("./data"));
/// await using var file = await pager.OpenAsync("data", "log/app.bin");
/// await file.WriteAsync(0, bytes, sync: true);
/// </code>
/// </example>
public sealed class PagerSystem
{
    private readonly Dictionary<string, IActorRef> _mounts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private readonly IActorRefFactory _home;
    private readonly Func<ICanTell, object, TimeSpan, Task<object>> _ask;

    private PagerSystem(ActorSystem system, PagerOptions options, PagerPlacement placement)
    {
        System = system;
        Options = options;
        _home = placement.Home ?? system;
        _ask = placement.Ask ?? (static (target, message, timeout) => target.Ask<object>(message, timeout));
        MappedReadHooks = placement.MappedReads;
        Memory = new PhysicalMemory(options.PageSize, options.FrameCount);
        Daemon = _home.ActorOf(ActorProps.Of(() => new PageDaemon(Memory, options)), "pagedaemon");

        // Now, not when the daemon starts: a fault that finds no free frame before then must
        // still reach it (its Shortage waits in the daemon's mailbox), or it waits for ever.
        Memory.Daemon = Daemon;
    }

    /// <summary>The actor system the pager runs on.</summary>
    public ActorSystem System { get; }

    /// <summary>The VM settings.</summary>
    public PagerOptions Options { get; }

    /// <summary>The frame pool.</summary>
    public PhysicalMemory Memory { get; }

    /// <summary>The pager's event counters (faults, hits, getpages, putpages, rtvals, completions).</summary>
    public PagerMetrics Metrics => Memory.Metrics;

    /// <summary>The page daemon.</summary>
    public IActorRef Daemon { get; }

    /// <summary>How long a file operation waits for its reply before failing with <see cref="AskTimeoutException"/>.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Starts the pager on <paramref name="system"/>.</summary>
    /// <param name="system">The actor system.</param>
    /// <param name="options">The VM settings; <see cref="PagerOptions.Default"/> when null.</param>
    /// <param name="placement">Where its actors are made and how replies are awaited; <see cref="PagerPlacement.Default"/> when null.</param>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public static PagerSystem Start(ActorSystem system, PagerOptions? options = null, PagerPlacement? placement = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        options ??= PagerOptions.Default;
        options.Validate();
        return new PagerSystem(system, options, placement ?? PagerPlacement.Default);
    }

    /// <summary>The harness's hooks into mapped reads, if any.</summary>
    internal IMappedReadHooks? MappedReadHooks { get; }

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> and waits for the reply, at most <see cref="OperationTimeout"/>.</summary>
    internal Task<object> AskAsync(ICanTell target, object message) => _ask(target, message, OperationTimeout);

    /// <summary>Mounts <paramref name="store"/> as <paramref name="name"/>, paged by <paramref name="pager"/> (the generic pager unless given).</summary>
    /// <exception cref="ArgumentException">The name is taken or invalid.</exception>
    public IActorRef Mount(string name, IPageStore store, IPager? pager = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        return AddMount(name, ActorProps.Of(() => new MountActor(name, store, pager ?? GenericPager.Instance, Memory, Options, Daemon)));
    }

    /// <summary>Mounts a stacked (nullfs) view of mount <paramref name="lower"/> as <paramref name="name"/>: both names share one cache (rule 57).</summary>
    /// <exception cref="ArgumentException">The name is taken, or <paramref name="lower"/> is not mounted.</exception>
    public IActorRef MountNull(string name, string lower)
    {
        var lowerRef = MountRef(lower);
        return AddMount(name, ActorProps.Of(() => new NullMountActor(name, lower, lowerRef)));
    }

    /// <summary>The mounts by name.</summary>
    public IReadOnlyDictionary<string, IActorRef> Mounts
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, IActorRef>(_mounts, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The mount called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such mount.</exception>
    public IActorRef MountRef(string name)
    {
        lock (_lock)
        {
            return _mounts.TryGetValue(name, out var mount)
                ? mount
                : throw new ArgumentException($"no mount called '{name}'; mounted: {string.Join(", ", _mounts.Keys)}", nameof(name));
        }
    }

    /// <summary>Opens <paramref name="path"/> on mount <paramref name="mount"/>: looks up its vnode, creates its VM object (VOP_CREATEVOBJECT) and takes a reference.</summary>
    /// <exception cref="PagerException">The path is invalid or the store could not be reached; the message says which.</exception>
    public async Task<PagerFile> OpenAsync(string mount, string path)
    {
        var mountRef = MountRef(mount);
        var lookup = Expect<MountProtocol.LookupReply>(await AskAsync(mountRef, new MountProtocol.Lookup(path)).ConfigureAwait(false), $"open {mount}:{path}");
        // The vnode takes the reference in the turn that answers: sent from here, after the
        // reply, it could arrive after a destroy had already terminated the object (rule 54).
        var created = Expect<VnodeProtocol.VObjectReply>(await AskAsync(lookup.Vnode, VnodeProtocol.CreateVObject.Referenced).ConfigureAwait(false), $"open {mount}:{path}");
        if (created.Object is null)
        {
            throw new PagerException($"open {mount}:{path}: the vnode has no VM object (error {created.Error})");
        }

        return new PagerFile(this, mount, path, mountRef, lookup.Vnode, created.Object, Memory.MapOf(created.Object));
    }

    internal static T Expect<T>(object reply, string what) =>
        reply switch
        {
            T ok => ok,
            RequestRejected rejected => throw new PagerException($"{what}: {rejected.Reason}"),
            MountProtocol.LookupFailed failed => throw new PagerException($"{what}: {failed.Reason}"),
            VmObjectProtocol.ObjectFailed failed => throw ObjectFailure(what, failed),
            _ => throw new PagerException($"{what}: unexpected reply {reply.GetType().Name}"),
        };

    /// <summary>The error for an operation whose VM object failed under it.</summary>
    internal static PagerException ObjectFailure(string what, VmObjectProtocol.ObjectFailed failed) =>
        new($"{what}: the VM object of {failed.File} failed ({failed.Reason}); {failed.DirtyPagesLost} dirty pages were lost; open the file again")
        {
            FailedObjectFile = failed.File,
        };

    private IActorRef AddMount(string name, Props props)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_lock)
        {
            if (_mounts.ContainsKey(name))
            {
                throw new ArgumentException($"mount '{name}' exists already", nameof(name));
            }

            var mount = _home.ActorOf(props, "mount-" + name);
            _mounts[name] = mount;
            return mount;
        }
    }
}

/// <summary>A pager operation failed: the message says what was wrong and where.</summary>
public sealed class PagerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PagerException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PagerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public PagerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// The file whose VM object failed under the operation (an exception stopped it and its dirty
    /// pages were lost: a server error, not the caller's), or null when the operation failed for
    /// another reason.
    /// </summary>
    public string? FailedObjectFile { get; init; }
}
