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
/// (Loihi: 4 per tile), routers form a <see cref="Width"/> × <see cref="Height"/> mesh.</summary>
/// <param name="LinkBuffer">Messages a mesh link's buffer holds (the core-by-core detailed timing blocks a sender when
/// a route holds more); 1 unless the file says.</param>
public sealed record MeshLayout(int Count, int CoresPerRouter, int Width, int Height, int LinkBuffer = 1)
{
    /// <summary>Mesh coordinates of a core: cores are numbered router by router, routers row by row.</summary>
    public (int X, int Y) Position(int core)
    {
        int router = core / CoresPerRouter;
        return (router % Width, router / Width);
    }

    /// <summary>Network hops between two cores (Manhattan distance of their routers); 0 inside one router.</summary>
    public int Hops(int a, int b)
    {
        var (ax, ay) = Position(a);
        var (bx, by) = Position(b);
        return Math.Abs(ax - bx) + Math.Abs(ay - by);
    }
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

    public override string ToString() => Name;
}
