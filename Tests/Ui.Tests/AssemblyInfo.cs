// One browser and at most one cluster at a time: the machine may have two cores, which chromium,
// the servers and the rest of the solution's tests share.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
