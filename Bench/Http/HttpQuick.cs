using System.Diagnostics;
using System.Globalization;
using System.Net;
using ActorPager.Service;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorPager.Bench.Http;

/// <summary>
/// The HTTP load benchmark: N concurrent HttpClient loops on loopback doing 4 KiB reads of
/// resident pages and 4 KiB writes against <c>actorpager serve</c>'s API (in process, the real
/// <see cref="PageServer"/>), side by side with the peer: a minimal Kestrel endpoint serving the
/// same byte ranges straight from the file (<c>Results.File</c> with range processing), and for
/// sync writes a Kestrel handler doing <c>pwrite</c> + <c>fsync</c> of the body at the offset.
/// Rounds alternate between the two so a change in machine load hits both alike.
/// </summary>
internal static class HttpQuick
{
    private const int PageSize = 4096;

    /// <summary>Pages in the file: 16 MiB, resident in the default 64 MiB frame pool.</summary>
    private const int Pages = 4096;

    /// <summary>Concurrent clients (ACTORPAGER_BENCH_CLIENTS).</summary>
    private static int Clients => Setting("ACTORPAGER_BENCH_CLIENTS", 8);

    /// <summary>Seconds per measured round (ACTORPAGER_BENCH_SECONDS).</summary>
    private static int Seconds => Setting("ACTORPAGER_BENCH_SECONDS", 3);

    /// <summary>Read rounds per server (ACTORPAGER_BENCH_ROUNDS).</summary>
    private static int Rounds => Setting("ACTORPAGER_BENCH_ROUNDS", 3);

    [QuickArea("http")]
    public static void Run() => RunAsync().GetAwaiter().GetResult();

    private static async Task RunAsync()
    {
        var data = Path.Combine(Path.GetTempPath(), "actorpager-bench-http-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        try
        {
            // Akka's INFO lines (CoordinatedShutdown at the end) would land on stdout among the figures.
            var config = Path.Combine(data, "bench.conf");
            await File.WriteAllTextAsync(config, "akka.loglevel = WARNING\n");
            await using var ours = PageServer.Create(new ServeOptions { ConfigFile = config, Data = data, Listen = "127.0.0.1:0" }, TextWriter.Null);
            await ours.StartAsync();

            // Write the file through our server and sync it: its pages are resident and the same
            // bytes are on disk for the peer.
            using (var setup = HttpLoad.NewClient(ours.Address, 4, TimeSpan.FromSeconds(100)))
            {
                var block = new byte[256 * PageSize];
                new Random(42).NextBytes(block);
                for (var offset = 0; offset < Pages * PageSize; offset += block.Length)
                {
                    using var put = await setup.PutAsync(new Uri($"/v1/files/bench.bin?offset={offset}&sync=true", UriKind.Relative), new ByteArrayContent(block));
                    put.EnsureSuccessStatusCode();
                }
            }

            // The peer's sync writes go to a file of their own, so its reads stay the same bytes.
            var peerWrites = Path.Combine(data, "peer-writes.bin");
            File.Copy(Path.Combine(data, "bench.bin"), peerWrites);
            await using var peer = await StartPeerAsync(Path.Combine(data, "bench.bin"), peerWrites);

            // Our files through the API; the peer's at /file (reads) and /write (pwrite + fsync).
            using var oursLoad = new HttpLoad([ours.Address], Clients);
            using var peerLoad = new HttpLoad([peer.Address], Clients, prefix: "/");
            Task<LoadResult> Ours(string name, string file, bool write, bool sync, int seconds) => oursLoad.RunAsync(name, [file], Pages, Clients, write, sync, TimeSpan.FromSeconds(seconds));
            Task<LoadResult> Peer(string name, string file, bool write, bool sync, int seconds) => peerLoad.RunAsync(name, [file], Pages, Clients, write, sync, TimeSpan.FromSeconds(seconds));
            Console.Error.WriteLine($"http bench: {Clients} clients, {Rounds} rounds of {Seconds}s per server, 4 KiB ranges of a {Pages * PageSize / (1024 * 1024)} MiB file, load average {LoadAverage()}");

            // Warm up both (JIT, connections), unmeasured.
            await Ours("warm-up ours", "bench.bin", write: false, sync: false, 1);
            await Peer("warm-up file", "file", write: false, sync: false, 1);

            var oursRead = new LoadResult();
            var peerRead = new LoadResult();
            for (var round = 1; round <= Rounds; round++)
            {
                oursRead.Add(await Ours($"http.read ours {round}/{Rounds}", "bench.bin", write: false, sync: false, Seconds));
                peerRead.Add(await Peer($"http.read file {round}/{Rounds}", "file", write: false, sync: false, Seconds));
            }

            var oursWrite = await Ours("http.write ours", "bench.bin", write: true, sync: false, Seconds);

            // Sync writes: PUT sync=true of 4 KiB pages against pwrite + fsync, alternating, after
            // one unmeasured round each (the file's first writes extend it and journal its size).
            await Ours("warm-up syncwrite ours", "sync.bin", write: true, sync: true, 1);
            await Peer("warm-up syncwrite file", "write", write: true, sync: true, 1);
            var oursSync = new LoadResult();
            var peerSync = new LoadResult();
            for (var round = 1; round <= Rounds; round++)
            {
                oursSync.Add(await Ours($"http.syncwrite ours {round}/{Rounds}", "sync.bin", write: true, sync: true, Seconds));
                peerSync.Add(await Peer($"http.syncwrite file {round}/{Rounds}", "write", write: true, sync: true, Seconds));
            }

            Console.Error.WriteLine();
            Console.Error.WriteLine($"{"scenario",-16} {"requests",10} {"req/s",10} {"p50 us",9} {"p99 us",9} {"p99.9 us",9}");
            foreach (var (name, result) in new[] { ("read ours", oursRead), ("read file", peerRead), ("write ours", oursWrite), ("syncwrite ours", oursSync), ("syncwrite file", peerSync) })
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-16} {result.Count,10} {result.PerSecond,10:F0} {result.Percentile(0.50),9:F0} {result.Percentile(0.99),9:F0} {result.Percentile(0.999),9:F0}"));
            }

            Console.Error.WriteLine($"load average after: {LoadAverage()}");
            QuickAreas.Report("http.read", "ours/file", oursRead.PerSecond / peerRead.PerSecond);
            QuickAreas.Report("http.read", "p99-us", oursRead.Percentile(0.99));
            QuickAreas.Report("http.write", "p99-us", oursWrite.Percentile(0.99));
            QuickAreas.Report("http.syncwrite", "ours/file", oursSync.PerSecond / peerSync.PerSecond);
            await ours.StopAsync();
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// The peer: Kestrel serving byte ranges of <paramref name="file"/>, and writing a PUT's body
    /// at its offset into <paramref name="writes"/> with <c>pwrite</c> then <c>fsync</c> (one
    /// handle, <c>RandomAccess.Write</c> and <c>RandomAccess.FlushToDisk</c>), nothing else.
    /// </summary>
    private static async Task<Peer> StartPeerAsync(string file, string writes)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.MapGet("/file", () => Results.File(file, "application/octet-stream", enableRangeProcessing: true));
        var handle = File.OpenHandle(writes, FileMode.Open, FileAccess.ReadWrite);
        app.MapPut("/write", async (HttpContext context) =>
        {
            var offset = long.Parse(context.Request.Query["offset"].ToString(), CultureInfo.InvariantCulture);
            var body = new byte[PageSize];
            var length = 0;
            int n;
            while (length < body.Length && (n = await context.Request.Body.ReadAsync(body.AsMemory(length))) > 0)
            {
                length += n;
            }

            RandomAccess.Write(handle, body.AsSpan(0, length), offset);
            RandomAccess.FlushToDisk(handle);
            return Results.Ok();
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new Peer(app, address, handle);
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private sealed record Peer(WebApplication App, Uri Address, Microsoft.Win32.SafeHandles.SafeFileHandle Writes) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            Writes.Dispose();
        }
    }
}
