namespace ActorPager.Messages;

/// <summary>
/// One page as a VM object hands it to its pager (an element of <c>ma[]</c>): its index in the
/// object, the frame that holds its data, and its valid and dirty block masks at the time of the
/// request. The pager reads into and writes from the frame in place; it never changes the page's
/// state itself, but answers with <see cref="PageOp"/>s the object applies.
/// </summary>
/// <param name="PIndex">The page index in the object (offset / page size).</param>
/// <param name="Frame">The frame number in physical memory.</param>
/// <param name="Valid">Valid block mask.</param>
/// <param name="Dirty">Dirty block mask (a subset of <paramref name="Valid"/>).</param>
public readonly record struct PageDescriptor(long PIndex, int Frame, byte Valid, byte Dirty);

/// <summary>What a pager or a completion does to one page; the object applies a list of these in order, in one turn.</summary>
public enum PageOpKind : byte
{
    /// <summary>vm_page_set_valid: valid |= mask.</summary>
    SetValid,

    /// <summary>vm_page_set_validclean: valid |= mask and dirty &amp;= ~mask (the data was just read).</summary>
    SetValidClean,

    /// <summary>Throw away a partial validity: valid = 0 (rule 4 of §2.1: a partly valid reqpage is read again).</summary>
    ClearValid,

    /// <summary>vm_page_clear_dirty: dirty &amp;= ~mask (EOF trimming, rule 25; a written run).</summary>
    ClearDirty,

    /// <summary>vm_page_undirty: dirty = 0 (a successful write, rule 34).</summary>
    Undirty,

    /// <summary>vm_page_dirty: dirty = valid (a failed write keeps the data dirty, rule 34).</summary>
    Redirty,

    /// <summary>vm_page_activate: to the active queue.</summary>
    Activate,

    /// <summary>vm_page_deactivate: to the inactive queue.</summary>
    Deactivate,

    /// <summary>Read-ahead finish (rule 9): activate if someone waits for the page, else deactivate.</summary>
    ActivateIfWanted,

    /// <summary>vm_page_wakeup / sunbusy / io_finish: drop the busy hold the I/O had, waking waiters once unbusied.</summary>
    Unbusy,

    /// <summary>vm_page_free: remove the page from the object and return its frame.</summary>
    Free,
}

/// <summary>One operation on one page.</summary>
/// <param name="PIndex">The page index in the object.</param>
/// <param name="Kind">What to do.</param>
/// <param name="Mask">The block mask, for the kinds that take one.</param>
public readonly record struct PageOp(long PIndex, PageOpKind Kind, byte Mask = 0)
{
    /// <inheritdoc />
    public override string ToString() => Mask == 0 ? $"{Kind}({PIndex})" : $"{Kind}({PIndex}, 0x{Mask:x2})";
}

/// <summary>A request refused for bad input: nothing changed. The reason says what was wrong and where.</summary>
/// <param name="Reason">A message a user can act on.</param>
/// <param name="RequestId">
/// The id of the refused request when it carried one (a getpages or putpages of a VM object), so
/// the sender can find it and undo what it set up for it; 0 for requests without an id.
/// </param>
public sealed record RequestRejected(string Reason, long RequestId = 0);
