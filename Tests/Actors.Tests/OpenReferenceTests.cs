using ActorPager.Actors.Tests.Support;
using ActorPager.Messages;
using Xunit.Abstractions;

namespace ActorPager.Actors.Tests;

/// <summary>
/// Opening a file takes the object's reference in the vnode's turn that answers VOP_CREATEVOBJECT
/// (as vm_mmap_vnode references the object under the vnode lock), so a destroy that follows the
/// answer finds the reference and detaches the object (rule 55) instead of terminating it under a
/// client that holds its ref but has not referenced it yet.
/// </summary>
public sealed class OpenReferenceTests(ITestOutputHelper output) : PagerTestKit(output)
{
    [Fact]
    [Rule(55, 52)]
    public void CreateVObjectReferenced_DestroyRightAfter_DetachesTheObject()
    {
        var rig = StartRig();
        rig.Fill("f", 2 * Rig.Page);
        var vnode = rig.Ask<MountProtocol.LookupReply>(rig.Mount, new MountProtocol.Lookup("f")).Vnode;
        var created = rig.Ask<VnodeProtocol.VObjectReply>(vnode, VnodeProtocol.CreateVObject.Referenced);
        Assert.True(created.Created);

        // Nothing from the client reaches the object between the answer and the destroy.
        rig.Ask<VnodeProtocol.VObjectReply>(vnode, VnodeProtocol.DestroyVObject.Instance);

        var stat = rig.Stat(created.Object!);
        Assert.Equal((1, true), (stat.RefCount, stat.Dead));
        rig.AssertClean();
    }

    [Fact]
    [Rule(52)]
    public void CreateVObjectReferenced_ExistingObject_AddsOneReferencePerCall()
    {
        var rig = StartRig();
        rig.Fill("f", 2 * Rig.Page);
        var file = rig.Open("f");

        rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, VnodeProtocol.CreateVObject.Referenced);
        rig.Ask<VnodeProtocol.VObjectReply>(file.Vnode, VnodeProtocol.CreateVObject.Instance);

        Assert.Equal(2, rig.Stat(file.VmObject).RefCount);
        rig.AssertClean();
    }
}
