// Each test runs a cluster of three processes on a machine that may have two cores: two clusters
// at once would starve each other's failure detectors and down live nodes. One test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
