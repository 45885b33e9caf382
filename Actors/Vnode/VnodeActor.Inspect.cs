using Akka.Actor;

namespace ActorPager.Actors.Vnode;

/// <summary>A vnode's state as a monitor sees it between two deliveries (deterministic dispatcher only).</summary>
/// <param name="File">The file.</param>
/// <param name="Size">vnp_size.</param>
/// <param name="Object">v_object.</param>
/// <param name="Turn">The turn held (0 when free).</param>
/// <param name="Holds">Holds on the turn.</param>
/// <param name="WaitingForObject">A VOP waits for the object's answer.</param>
/// <param name="LockWaiters">Objects refused with LockBusy this turn.</param>
/// <param name="Doomed">Being recycled.</param>
internal sealed record VnodeSnapshot(string File, long Size, IActorRef? Object, long Turn, int Holds, bool WaitingForObject, int LockWaiters, bool Doomed);

/// <summary>Read-only inspection for the harness's monitors.</summary>
internal sealed partial class VnodeActor
{
    /// <summary>The state now. Call only between deliveries on the deterministic dispatcher.</summary>
    internal VnodeSnapshot Inspect() =>
        new(_settings.File, _size, _object, _turn, _holds, _vop is not null, _lockWaiters.Count, _doomed);
}
