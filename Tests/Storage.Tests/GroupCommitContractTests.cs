using ActorPager.Storage.Internal;

namespace ActorPager.Storage.Tests;

/// <summary>
/// What the group commit of every database store keeps (SQLite, PostgreSQL), run unchanged against
/// each by a derived class. Above all the flush skip: a flush commits no transaction when every
/// change to its file queued before it is already covered by a successful durable commit, and
/// commits one otherwise (docs/storage.md, "Flushes without a transaction").
/// </summary>
public abstract class GroupCommitContractTests : StoreTests<IFencedPageStore>
{
    /// <summary>The most changes per transaction of the stores the derived classes open.</summary>
    protected const int MaxBatch = 256;

    /// <summary>The store's group commit counters.</summary>
    protected abstract GroupCommitStatistics Statistics { get; }

    /// <summary>Set: every commit fails (non-transient, inside its transaction) until cleared.</summary>
    protected abstract bool FailCommits { set; }

    /// <summary>The store's committer, for its hold seam.</summary>
    internal abstract GroupCommitter Committer { get; }

    /// <summary>
    /// Changes made one after another (each "FILE durable", "FILE buffered" or "FILE size", all
    /// awaited), then a flush of "a", and whether that flush may skip its transaction.
    /// </summary>
    public static TheoryData<string, bool> ChangesBeforeAFlush => new()
    {
        { "a durable", true },
        { "a durable, a buffered", false },
        { "a durable, a size", false },
        { "a buffered, a durable", true },

        // The durable commit of b makes every commit before it durable, a's buffered one included.
        { "a buffered, b durable", true },
        { "b durable, a buffered", false },
        { "a buffered, b buffered, b durable", true },
        { "a durable, b buffered", true },
    };

    /// <summary>A few bytes that differ by <paramref name="seed"/>.</summary>
    private static byte[] Bytes(byte seed) => [seed, (byte)(seed + 1), (byte)(seed + 2)];

    /// <summary>Asserts a result is Ok.</summary>
    private static void AssertOk(StoreResult result) => Assert.True(result.IsOk, $"expected Ok, got {result}");

    /// <summary>Flushes <paramref name="file"/> and asserts it was answered without a transaction.</summary>
    private async Task AssertFlushSkippedAsync(string file)
    {
        GroupCommitStatistics before = Statistics;
        AssertOk(await Store.FlushAsync(file));
        GroupCommitStatistics after = Statistics;
        Assert.Equal(before.Transactions, after.Transactions);
        Assert.Equal(before.SkippedFlushes + 1, after.SkippedFlushes);
    }

    /// <summary>Flushes <paramref name="file"/> and asserts it committed a durable transaction of its own.</summary>
    private async Task AssertFlushCommittedAsync(string file)
    {
        GroupCommitStatistics before = Statistics;
        AssertOk(await Store.FlushAsync(file));
        GroupCommitStatistics after = Statistics;
        Assert.Equal(before.Transactions + 1, after.Transactions);
        Assert.Equal(before.DurableTransactions + 1, after.DurableTransactions);
        Assert.Equal(before.SkippedFlushes, after.SkippedFlushes);
    }

    /// <summary>Writes to <paramref name="file"/> while every commit fails, and asserts the write answered the error.</summary>
    private async Task WriteFailingAsync(string file, WriteDurability durability)
    {
        FailCommits = true;
        StoreResult failed = await Store.WriteAsync(file, 0, Bytes(7), durability);
        FailCommits = false;
        Assert.Equal(StoreStatus.Error, failed.Status);
    }

    [StoreTheory]
    [MemberData(nameof(ChangesBeforeAFlush))]
    public async Task Flush_AfterChanges_SkipsOnlyWhenADurableCommitCoveredThemAll(string changes, bool skips)
    {
        byte seed = 0;
        foreach (string change in changes.Split(", "))
        {
            string[] words = change.Split(' ');
            AssertOk(words[1] switch
            {
                "durable" => await Store.WriteAsync(words[0], 0, Bytes(++seed), WriteDurability.Durable),
                "buffered" => await Store.WriteAsync(words[0], 0, Bytes(++seed), WriteDurability.Buffered),
                _ => await Store.SetSizeAsync(words[0], 100),
            });
        }

        await (skips ? AssertFlushSkippedAsync("a") : AssertFlushCommittedAsync("a"));

        // Whether it skipped or committed, nothing is left for the next flush.
        await AssertFlushSkippedAsync("a");
    }

    [StoreFact]
    public async Task Flush_AfterAFailedDurableCommit_CommitsDurably()
    {
        AssertOk(await Store.WriteAsync("a", 0, Bytes(1), WriteDurability.Buffered));
        await WriteFailingAsync("b", WriteDurability.Durable);
        Assert.Equal(1, Statistics.FailedTransactions);

        // Had the failed commit counted as durable, it would have covered a's buffered write.
        await AssertFlushCommittedAsync("a");
    }

    [StoreFact]
    public async Task Flush_AfterItsFileFailedADurableWrite_CommitsDurably()
    {
        await WriteFailingAsync("a", WriteDurability.Durable);
        await AssertFlushCommittedAsync("a");
    }

    [StoreFact]
    public async Task Flush_WhileADurableWriteOfItsFileIsQueued_WaitsForItsCommit()
    {
        AssertOk(await Store.WriteAsync("other", 0, Bytes(3), WriteDurability.Durable));
        ValueTask<StoreResult> write, flush;
        using (Committer.HoldCommits())
        {
            write = Store.WriteAsync("f", 0, Bytes(1), WriteDurability.Durable);
            flush = Store.FlushAsync("f");
            Assert.False(flush.IsCompleted, "the flush answered before the durable write queued ahead of it committed");
        }

        AssertOk(await write);
        AssertOk(await flush);
        Assert.Equal(0, Statistics.SkippedFlushes);
    }

    [StoreFact]
    public async Task Flush_AfterADurableCommitOfOnlyARefusedWrite_AnswersWithoutATransaction()
    {
        // The refused write changes nothing, yet its durable transaction still commits durably
        // (the stores make every durable transaction write), so it covers the buffered write.
        Assert.Equal(StoreResult.Ok(2), await Store.FenceAsync("f", 2));
        AssertOk(await Store.WriteAsync("f", 0, Bytes(1), WriteDurability.Buffered, 2));
        StoreResult refused = await Store.WriteAsync("f", 0, Bytes(2), WriteDurability.Durable, 1);
        Assert.Equal(StoreErrorKind.Fenced, refused.Error?.Kind);
        await AssertFlushSkippedAsync("f");
    }

    [StoreFact]
    public async Task Flush_InvalidNameWhenASkipWouldApply_AnswersInvalidName()
    {
        AssertOk(await Store.WriteAsync("f", 0, Bytes(1), WriteDurability.Durable));
        StoreResult result = await Store.FlushAsync("a//b");
        Assert.Equal(StoreErrorKind.InvalidName, result.Error?.Kind);
        Assert.Equal(0, Statistics.SkippedFlushes);
    }

    [StoreFact]
    public async Task Flush_BufferedWriteQueuedBehindManyDurableOnes_CommitsThoughTheTableWasPruned()
    {
        // Six full batches of durable writes to distinct files: the fourth commit finds 1,024
        // entries in the committer's per-file table and prunes it while the buffered write, alone
        // in a seventh batch that is not durable, is still queued. Its entry must survive.
        const int Files = 6 * MaxBatch;
        var writes = new List<ValueTask<StoreResult>>(Files);
        ValueTask<StoreResult> late;
        using (Committer.HoldCommits())
        {
            for (int i = 0; i < Files; i++)
            {
                writes.Add(Store.WriteAsync($"m/{i}", 0, Bytes((byte)i), WriteDurability.Durable));
            }

            late = Store.WriteAsync("m/late", 0, Bytes(9), WriteDurability.Buffered);
        }

        foreach (ValueTask<StoreResult> write in writes)
        {
            AssertOk(await write);
        }

        AssertOk(await late);
        Assert.Equal(7, Statistics.Transactions);
        Assert.Equal(6, Statistics.DurableTransactions);
        await AssertFlushCommittedAsync("m/late");
        for (int i = 0; i < Files; i += 100)
        {
            await AssertFlushSkippedAsync($"m/{i}");
        }
    }

    [StoreFact]
    public async Task GroupCommit_BatchWithOneFencedChange_TheOthersCommitInTheSameTransaction()
    {
        AssertOk(await Store.FenceAsync("a", 2));
        GroupCommitStatistics before = Statistics;
        ValueTask<StoreResult> staleWrite, otherFile, unfenced, staleSize, current;
        using (Committer.HoldCommits())
        {
            staleWrite = Store.WriteAsync("a", 0, new byte[] { 1 }, WriteDurability.Durable, 1);
            otherFile = Store.WriteAsync("b", 0, new byte[] { 2 }, WriteDurability.Durable, 1);
            unfenced = Store.WriteAsync("c", 0, new byte[] { 3 }, WriteDurability.Buffered);
            staleSize = Store.SetSizeAsync("a", 100, 1);
            current = Store.WriteAsync("a", 1, new byte[] { 4 }, WriteDurability.Durable, 2);
        }

        Assert.Equal(StoreErrorKind.Fenced, (await staleWrite).Error?.Kind);
        Assert.Equal(StoreResult.Ok(1), await otherFile);
        Assert.Equal(StoreResult.Ok(1), await unfenced);
        Assert.Equal(StoreErrorKind.Fenced, (await staleSize).Error?.Kind);
        Assert.Equal(StoreResult.Ok(1), await current);

        GroupCommitStatistics after = Statistics;
        Assert.Equal(before.Transactions + 1, after.Transactions);
        Assert.Equal(before.FailedTransactions, after.FailedTransactions);
        var buffer = new byte[2];
        Assert.Equal(2, (await Store.ReadAsync("a", 0, buffer)).Bytes);
        Assert.Equal([0, 4], buffer);
        Assert.Equal(1, (await Store.GetSizeAsync("b")).Bytes);
        Assert.Equal(1, (await Store.GetSizeAsync("c")).Bytes);
    }
}
