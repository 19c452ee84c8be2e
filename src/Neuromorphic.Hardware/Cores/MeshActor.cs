using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Neuromorphic.Engine;

namespace Neuromorphic.Hardware.Cores;

/// <summary>The chip's network-on-chip and its step accounting, as an actor fed by every core. Each block it takes
/// the cores' reports, times the messages they sent on the mesh (<see cref="MeshTiming"/>) plus the end-of-step
/// barrier, or, free-running, from each core's own start (<see cref="ChipArchitecture.FreeRunning"/>), and closes the
/// step: one <see cref="StepPerf"/> row, the traced spikes and potentials, and (when asked) one messages.csv line per
/// message.</summary>
internal sealed class MeshActor : Actor
{
    private readonly MappedChip chip;
    private readonly TimingModel timing;
    private readonly long steps;
    private readonly double barrier;
    private readonly (int Sender, double Notice)[][]? notices; // free-running: per core, the cores that may send to it, and their notice's latency
    private double frontier; // free-running: when the last core finished the previous step
    private readonly Utf8Lines? messageTrace;
    private readonly byte[]?[] traceNames; // messages.csv: each sending neuron's name, made on its first message
    private readonly byte[][] traceCores; // messages.csv: each core's "tile.core"
    private readonly IProgress<long>? progress;
    private readonly MeshTiming mesh;
    private readonly int[] rank; // neuron → position in SANA-FE's trace order (group names sorted, then offset)
    private readonly TraceColumns potentialTrace, currentTrace;
    private readonly long[] coreFired, coreMessagesIn, coreSynaptic;
    private readonly double[] coreEnergy;
    private readonly long[][] portMessages; // per core and port (MappedCore.DestCores): messages sent, for the routers' load
    private int[] traceOrder = [];
    private long[] traceIds = [];
    private StepPerf? open; // the step whose neurons have run but whose messages are not yet processed
    private long nextMessageId;

    /// <summary>The most bytes of sent messages the cores' reports queued at the mesh may hold, counting each core's every
    /// output axon a step (the DVS network's 226,051 axons keep the cores' 64 steps; the CIFAR-10 2-layer network's
    /// 1.17 M get 14).</summary>
    internal const long QueuedReportBytes = 512L << 20;

    /// <summary>How many steps of reports the mesh holds from each core before the core waits for it: the cores' deep
    /// mailbox (<see cref="CoreActor.Mailbox"/>), unless their messages would take more than
    /// <see cref="QueuedReportBytes"/>. The paper's 3-layer CIFAR-10 network sends 6.6 M messages a step; with 64 steps
    /// of them queued behind the mesh, its run grew by 160 MB a step.</summary>
    internal static int MailboxFor(MappedChip chip)
    {
        long perStep = chip.Cores.Sum(c => (long)c.OutDestCore.Length) * Unsafe.SizeOf<SentMessage>();
        return (int)Math.Clamp(QueuedReportBytes / Math.Max(perStep, 1), 2, CoreActor.Mailbox);
    }

    public MeshActor(MeshProcess process, MappedChip chip, TimingModel timing, long steps, Stream? messageTrace, IProgress<long>? progress)
        : base(process.Name, process.Inputs, [], MailboxFor(chip))
    {
        this.chip = chip;
        this.timing = timing;
        this.steps = steps;
        this.messageTrace = messageTrace is null ? null : new Utf8Lines(messageTrace);
        traceNames = new byte[messageTrace is null ? 0 : chip.Network.NeuronCount][];
        traceCores = chip.Cores.Select(c => Encoding.UTF8.GetBytes($"{c.Tile.Id}.{c.Spec.Offset}")).ToArray();
        this.progress = progress;
        barrier = chip.Barrier;
        mesh = chip.Timing;
        mesh.Reset();
        if (chip.Architecture.FreeRunning)
        {
            var senders = chip.Cores.Select(_ => new List<(int, double)>()).ToArray();
            for (int s = 0; s < chip.Cores.Length; s++)
                foreach (int d in chip.Cores[s].DestCores) senders[d].Add((s, MeshTiming.MinHop(chip.Cores[s].Tile, chip.Cores[d].Tile)));
            notices = senders.Select(l => l.ToArray()).ToArray();
        }
        var net = chip.Network;
        rank = new int[net.NeuronCount];
        int r = 0;
        foreach (var group in net.Groups.OrderBy(g => g.Name, StringComparer.Ordinal))
            for (int i = 0; i < group.Neurons.Count; i++) rank[group.First + i] = r++;
        potentialTrace = new TraceColumns(chip.Cores, core => core.LogPotential, rank);
        currentTrace = new TraceColumns(chip.Cores, core => core.LogCurrent, rank);
        int n = chip.Cores.Length;
        coreFired = new long[n];
        coreMessagesIn = new long[n];
        coreSynaptic = new long[n];
        coreEnergy = new double[n];
        portMessages = chip.Cores.Select(c => new long[c.DestCores.Length]).ToArray();
        this.messageTrace?.Write("timestep,mid,src_neuron,src_hw,dest_hw,hops,spikes,send_timestamp,received_timestamp,processed_timestamp,"u8 +
            "generation_delay,processing_delay,network_delay,blocking_delay,min_hop_delay,messages_along_route\n"u8);
    }

    public List<StepPerf> Perf { get; } = [];
    public List<(int Neuron, long Step)> Spikes { get; } = [];
    public int[] PotentialNeurons => potentialTrace.Neurons;
    public List<double[]> Potentials { get; } = [];
    /// <summary>The LIF neurons that trace their input current, in SANA-FE's order (as <see cref="PotentialNeurons"/>).</summary>
    public int[] CurrentNeurons => currentTrace.Neurons;
    public List<double[]> Currents { get; } = [];

    /// <summary>One traced quantity's columns: the neurons that log it in SANA-FE's order (<c>rank</c>), and, for each
    /// core, its logging neurons in core order, as the core reports their values.</summary>
    private sealed class TraceColumns
    {
        private readonly int[][] columnsOfCore; // each core's logging neurons, in core order, as columns of the row

        public TraceColumns(MappedCore[] cores, Func<MappedCore, bool[]> logs, int[] rank)
        {
            var ofCore = cores.Select(core => core.Neurons.Where((_, i) => logs(core)[i]).ToArray()).ToArray();
            Neurons = ofCore.SelectMany(x => x).OrderBy(n => rank[n]).ToArray();
            var column = new int[rank.Length];
            for (int c = 0; c < Neurons.Length; c++) column[Neurons[c]] = c;
            columnsOfCore = ofCore.Select(neurons => neurons.Select(n => column[n]).ToArray()).ToArray();
        }

        public int[] Neurons { get; }

        /// <summary>Places core <paramref name="core"/>'s values, <paramref name="values"/> from <paramref name="at"/>, in
        /// the step's <paramref name="row"/>; returns how many it took.</summary>
        public int Fill(double[] row, int core, double[] values, int at)
        {
            var columns = columnsOfCore[core];
            for (int k = 0; k < columns.Length; k++) row[columns[k]] = values[at + k];
            return columns.Length;
        }
    }

    public IReadOnlyList<CoreActivity> Activity() => chip.Cores.Select((c, i) => new CoreActivity(
        c.Tile.Id, c.Spec.Offset, c.Tile.X, c.Tile.Y, c.Neurons.Length, coreFired[i], coreMessagesIn[i], coreSynaptic[i], coreEnergy[i],
        c.InStart.Length - 1)).ToArray();

    /// <summary>Messages that passed through each router (X-then-Y routes, both ends included), by tile position.</summary>
    public IReadOnlyList<RouterLoad> Routers()
    {
        int height = chip.Architecture.Height;
        // Per router, by mesh position x·height + y: messages through it, then over each link leaving it east, west,
        // north and south (RouterLoad's order).
        var routerLoad = new long[chip.Architecture.Width * height * RouterSlots];
        for (int c = 0; c < portMessages.Length; c++)
            for (int p = 0; p < portMessages[c].Length; p++)
                if (portMessages[c][p] > 0) CountRoute(routerLoad, chip.Cores[c].Tile, chip.Cores[chip.Cores[c].DestCores[p]].Tile, portMessages[c][p]);
        var routers = new List<RouterLoad>();
        for (int i = 0; i < routerLoad.Length / RouterSlots; i++)
        {
            var load = routerLoad.AsSpan(i * RouterSlots, RouterSlots);
            if (load[Through] > 0) routers.Add(new RouterLoad(i / height, i % height, load[Through], load[East], load[West], load[North], load[South]));
        }
        return routers;
    }

    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
    {
        long block = ctx.StepSequence!.Value;
        var reports = new CoreReport[joined.Length];
        for (int i = 0; i < joined.Length; i++) reports[i] = (CoreReport)joined[i].Payload;

        if (open is { } step)
        {
            for (int i = 0; i < reports.Length; i++)
            {
                var received = reports[i].Received;
                step += received;
                coreMessagesIn[i] += reports[i].MessagesIn;
                coreSynaptic[i] += received.SynapticEvents;
                coreEnergy[i] += received.TotalEnergy;
            }
            Perf.Add(step);
            open = null;
            progress?.Report(Perf.Count);
        }
        if (block < steps) open = CloseNeuronPhase(block + 1, reports);
    }

    private StepPerf CloseNeuronPhase(long step, CoreReport[] reports)
    {
        var perf = StepPerf.Zero(step);
        int total = 0;
        var stepSpikes = new List<int>();
        var potentials = new double[PotentialNeurons.Length];
        var currents = new double[CurrentNeurons.Length];
        for (int i = 0; i < reports.Length; i++)
        {
            var rep = reports[i];
            perf += rep.Neurons;
            total += rep.SentCount;
            coreFired[i] += rep.Neurons.Fired;
            coreEnergy[i] += rep.Neurons.TotalEnergy;
            stepSpikes.AddRange(rep.SpikesLogged);
            int potentialCount = potentialTrace.Fill(potentials, i, rep.Traced, 0); // the core's potentials, then its currents
            currentTrace.Fill(currents, i, rep.Traced, potentialCount);
        }
        stepSpikes.Sort((a, b) => rank[a].CompareTo(rank[b]));
        foreach (int n in stepSpikes) Spikes.Add((n, step));
        if (PotentialNeurons.Length > 0) Potentials.Add(potentials);
        if (CurrentNeurons.Length > 0) Currents.Add(currents);

        var timed = mesh.Messages(total);
        var start = new int[reports.Length + 1];
        int k2 = 0;
        for (int c = 0; c < reports.Length; c++)
        {
            start[c] = k2;
            foreach (var sent in reports[c].Sent.AsSpan(0, reports[c].SentCount))
            {
                ref var m = ref timed[k2++];
                m = default;
                m.SrcCore = c;
                m.DestCore = sent.DestCore;
                m.Port = sent.Port;
                m.Neuron = sent.Neuron;
                m.Generation = sent.GenerationDelay;
                m.Processing = sent.ProcessingDelay;
                m.Synapses = sent.Synapses;
                m.Sent = m.Received = m.Processed = double.NegativeInfinity;
                if (m.IsPlaceholder)
                {
                    m.Id = -1;
                    continue;
                }
                m.Id = nextMessageId++;
                (m.Hops, m.MinHop) = mesh.Route(c, m.Port);
                portMessages[c][m.Port]++;
            }
        }
        start[reports.Length] = k2;
        foreach (var rep in reports)
        {
            if (rep.Sent.Length > 0) ArrayPool<SentMessage>.Shared.Return(rep.Sent);
            if (rep.Traced.Length > 0) ArrayPool<double>.Shared.Return(rep.Traced);
        }
        double end = mesh.Schedule(timing, timed, start);
        double latency = notices is null ? Math.Max(end + barrier, chip.Architecture.MinimumStepS) : Advance(end);
        if (messageTrace is not null) TraceMessages(step, timed.AsSpan(0, total));
        return perf with { Latency = latency };
    }

    /// <summary>Free-running: the step's latency is how far the frontier (the latest core's end) moved. Each core starts
    /// its next step once it has finished this one and has heard from every core that may send to it that it is done:
    /// a sender's last message, or an end token, leaves at its send end and takes one minimum-hop route (its only cost;
    /// docs/chip-simulation.md). Barrier and tick do not apply.</summary>
    private double Advance(double end)
    {
        for (int c = 0; c < notices!.Length; c++)
        {
            double start = mesh.End[c];
            foreach (var (sender, notice) in notices[c]) start = Math.Max(start, mesh.SendEnd[sender] + notice);
            mesh.Start[c] = start;
        }
        double latency = end - frontier;
        frontier = end;
        return latency;
    }

    private const int Through = 0, East = 1, West = 2, North = 3, South = 4, RouterSlots = 5; // RouterLoad's order

    // Adds `messages` messages from one tile to another to the routers on their X-then-Y route.
    private void CountRoute(long[] routerLoad, TileSpec from, TileSpec to, long messages)
    {
        foreach (var r in MeshTiming.Routers(from, to))
        {
            int router = (r.X * chip.Architecture.Height + r.Y) * RouterSlots;
            routerLoad[router + Through] += messages;
            if (r.Out != MeshTiming.Local)
                routerLoad[router + r.Out switch { MeshTiming.East => East, MeshTiming.West => West, MeshTiming.North => North, _ => South }] += messages;
        }
    }

    // messages.csv in SANA-FE's line order (SanafeTraceOrder): by id, the placeholders where its sort leaves them.
    private void TraceMessages(long step, ReadOnlySpan<TimedMessage> timed)
    {
        var w = messageTrace!;
        if (traceOrder.Length < timed.Length) (traceOrder, traceIds) = (new int[timed.Length * 2], new long[timed.Length * 2]);
        var order = traceOrder.AsSpan(0, timed.Length);
        for (int i = 0; i < timed.Length; i++) (order[i], traceIds[i]) = (i, timed[i].Id);
        SanafeTraceOrder.Sort(order, traceIds.AsSpan(0, timed.Length));
        foreach (int i in order)
        {
            ref readonly var m = ref timed[i];
            w.Write(step);
            w.Write((byte)',');
            w.Write(m.Id);
            w.Write((byte)',');
            w.Write(traceNames[m.Neuron] ??= Encoding.UTF8.GetBytes(chip.Network.NeuronName(m.Neuron)));
            w.Write((byte)',');
            w.Write(traceCores[m.SrcCore]);
            w.Write((byte)',');
            w.Write(m.IsPlaceholder ? "x.x"u8 : traceCores[m.DestCore]);
            w.Write((byte)',');
            w.Write(m.Hops);
            w.Write((byte)',');
            w.Write(m.Synapses);
            foreach (double value in (ReadOnlySpan<double>)[m.Sent, m.Received, m.Processed, m.Generation, m.Processing, m.Network,
                         m.Blocking, m.MinHop, m.AlongRoute])
            {
                w.Write((byte)',');
                w.WriteGeneral(value);
            }
            w.Write((byte)'\n');
        }
    }

    /// <summary>Writes out what is left of messages.csv; called once the run has ended.</summary>
    public void FlushTrace() => messageTrace?.Flush();
}
