using System.Globalization;
using System.Text;
using ActorPager.Actors;
using ActorPager.Storage;
using Akka.Actor;
using Akka.Configuration;

namespace ActorPager.CrashWorker;

/// <summary>
/// The child process of the crash test. It opens a file through the pager on a durable store,
/// reports what every page holds (read through the pager), then writes whole-page images with
/// <c>sync: true</c> until it is killed, one line on stdout per event:
/// <list type="bullet">
/// <item><c>page &lt;page&gt; &lt;generation&gt;</c>, <c>page &lt;page&gt; zero</c> or <c>page &lt;page&gt; torn</c> — the state at start, then <c>ready</c>;</item>
/// <item><c>write &lt;first&gt; &lt;count&gt; &lt;generation&gt;</c> — a write of pages [first, first + count) begins;</item>
/// <item><c>ack &lt;page&gt; &lt;generation&gt;</c> — the write returned: the page is durable.</item>
/// </list>
/// Each line is written and flushed whole, after the event; a line cut short by the kill has no
/// newline and the test ignores it. The worker exits by itself when its stdin closes (its parent
/// is gone), so it never outlives the test.
/// </summary>
internal static class Program
{
    /// <summary>Arguments: kind (directory, sqlite, postgres), location (directory, database file, connection string), file name, seed, epoch, and for postgres the schema.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length is < 5 or > 6)
        {
            await Console.Error.WriteLineAsync("usage: ActorPager.CrashWorker <directory|sqlite|postgres> <location> <file> <seed> <epoch> [schema]").ConfigureAwait(false);
            return 2;
        }

        var kind = args[0];
        var location = args[1];
        var fileName = args[2];
        var seed = int.Parse(args[3], CultureInfo.InvariantCulture);
        var epoch = int.Parse(args[4], CultureInfo.InvariantCulture);
        var options = kind switch
        {
            "directory" => new StoreOptions { Kind = kind, Directory = location },
            "sqlite" => new StoreOptions { Kind = kind, SqlitePath = location },
            "postgres" => new StoreOptions { Kind = kind, PostgresConnectionString = location, PostgresSchema = args.Length > 5 ? args[5] : "actorpager" },
            _ => throw new ArgumentException($"unknown store kind '{kind}': expected directory, sqlite or postgres"),
        };

        // The parent keeps stdin open and never writes: EOF means it is gone.
        _ = Task.Run(() =>
        {
            while (Console.In.ReadLine() is not null)
            {
            }

            Environment.Exit(3);
        });

        var output = Console.OpenStandardOutput();
        await using var store = PageStores.Create(options);
        // Akka's logs go to stderr (StandardErrorLogger): stdout carries only the lines above.
        using var system = ActorSystem.Create("crashworker", ConfigurationFactory.ParseString($$"""
            akka.loggers = ["{{typeof(StandardErrorLogger).AssemblyQualifiedName}}"]
            akka.stdout-loglevel = OFF
            akka.loglevel = WARNING
            """));
        var pager = PagerSystem.Start(system, new PagerOptions { PhysicalMemory = 4L * 1024 * 1024 });
        pager.Mount("crash", store);
        var file = await pager.OpenAsync("crash", fileName).ConfigureAwait(false);

        // What every page holds now, read through the pager (the test compares it with the store).
        var all = new byte[PageImage.Pages * PageImage.Size];
        var read = await file.ReadAsync(0, all).ConfigureAwait(false);
        all.AsSpan(read).Clear();
        var state = new StringBuilder();
        for (var page = 0; page < PageImage.Pages; page++)
        {
            var image = all.AsSpan(page * PageImage.Size, PageImage.Size);
            var what = PageImage.Classify(image, page, out var generation) switch
            {
                PageImageKind.Valid => generation.ToString(CultureInfo.InvariantCulture),
                PageImageKind.Zero => "zero",
                _ => "torn",
            };
            state.Append(CultureInfo.InvariantCulture, $"page {page} {what}\n");
        }

        state.Append("ready\n");
        Emit(output, state.ToString());

        var random = new Random(seed);
        var buffer = new byte[16 * PageImage.Size];
        for (long counter = 1; ; counter++)
        {
            // One page in three writes, else a run of 2-16 pages: clustered putpages.
            var first = random.Next(PageImage.Pages);
            var count = random.Next(3) == 0 ? 1 : random.Next(2, 17);
            count = Math.Min(count, PageImage.Pages - first);
            var generation = PageImage.Generation(epoch, counter);
            for (var i = 0; i < count; i++)
            {
                PageImage.Write(buffer.AsSpan(i * PageImage.Size, PageImage.Size), first + i, generation);
            }

            Emit(output, $"write {first} {count} {generation}\n");
            var (written, durable) = await file.WriteAsync((long)first * PageImage.Size, buffer.AsMemory(0, count * PageImage.Size), sync: true).ConfigureAwait(false);
            if (written != count * PageImage.Size || !durable)
            {
                await Console.Error.WriteLineAsync($"write of pages {first}+{count} answered {written} bytes, durable {durable}").ConfigureAwait(false);
                return 1;
            }

            var acks = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                acks.Append(CultureInfo.InvariantCulture, $"ack {first + i} {generation}\n");
            }

            Emit(output, acks.ToString());
        }
    }

    /// <summary>Writes lines to stdout in one write and flushes them.</summary>
    private static void Emit(Stream output, string lines)
    {
        output.Write(Encoding.ASCII.GetBytes(lines));
        output.Flush();
    }
}
