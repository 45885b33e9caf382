using ActorPager.Storage.Internal;

namespace ActorPager.Storage.Tests;

/// <summary>The directory store's in-memory fences: a fence answers only once the older changes admitted before it have ended.</summary>
public sealed class FenceTableTests
{
    [Fact]
    public async Task Raise_WithAnOlderChangeInFlight_AnswersOnlyOnceItEnds()
    {
        var table = new FenceTable();
        Assert.Null(table.Admit("f", 1, "write"));
        ValueTask<StoreResult> fence = table.RaiseAsync("f", 2);
        Assert.False(fence.IsCompleted, "the fence answered while a write of generation 1 was still in flight");

        // Raised at once, though: a change admitted from now on is checked against it.
        Assert.Equal(2, table.Get("f"));
        Assert.Equal(StoreErrorKind.Fenced, table.Admit("f", 1, "write")?.Kind);

        table.Release("f", 1);
        Assert.Equal(StoreResult.Ok(2), await fence);
    }

    [Fact]
    public async Task Raise_WithOnlyChangesOfItsGenerationOrNewerInFlight_AnswersAtOnce()
    {
        var table = new FenceTable();
        Assert.Null(table.Admit("f", 2, "write"));
        Assert.Null(table.Admit("f", 5, "set size"));
        Assert.Null(table.Admit("other", 1, "write"));
        ValueTask<StoreResult> fence = table.RaiseAsync("f", 2);
        Assert.True(fence.IsCompleted);
        Assert.Equal(StoreResult.Ok(2), await fence);
    }

    [Fact]
    public async Task Raise_TwoFencesWaiting_EachAnswersWhenTheChangesOlderThanItEnd()
    {
        var table = new FenceTable();
        Assert.Null(table.Admit("f", 1, "write"));
        ValueTask<StoreResult> second = table.RaiseAsync("f", 2);
        Assert.Null(table.Admit("f", 2, "write"));
        ValueTask<StoreResult> third = table.RaiseAsync("f", 3);

        table.Release("f", 1);
        Assert.Equal(StoreResult.Ok(2), await second);
        Assert.False(third.IsCompleted, "the fence at 3 answered while a write of generation 2 was in flight");
        table.Release("f", 2);
        Assert.Equal(StoreResult.Ok(3), await third);
    }

    [Fact]
    public async Task Raise_BelowTheFence_RefusedAndKeepsIt()
    {
        var table = new FenceTable();
        Assert.Equal(StoreResult.Ok(4), await table.RaiseAsync("f", 4));
        StoreResult lower = await table.RaiseAsync("f", 3);
        Assert.Equal(StoreErrorKind.Fenced, lower.Error?.Kind);
        Assert.Equal("'f': fence of generation 3 refused: the file is fenced at generation 4 (a newer owner)", lower.Error!.Message);
        Assert.Equal(4, table.Get("f"));
        Assert.Equal(0, table.Get("never"));
    }
}
