namespace Neuromorphic.Hardware;

/// <summary>How a chip spends synaptic work: per non-zero input event (neuromorphic) or per multiply-accumulate
/// whatever the input value (conventional dense hardware).</summary>
public enum ExecutionStyle { EventDriven, Dense }

/// <summary>How a chip closes a time step: not at all (free running), with a mesh-wide barrier after the work
/// (Loihi), or on a fixed global tick (TrueNorth, SpiNNaker's timer).</summary>
public enum SyncModel { None, Barrier, Tick }

/// <summary>One cost per kind of operation: joules in <see cref="ChipModel.Energy"/>, seconds in
/// <see cref="ChipModel.Latency"/>. <see cref="DenseMac"/> is only required for dense chips.</summary>
public sealed record OperationCosts(
    double? DenseMac,
    double SynapticOp,
    double NeuronActive,
    double NeuronIdle,
    double WeightUpdate,
    double SpikeLocal,
    double SpikeHop);

/// <summary>Cores and how they sit on the network-on-chip mesh: <see cref="CoresPerRouter"/> cores share one router
/// (Loihi: 4 per tile), routers form a <see cref="Width"/> × <see cref="Height"/> mesh. On a board
/// (<see cref="ChipsX"/> × <see cref="ChipsY"/> chips, <see cref="BoardModel"/>) the counts are the whole board's: each
/// chip's mesh is a <see cref="ChipWidth"/> × <see cref="ChipHeight"/> block of it and its cores are numbered after the
/// chip before it, so a run of consecutive cores stays on one chip as long as it can.</summary>
/// <param name="LinkBuffer">Messages a mesh link's buffer holds (the core-by-core detailed timing blocks a sender when
/// a route holds more); 1 unless the file says.</param>
public sealed record MeshLayout(int Count, int CoresPerRouter, int Width, int Height, int LinkBuffer = 1, int ChipsX = 1, int ChipsY = 1)
{
    public int Chips => ChipsX * ChipsY;
    public int CoresPerChip => Count / Chips;
    public int ChipWidth => Width / ChipsX;
    public int ChipHeight => Height / ChipsY;

    /// <summary>The chip a core is on, numbered row by row over the board.</summary>
    public int ChipOf(int core) => core / CoresPerChip;

    /// <summary>Mesh coordinates of a core: cores are numbered chip by chip, in a chip router by router, routers row by row.</summary>
    public (int X, int Y) Position(int core)
    {
        int chip = core / CoresPerChip, router = core % CoresPerChip / CoresPerRouter;
        return (chip % ChipsX * ChipWidth + router % ChipWidth, chip / ChipsX * ChipHeight + router / ChipWidth);
    }

    /// <summary>Network hops between two cores (Manhattan distance of their routers); 0 inside one router.</summary>
    public int Hops(int a, int b)
    {
        var (ax, ay) = Position(a);
        var (bx, by) = Position(b);
        return Math.Abs(ax - bx) + Math.Abs(ay - by);
    }

    /// <summary>Chip-to-chip links a message between two cores crosses: X-then-Y routing crosses each chip boundary
    /// between them once, so the Manhattan distance of their chips; 0 on one chip.</summary>
    public int Crossings(int a, int b)
    {
        if (Chips == 1) return 0;
        int ca = ChipOf(a), cb = ChipOf(b);
        return Math.Abs(ca % ChipsX - cb % ChipsX) + Math.Abs(ca / ChipsX - cb / ChipsX);
    }

    /// <summary>Chips that hold at least one of <paramref name="cores"/>.</summary>
    public int ChipsUsing(IEnumerable<int> cores) => cores.Select(ChipOf).Distinct().Count();
}

/// <summary>The routes of a set of messages added up: hops and chip-to-chip links in all, and the farthest of each.</summary>
public struct RouteTotals
{
    public long Hops, Crossings;
    public int MaxHops, MaxCrossings;

    /// <summary>Adds <paramref name="messages"/> messages from core <paramref name="from"/> to core <paramref name="to"/>.</summary>
    public void Add(MeshLayout mesh, int from, int to, long messages = 1)
    {
        int h = mesh.Hops(from, to), x = mesh.Crossings(from, to);
        (Hops, Crossings) = (Hops + h * messages, Crossings + x * messages);
        (MaxHops, MaxCrossings) = (Math.Max(MaxHops, h), Math.Max(MaxCrossings, x));
    }
}

/// <summary>A board of identical chips (a file of <c>hardware-models/boards/</c>): <see cref="ChipsX"/> ×
/// <see cref="ChipsY"/> chips whose meshes join edge to edge through chip-to-chip links. A message pays
/// <see cref="LinkEnergyJ"/> and <see cref="LinkLatencyS"/> per link it crosses, on top of its hops; the time step
/// closes with <see cref="BarrierS"/> once a run uses more than one chip (the chip's own barrier on one); static power
/// is the chip's for each chip in use.</summary>
public sealed record BoardModel(string Chip, int ChipsX, int ChipsY, double LinkEnergyJ, double LinkLatencyS, double BarrierS)
{
    public int Chips => ChipsX * ChipsY;
}

/// <summary>How a chip lets one neuron sum more inputs than a core accepts (<c>core_limits.fan_in_split</c>).
/// <see cref="None"/>: it does not (a layer whose fan-in exceeds the limit fails to map).
/// <see cref="Dendritic"/>: the neuron becomes one compartment per input slice; the root compartment holds the first
/// slice and adds the partial sums the other compartments send it (Loihi's multi-compartment neurons).
/// <see cref="Relay"/>: one partial neuron per slice sends its partial sum to a separate merge neuron on a combining
/// core (TrueNorth-style partial-sum and merge neurons).</summary>
public enum FanInSplit { None, Dendritic, Relay }

/// <summary>What one core can hold. <see cref="FanInSplit"/> says whether a neuron's inputs may be split over cores;
/// <see cref="MaxDelay"/> is the most steps a synapse may hold a spike back beyond the next step (0: no delays).</summary>
public sealed record CoreLimits(
    int Neurons,
    long SynapseMemoryBits,
    int FanIn,
    int FanOut,
    int WeightBits,
    bool WeightSharing,
    bool LearningSupported,
    string LearningKind,
    FanInSplit FanInSplit = FanInSplit.None,
    AxonTypeWeights? AxonTypes = null,
    int MaxDelay = 0)
{
    /// <summary>True when a neuron's spike reaches one axon on one core, so an output that several axons use must be
    /// copied by splitter neurons (<see cref="SplitterPlacement"/>). The chip files have no field of their own for it:
    /// it goes with typed axons, whose one chip, TrueNorth, wires each neuron to one axon (Merolla 2014 sec. S1, S4).</summary>
    public bool NeuronReachesOneAxon => AxonTypes is not null;
}

/// <summary>TrueNorth's weight scheme (<c>core_limits.axon_types</c>): a synapse stores one connectivity bit, and its
/// weight is one of <see cref="Types"/> signed values of <see cref="WeightBits"/> bits that each neuron keeps, chosen
/// by the type of the input's axon. A signed layer gives every input two axons, one typed for each sign, so each
/// neuron sees its own +a, 0 or −b per input and a core takes half as many inputs as it has axons.</summary>
public sealed record AxonTypeWeights(int Types, int WeightBits)
{
    /// <summary>Axons one input of a signed layer takes: one per sign.</summary>
    public const int AxonsPerInput = 2;
}

/// <summary>The time-step model: <see cref="BarrierS"/> is added after each step's work (Barrier); a step never
/// takes less than <see cref="TickS"/> (Tick).</summary>
public sealed record TimestepModel(SyncModel Sync, double BarrierS, double TickS);

/// <summary>Memory traffic of a von Neumann design: an operand fetch per synaptic operation from on-chip SRAM, and
/// parameters streamed from DRAM once per sample when they exceed <see cref="OnChipBits"/>.</summary>
public sealed record MemoryModel(double OnChipBits, double SramAccessJ, double DramAccessJPerByte);

/// <summary>One chip, as read from a file in <c>hardware-models/</c>. All physical values are SI (J, s, W, Hz, m);
/// memory is in bits.</summary>
public sealed record ChipModel(
    string Name,
    string SourceFile,
    double ProcessM,
    double? ClockHz,
    double StaticPowerW,
    ExecutionStyle Execution,
    int MessageBits,
    MeshLayout Cores,
    CoreLimits Limits,
    OperationCosts Energy,
    OperationCosts Latency,
    TimestepModel Timestep,
    MemoryModel? Memory)
{
    /// <summary>True when the chip's messages are 1-bit spikes (<c>chip.spikes: binary</c>: Loihi, TrueNorth), false when
    /// they may carry a graded payload or the file does not say.</summary>
    public bool BinarySpikes { get; init; }

    /// <summary>True when the file says <c>chip.spikes: graded</c> (Loihi 2): a spike may carry a value of up to
    /// <see cref="MessageBits"/> bits.</summary>
    public bool GradedSpikes { get; init; }

    /// <summary>The board this file describes, or null for one chip. Its <see cref="Cores"/> are then the whole board's.</summary>
    public BoardModel? Board { get; init; }

    /// <summary>"the chip", or "the board" for a board, as messages name what holds the cores.</summary>
    public string Whole => Board is null ? "the chip" : "the board";

    /// <summary>What a network that needs <paramref name="cores"/> cores would take instead, for a message saying it does not fit
    /// ("at least": splitter cores, counted after the layers fit, may add more).</summary>
    public string ChipsNeeded(long cores) => Board is null
        ? $" (at least as many cores as {(cores + Cores.Count - 1) / Cores.Count} such chips have; a board file, as in hardware-models/boards/, joins several)"
        : "";

    /// <summary>The barrier closing a step of a run over <paramref name="chipsUsed"/> chips.</summary>
    public double BarrierFor(int chipsUsed) => Board is { } b && chipsUsed > 1 ? b.BarrierS : Timestep.BarrierS;

    public override string ToString() => Name;
}
