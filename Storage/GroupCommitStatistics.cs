namespace ActorPager.Storage;

/// <summary>Counters of a database store's group commit, for metrics and tests.</summary>
/// <param name="Transactions">Transactions committed or attempted (one per batch).</param>
/// <param name="DurableTransactions">Of those, transactions committed durably (a durable write or flush was in the batch).</param>
/// <param name="Operations">Writes, size changes and flushes carried by those transactions.</param>
/// <param name="LargestBatch">The most operations one transaction carried.</param>
/// <param name="FailedTransactions">Transactions that failed after any retries; their operations answered Error.</param>
/// <param name="Retries">Attempts repeated after a transient error.</param>
/// <param name="SkippedFlushes">
/// Flushes answered Ok at once, with no transaction, because every change to their file queued
/// before them had already been covered by a durable commit (docs/storage.md, "Flushes without a
/// transaction"). Not counted in <paramref name="Operations"/>.
/// </param>
public readonly record struct GroupCommitStatistics(long Transactions, long DurableTransactions, long Operations, int LargestBatch, long FailedTransactions, long Retries, long SkippedFlushes);
