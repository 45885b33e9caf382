namespace ActorPager.Service;

/// <summary>What the shutdown sync did (<see cref="PageService.SyncAllAsync"/>).</summary>
/// <param name="Files">Files synced.</param>
/// <param name="Pages">Pages written by their synchronous putpages.</param>
/// <param name="Failed">Files whose sync failed (each was reported on the service's log).</param>
internal readonly record struct SyncSummary(int Files, int Pages, int Failed);
