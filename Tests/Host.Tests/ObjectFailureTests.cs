using ActorPager.Messages;
using Akka.Actor;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace ActorPager.Host.Tests;

/// <summary>
/// Issue 11, part 2: a VM object that fails under a request is a server error the client sees,
/// naming the file, and the service goes on with a new object for the next request.
/// </summary>
public sealed class ObjectFailureTests(ITestOutputHelper output) : DeterministicServiceKit(output)
{
    [Fact]
    public void Read_ObjectFailsMidRequest_500NamingTheFileThenTheNextRequestReopens()
    {
        var (service, store) = StartService();
        Assert.True(store.WriteAsync("f", 0, Bytes(PageSize, 0x5a), Storage.WriteDurability.Durable).AsTask().IsCompletedSuccessfully);
        var file = Run(((ActorPager.Service.FileTable)service.Files).OpenAsync("f").AsTask(), "open f");
        store.AutoComplete = false;

        // The read waits in the store for its page; then the object throws (a reply it never asked for).
        var (context, request) = Start(service, "GET", "f", "?offset=0&length=100");
        RunUntil(() => store.Pending.Any(op => op.File == "f"), "f's getpages");
        EventFilter.Error(contains: "the VM object of f failed").ExpectOne(() =>
        {
            file.VmObject.Tell(new VnodeProtocol.GetPagesReply(424242, PagerStatus.Ok, []));
            RunUntil(() => request.IsCompleted, "the read's response", Patience);
        });

        Assert.Equal(StatusCodes.Status500InternalServerError, context.Response.StatusCode);
        var problem = System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        Assert.Contains("the VM object of f failed", problem, StringComparison.Ordinal);
        Assert.Equal(1, Pager.Metrics.ObjectFailures);

        // The store finishes the read the failed object started; the next request opens f again.
        CompleteAll(store, "f");
        store.AutoComplete = true;
        var again = Send(service, "GET", "f", "?offset=0&length=100");
        Assert.Equal(StatusCodes.Status200OK, again.Response.StatusCode);
        Assert.Equal(Bytes(100, 0x5a), Body(again));
    }
}
