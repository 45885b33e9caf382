using System.CommandLine;
using System.Globalization;
using ActorPager.Actors;
using ActorPager.Harness.Dispatch;
using ActorPager.Messages;
using ActorPager.Storage;
using Akka.Actor;

namespace ActorPager.Host;

/// <summary>
/// <c>actorpager demo</c>: an embedded node runs a short scripted workload on the deterministic
/// dispatcher (so every run with one seed prints the same lines) and prints the protocol as it
/// happens: faults, clustered getpages, putpages with their rtvals, and the completions of
/// asynchronous writes.
/// </summary>
internal static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var seed = new Option<long>("--seed") { Description = "Seed of the deterministic schedule (same seed, same run).", DefaultValueFactory = _ => 7 };
        var command = new Command("demo", "Start an embedded pager node, run a short scripted workload and print what happened.");
        command.Options.Add(seed);
        command.SetAction(parse => Run(parse.GetValue(seed), Console.Out));
        return command;
    }

    /// <summary>Runs the demo, writing to <paramref name="output"/>; 0 when every step did what it should.</summary>
    internal static int Run(long seed, TextWriter output)
    {
        // The pager's actors are made on the deterministic dispatcher (Home) and the demo's asks
        // are answered in its steps (Ask), so the seed decides every interleaving.
        var deterministic = DeterministicSystem.Create("demo");
        deterministic.BeginRun(seed, new RandomStrategy(seed));
        var dispatcher = deterministic.Dispatcher;
        var store = new SimulatedStore();
        dispatcher.AddExternalSource(new SimulatedIoEvents(store));
        var pager = PagerSystem.Start(deterministic.System, new PagerOptions { PhysicalMemory = 1024 * 1024 }, new PagerPlacement { Home = deterministic.Home, Ask = deterministic.Ask });
        pager.Mount("data", store);
        var printer = new ProtocolPrinter(output);
        dispatcher.MessageDelivered += printer.OnDelivered;

        T Await<T>(Task<T> task, string what)
        {
            Wait(task, what);
            return task.GetAwaiter().GetResult();
        }

        void Wait(Task task, string what)
        {
            // Everything runs on this thread: stepping the dispatcher is what completes the task.
            if (!dispatcher.RunUntil(() => task.IsCompleted, TimeSpan.FromMinutes(1)))
            {
                throw new InvalidOperationException($"demo: {what} did not finish (seed {seed})");
            }

            task.GetAwaiter().GetResult();
        }

        output.WriteLine($"ActorPager demo (deterministic dispatcher, seed {seed}; 4 KiB pages, 256 frames, simulated disk)");

        // 1. A 64 KiB file on the disk, read sequentially: clustered getpages, then hits.
        var bytes = new byte[64 * 1024];
        new Random(1).NextBytes(bytes);
        new MemoryStore(store.Volume).WriteAsync("logs/app.log", 0, bytes, WriteDurability.Durable).AsTask().GetAwaiter().GetResult();
        output.WriteLine();
        output.WriteLine("1. open data:logs/app.log (64 KiB on disk) and read it in 16 KiB pieces");
        var log = Await(pager.OpenAsync("data", "logs/app.log"), "open");
        var buffer = new byte[16 * 1024];
        for (var offset = 0L; offset < bytes.Length; offset += buffer.Length)
        {
            var read = Await(log.ReadAsync(offset, buffer), "read");
            output.WriteLine($"   read [{offset}, +{read}) -> {(buffer.AsSpan(0, read).SequenceEqual(bytes.AsSpan((int)offset, read)) ? "bytes match the disk" : "MISMATCH")}");
        }

        // 2. Writes into the cache, then fsync: synchronous putpages, all OK, then a store flush.
        output.WriteLine();
        output.WriteLine("2. write 20 KiB into data:db/table.dat, then fsync");
        var table = Await(pager.OpenAsync("data", "db/table.dat"), "open");
        var record = new byte[20 * 1024];
        new Random(2).NextBytes(record);
        Await(table.WriteAsync(0, record), "write");
        output.WriteLine($"   after the write: {Describe(Await(table.StatAsync(), "stat"))}");
        var fsync = Await(table.SyncAsync(), "fsync");
        output.WriteLine($"   fsync -> ok={fsync.Ok}, {fsync.PagesWritten} pages written; {Describe(Await(table.StatAsync(), "stat"))}");

        // 3. An asynchronous clean: putpages answers PEND, completion actors finish each page later.
        output.WriteLine();
        output.WriteLine("3. dirty 3 pages again and clean without the sync flag (PEND, then completions)");
        Await(table.WriteAsync(4096, record.AsMemory(0, 3 * 4096)), "write");
        var clean = Await(deterministic.Ask(table.VmObject, new VmObjectProtocol.Clean(PutFlags.None), TimeSpan.FromMinutes(1)), "clean");
        output.WriteLine($"   clean -> {(clean is VmObjectProtocol.CleanReply c ? $"all clean={c.AllClean}, {c.PagesWritten} pages" : clean)}; {Describe(Await(table.StatAsync(), "stat"))}");

        // 4. Truncate: pages past the new end are freed, the EOF page's tail zeroed (rules 47-49).
        output.WriteLine();
        output.WriteLine("4. truncate data:db/table.dat to 10,000 bytes");
        Wait(table.TruncateAsync(10_000), "truncate");
        output.WriteLine($"   after truncate: {Describe(Await(table.StatAsync(), "stat"))}");

        // 5. A stacked (nullfs) mount shares the lower mount's cache: a write through one name is read through the other.
        output.WriteLine();
        output.WriteLine("5. mount view over data (nullfs) and read db/table.dat through it");
        pager.MountNull("view", "data");
        var view = Await(pager.OpenAsync("view", "db/table.dat"), "open");
        var first = new byte[100];
        Await(view.ReadAsync(0, first), "read");
        output.WriteLine($"   same VM object: {view.VmObject.Equals(table.VmObject)}; first bytes match the write: {first.AsSpan().SequenceEqual(record.AsSpan(0, 100))}");

        // The run ends here: stopping the system is not part of it (and resets the dispatcher).
        var (steps, hash) = (dispatcher.StepCount, dispatcher.Trace.Hash);
        dispatcher.MessageDelivered -= printer.OnDelivered;
        deterministic.Terminate();
        output.WriteLine();
        output.WriteLine($"{printer.GetPages} getpages ({printer.PagesRead} pages read), {printer.PutPages} putpages, {printer.Completions} completions; {steps} deliveries, trace hash {hash:x16}");
        return 0;
    }

    private static string Describe(VmObjectProtocol.ObjectStat s) =>
        string.Create(CultureInfo.InvariantCulture, $"size {s.SizeBytes}, resident {s.Resident}, dirty {s.Dirty}, busy {s.Busy}, pip {s.Pip} (active {s.Active}, inactive {s.Inactive})");

    /// <summary>Prints the pager protocol's messages as the dispatcher delivers them.</summary>
    private sealed class ProtocolPrinter(TextWriter output)
    {
        public int GetPages { get; private set; }

        public int PagesRead { get; private set; }

        public int PutPages { get; private set; }

        public int Completions { get; private set; }

        public void OnDelivered(Delivery delivery, object message, IActorRef recipient)
        {
            switch (message)
            {
                case VnodeProtocol.GetPages get:
                    GetPages++;
                    PagesRead += get.Pages.Length;
                    output.WriteLine($"   VOP_GETPAGES #{get.RequestId}: pages {get.Pages[0].PIndex}..{get.Pages[^1].PIndex} ({get.Count} bytes), reqpage {get.ReqPage} (page {get.Pages[get.ReqPage].PIndex})");
                    break;
                case VnodeProtocol.GetPagesReply reply:
                    output.WriteLine($"     -> {reply.Status.ToString().ToUpperInvariant()}: {Count(reply.Ops, PageOpKind.SetValidClean)} pages valid, {Count(reply.Ops, PageOpKind.Unbusy)} unbusied and queued, {Count(reply.Ops, PageOpKind.Free)} freed; reqpage stays busy for the fault");
                    break;
                case VnodeProtocol.PutPages put:
                    PutPages++;
                    output.WriteLine($"   VOP_PUTPAGES #{put.RequestId}: pages {put.Pages[0].PIndex}..{put.Pages[^1].PIndex}, {((put.Flags & PutFlags.Sync) != 0 ? "sync" : "async")}");
                    break;
                case VnodeProtocol.PutPagesReply reply:
                    output.WriteLine($"     -> rtvals [{string.Join(", ", reply.Rtvals.Select(r => r.ToString().ToUpperInvariant()))}]");
                    break;
                case VmObjectProtocol.WriteCompleted done:
                    Completions++;
                    output.WriteLine($"   completion of #{done.RequestId}: {Count(done.Ops, PageOpKind.Undirty)} undirtied, {Count(done.Ops, PageOpKind.Unbusy)} unbusied, then pip -= {done.PipRelease}");
                    break;
            }
        }

        private static int Count(PageOp[] ops, PageOpKind kind) => ops.Count(o => o.Kind == kind);
    }
}
