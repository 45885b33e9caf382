using System.CommandLine;
using System.Text.Json;
using ActorPager.Client;

namespace ActorPager.Host;

/// <summary>
/// The client commands against a running <c>actorpager serve</c>, through <see cref="ActorPagerClient"/>:
/// <c>cat</c>, <c>write</c>, <c>sync</c>, <c>stat</c>, <c>cluster</c> (and <c>top</c>, in its own file). Each takes
/// <c>--server URL</c> (or ACTORPAGER_SERVER) and <c>--token</c> (or ACTORPAGER_TOKEN). A refused
/// request prints the server's problem detail on stderr and exits with 1.
/// </summary>
internal static class ClientCommands
{
    /// <summary>The server's address when neither --server nor ACTORPAGER_SERVER is given.</summary>
    public const string DefaultServer = "http://127.0.0.1:5080";

    /// <summary>The cat, write, sync, stat and cluster commands.</summary>
    public static IEnumerable<Command> Create()
    {
        yield return Cat();
        yield return Write();
        yield return Sync();
        yield return Stat();
        yield return ClusterStatus();
    }

    /// <summary>--server, shared by every client command.</summary>
    public static Option<string> ServerOption() => new("--server")
    {
        Description = $"The server's URL (default: ACTORPAGER_SERVER, else {DefaultServer}).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ACTORPAGER_SERVER") is { Length: > 0 } url ? url : DefaultServer,
    };

    /// <summary>--token, shared by every client command.</summary>
    public static Option<string> TokenOption() => new("--token")
    {
        Description = "The bearer token (default: ACTORPAGER_TOKEN).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ACTORPAGER_TOKEN") ?? string.Empty,
    };

    /// <summary>Runs <paramref name="call"/> with a client; maps failures to exit code 1 with the detail on stderr.</summary>
    public static async Task<int> WithClientAsync(string server, string? token, TextWriter error, Func<ActorPagerClient, Task<int>> call)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            await error.WriteLineAsync($"actorpager: --server \"{server}\" is not an http:// or https:// URL").ConfigureAwait(false);
            return 2;
        }

        using var client = new ActorPagerClient(uri, token);
        try
        {
            return await call(client).ConfigureAwait(false);
        }
        catch (ActorPagerException e)
        {
            await error.WriteLineAsync($"actorpager: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static Command Cat()
    {
        var path = new Argument<string>("PATH") { Description = "The file's path in the store." };
        var offset = new Option<long>("--offset") { Description = "First byte to read (default 0)." };
        var length = new Option<long?>("--length") { Description = "Bytes to read (default: to the end of the file)." };
        var server = ServerOption();
        var token = TokenOption();
        var command = new Command("cat", "Print bytes of a file from a running server to stdout.") { path, offset, length, server, token };
        command.SetAction((parse, cancel) => WithClientAsync(parse.GetValue(server)!, parse.GetValue(token), Console.Error, async client =>
        {
            var bytes = await client.ReadAsync(parse.GetValue(path)!, parse.GetValue(offset), parse.GetValue(length), cancel).ConfigureAwait(false);
            using var stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(bytes, cancel).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command Write()
    {
        var path = new Argument<string>("PATH") { Description = "The file's path in the store." };
        var offset = new Option<long>("--offset") { Description = "Where the data goes in the file.", Required = true };
        var sync = new Option<bool>("--sync") { Description = "Answer only once the pages are durable (sync putpages and a store flush)." };
        var server = ServerOption();
        var token = TokenOption();
        var command = new Command("write", "Write stdin into a file on a running server at --offset.") { path, offset, sync, server, token };
        command.SetAction((parse, cancel) => WithClientAsync(parse.GetValue(server)!, parse.GetValue(token), Console.Error, async client =>
        {
            using var stdin = Console.OpenStandardInput();
            using var buffered = new MemoryStream();
            await stdin.CopyToAsync(buffered, cancel).ConfigureAwait(false);
            var result = await client.WriteAsync(parse.GetValue(path)!, parse.GetValue(offset), buffered.GetBuffer().AsMemory(0, (int)buffered.Length), parse.GetValue(sync), cancel).ConfigureAwait(false);
            Console.WriteLine($"written {result.Written} bytes{(result.Durable ? ", durable" : string.Empty)}");
            return 0;
        }));
        return command;
    }

    private static Command Sync()
    {
        var path = new Argument<string>("PATH") { Description = "The file's path in the store." };
        var server = ServerOption();
        var token = TokenOption();
        var command = new Command("sync", "fsync a file on a running server: every dirty page through sync putpages, then a store flush.") { path, server, token };
        command.SetAction((parse, cancel) => WithClientAsync(parse.GetValue(server)!, parse.GetValue(token), Console.Error, async client =>
        {
            var result = await client.SyncAsync(parse.GetValue(path)!, cancel).ConfigureAwait(false);
            Console.WriteLine($"synced: {result.PagesWritten} pages written");
            return 0;
        }));
        return command;
    }

    private static Command Stat()
    {
        var path = new Argument<string>("PATH") { Description = "The file's path in the store." };
        var json = new Option<bool>("--json") { Description = "Print the stat as JSON." };
        var server = ServerOption();
        var token = TokenOption();
        var command = new Command("stat", "Print a file's VM object counters: size, resident, dirty and busy pages, pip.") { path, json, server, token };
        command.SetAction((parse, cancel) => WithClientAsync(parse.GetValue(server)!, parse.GetValue(token), Console.Error, async client =>
        {
            var s = await client.StatAsync(parse.GetValue(path)!, cancel).ConfigureAwait(false);
            Console.WriteLine(parse.GetValue(json)
                ? JsonSerializer.Serialize(s, Service.ApiJson.Options)
                : $"{s.Path}: size {s.Size} ({s.SizePages} pages), resident {s.Resident}, dirty {s.Dirty}, busy {s.Busy}, pip {s.Pip}, refs {s.RefCount}, queues active {s.Active} inactive {s.Inactive} laundry {s.Laundry}, owner {s.Owner ?? "-"} (generation {s.Generation})");
            return 0;
        }));
        return command;
    }

    private static Command ClusterStatus()
    {
        var json = new Option<bool>("--json") { Description = "Print the answer of /v1/cluster as JSON." };
        var server = ServerOption();
        var token = TokenOption();
        var command = new Command("cluster", "Print the cluster as a running server sees it: members and their status, shards per node, each file's owner and generation.") { json, server, token };
        command.SetAction((parse, cancel) => WithClientAsync(parse.GetValue(server)!, parse.GetValue(token), Console.Error, async client =>
        {
            var c = await client.ClusterAsync(cancel).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(c, Service.ApiJson.Options));
                return 0;
            }

            Console.WriteLine(c.Enabled ? $"cluster, seen from {c.Self}" : "a single node (not a cluster)");
            foreach (var m in c.Members)
            {
                var shards = c.Regions.FirstOrDefault(r => r.Address == m.Address);
                Console.WriteLine($"member {m.Address} {m.Status}{(m.Reachable ? string.Empty : " UNREACHABLE")}{(shards is null ? string.Empty : $", {shards.Shards.Count} shards, {shards.Files} files open")}");
            }

            foreach (var f in c.Files)
            {
                Console.WriteLine($"file {f.Path} owner {f.Owner} generation {f.Generation}");
            }

            foreach (var u in c.Unanswered)
            {
                Console.WriteLine($"member {u} did not say which files it owns (no answer in time)");
            }

            return 0;
        }));
        return command;
    }
}
