using ActorPager.Actors.Tests.Support;
using ActorPager.Harness.Dispatch;
using ActorPager.Storage;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorPager.Actors.Tests;

/// <summary>The pager end to end through its .NET API: on Akka's thread pool, and on the deterministic dispatcher.</summary>
public sealed class PagerSmokeTests(ITestOutputHelper output) : PagerTestKit(output)
{
    [Fact]
    public async Task WriteReadSync_MemoryStore_RoundTrips()
    {
        using var system = ActorSystem.Create("smoke");
        var pager = PagerSystem.Start(system, new PagerOptions { PhysicalMemory = 4 * 1024 * 1024 });
        var store = new MemoryStore();
        pager.Mount("m", store);
        var file = await pager.OpenAsync("m", "a/b.bin");
        var data = new byte[10_000];
        new Random(1).NextBytes(data);
        var (written, durable) = await file.WriteAsync(100, data);
        Assert.Equal(10_000, written);
        Assert.False(durable);
        var back = new byte[10_000];
        Assert.Equal(10_000, await file.ReadAsync(100, back));
        Assert.Equal(data, back);
        var stat = await file.StatAsync();
        Assert.Equal(10_100, stat.SizeBytes);
        Assert.True(stat.Dirty > 0);
        var fsync = await file.SyncAsync();
        Assert.True(fsync.Ok, fsync.Error);
        stat = await file.StatAsync();
        Assert.Equal(0, stat.Dirty);
        Assert.Equal(0, stat.Pip);
        var raw = new byte[10_000];
        await store.ReadAsync("a/b.bin", 100, raw);
        Assert.Equal(data, raw);
        await file.DisposeAsync();
        await system.Terminate();
    }

    [Fact]
    public async Task ColdRead_ClusteredGetPages_ReadsFromStore()
    {
        using var system = ActorSystem.Create("smoke");
        var pager = PagerSystem.Start(system, new PagerOptions { PhysicalMemory = 4 * 1024 * 1024 });
        var store = new MemoryStore();
        var data = new byte[64 * 1024];
        new Random(2).NextBytes(data);
        await store.WriteAsync("f", 0, data, WriteDurability.Durable);
        pager.Mount("m", store);
        var file = await pager.OpenAsync("m", "f");
        var back = new byte[data.Length + 100];
        Assert.Equal(data.Length, await file.ReadAsync(0, back));
        Assert.Equal(data, back.AsSpan(0, data.Length).ToArray());
        var stat = await file.StatAsync();
        Assert.Equal(16, stat.Resident);
        Assert.Equal(0, stat.Busy);
        Assert.Equal(0, stat.Pip);
        await system.Terminate();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task WriteReadSync_DeterministicSimulatedStore_RoundTrips(long seed)
    {
        BeginRun(seed);
        var d = Dispatcher;
        var store = new SimulatedStore();
        d.AddExternalSource(new SimulatedIoEvents(store));
        var pager = PagerSystem.Start(Sys, new PagerOptions { PhysicalMemory = 1024 * 1024 }, new PagerPlacement { Home = Deterministic.Home, Ask = Deterministic.Ask });
        pager.Mount("m", store);
        var open = pager.OpenAsync("m", "f");
        Assert.True(d.RunUntil(() => open.IsCompleted), $"seed {seed}: open did not finish");
        var file = await open;
        var data = new byte[9000];
        new Random((int)seed).NextBytes(data);
        var write = file.WriteAsync(50, data, sync: true);
        Assert.True(d.RunUntil(() => write.IsCompleted, TimeSpan.FromSeconds(10)), $"seed {seed}: write did not finish; trace:\n{d.Trace}");
        var (written, durable) = await write;
        Assert.Equal(9000, written);
        Assert.True(durable);
        var back = new byte[9000];
        var read = file.ReadAsync(50, back);
        Assert.True(d.RunUntil(() => read.IsCompleted), $"seed {seed}: read did not finish");
        Assert.Equal(9000, await read);
        Assert.Equal(data, back);
        var stat = file.StatAsync();
        d.RunUntil(() => stat.IsCompleted);
        Assert.Equal(0, (await stat).Pip);
        Assert.Equal(0, (await stat).Dirty);
    }
}
