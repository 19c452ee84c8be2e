using System.Buffers;
using Neuromorphic.Engine;

namespace Neuromorphic.Hardware.Cores;

/// <summary>One neuromorphic core as an actor. It owns its neurons' state and their incoming synapses. Each block it
/// processes the spike messages other cores sent it in the previous step, grouped by sender in core order (on an edge
/// from each sender, or in one inbox from the routers, <see cref="RouterActor"/>), then updates its neurons in mapping
/// order and sends one message per firing neuron and destination core. A synapse delayed d steps (a dendrite with delays)
/// adds its charge to the update d steps after that; a neuron with a taps dendrite takes the voltage of the tap next to
/// its soma (<see cref="TapsDendrite"/>). Energy is counted here, where it is spent; the
/// timing of the step is the mesh's job (<see cref="MeshActor"/>).</summary>
internal sealed class CoreActor : Actor
{
    private readonly MappedCore core;
    // Each neuron's input for the coming steps: slot `now` feeds the next update, slot (now + d) a synapse delayed d
    // steps. A core without delays has one slot.
    private readonly double[][] current;
    private readonly bool[][] hasInput;
    private int now;
    private readonly int index; // this core among the mapped cores
    private readonly bool routed; // its messages go through the routers (one outbox) rather than an edge per destination
    private readonly int[] senders; // the cores that send here (mapped indices, in core order)
    private readonly (long Hops, double Energy)[] routeFrom; // and the route cost from each
    private readonly List<int>[] outgoing;
    private readonly List<double>[]? outgoingPayloads; // on a core with graded neurons: each message's value
    private readonly List<SentMessage> sent = [];
    private readonly List<int> spikes = [];
    private readonly int loggedPotentials, loggedCurrents;

    /// <summary>Ticks are small: a deep mailbox lets the clock run ahead without a wake-up per step (the mesh holds fewer
    /// steps of reports where their messages are many: <see cref="MeshActor.MailboxFor"/>).</summary>
    internal const int Mailbox = 64;

    public CoreActor(CoreProcess process) : base(process.Name, process.Inputs, process.Outputs, Mailbox)
    {
        var core = process.Core;
        this.core = core;
        current = new double[core.MaxDelay + 1][];
        hasInput = new bool[core.MaxDelay + 1][];
        for (int slot = 0; slot <= core.MaxDelay; slot++)
            (current[slot], hasInput[slot]) = (new double[core.Neurons.Length], new bool[core.Neurons.Length]);
        (index, routed) = (process.Index, process.Routed);
        senders = process.Senders.Select(s => s.Index).ToArray();
        routeFrom = process.Senders.Select(s => Route(s.Core.Tile, core.Tile)).ToArray();
        outgoing = core.DestCores.Select(_ => new List<int>()).ToArray();
        outgoingPayloads = core.AnyGraded ? core.DestCores.Select(_ => new List<double>()).ToArray() : null;
        loggedPotentials = core.LogPotential.Count(x => x);
        loggedCurrents = core.LogCurrent.Count(x => x);
    }

    /// <summary>Hops between two tiles with X-then-Y routing, priced with the destination router's per-direction
    /// energies (as SANA-FE does), and on a board each chip-to-chip link crossed at the destination's link energy.</summary>
    internal static (long Hops, double Energy) Route(TileSpec from, TileSpec to)
    {
        int dx = Math.Abs(from.X - to.X), dy = Math.Abs(from.Y - to.Y);
        double energy = dx * (from.X < to.X ? to.Hops.EnergyEast : to.Hops.EnergyWest)
            + dy * (from.Y < to.Y ? to.Hops.EnergyNorth : to.Hops.EnergySouth)
            + from.Crossings(to) * (to.Link?.Energy ?? 0);
        return (dx + dy, energy);
    }

    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
    {
        var tick = (StepTick)joined[0].Payload;
        long messagesIn = 0, synaptic = 0, hops = 0;
        double synapseEnergy = 0, dendriteEnergy = 0, networkIn = 0;
        bool anyInputMax = core.AnyInputMax; // a per-neuron flag to look up only where some neuron has it
        var (delays, taps, synTap) = (core.SynDelay, core.TapsOf, core.SynTap);
        var (inStart, synPost, synWeight) = (core.InStart, core.SynPost, core.SynWeight); // locals: the loops below store to arrays
        var (nextInput, nextHas) = (current[now], hasInput[now]); // the next update's buffers, where undelayed synapses add
        double? perEvent = core.SynapseEventEnergy;
        if (tick.Block > 0)
        {
            for (int p = 1; p < joined.Length; p++)
            {
                var inbox = (Inbox)joined[p].Payload;
                var payloads = inbox.Payloads;
                for (int k = 0, start = 0; k < inbox.Senders.Length; start = inbox.Ends[k++])
                {
                    int count = inbox.Ends[k] - start;
                    var route = routeFrom[Array.BinarySearch(senders, inbox.Senders[k])];
                    messagesIn += count;
                    hops += route.Hops * count;
                    networkIn += (route.Energy + core.AxonIn.Energy) * count;
                    for (int m = start; m < start + count; m++)
                    {
                        int axon = inbox.Axons[m];
                        int first = inStart[axon], end = inStart[axon + 1];
                        double payload = payloads is null ? 1.0 : payloads[m];
                        synaptic += end - first;
                        if (perEvent is null) synapseEnergy += core.AxonSynapseEnergy[axon];
                        dendriteEnergy += core.AxonDendriteEnergy[axon];
                        if (delays is null && !anyInputMax && taps is null) // the common case, without a check per synapse
                        {
                            var posts = synPost.AsSpan(first, end - first);
                            var weights = synWeight.AsSpan(first, end - first);
                            for (int j = 0; j < posts.Length; j++)
                            {
                                nextInput[posts[j]] += weights[j] * payload;
                                nextHas[posts[j]] = true;
                            }
                            continue;
                        }
                        for (int syn = first; syn < end; syn++)
                        {
                            int post = synPost[syn];
                            double w = synWeight[syn] * payload;
                            if (taps?[post] is { } dendrite) // no delays here (refused): the voltage replaces the input
                            {
                                nextInput[post] = dendrite.Input(tick.Block, w, synTap is null ? 0 : synTap[syn]);
                                nextHas[post] = true;
                                continue;
                            }
                            var (input, has) = (nextInput, nextHas);
                            if (delays is not null)
                            {
                                int slot = (now + delays[syn]) % current.Length;
                                (input, has) = (current[slot], hasInput[slot]);
                            }
                            // A neuron taking the largest input (max pooling on a graded chip) keeps the largest, not the sum.
                            if (anyInputMax && core.Lif[post].InputMax) input[post] = has[post] ? Math.Max(input[post], w) : w;
                            else input[post] += w;
                            has[post] = true;
                        }
                    }
                }
            }
        }

        if (perEvent is { } e) synapseEnergy = RepeatedSum.Of(e, synaptic);
        var received = new StepPerf(tick.Block, 0, 0, 0, hops, synaptic, 0, synapseEnergy, dendriteEnergy, 0, networkIn);
        var report = tick.DrainOnly
            ? new CoreReport { Core = core.Spec.Id, Received = received, Neurons = StepPerf.Zero(0), Sent = [], SpikesLogged = [], Traced = [] }
            : UpdateNeurons(tick.Block + 1, ctx) with { Received = received };
        ctx.Count(new WorkCounts(SynapticAccumulates: synaptic, NeuronUpdates: report.Neurons.Updated, Spikes: report.Neurons.Fired));
        ctx.Emit(0, report with { MessagesIn = messagesIn });
    }

    private CoreReport UpdateNeurons(long step, ActorContext ctx)
    {
        sent.Clear();
        spikes.Clear();
        int tracedCount = loggedPotentials + loggedCurrents;
        var traced = tracedCount == 0 ? [] : ArrayPool<double>.Shared.Rent(tracedCount);
        int logged = 0, loggedCurrent = loggedPotentials; // currents after the potentials
        long updated = 0, fired = 0;
        double somaEnergy = 0, outEnergy = 0, pending = 0; // pending: work since the last message left
        foreach (var list in outgoing) list.Clear();
        if (outgoingPayloads is not null) foreach (var list in outgoingPayloads) list.Clear();
        int count = core.Neurons.Length;
        var (current, hasInput) = (this.current[now], this.hasInput[now]);
        now = (now + 1) % this.current.Length;
        var (kind, lif, somaEnergies, somaLatencies, noise) = (core.Kind, core.Lif, core.SomaEnergy, core.SomaLatency, core.NoiseOf); // locals: the loop stores to arrays
        for (int i = 0; i < count; i++)
        {
            var status = kind[i] switch
            {
                SomaKind.LeakyIntegrateFire => lif[i].Update(hasInput[i], current[i], noise?[i]?.Next() ?? 0),
                SomaKind.TrueNorth => lif[i].UpdateTrueNorth(hasInput[i], current[i]),
                _ => core.InputOf[i]!.Update(step),
            };
            current[i] = 0;
            hasInput[i] = false;
            // The neuron's own sums first, then the core's: SANA-FE adds in this order, and the roundings decide
            // which of two messages sent at the same instant goes first.
            var (energy, latency) = (somaEnergies[i], somaLatencies[i]);
            double neuronEnergy = energy.AccessNeuron, neuronLatency = latency.AccessNeuron;
            if (status != SomaStatus.Idle)
            {
                updated++;
                neuronEnergy += energy.UpdateNeuron;
                neuronLatency += latency.UpdateNeuron;
            }
            if (status == SomaStatus.Fired)
            {
                neuronEnergy += energy.SpikeOut;
                neuronLatency += latency.SpikeOut;
            }
            somaEnergy += neuronEnergy;
            pending += neuronLatency;
            if (status == SomaStatus.Fired)
            {
                fired++;
                if (core.LogSpikes[i]) spikes.Add(core.Neurons[i]);
                double payload = kind[i] == SomaKind.Input ? core.InputOf[i]!.Payload // 1 unless it sends values
                    : lif[i].Graded ? lif[i].Payload : 1.0;
                for (int a = core.OutStart[i]; a < core.OutStart[i + 1]; a++)
                {
                    int port = core.OutDestPort[a];
                    outgoing[port].Add(core.OutDestAxon[a]);
                    outgoingPayloads?[port].Add(payload);
                    sent.Add(new SentMessage(core.Neurons[i], core.OutDestCore[a], port, core.OutSynapses[a], pending + core.AxonOut.Latency, core.OutProcessingDelay[a]));
                    pending = 0;
                    outEnergy += core.AxonOut.Energy;
                }
            }
            if (core.LogPotential[i]) traced[logged++] = kind[i] == SomaKind.Input ? 0 : lif[i].Potential;
            if (loggedCurrents > 0 && core.LogCurrent[i]) traced[loggedCurrent++] = lif[i].InputCurrent;
        }
        if (pending != 0) sent.Add(new SentMessage(core.Neurons[^1], -1, -1, 0, pending, 0));
        var sentArray = sent.Count == 0 ? [] : ArrayPool<SentMessage>.Shared.Rent(sent.Count);
        sent.CopyTo(sentArray);
        if (routed) ctx.Emit(1, Outbox());
        else
            for (int p = 0; p < outgoing.Length; p++)
                ctx.Emit(p + 1, outgoing[p].Count == 0 ? Inbox.None
                    : new Inbox([index], [outgoing[p].Count], outgoing[p].ToArray(), outgoingPayloads?[p].ToArray()));
        long messagesSent = sent.Count - (pending != 0 ? 1 : 0);
        return new CoreReport
        {
            Core = core.Spec.Id,
            Received = StepPerf.Zero(step),
            Neurons = new StepPerf(step, fired, updated, messagesSent, 0, 0, 0, 0, 0, somaEnergy, outEnergy),
            Sent = sentArray,
            SentCount = sent.Count,
            SpikesLogged = spikes.ToArray(),
            Traced = traced,
        };
    }

    // The step's messages in one array, destination after destination.
    private Outbox Outbox()
    {
        int total = outgoing.Sum(list => list.Count);
        if (total == 0) return Cores.Outbox.None;
        var (ends, axons, payloads) = (new int[outgoing.Length], new int[total], outgoingPayloads is null ? null : new double[total]);
        for (int p = 0, at = 0; p < outgoing.Length; p++)
        {
            outgoing[p].CopyTo(axons, at);
            outgoingPayloads?[p].CopyTo(payloads!, at);
            ends[p] = at += outgoing[p].Count;
        }
        return new Outbox(ends, axons, payloads);
    }
}
