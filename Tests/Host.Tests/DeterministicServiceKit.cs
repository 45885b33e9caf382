using System.Buffers;
using ActorPager.Actors;
using ActorPager.Service;
using ActorPager.Storage;
using ActorPager.TestKit;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace ActorPager.Host.Tests;

/// <summary>
/// Tests of <see cref="PageService"/>'s handlers over a pager on the deterministic dispatcher:
/// requests run through the handler with a <see cref="DefaultHttpContext"/>, store I/O completes
/// when the test says, and time is virtual.
/// </summary>
public abstract class DeterministicServiceKit(ITestOutputHelper output) : DeterministicTestKit(output)
{
    /// <summary>Bytes per page.</summary>
    protected const int PageSize = 4096;

    /// <summary>How much virtual time a request may take: past the pager's 60 s operation timeout.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>The pager under the service of <see cref="StartService"/>.</summary>
    protected PagerSystem Pager { get; private set; } = null!;

    /// <summary>A page service over a pager on the run, on a simulated store that completes I/O at once until a test says otherwise.</summary>
    private protected (PageService Service, SimulatedStore Store) StartService(ArrayPool<byte>? buffers = null)
    {
        var store = new SimulatedStore(autoComplete: true);
        Pager = PagerSystem.Start(Sys, new PagerOptions { PhysicalMemory = 64 * PageSize, DirtyAge = TimeSpan.FromHours(1) }, new PagerPlacement { Home = Deterministic.Home, Ask = Deterministic.Ask });
        var settings = new HttpSettings();
        Pager.Mount(settings.Mount, store);
        return (buffers is null ? new PageService(Pager, store, settings) : new PageService(Pager, store, settings) { Buffers = buffers }, store);
    }

    /// <summary>
    /// Writes a page of <paramref name="fill"/> to the store and opens the file through the
    /// service, reading its page in when <paramref name="resident"/>, with I/O completing at once;
    /// from then on the store holds every I/O until the test completes it.
    /// </summary>
    private protected PagerFile Open(PageService service, SimulatedStore store, string path, byte fill, bool resident = false)
    {
        store.AutoComplete = true;
        Assert.True(store.WriteAsync(path, 0, Bytes(PageSize, fill), WriteDurability.Durable).AsTask().IsCompletedSuccessfully);
        var file = Run(((FileTable)service.Files).OpenAsync(path).AsTask(), $"open {path}");
        if (resident)
        {
            Assert.Equal(Bytes(PageSize, fill), ReadNow(file, 0, PageSize));
        }

        store.AutoComplete = false;
        return file;
    }

    protected byte[] ReadNow(PagerFile file, long offset, int length)
    {
        var bytes = new byte[length];
        Assert.Equal(length, Run(file.ReadAsync(offset, bytes), $"read {file.Path}"));
        return bytes;
    }

    protected T Run<T>(Task<T> task, string what)
    {
        RunUntil(() => task.IsCompleted, what, Patience);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Completes every pending store operation on <paramref name="file"/>, and what they lead to, until none is left.</summary>
    protected void CompleteAll(SimulatedStore store, string file)
    {
        while (store.Pending.FirstOrDefault(op => op.File == file) is { } op)
        {
            store.Complete(op);
            Settle();
        }
    }

    /// <summary>Runs a request through the service's handler to its end (virtual time included).</summary>
    private protected (DefaultHttpContext Context, HttpResponse Response) Send(PageService service, string method, string path, string query, byte[]? body = null)
    {
        var (context, task) = Start(service, method, path, query, body);
        RunUntil(() => task.IsCompleted, $"{method} {path}{query}", Patience);
        task.GetAwaiter().GetResult();
        return (context, context.Response);
    }

    private protected static (DefaultHttpContext Context, Task Task) Start(PageService service, string method, string path, string query, byte[]? body = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = "/v1/files/" + path;
        context.Request.RouteValues["rest"] = path;
        context.Request.QueryString = new QueryString(query);
        if (body is not null)
        {
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
        }

        context.Response.Body = new MemoryStream();
        return (context, service.HandleFileAsync(context));
    }

    protected static byte[] Body((DefaultHttpContext Context, HttpResponse Response) request) => ((MemoryStream)request.Response.Body).ToArray();

    protected static byte[] Bytes(int length, byte value) => Enumerable.Repeat(value, length).ToArray();
}
