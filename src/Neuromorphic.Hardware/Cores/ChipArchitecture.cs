namespace Neuromorphic.Hardware.Cores;

/// <summary>A chip as a mesh of tiles, each tile a router with cores, each core a fixed pipeline
/// (axon in → synapse → dendrite → soma → axon out). This is the model SANA-FE's architecture files describe; all
/// energies are in joules and all latencies in seconds, as in those files.</summary>
public sealed record ChipArchitecture(
    string Name,
    int Width,
    int Height,
    int LinkBufferSize,
    SyncTable Sync,
    IReadOnlyList<TileSpec> Tiles,
    string SourceFile)
{
    /// <summary>Every core in global order: tiles in file order, cores in file order within a tile.</summary>
    public IReadOnlyList<CoreSpec> Cores { get; } = Tiles.SelectMany(t => t.Cores).ToArray();

    /// <summary>The most cores any tile holds; the mesh has one local link per core slot of a router.</summary>
    public int MaxCoresPerTile { get; } = Tiles.Count == 0 ? 0 : Tiles.Max(t => t.Cores.Count);

    /// <summary>Power drawn whatever the activity (W), charged over the simulated time. SANA-FE's files have none;
    /// chip files of hardware-models/ do (<see cref="ChipModelArchitecture"/>).</summary>
    public double StaticPowerW { get; init; }

    /// <summary>On a board: the barrier closing a step once the network spans more than one chip (<see cref="Sync"/> on
    /// one chip). The static power is then <see cref="StaticPowerW"/> for each chip in use.</summary>
    public double? BoardBarrierS { get; init; }

    /// <summary>On a board, the routers of one chip along x and y (for drawing the chips' borders); null otherwise.</summary>
    public (int Width, int Height)? ChipBlock => Tiles.Any(t => t.Link is not null)
        ? (Width / (Tiles.Max(t => t.Link!.ChipX) + 1), Height / (Tiles.Max(t => t.Link!.ChipY) + 1))
        : null;

    /// <summary>True when the cores have one unit per role under generic names (a chip file of hardware-models/): a
    /// network's unit names, written for another architecture, are then ignored, and each neuron gets the soma its
    /// attributes call for (a stimulus input when it has spikes, values, poisson or rate; otherwise the LIF).</summary>
    public bool GenericUnits { get; init; }

    /// <summary>The shortest a step may take (s): a chip on a fixed tick (TrueNorth, SpiNNaker) waits for it. 0: none.</summary>
    public double MinimumStepS { get; init; }

    /// <summary>True for free-running time steps (a chip file's <c>sync: none</c>, or <c>simulate --sync free</c>): no
    /// global barrier, each core starts its next step as soon as it and the cores that send to it are done; the
    /// <see cref="Sync"/> delay and <see cref="MinimumStepS"/> then do not apply (docs/chip-simulation.md).</summary>
    public bool FreeRunning { get; init; }

    /// <summary>Set when a neuron's spike reaches one axon (a chip file whose limits say
    /// <see cref="CoreLimits.NeuronReachesOneAxon"/>: TrueNorth): a network built for it copies an output that several
    /// cores or both weight signs need with splitter neurons on cores of their own. Null: a neuron sends one message to
    /// each core its synapses are on (SANA-FE's files, every other chip file).</summary>
    public SplitterLimits? Splitters { get; init; }

    /// <summary>The bits of a graded spike's payload on a chip whose spikes carry a value (a chip file's
    /// <c>chip.spikes: graded</c>, its <c>message_bits</c>: Loihi 2); 0 where spikes are binary (SANA-FE's files,
    /// Loihi, TrueNorth). Only there may a neuron send its value (<c>graded</c>) or take the largest input (<c>input_max</c>).</summary>
    public int GradedPayloadBits { get; init; }

    /// <summary>The longest synaptic delay any core's dendrite holds, in steps beyond the next (0: none).</summary>
    public int MaxSynapticDelay { get; } = Tiles.SelectMany(t => t.Cores).SelectMany(c => c.Dendrites).Select(d => d.MaxDelay).DefaultIfEmpty(0).Max();

    /// <summary>True on a chip with <see cref="Splitters"/> whose synapses can wait a step (TrueNorth's delivery delay;
    /// set by <see cref="ChipModelArchitecture"/>): a network built for it delays the synapses a neuron keeps by one step,
    /// so every spike reaches its targets two steps after it fires, through a splitter or not, and a layer's inputs
    /// arrive together. An export turns it off, as SANA-FE runs delays differently.</summary>
    public bool SplitterStepForAll { get; init; }

    /// <summary>The input axons a core accepts (a chip file's <c>core_limits.fan_in</c>): one for each neuron whose spikes
    /// reach the core. Null where the file sets none (SANA-FE's). A run checks its cores against it
    /// (<see cref="AxonLimit"/>).</summary>
    public int? AxonsPerCore { get; init; }
}

/// <summary>What one splitter core holds on a chip whose neuron reaches one axon: at most <paramref name="Neurons"/>
/// splitter neurons (copies) and <paramref name="Sources"/> neurons they copy (one axon each).</summary>
public sealed record SplitterLimits(int Neurons, int Sources);

/// <summary>The end-of-step barrier: a fixed delay, or a delay looked up by the number of tiles in use (the value
/// of the largest key not above that number; below the smallest key, the first value).</summary>
public sealed record SyncTable(IReadOnlyList<(int Tiles, double Seconds)> Entries)
{
    public static SyncTable Fixed(double seconds) => new([(0, seconds)]);

    public double DelayFor(int tilesInUse)
    {
        if (Entries.Count == 0) return 0;
        double delay = Entries[0].Seconds;
        foreach (var (tiles, seconds) in Entries)
            if (tiles <= tilesInUse) delay = seconds;
        return delay;
    }
}

/// <summary>Per-direction hop costs of a tile's router (J and s per message per hop).</summary>
public sealed record HopCosts(
    double EnergyNorth, double LatencyNorth,
    double EnergyEast, double LatencyEast,
    double EnergySouth, double LatencySouth,
    double EnergyWest, double LatencyWest);

/// <summary>A tile at mesh position (X, Y); SANA-FE places tile ids column by column: x = id / height, y = id % height.
/// On a board, <see cref="Link"/> says which chip the tile is on and what a chip-to-chip link costs.</summary>
public sealed record TileSpec(int Id, string Name, int X, int Y, HopCosts Hops, IReadOnlyList<CoreSpec> Cores, int Line)
{
    public ChipLink? Link { get; init; }

    /// <summary>Chip-to-chip links a message from this tile to <paramref name="to"/> crosses: with X-then-Y routing, the
    /// Manhattan distance of their chips (0 off a board).</summary>
    public int Crossings(TileSpec to) =>
        Link is { } a && to.Link is { } b ? Math.Abs(a.ChipX - b.ChipX) + Math.Abs(a.ChipY - b.ChipY) : 0;
}

/// <summary>A tile's chip on a board (a chip file of <c>hardware-models/boards/</c>) and the cost of each chip-to-chip
/// link a message crosses (J and s per message), on top of its hops.</summary>
public sealed record ChipLink(int ChipX, int ChipY, double Energy, double Latency);

/// <summary>Where the time-step buffer sits in a core's pipeline: the units before it run when a message arrives,
/// the units after it run once per neuron per step.</summary>
public enum BufferPosition
{
    BeforeDendrite,
    InsideDendrite,
    BeforeSoma,
    InsideSoma,
    BeforeAxonOut,
}

/// <summary>One core. <paramref name="Id"/> is its global index, <paramref name="Offset"/> its index in its tile.
/// A unit named in several sections (synapse and dendrite, say) is one unit with several roles, so the same
/// <see cref="ProcessingUnitSpec"/> object then appears in several lists. The first unit of each list is the default.</summary>
public sealed record CoreSpec(
    int Id,
    int TileId,
    int Offset,
    string Name,
    BufferPosition Buffer,
    int MaxNeurons,
    IReadOnlyList<AxonUnitSpec> AxonIn,
    IReadOnlyList<ProcessingUnitSpec> Synapses,
    IReadOnlyList<ProcessingUnitSpec> Dendrites,
    IReadOnlyList<ProcessingUnitSpec> Somas,
    IReadOnlyList<AxonUnitSpec> AxonOut,
    int Line);

/// <summary>An axon-in or axon-out unit: energy and latency per message received or sent.</summary>
public sealed record AxonUnitSpec(string Name, double Energy, double Latency, int Line);

/// <summary>Energy or latency figures of a soma: on every neuron every step (access), when the neuron was updated,
/// when it fired.</summary>
public sealed record SomaCosts(double AccessNeuron, double UpdateNeuron, double SpikeOut);

/// <summary>A synapse, dendrite or soma unit: its model name (current_based, accumulator, leaky_integrate_fire,
/// input, truenorth, …), which roles it plays, its default costs where the file gives them, and every other
/// attribute as written (handed to the model).</summary>
public sealed record ProcessingUnitSpec(
    string Name,
    string Model,
    bool IsSynapse,
    bool IsDendrite,
    bool IsSoma,
    double? EnergyProcessSpike,
    double? LatencyProcessSpike,
    double? EnergyUpdate,
    double? LatencyUpdate,
    SomaCosts? SomaEnergy,
    SomaCosts? SomaLatency,
    bool UpdateEveryTimestep,
    IReadOnlyDictionary<string, AttributeValue> Attributes,
    int Line)
{
    /// <summary>For a dendrite: the most time steps a synapse into it may hold its charge back (its synaptic delay);
    /// 0 for a unit without delays.</summary>
    public int MaxDelay { get; init; }

    /// <summary>For a leaky_integrate_fire soma with a <c>noise</c> attribute: the recorded random sequence its
    /// neurons add (<see cref="LoihiNoise"/>); null for one without noise.</summary>
    internal LoihiNoise? Noise { get; init; }
}

/// <summary>An attribute value as the file wrote it: a scalar's text, or a list of values, with its line.
/// Models convert it (<see cref="AttributeValue.AsDouble"/>, …) and report a bad value with file, line and name.</summary>
public sealed record AttributeValue(string? Text, IReadOnlyList<AttributeValue>? Items, int Line)
{
    public static AttributeValue Scalar(string text, int line) => new(text, null, line);
    public static AttributeValue List(IReadOnlyList<AttributeValue> items, int line) => new(null, items, line);

    public double AsDouble(string file, string name)
    {
        if (Text is not null && double.TryParse(Text, System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
            return v;
        throw new HardwareModelException(file, Line, name, $"expected a finite number, found {Describe()}");
    }

    public int AsInt(string file, string name)
    {
        double v = AsDouble(file, name);
        if (v != Math.Floor(v) || v < int.MinValue || v > int.MaxValue)
            throw new HardwareModelException(file, Line, name, $"expected a whole number, found {Describe()}");
        return (int)v;
    }

    public bool AsBool(string file, string name) => Text?.ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw new HardwareModelException(file, Line, name, $"expected true or false, found {Describe()}"),
    };

    public string AsText(string file, string name) =>
        Text ?? throw new HardwareModelException(file, Line, name, $"expected a single value, found {Describe()}");

    public IReadOnlyList<AttributeValue> AsList(string file, string name) =>
        Items ?? throw new HardwareModelException(file, Line, name, $"expected a list, found {Describe()}");

    public string Describe() => Text is not null ? $"'{Text}'" : $"a list of {Items!.Count} values";
}
