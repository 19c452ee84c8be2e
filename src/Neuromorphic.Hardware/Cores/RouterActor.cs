using Neuromorphic.Engine;

namespace Neuromorphic.Hardware.Cores;

/// <summary>The network-on-chip's delivery, as one actor fed by every core: each block it takes the cores' outboxes
/// and hands each core the messages addressed to it, grouped by sender in core order, as the chip's routers deliver
/// them; a message sent in step t is taken in at step t + 1. One edge per core each way, where an edge per pair of
/// cores that talk costs the engine an event per pair and step (64,010 of them on TrueNorth's CIFAR-10 network); used
/// where cores talk to many others (<see cref="CoreSimulation.RoutedAbovePerCore"/>). What
/// a message costs and how long it takes is counted by the receiving core and timed by the mesh (<see cref="MeshActor"/>).</summary>
internal sealed class RouterActor : Actor
{
    private readonly MappedChip chip;
    private readonly bool graded; // some core sends values: every inbox carries payloads (1 for a binary spike)
    private readonly List<int>[] senders, ends, axons;
    private readonly List<double>[] payloads;

    public RouterActor(RouterProcess process, MappedChip chip) : base(process.Name, process.Inputs, process.Outputs, CoreActor.Mailbox)
    {
        this.chip = chip;
        int n = chip.Cores.Length;
        graded = chip.Cores.Any(c => c.AnyGraded);
        senders = Lists<int>(n);
        ends = Lists<int>(n);
        axons = Lists<int>(n);
        payloads = graded ? Lists<double>(n) : [];
    }

    static List<T>[] Lists<T>(int n) => Enumerable.Range(0, n).Select(_ => new List<T>()).ToArray();

    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
    {
        for (int s = 0; s < joined.Length; s++)
        {
            var box = (Outbox)joined[s].Payload;
            if (box.Axons.Length == 0) continue;
            var dests = chip.Cores[s].DestCores;
            for (int j = 0, start = 0; j < box.Ends.Length; start = box.Ends[j++])
            {
                int end = box.Ends[j];
                if (end == start) continue;
                int d = dests[j];
                axons[d].AddRange(box.Axons.AsSpan(start, end - start));
                if (graded)
                {
                    if (box.Payloads is null) payloads[d].AddRange(Enumerable.Repeat(1.0, end - start));
                    else payloads[d].AddRange(box.Payloads.AsSpan(start, end - start));
                }
                senders[d].Add(s);
                ends[d].Add(axons[d].Count);
            }
        }
        for (int d = 0; d < joined.Length; d++)
        {
            if (axons[d].Count == 0)
            {
                ctx.Emit(d, Inbox.None);
                continue;
            }
            ctx.Emit(d, new Inbox(senders[d].ToArray(), ends[d].ToArray(), axons[d].ToArray(), graded ? payloads[d].ToArray() : null));
            senders[d].Clear();
            ends[d].Clear();
            axons[d].Clear();
            if (graded) payloads[d].Clear();
        }
    }
}
