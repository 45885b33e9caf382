using Akka.Actor;

namespace ActorPager.Messages;

/// <summary>Messages to a mount: the vnode table of one filesystem (namei and vnode recycling).</summary>
public static class MountProtocol
{
    /// <summary>Finds or creates the vnode of <paramref name="Path"/> and counts a use of it. Answered with <see cref="LookupReply"/> or <see cref="LookupFailed"/>.</summary>
    /// <param name="Path">The file's path on the mount (checked by the store's name rules).</param>
    public sealed record Lookup(string Path);

    /// <summary>The answer to <see cref="Lookup"/>.</summary>
    /// <param name="Path">The path looked up.</param>
    /// <param name="Vnode">Its vnode.</param>
    public sealed record LookupReply(string Path, IActorRef Vnode);

    /// <summary>The answer to a <see cref="Lookup"/> that found no vnode: a bad path, or the store could not say how big the file is. Nothing was counted.</summary>
    /// <param name="Path">The path looked up, so a mount stacked over this one finds its waiters by it.</param>
    /// <param name="Reason">What was wrong, for the user.</param>
    public sealed record LookupFailed(string Path, string Reason);

    /// <summary>Ends a use counted by <see cref="Lookup"/>; an unused vnode may be recycled.</summary>
    /// <param name="Path">The path.</param>
    public sealed record Release(string Path);

    /// <summary>
    /// Recycles the vnode of <paramref name="Path"/> as soon as nobody uses it: its object writes
    /// back what the store still takes and frees every page, and the next lookup makes a new
    /// vnode that asks the store for the size again. Sent when this node stops serving the file
    /// (the cluster moved it). Not answered; a path without a vnode is ignored.
    /// </summary>
    /// <param name="Path">The path.</param>
    public sealed record Evict(string Path);

    /// <summary>The vnodes the mount holds now. Answered with <see cref="VnodeList"/>.</summary>
    public sealed record ListVnodes
    {
        /// <summary>The single instance.</summary>
        public static ListVnodes Instance { get; } = new();
    }

    /// <summary>One vnode of a mount.</summary>
    /// <param name="Path">Its path.</param>
    /// <param name="Vnode">Its actor.</param>
    /// <param name="Uses">Uses counted now.</param>
    public sealed record VnodeEntry(string Path, IActorRef Vnode, int Uses);

    /// <summary>The answer to <see cref="ListVnodes"/>.</summary>
    /// <param name="Mount">The mount's name.</param>
    /// <param name="Lower">For a stacked mount, the mount below; else null.</param>
    /// <param name="Vnodes">The vnodes.</param>
    public sealed record VnodeList(string Mount, string? Lower, IReadOnlyList<VnodeEntry> Vnodes);
}
