using Akka.Event;

namespace ActorPager.Actors;

/// <summary>
/// Every log line the pager's actors write, in one place (Npgsql's habit), so each says the same
/// thing the same way and a reader can see at a glance what the pager ever logs and at which level.
/// </summary>
internal static class PagerLog
{
    /// <summary>
    /// A synchronous putpages answered Pend (rule 28): the pages stay dirty on the active queue. The
    /// event's cause carries the rule, for tools that read violations from the log.
    /// </summary>
    public static void SyncPutPagesPended(this ILoggingAdapter log, long requestId, object status) =>
        log.Error(new ProtocolViolationException(28, $"putpages {requestId} answered {status} for a synchronous write"), "putpages {0} answered {1} for a synchronous write (rule 28); the pages stay dirty", requestId, status);

    /// <summary>A VM object stopped on an exception: what it cost, said once, at error level.</summary>
    public static void ObjectFailed(this ILoggingAdapter log, string file, string reason, int dirtyPagesLost, int framesHeld) =>
        log.Error("the VM object of {0} failed ({1}): {2} dirty pages were lost; {3} frames with store I/O in flight stay out of the pool until it finishes", file, reason, dirtyPagesLost, framesHeld);

    /// <summary>The vnode refused a request of this object as malformed: a bug in the object.</summary>
    public static void RequestRejected(this ILoggingAdapter log, long requestId, string reason) =>
        log.Error("the vnode rejected request {0}: {1}", requestId, reason);
}
