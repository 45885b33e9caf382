namespace ActorPager.Client;

/// <summary>The answer to a write (<c>PUT /v1/files/{path}</c>).</summary>
/// <param name="Written">Bytes written.</param>
/// <param name="Durable">True when the write was synced: the pages were written by synchronous putpages and the store flushed.</param>
public sealed record WriteResult(long Written, bool Durable);

/// <summary>The answer to a sync (<c>POST /v1/files/{path}/sync</c>): fsync of the file.</summary>
/// <param name="Ok">True when every dirty page was written and the store flushed.</param>
/// <param name="PagesWritten">Pages written by the sync.</param>
/// <param name="Error">What went wrong, when not <paramref name="Ok"/>.</param>
public sealed record SyncResult(bool Ok, int PagesWritten, string? Error);

/// <summary>The answer to a truncate (<c>POST /v1/files/{path}/truncate?size=N</c>).</summary>
/// <param name="Size">The file's size now.</param>
public sealed record TruncateResult(long Size);

/// <summary>A file's VM object counters (<c>GET /v1/files/{path}/stat</c>).</summary>
/// <param name="Path">The file's path in the store.</param>
/// <param name="Size">Size in bytes (vnp_size).</param>
/// <param name="SizePages">Size in pages.</param>
/// <param name="Resident">Resident pages.</param>
/// <param name="Dirty">Pages with a dirty block.</param>
/// <param name="Busy">Busy pages (either kind).</param>
/// <param name="Pip">Paging operations in progress.</param>
/// <param name="RefCount">References on the VM object.</param>
/// <param name="Active">Pages on the active queue.</param>
/// <param name="Inactive">Pages on the inactive queue.</param>
/// <param name="Laundry">Pages on the laundry queue.</param>
/// <param name="Owner">The node that owns the file and answered (its cluster address, or "local" on a single node); null from a server that does not say.</param>
/// <param name="Generation">The owner's ownership generation (the journal's count of take-overs); 0 when not known.</param>
public sealed record FileStat(string Path, long Size, long SizePages, int Resident, int Dirty, int Busy, int Pip, int RefCount, int Active, int Inactive, int Laundry, string? Owner = null, long Generation = 0);

/// <summary>One page's state (<c>GET /v1/files/{path}/pages</c>).</summary>
/// <param name="Index">The page index in the file.</param>
/// <param name="Resident">Whether the page is in memory.</param>
/// <param name="Valid">Valid block mask (bit i: block i of the page holds the file's data).</param>
/// <param name="Dirty">Dirty block mask (bit i: block i differs from the store).</param>
/// <param name="Busy">"none", "exclusive" or "shared(n)".</param>
/// <param name="Queue">"active", "inactive", "laundry" or "none".</param>
/// <param name="Mapped">Whether clients on the owning node read it without a message to its VM object (the pmap; docs/pager.md).</param>
public sealed record PageInfo(long Index, bool Resident, int Valid, int Dirty, string Busy, string Queue, bool Mapped = false);

/// <summary>One VM object as an operator sees it (<c>GET /v1/objects</c>): VOP_GETVOBJECT of every vnode of every mount.</summary>
/// <param name="Mount">The mount holding the vnode.</param>
/// <param name="Path">The vnode's path on the mount.</param>
/// <param name="Vnode">The vnode actor's path.</param>
/// <param name="Object">The VM object actor's path; null when the vnode has none.</param>
/// <param name="Uses">Uses of the vnode counted by its mount.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Resident">Resident pages.</param>
/// <param name="Dirty">Pages with a dirty block.</param>
/// <param name="Busy">Busy pages.</param>
/// <param name="Pip">Paging operations in progress.</param>
/// <param name="RefCount">References on the VM object.</param>
/// <param name="MailboxDepth">Messages waiting in the VM object's mailbox; null when unknown.</param>
/// <param name="Owner">The node holding the object (the node that answered: its cluster address, or "local"); null from a server that does not say.</param>
public sealed record ObjectInfo(string Mount, string Path, string Vnode, string? Object, int Uses, long Size, int Resident, int Dirty, int Busy, int Pip, int RefCount, int? MailboxDepth, string? Owner = null);

/// <summary>The cluster as one node sees it (<c>GET /v1/cluster</c>).</summary>
/// <param name="Enabled">False on a single node (no cluster): the members and regions are empty, the files are this node's.</param>
/// <param name="Self">The answering node's address ("local" on a single node).</param>
/// <param name="Members">Every member the node knows, with its status.</param>
/// <param name="Regions">Each node's shard region: the shards it hosts and how many files are open in them.</param>
/// <param name="Files">Every file owned now, over every node that answered in time, with its owner and generation.</param>
/// <param name="Unanswered">Members asked for their files that did not answer in time (their files are missing from <paramref name="Files"/>).</param>
public sealed record ClusterInfo(bool Enabled, string Self, IReadOnlyList<ClusterMember> Members, IReadOnlyList<ClusterRegion> Regions, IReadOnlyList<OwnedFile> Files, IReadOnlyList<string> Unanswered);

/// <summary>A member of the cluster.</summary>
/// <param name="Address">Its address, akka.tcp://actorpager@HOST:PORT.</param>
/// <param name="Status">Joining, Up, Leaving, Exiting, Down, Removed, WeaklyUp.</param>
/// <param name="Reachable">False while the failure detector finds it silent.</param>
/// <param name="Roles">Its roles.</param>
public sealed record ClusterMember(string Address, string Status, bool Reachable, IReadOnlyList<string> Roles);

/// <summary>One node's shard region.</summary>
/// <param name="Address">The node.</param>
/// <param name="Shards">The shard ids it hosts.</param>
/// <param name="Files">Files (entities) open in them.</param>
public sealed record ClusterRegion(string Address, IReadOnlyList<string> Shards, int Files);

/// <summary>A file owned now.</summary>
/// <param name="Path">Its path.</param>
/// <param name="Owner">The owning node.</param>
/// <param name="Generation">Its ownership generation.</param>
public sealed record OwnedFile(string Path, string Owner, long Generation);
