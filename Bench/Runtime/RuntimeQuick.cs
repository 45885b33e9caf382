using System.Diagnostics;

namespace ActorPager.Bench.Runtime;

/// <summary>
/// The runtime's quick mode: the same workloads as the BenchmarkDotNet classes, timed with a
/// Stopwatch, one warm-up round per implementation, then the median of <see cref="Runs"/>
/// rounds, the implementations taking turns so drift hits all of them alike. Prints the eight
/// <c>bench:</c> lines of issue 7 on standard output and the absolute figures behind the
/// ratios on standard error.
/// </summary>
internal static class RuntimeQuick
{
    private const int Runs = 9;
    private const int PingPongInFlight = 16;
    private const int PingPongForwards = 500_000;
    private const int FanInPerProducer = 250_000;
    private const int AskCount = 100_000;
    private const int SpawnCount = 100_000;

    [QuickArea("runtime")]
    private static void Run()
    {
        foreach (var (name, scenario) in new (string, Action)[] { ("pingpong", PingPong), ("fanin", FanIn), ("ask", Ask), ("spawn", Spawn) })
        {
            var start = Stopwatch.GetTimestamp();
            scenario();
            Detail($"{name} took {Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s");
        }
    }

    private static void PingPong()
    {
        using var workload = new PingPongWorkload(PingPongInFlight, PingPongForwards);
        var messages = workload.MessagesPerRound;
        var (ours, block, channels) = Compare(workload.RunActors, workload.RunActionBlocks, workload.RunChannels, messages);
        Detail($"pingpong K={PingPongInFlight}: {messages} messages per round; ours {Rate(messages, ours.Median)}, actionblock {Rate(messages, block.Median)}, channels {Rate(messages, channels.Median)}; ours allocates {ours.BytesPerOp:0.##} B/message");
        QuickAreas.Report("runtime.pingpong", "ours/actionblock", block.Median / ours.Median);
        QuickAreas.Report("runtime.pingpong", "ours/channels", channels.Median / ours.Median);
    }

    private static void FanIn()
    {
        using var workload = new FanInWorkload(FanInPerProducer);
        var messages = workload.MessagesPerRound;
        var (ours, block, channels) = Compare(workload.RunActor, workload.RunActionBlock, workload.RunChannel, messages);
        Detail($"fanin {FanInWorkload.Producers}x{FanInPerProducer}: ours {Rate(messages, ours.Median)}, actionblock {Rate(messages, block.Median)}, channels {Rate(messages, channels.Median)}; ours allocates {ours.BytesPerOp:0.##} B/message");
        QuickAreas.Report("runtime.fanin", "ours/actionblock", block.Median / ours.Median);
        QuickAreas.Report("runtime.fanin", "ours/channels", channels.Median / ours.Median);
    }

    private static void Ask()
    {
        using var workload = new AskWorkload();
        var ask = Measure(() => workload.AskSequential(AskCount).GetAwaiter().GetResult(), AskCount);
        var channel = Measure(() => workload.ChannelSequential(AskCount).GetAwaiter().GetResult(), AskCount);
        Detail($"ask: {ask.NanosPerOp:0} ns/op, {ask.BytesPerOp:0} B/op; channel request/reply floor {channel.NanosPerOp:0} ns/op, {channel.BytesPerOp:0} B/op");
        QuickAreas.Report("runtime.ask", "ns/op", ask.NanosPerOp);
        QuickAreas.Report("runtime.ask", "bytes/op", ask.BytesPerOp);
    }

    private static void Spawn()
    {
        using var workload = new SpawnWorkload(SpawnCount);
        var spawn = Measure(workload.SpawnAndStop, SpawnCount);

        var retained = new double[Runs];
        for (var i = 0; i < Runs; i++)
        {
            retained[i] = workload.SpawnAndMeasureRetained();
            workload.StopAll();
        }

        Array.Sort(retained);
        Detail($"spawn: {spawn.NanosPerOp:0} ns/actor (spawn, start, stop), {spawn.BytesPerOp:0} B allocated/actor, {retained[Runs / 2]:0} B retained/idle actor");
        QuickAreas.Report("runtime.spawn", "ns/actor", spawn.NanosPerOp);
        QuickAreas.Report("runtime.spawn", "bytes/actor", retained[Runs / 2]);
    }

    /// <summary>Times three implementations round-robin and returns each one's median seconds per round.</summary>
    private static (Result Ours, Result Block, Result Channels) Compare(Action ours, Action block, Action channels, int opsPerRound)
    {
        ours();
        block();
        channels();
        var times = new double[3][];
        var bytes = new long[3][];
        Action[] runs = [ours, block, channels];
        for (var k = 0; k < 3; k++)
        {
            times[k] = new double[Runs];
            bytes[k] = new long[Runs];
        }

        for (var i = 0; i < Runs; i++)
        {
            for (var k = 0; k < 3; k++)
            {
                (times[k][i], bytes[k][i]) = Once(runs[k]);
            }
        }

        return (Summarise(times[0], bytes[0], opsPerRound), Summarise(times[1], bytes[1], opsPerRound), Summarise(times[2], bytes[2], opsPerRound));
    }

    /// <summary>Warms up once, then times <see cref="Runs"/> rounds.</summary>
    private static Result Measure(Action round, int opsPerRound)
    {
        round();
        var times = new double[Runs];
        var bytes = new long[Runs];
        for (var i = 0; i < Runs; i++)
        {
            (times[i], bytes[i]) = Once(round);
        }

        return Summarise(times, bytes, opsPerRound);
    }

    private static (double Seconds, long Bytes) Once(Action round)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var start = Stopwatch.GetTimestamp();
        round();
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (seconds, GC.GetTotalAllocatedBytes(precise: true) - allocated);
    }

    private static Result Summarise(double[] seconds, long[] bytes, int opsPerRound)
    {
        Array.Sort(seconds);
        Array.Sort(bytes);
        return new Result(seconds[seconds.Length / 2], opsPerRound, bytes[bytes.Length / 2] / (double)opsPerRound);
    }

    private static string Rate(int messages, double seconds) =>
        FormattableString.Invariant($"{messages / seconds / 1e6:0.00} M msg/s");

    private static void Detail(string text) => Console.Error.WriteLine(FormattableString.Invariant($"  {text}"));

    /// <summary>The median seconds per round and what it means per operation.</summary>
    private readonly record struct Result(double Median, int OpsPerRound, double BytesPerOp)
    {
        public double NanosPerOp => Median * 1e9 / OpsPerRound;
    }
}
