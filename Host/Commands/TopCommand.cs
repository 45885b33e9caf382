using System.CommandLine;
using System.Globalization;
using ActorPager.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ActorPager.Host;

/// <summary>
/// <c>actorpager top</c>: a live view of a running server's VM objects (size, resident, dirty,
/// busy, pip, mailbox) and the page states of the busiest one, refreshed every --interval until
/// 'q' or Ctrl-C. <c>--once</c> prints one frame and exits.
/// </summary>
internal static class TopCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes (default 1).", DefaultValueFactory = _ => 1.0 };
        var once = new Option<bool>("--once") { Description = "Print one frame and exit." };
        var server = ClientCommands.ServerOption();
        var token = ClientCommands.TokenOption();
        var command = new Command("top", "Live view of a running server's VM objects and page states; q or Ctrl-C quits.") { interval, once, server, token };
        command.SetAction((parse, cancel) => ClientCommands.WithClientAsync(parse.GetValue(server)!, parse.GetValue(token), Console.Error, client =>
            RunAsync(client, parse.GetValue(server)!, TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(interval))), parse.GetValue(once), AnsiConsole.Console, cancel)));
        return command;
    }

    /// <summary>Shows frames on <paramref name="console"/> until q, Ctrl-C or, with <paramref name="once"/>, after one.</summary>
    public static async Task<int> RunAsync(ActorPagerClient client, string server, TimeSpan interval, bool once, IAnsiConsole console, CancellationToken cancellation)
    {
        if (once)
        {
            console.Write(await FrameAsync(client, server, cancellation).ConfigureAwait(false));
            return 0;
        }

        using var quit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var keys = Task.Run(() => WaitForQuit(quit), CancellationToken.None);
        await console.Live(new Text("connecting...")).StartAsync(async live =>
        {
            while (!quit.IsCancellationRequested)
            {
                live.UpdateTarget(await FrameAsync(client, server, quit.Token).ConfigureAwait(false));
                live.Refresh();
                try
                {
                    await Task.Delay(interval, quit.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }).ConfigureAwait(false);
        await quit.CancelAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>One frame: the objects table and the page map of the object with the most resident pages.</summary>
    internal static async Task<IRenderable> FrameAsync(ActorPagerClient client, string server, CancellationToken cancellation)
    {
        IReadOnlyList<ObjectInfo> objects;
        try
        {
            objects = await client.ObjectsAsync(cancellation).ConfigureAwait(false);
        }
        catch (ActorPagerException e)
        {
            return new Markup($"[red]{Markup.Escape(e.Message)}[/]");
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"actorpager top — {Markup.Escape(server)} — {objects.Count} VM objects");
        foreach (var column in new[] { "mount", "path", "owner", "size", "resident", "dirty", "busy", "pip", "refs", "uses", "mailbox" })
        {
            table.AddColumn(column is "mount" or "path" or "owner" ? new TableColumn(column) : new TableColumn(column).RightAligned());
        }

        foreach (var o in objects.OrderByDescending(o => o.Resident).ThenBy(o => o.Path, StringComparer.Ordinal).Take(30))
        {
            table.AddRow(
                Markup.Escape(o.Mount),
                Markup.Escape(o.Path),
                Markup.Escape(ShortNode(o.Owner)),
                o.Size.ToString(CultureInfo.InvariantCulture),
                o.Resident.ToString(CultureInfo.InvariantCulture),
                o.Dirty > 0 ? $"[yellow]{o.Dirty}[/]" : "0",
                o.Busy > 0 ? $"[red]{o.Busy}[/]" : "0",
                o.Pip.ToString(CultureInfo.InvariantCulture),
                o.RefCount.ToString(CultureInfo.InvariantCulture),
                o.Uses.ToString(CultureInfo.InvariantCulture),
                o.MailboxDepth?.ToString(CultureInfo.InvariantCulture) ?? "-");
        }

        var rows = new List<IRenderable> { table };

        // In a cluster this node holds only the files it owns: the others, with their owners.
        ClusterInfo? cluster = null;
        try
        {
            cluster = await client.ClusterAsync(cancellation).ConfigureAwait(false);
        }
        catch (ActorPagerException)
        {
            // An older server without /v1/cluster: the objects table is all there is.
        }

        if (cluster is { Enabled: true })
        {
            var members = string.Join("  ", cluster.Members.Select(m => $"{ShortNode(m.Address)} {(m.Reachable ? m.Status : "[red]unreachable[/]")}"));
            var files = new Table().Border(TableBorder.Rounded).Title($"cluster — {cluster.Members.Count} members: {members} — {cluster.Files.Count} files owned");
            files.AddColumn("path").AddColumn("owner").AddColumn(new TableColumn("generation").RightAligned());
            foreach (var f in cluster.Files.Take(30))
            {
                files.AddRow(Markup.Escape(f.Path), Markup.Escape(ShortNode(f.Owner)), f.Generation.ToString(CultureInfo.InvariantCulture));
            }

            rows.Add(files);
        }
        if (objects.Where(o => o.Object is not null).OrderByDescending(o => o.Resident).FirstOrDefault() is { } busiest)
        {
            try
            {
                var pages = await client.PagesAsync(busiest.Path, 0, 256, cancellation).ConfigureAwait(false);
                rows.Add(new Markup($"pages of [bold]{Markup.Escape(busiest.Path)}[/] (first 256): " +
                    "[green]█[/] clean  [yellow]█[/] dirty  [red]█[/] busy  [grey]·[/] not resident"));
                var map = new System.Text.StringBuilder();
                for (var i = 0; i < pages.Count; i++)
                {
                    var p = pages[i];
                    map.Append(!p.Resident ? "[grey]·[/]" : p.Busy != "none" ? "[red]█[/]" : p.Dirty != 0 ? "[yellow]█[/]" : "[green]█[/]");
                    if (i % 64 == 63)
                    {
                        map.Append('\n');
                    }
                }

                rows.Add(new Markup(map.ToString()));
            }
            catch (ActorPagerException e)
            {
                rows.Add(new Markup($"[red]{Markup.Escape(e.Message)}[/]"));
            }
        }

        rows.Add(new Markup("[grey]q or Ctrl-C quits[/]"));
        return new Rows(rows);
    }

    private static void WaitForQuit(CancellationTokenSource quit)
    {
        if (Console.IsInputRedirected)
        {
            return;
        }

        while (!quit.IsCancellationRequested)
        {
            // KeyAvailable polls without blocking, so the loop notices when Ctrl-C cancelled.
            if (Console.KeyAvailable && Console.ReadKey(intercept: true).Key == ConsoleKey.Q)
            {
                quit.Cancel();
                return;
            }

            quit.Token.WaitHandle.WaitOne(50);
        }
    }

    /// <summary>host:port of a cluster address (akka.tcp://actorpager@host:port), or the name as it is.</summary>
    internal static string ShortNode(string? node) =>
        node is null ? "-" : node.LastIndexOf('@') is var at and >= 0 ? node[(at + 1)..] : node;
}
