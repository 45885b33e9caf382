using Akka.Actor;
using Akka.Event;
using Xunit.Abstractions;
using ActorPager.Actors.Tests.Support;
using ActorPager.Actors.Vnode;
using ActorPager.Messages;

namespace ActorPager.Actors.Tests;

/// <summary>
/// Races explored on the deterministic dispatcher: every scenario runs on <see cref="Seeds"/>
/// fresh systems, each with its own seed, where message order and every store completion are
/// the seeded scheduler's choice. Each run checks rule 1 and dirty ⊆ valid after every step, the
/// pager's entry conditions (rules 2, 3, 14, 21) on every request, that no actor failed, and that
/// pip drains to 0 at quiescence. A failure names the seed and the trace hash; rerun one seed
/// with <c>StartRig(seed)</c> to replay it.
/// </summary>
public sealed class ConcurrencyTests(ITestOutputHelper output) : PagerTestKit(output)
{
    private const int Page = Rig.Page;
    private const int Seeds = 200;

    /// <summary>Runs <paramref name="scenario"/> on seeds 1..<see cref="Seeds"/>; the first failure is reported with its seed and trace hash.</summary>
    private void ForEachSeed(Action<Rig> scenario, Func<PagerOptions, PagerOptions>? configure = null)
    {
        var traces = new HashSet<ulong>();
        for (var seed = 1L; seed <= Seeds; seed++)
        {
            var rig = StartRig(seed, configure: configure);
            try
            {
                scenario(rig);
                rig.AssertClean();
                traces.Add(rig.D.Trace.Hash);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException || !e.Message.StartsWith("seed ", StringComparison.Ordinal))
            {
                throw new Xunit.Sdk.XunitException($"{rig.Tag}: {e.Message}\n{rig.TraceTail(40)}");
            }
        }

        // The seeds must explore: most runs take an interleaving of their own.
        Assert.True(traces.Count >= Seeds / 2, $"only {traces.Count} distinct interleavings in {Seeds} seeds");
    }

    private byte[] Bytes(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    [Fact]
    [Rule(1, 3, 4, 10, 13)]
    public void ManyReadersFaultingOneAbsentPage_ExactlyOneGetpages()
    {
        ForEachSeed(rig =>
        {
            rig.Fill("f", 16 * Page);
            var file = rig.Open("f");
            var faults = Enumerable.Range(0, 6).Select(_ => rig.Send(file.VmObject, new VmObjectProtocol.Fault(5))).ToArray();
            var reads = Enumerable.Range(0, 2).Select(_ => rig.Send(file.VmObject, new VmObjectProtocol.Read((5 * Page) + 10, new byte[100]))).ToArray();
            rig.Run(() => faults.All(t => t.IsCompleted) && reads.All(t => t.IsCompleted), "every fault and read");
            var results = faults.Select(t => Assert.IsType<VmObjectProtocol.FaultReply>(t.Result).Result).ToArray();
            Assert.True(rig.Recorder.Gets.Count(g => g.Names(5)) == 1, $"{rig.Tag}: {rig.Recorder.Gets.Count(g => g.Names(5))} getpages named page 5");
            Assert.All(results, r => Assert.True(r is FaultResult.Read or FaultResult.Hit, $"{rig.Tag}: fault ended {r}"));
            Assert.All(reads, t => Assert.Equal(100, Assert.IsType<VmObjectProtocol.ReadReply>(t.Result).Bytes));
            rig.AssertQuiet(file.VmObject);
        });
    }

    [Fact]
    [Rule(1, 2, 3, 6, 21)]
    public void OverlappingClustersFromReadersAndWriters_EveryByteRightAndNoPageReadTwice()
    {
        ForEachSeed(rig =>
        {
            rig.Fill("f", 24 * Page);
            var file = rig.Open("f");
            var writes = new (long Offset, byte[] Data)[]
            {
                ((2 * Page) + 50, Bytes(100, 0xa1)),
                (9 * Page, Bytes((2 * Page) + 5, 0xb2)),
                ((17 * Page) + 1000, Bytes(3000, 0xc3)),
            };
            var tasks = new List<Task<object>>
            {
                rig.Send(file.VmObject, new VmObjectProtocol.Read(0, new byte[6 * Page])),
                rig.Send(file.VmObject, new VmObjectProtocol.Read((3 * Page) + 100, new byte[5 * Page])),
                rig.Send(file.VmObject, new VmObjectProtocol.Fault(10)),
                rig.Send(file.VmObject, new VmObjectProtocol.Read(14 * Page, new byte[6 * Page])),
                rig.Send(file.VmObject, new VmObjectProtocol.Fault(20, Write: true)),
            };
            tasks.AddRange(writes.Select(w => rig.Send(file.VmObject, new VmObjectProtocol.Write(w.Offset, w.Data))));
            rig.Run(() => tasks.All(t => t.IsCompleted), "every read and write");
            Assert.All(tasks, t => Assert.False(t.Result is RequestRejected, $"{rig.Tag}: {t.Result}"));

            // Each page was read by at most one getpages (no re-read of a resident page, rule 21).
            var named = rig.Recorder.Gets.SelectMany(g => Enumerable.Range((int)g.First, (int)(g.Last - g.First + 1))).ToArray();
            Assert.True(named.Length == named.Distinct().Count(), $"{rig.Tag}: a page was named by two getpages: {string.Join(",", named.Order())}");
            var expected = new byte[24 * Page];
            for (var i = 0; i < expected.Length; i++)
            {
                expected[i] = Rig.Pattern(i);
            }

            foreach (var (offset, data) in writes)
            {
                data.CopyTo(expected, offset);
            }

            var back = new byte[24 * Page];
            Assert.Equal(back.Length, rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(0, back)).Bytes);
            Assert.True(expected.AsSpan().SequenceEqual(back), $"{rig.Tag}: contents differ at byte {expected.AsSpan().CommonPrefixLength(back)}");
            rig.AssertQuiet(file.VmObject);
        });
    }

    [Fact]
    [Rule(1, 2, 26, 31, 34, 42)]
    public void PutpagesRacingAWriteFault_TheLastWriteReachesTheStore()
    {
        ForEachSeed(rig =>
        {
            rig.Fill("f", 8 * Page);
            var file = rig.Open("f");
            rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(2 * Page, Bytes(2 * Page, 0x11)));
            var tasks = new[]
            {
                rig.Send(file.VmObject, new VmObjectProtocol.Clean(PutFlags.None)),
                rig.Send(file.VmObject, new VmObjectProtocol.Reclaim(0, false, TimeSpan.FromDays(1))),
                rig.Send(file.VmObject, new VmObjectProtocol.Write((2 * Page) + 100, Bytes(200, 0x22))),
                rig.Send(file.VmObject, new VmObjectProtocol.Fault(3, Write: true)),
                rig.Send(file.VmObject, new VmObjectProtocol.Clean(PutFlags.Sync)),
            };
            rig.Run(() => tasks.All(t => t.IsCompleted), "the cleans, the pageout and the writes");
            Assert.Equal(200, Assert.IsType<VmObjectProtocol.WriteReply>(tasks[2].Result).Bytes);
            rig.Settle();
            var fsync = rig.Ask<VnodeProtocol.FsyncReply>(file.Vnode, new VnodeProtocol.Fsync());
            Assert.True(fsync.Ok, $"{rig.Tag}: {fsync.Error}");
            var expected = Bytes(2 * Page, 0x11);
            Bytes(200, 0x22).CopyTo(expected, 100);
            Assert.True(expected.AsSpan().SequenceEqual(rig.StoreBytes("f", 2 * Page, 2 * Page)), $"{rig.Tag}: the store lost a write");
            Assert.Equal(0, rig.Stat(file.VmObject).Dirty);
            rig.AssertQuiet(file.VmObject);
        });
    }

    [Fact]
    [Rule(1, 14, 47, 48, 49)]
    public void TruncateRacingGetpages_NothingPastTheNewEndAndTheEofPageTailZero()
    {
        // The write (inside the new size, of the bytes the file already holds) dirties the EOF
        // page before or after the shrink; either way no dirty block may lie past EOF (rule 49).
        const long size = (5 * Page) + 300;
        ForEachSeed(rig =>
        {
            rig.Fill("f", 16 * Page);
            var file = rig.Open("f");
            var tasks = new[]
            {
                rig.Send(file.VmObject, new VmObjectProtocol.Read(0, new byte[16 * Page])),
                rig.Send(file.VmObject, new VmObjectProtocol.Fault(12)),
                rig.Send(file.Vnode, new VnodeProtocol.SetSize(size)),
                rig.Send(file.VmObject, new VmObjectProtocol.Write((5 * Page) + 10, Enumerable.Range((5 * Page) + 10, 100).Select(i => Rig.Pattern(i)).ToArray())),
                rig.Send(file.VmObject, new VmObjectProtocol.Read(9 * Page, new byte[Page])),
            };
            rig.Run(() => tasks.All(t => t.IsCompleted), "the reads, faults and truncate");
            Assert.Equal(size, Assert.IsType<VnodeProtocol.SetSizeReply>(tasks[2].Result).Size);
            rig.Settle();
            var stat = rig.Stat(file.VmObject);
            Assert.Equal((size, 6L), (stat.SizeBytes, stat.SizePages));
            Assert.All(rig.PageStates(file.VmObject, 6, 16), s => Assert.False(s.Resident, $"{rig.Tag}: page {s.PIndex} resident past the new end"));
            var eof = rig.PageState(file.VmObject, 5);
            Assert.True((eof.Dirty & PageGeometry.BlockMask(512, Page)) == 0, $"{rig.Tag}: dirty bits 0x{eof.Dirty:x2} past EOF");
            var back = new byte[6 * Page];
            Assert.Equal((int)size, rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(0, back)).Bytes);
            for (var i = 0; i < size; i++)
            {
                Assert.True(back[i] == Rig.Pattern(i), $"{rig.Tag}: byte {i} is {back[i]}");
            }

            rig.AssertQuiet(file.VmObject);
            rig.Ask<VnodeProtocol.SetSizeReply>(file.Vnode, new VnodeProtocol.SetSize(6 * Page));
            rig.Ask<VmObjectProtocol.ReadReply>(file.VmObject, new VmObjectProtocol.Read(5 * Page, back.AsMemory(0, Page)));
            Assert.True(back.AsSpan(300, Page - 300).IndexOfAnyExcept((byte)0) < 0, $"{rig.Tag}: the truncated tail does not read as zero");
        });
    }

    [Fact]
    [Rule(1, 12, 54, 58)]
    public void RecycleRacingFaults_DirtyDataWrittenEveryFrameFreedNoFailure()
    {
        ForEachSeed(rig =>
        {
            rig.Fill("f", 16 * Page);
            var file = rig.Open("f");
            rig.Ask<VmObjectProtocol.WriteReply>(file.VmObject, new VmObjectProtocol.Write(3 * Page, Bytes(Page, 0x5e)));
            file.VmObject.Tell(VmObjectProtocol.Deallocate.Instance);
            var faults = new List<Task<object>>
            {
                rig.Send(file.VmObject, new VmObjectProtocol.Fault(0)),
                rig.Send(file.VmObject, new VmObjectProtocol.Fault(8)),
                rig.Send(file.VmObject, new VmObjectProtocol.Fault(3)),
            };
            file.Vnode.Tell(VnodeActor.Recycle.Instance, rig.Probe);
            faults.Add(rig.Send(file.VmObject, new VmObjectProtocol.Fault(12)));
            faults.Add(rig.Send(file.VmObject, new VmObjectProtocol.Read(Page, new byte[2 * Page])));
            rig.Run(() => rig.Received<VnodeProtocol.VObjectReply>().Count == 1, "the recycle");
            rig.Settle();
            foreach (var fault in faults.Where(t => t.IsCompleted))
            {
                Assert.True(fault.Result is VmObjectProtocol.FaultReply { Result: FaultResult.Read or FaultResult.Hit or FaultResult.Dead } or VmObjectProtocol.ReadReply or RequestRejected, $"{rig.Tag}: {fault.Result}");
            }

            Assert.True(rig.Memory.FreeCount == rig.Memory.FrameCount, $"{rig.Tag}: {rig.Memory.FrameCount - rig.Memory.FreeCount} frames still held after the recycle");
            Assert.True(rig.StoreBytes("f", 3 * Page, Page).AsSpan().IndexOfAnyExcept((byte)0x5e) < 0, $"{rig.Tag}: the dirty page was not written at recycle");
        });
    }

    [Fact]
    public void MessagesToAStoppingVnodeAndObject_EachHandledOrDeadLetteredExactlyOnce()
    {
        // The old kernel's Tell_RacingSelfStop test lost or double-counted messages under load.
        // Here: faults and attribute queries race a recycle (destroy, then the vnode stops), sent
        // one per step from outside; every one must be answered or become a dead letter, once.
        ForEachSeed(rig =>
        {
            rig.Fill("f", 8 * Page);
            var file = rig.Open("f");
            var replies = CreateTestProbe();
            var dead = CreateTestProbe();
            Sys.EventStream.Subscribe(dead.Ref, typeof(DeadLetter));
            try
            {
                file.Vnode.Tell(VnodeActor.Recycle.Instance, replies.Ref);
                const int Faults = 12;
                for (var i = 0; i < Faults; i++)
                {
                    file.VmObject.Tell(new VmObjectProtocol.Fault(i % 8, Write: false), replies.Ref);
                    file.Vnode.Tell(new VnodeProtocol.SetSize(8 * Page, ExtendOnly: true), replies.Ref);
                    rig.D.Step();
                }

                rig.Settle();
                var answered = Drain(replies).Where(m => m is not VnodeProtocol.VObjectReply).ToList();
                var lost = Drain(dead).OfType<DeadLetter>().Select(d => d.Message).Where(m => m is VmObjectProtocol.Fault or VnodeProtocol.SetSize).ToList();

                // A fault is answered by the object (a reply, or a rejection by a dead object) or
                // becomes a dead letter; a setsize is answered by the vnode or becomes a dead letter.
                var faults = answered.Count(m => m is VmObjectProtocol.FaultReply or RequestRejected) + lost.Count(m => m is VmObjectProtocol.Fault);
                var setSizes = answered.Count(m => m is VnodeProtocol.SetSizeReply) + lost.Count(m => m is VnodeProtocol.SetSize);
                Assert.True(
                    (faults, setSizes, answered.Count + lost.Count) == (Faults, Faults, 2 * Faults),
                    $"{rig.Tag}: {Faults} faults and {Faults} setsizes sent; answered {string.Join(", ", answered)}; dead letters {string.Join(", ", lost)}");
            }
            finally
            {
                Sys.EventStream.Unsubscribe(dead.Ref);
            }
        });
    }

    private static List<object> Drain(Akka.TestKit.TestProbe probe)
    {
        var messages = new List<object>();
        while (probe.HasMessages)
        {
            messages.Add(probe.ReceiveOne(TimeSpan.Zero)!);
        }

        return messages;
    }
}
