using System.Globalization;
using System.Text;

namespace Neuromorphic.Hardware;

/// <summary>How full one core is.</summary>
public sealed record CoreUse(int Core, int Neurons, long SynapseBits, double NeuronFraction, double MemoryFraction, double FanInFraction);

/// <summary>How a layer whose fan-in exceeds the chip's per-core limit was split (<c>core_limits.fan_in_split</c>).
/// Each output neuron's <see cref="LayerPlacement.Layer"/> fan-in is cut into <see cref="Slices"/> input slices of at
/// most <see cref="SliceFanIn"/> inputs; <see cref="SliceCores"/>[s] holds slice s's weights and one compartment
/// (partial neuron) per output neuron. <see cref="CombineCores"/> hold the neurons whose output the layer sends: with
/// <see cref="FanInSplit.Dendritic"/> they are slice 0's cores (the root compartment keeps slice 0 and adds the
/// partial sums of slices 1..S-1); with <see cref="FanInSplit.Relay"/> they are separate merge cores, one merge neuron
/// per output neuron adding all S partial sums. Per time step every sending compartment sends one partial-sum
/// message to its neuron's combining core: <see cref="PartialMessagesPerStep"/> in all, crossing
/// <see cref="PartialHopsPerStep"/> router hops together, the farthest <see cref="MaxPartialHops"/>; on a board,
/// <see cref="PartialCrossingsPerStep"/> chip-to-chip links together, the most <see cref="MaxPartialCrossings"/>.</summary>
public sealed record SplitPlacement(
    FanInSplit Mode,
    int Slices,
    long SliceFanIn,
    int CompartmentsPerNeuron,
    IReadOnlyList<IReadOnlyList<int>> SliceCores,
    IReadOnlyList<int> CombineCores,
    int CombineNeuronsPerCore,
    ChipLimit CombineBindingLimit,
    long PartialMessagesPerStep,
    long PartialHopsPerStep,
    int MaxPartialHops,
    long PartialCrossingsPerStep = 0,
    int MaxPartialCrossings = 0)
{
    /// <summary>Compartments (partial neurons) updated per output neuron per time step beyond the output neuron itself.</summary>
    public int ExtraCompartmentsPerNeuron => CompartmentsPerNeuron - 1;
}

/// <summary>The splitter neurons that copy a layer's outputs on a chip where a neuron's spike reaches one axon
/// (<see cref="CoreLimits.NeuronReachesOneAxon"/>: TrueNorth, Merolla 2014 sec. S1, S4). Each output of the layer targets
/// one axon of a splitter core; there one splitter neuron per copy (one crossbar bit, weight +1, threshold 1) sends the
/// spike on to one axon of a consumer core, a time step later. An output's copies are
/// <see cref="AxonTypeWeights.AxonsPerInput"/> (one per weight sign) on each consumer core it is delivered to (the cores
/// <see cref="MappingEdge"/> charges). A splitter core takes at most the chip's neurons per core in copies and its axons
/// in outputs, and an output's copies all sit on one core. Per output spike: one message to its splitter core
/// (<see cref="MeanHopsIn"/> hops on average), then <see cref="CopiesPerOutput"/> synaptic events, neuron updates and
/// messages crossing <see cref="MeanHopsOut"/> hops together (on a board, <see cref="MeanCrossingsIn"/> and
/// <see cref="MeanCrossingsOut"/> chip-to-chip links).</summary>
public sealed record SplitterPlacement(
    int Outputs,
    long Neurons,
    int MaxCopies,
    IReadOnlyList<int> Cores,
    int MaxNeuronsPerCore,
    double MeanHopsIn,
    int MaxHopsIn,
    double MeanHopsOut,
    int MaxHopsOut,
    double MeanCrossingsIn = 0,
    int MaxCrossingsIn = 0,
    double MeanCrossingsOut = 0,
    int MaxCrossingsOut = 0)
{
    /// <summary>Copies (splitter neurons) per output of the layer, on average.</summary>
    public double CopiesPerOutput => (double)Neurons / Outputs;
}

/// <summary>Where one layer went: a run of consecutive cores, how many of its neurons each core holds, and which
/// per-core limit decided that number. For a split layer (<see cref="Split"/> not null) <see cref="NeuronsPerCore"/>,
/// <see cref="BindingLimit"/> and <see cref="SynapseBitsPerNeuron"/> describe the cores of input slice 0 (for a
/// dendritic split: the root compartments, partial-sum synapses included), and <see cref="Usage"/> lists every core
/// of every slice and of the combining stage. <see cref="Splitters"/>, when not null, copies the layer's outputs on cores
/// of their own, right after the layer's run. <see cref="Tiles"/>, when not null, says which neurons each core of a
/// convolution placed by tiles holds (every slice laid out alike), and so which inputs each core reads.</summary>
public sealed record LayerPlacement(
    LayerDescription Layer,
    IReadOnlyList<int> Cores,
    int NeuronsPerCore,
    ChipLimit BindingLimit,
    int WeightBits,
    bool UnrolledConvolution,
    long StoredConnections,
    long SynapseBitsPerNeuron,
    long SharedSynapseBitsPerCore,
    IReadOnlyList<CoreUse> Usage,
    string Explanation,
    SplitPlacement? Split = null,
    SplitterPlacement? Splitters = null,
    ConvTiles? Tiles = null)
{
    /// <summary>Cores holding the neurons whose output leaves the layer.</summary>
    public IReadOnlyList<int> OutputCores => Split?.CombineCores ?? Cores;

    /// <summary>Cores that receive the layer's inputs (every slice's cores for a split layer).</summary>
    public IReadOnlyList<int> InputCores => Split is { } s ? s.SliceCores.SelectMany(c => c).ToArray() : Cores;

    /// <summary>Copies of each of the layer's weights the chip stores: one per output position for a convolution stored
    /// unrolled, else 1.</summary>
    public double CopiesPerWeight => UnrolledConvolution ? (double)StoredConnections / Layer.Synapses : 1;
}

/// <summary>Traffic between two mapped layers. Where the consumer is placed by tiles, each of the producer's
/// <see cref="Messages"/> outputs is counted on its own: it goes from its sender's core to the cores that read it,
/// <see cref="Deliveries"/> destinations and <see cref="TotalHops"/> hops over all outputs. Otherwise
/// <see cref="TotalHops"/> sums the Manhattan distance over every (producer output core, consumer input core) pair: a
/// message leaving a producer core goes to every input core of the consumer, or, when the consumer's fan-in is split
/// into <see cref="Slices"/> slices, to the cores of the one slice that input belongs to (slices taken as equally
/// likely). Either way a message is handed to <see cref="DestinationsPerMessage"/> cores and travels
/// <see cref="MeanHopsPerMessage"/> hops in all on average. <see cref="MostDestinationsPerCore"/> is the most consumer
/// cores one producer core sends to (its core-to-core fan-out).</summary>
public sealed record MappingEdge(string From, string To, int ProducerCores, int ConsumerCores, long TotalHops, int MaxHops, int Slices = 1,
    long Messages = 0, long Deliveries = 0, int? MostDestinations = null, long TotalCrossings = 0, int MaxCrossings = 0)
{
    public int MostDestinationsPerCore => MostDestinations ?? ConsumerCores;

    public double MeanHopsPerMessage => PerMessage(TotalHops);

    /// <summary>Chip-to-chip links a message crosses on a board, counted as <see cref="TotalHops"/> is.</summary>
    public double MeanCrossingsPerMessage => PerMessage(TotalCrossings);

    private double PerMessage(long total) => Messages > 0 ? (double)total / Messages
        : ProducerCores == 0 ? 0 : (double)total / ProducerCores / Math.Max(1, Slices);

    public double DestinationsPerMessage => Messages > 0 ? (double)Deliveries / Messages : (double)ConsumerCores / Math.Max(1, Slices);
}

/// <summary>The result of placing a network on a chip.</summary>
public sealed class Mapping
{
    internal Mapping(ChipModel chip, IReadOnlyList<LayerPlacement> placements, IReadOnlyList<MappingEdge> edges, IReadOnlyList<string> notes)
    {
        Chip = chip;
        Placements = placements;
        Edges = edges;
        Notes = notes;
        CoresUsed = placements.Sum(p => p.Cores.Count + (p.Splitters?.Cores.Count ?? 0));
        ChipsUsed = chip.Cores.ChipsUsing(placements.SelectMany(p => p.Splitters is { } s ? p.Cores.Concat(s.Cores) : p.Cores));
    }

    public ChipModel Chip { get; }
    public IReadOnlyList<LayerPlacement> Placements { get; }
    public IReadOnlyList<MappingEdge> Edges { get; }
    /// <summary>Things worth knowing that are not failures: unrolled convolutions, splitter neurons, fan-out beyond the routing tables.</summary>
    public IReadOnlyList<string> Notes { get; }
    public int CoresUsed { get; }

    /// <summary>Chips of a board that hold a core of the network (1 on a single chip): each draws static power, and more
    /// than one close their steps with the board's barrier.</summary>
    public int ChipsUsed { get; }

    public LayerPlacement? Find(string layer) => Placements.FirstOrDefault(p => p.Layer.Name == layer);

    /// <summary>Edges leaving <paramref name="layer"/>.</summary>
    public IEnumerable<MappingEdge> EdgesFrom(string layer) => Edges.Where(e => e.From == layer);

    /// <summary>A plain-text report: per layer the explanation and utilisation, per edge the hops, then notes.</summary>
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        string chips = Chip.Board is { } b ? $", on {ChipsUsed} of its {b.Chips} chips" : "";
        sb.AppendLine(inv, $"Mapping on {Chip.Name}: {CoresUsed} of {Chip.Cores.Count} cores used{chips}");
        foreach (var p in Placements)
        {
            sb.AppendLine(inv, $"  {p.Explanation}");
            double n = p.Usage.Average(u => u.NeuronFraction), m = p.Usage.Average(u => u.MemoryFraction);
            sb.AppendLine(inv, $"    cores {p.Cores[0]}..{p.Cores[^1]}, {p.WeightBits}-bit weights, mean utilisation: neurons {n:P0}, synapse memory {m:P0}, fan-in {p.Usage.Max(u => u.FanInFraction):P0} (fullest core)");
            if (p.Split is { } s)
                sb.AppendLine(inv, $"    fan-in split ({s.Mode.ToString().ToLowerInvariant()}): {s.Slices} slices of {s.SliceFanIn} inputs, {s.CompartmentsPerNeuron} compartments per neuron, combining cores {s.CombineCores[0]}..{s.CombineCores[^1]}, {s.PartialMessagesPerStep} partial-sum messages and {s.PartialHopsPerStep} hops per time step, farthest {s.MaxPartialHops}");
            if (p.Tiles is { } t)
                sb.AppendLine(inv, $"    tiles: {t.ChannelsPerCore} channels x {t.TileHeight}x{t.TileWidth} positions per core, {t.CoresPerSlice} cores{(t.Slices > 1 ? $" in each of {t.Slices} slices" : "")}, {t.MeanReaders:0.##} cores read each input");
            if (p.Splitters is { } sp)
                sb.AppendLine(inv, $"    splitters: {sp.Neurons} neurons on cores {sp.Cores[0]}..{sp.Cores[^1]}, {sp.CopiesPerOutput:0.##} copies per output (most {sp.MaxCopies}), {sp.MeanHopsIn:0.##} hops to the splitter core and {sp.MeanHopsOut:0.##} for an output's copies, farthest {sp.MaxHopsIn} and {sp.MaxHopsOut}");
        }
        foreach (var e in Edges)
        {
            string counted = e.Messages > 0
                ? $"{e.Messages} outputs delivered to {e.Deliveries} cores in all over {e.TotalHops} hops"
                : $"{e.TotalHops} hops over all core pairs";
            // With splitters an output travels to its splitter core and its copies on: the splitters line gives those hops.
            string via = Find(e.From)?.Splitters is not null ? " (direct; charged through the splitter cores instead)" : "";
            string links = Chip.Board is null ? "" : $", {e.MeanCrossingsPerMessage:0.##} chip-to-chip links per message, most {e.MaxCrossings}";
            sb.AppendLine(inv, $"  {e.From} -> {e.To}: {e.ProducerCores} x {e.ConsumerCores} cores, {counted}, {e.DestinationsPerMessage:0.##} destination cores and {e.MeanHopsPerMessage:0.##} hops per message, farthest {e.MaxHops}{links}{via}");
        }
        foreach (var note in Notes) sb.AppendLine(inv, $"  note: {note}");
        return sb.ToString();
    }
}

/// <summary>Greedy placement: layers in order, each on its own run of consecutive cores (cores are not shared
/// between layers), as many neurons per core as the tightest per-core limit allows. A layer whose fan-in exceeds
/// the per-core limit is split into input slices when the chip allows it (<see cref="CoreLimits.FanInSplit"/>).</summary>
public static partial class Mapper
{
    /// <summary>Cores holding one kind of neuron of a layer: the whole layer, one input slice, or the merge neurons.</summary>
    private sealed class Group
    {
        public required string Role { get; init; }
        public int PerCore { get; set; }
        public ChipLimit Binding { get; set; }
        /// <summary>Neurons per core synapse memory alone would allow (long.MaxValue: no memory bound).</summary>
        public long ByMemory { get; set; }
        public List<int> Fill { get; } = [];
        public List<long> Bits { get; } = [];
        public long Cores { get; set; }
        /// <summary>Input axons core i of the group uses, holding n neurons.</summary>
        public required Func<int, int, long> AxonsUsed { get; init; }
        public long PerNeuronBits { get; init; }
    }

    private sealed record Plan(LayerDescription L, List<Group> Groups, int Bits, bool Unrolled, long Stored, long PerNeuron,
        long Shared, long CoresNeeded, string Why, FanInSplit Mode, int Slices, long SliceFanIn, ConvTiles? Tiles)
    {
        public int PerCore => Groups[0].PerCore;
        public ChipLimit Binding => Groups[0].Binding;
    }

    /// <summary>Fills cores with <paramref name="neurons"/> neurons that each need <paramref name="perNeuronBits"/> of
    /// their own synapse memory, plus, with shared kernels (<paramref name="kernelBits"/> &gt; 0), one kernel per
    /// output channel held. At most <paramref name="cap"/> neurons per core (<paramref name="capBinding"/> says which
    /// limit sets the cap). The fill stops once it exceeds <paramref name="maxCores"/>; the count is then estimated.</summary>
    private static Group FillGroup(string role, Func<int, long> axons, long neurons, long perNeuronBits, long channels,
        long perChannel, long kernelBits, int cap, ChipLimit capBinding, long mem, int maxCores)
    {
        var g = new Group { Role = role, AxonsUsed = (_, n) => axons(n), PerNeuronBits = perNeuronBits };
        long estimate;
        if (kernelBits == 0)
        {
            g.ByMemory = perNeuronBits == 0 ? long.MaxValue : mem / perNeuronBits;
            g.PerCore = (int)Math.Min(cap, g.ByMemory);
            g.Binding = g.ByMemory < cap ? ChipLimit.SynapseMemory : capBinding;
            for (long left = neurons; left > 0 && g.Fill.Count <= maxCores; left -= g.PerCore)
            {
                int n = (int)Math.Min(g.PerCore, left);
                g.Fill.Add(n);
                g.Bits.Add(n * perNeuronBits);
            }
            estimate = (neurons + g.PerCore - 1) / g.PerCore;
        }
        else if (perChannel >= cap || kernelBits + perNeuronBits * perChannel > mem)
        {
            // A channel spans several cores; each of them keeps that one kernel.
            g.ByMemory = perNeuronBits == 0 ? long.MaxValue : (mem - kernelBits) / perNeuronBits;
            g.PerCore = (int)Math.Min(cap, g.ByMemory);
            g.Binding = g.ByMemory < cap ? ChipLimit.SynapseMemory : capBinding;
            for (long c = 0, left = neurons; c < channels && left > 0 && g.Fill.Count <= maxCores; c++)
                for (long inChannel = Math.Min(perChannel, left); inChannel > 0; inChannel -= g.PerCore)
                {
                    int n = (int)Math.Min(g.PerCore, inChannel);
                    g.Fill.Add(n);
                    g.Bits.Add(kernelBits + n * perNeuronBits);
                    left -= n;
                }
            estimate = channels * ((perChannel + g.PerCore - 1) / g.PerCore);
        }
        else
        {
            long channelsByNeurons = cap / perChannel, channelsByMemory = mem / (kernelBits + perNeuronBits * perChannel);
            long perCoreChannels = Math.Min(channelsByNeurons, channelsByMemory);
            g.Binding = channelsByMemory < channelsByNeurons ? ChipLimit.SynapseMemory : capBinding;
            g.PerCore = (int)(perCoreChannels * perChannel);
            g.ByMemory = channelsByMemory * perChannel;
            for (long left = neurons; left > 0 && g.Fill.Count <= maxCores; left -= g.PerCore)
            {
                int n = (int)Math.Min(g.PerCore, left);
                g.Fill.Add(n);
                g.Bits.Add((n + perChannel - 1) / perChannel * kernelBits + n * perNeuronBits);
            }
            estimate = (neurons + g.PerCore - 1) / g.PerCore;
        }
        g.Cores = g.Fill.Count <= maxCores ? g.Fill.Count : estimate;
        return g;
    }

    /// <summary>The number of input slices and their width, or null when no split fits. Slices are equal
    /// (ceil(fan-in / S) inputs; the last may be narrower). S starts at ceil(fan-in / limit). A dendritic root
    /// compartment also takes the S - 1 partial sums on its core's input axons, so S grows until slice + S - 1 fits;
    /// a relay merge neuron sums S partials, so S must not exceed the limit.</summary>
    private static (int Slices, long Width)? ChooseSlices(long fanIn, int limit, FanInSplit mode)
    {
        for (long s = (fanIn + limit - 1) / limit; s <= limit; s++)
        {
            long w = (fanIn + s - 1) / s;
            if (mode == FanInSplit.Relay || w + (s - 1) <= limit) return ((int)s, w);
        }
        return null;
    }

    private static string ModeText(FanInSplit mode, int s) => mode == FanInSplit.Dendritic
        ? $"dendritic: each neuron becomes {s} compartments, the root one on slice 0's cores adds the {s - 1} partial sums"
        : $"relay: each neuron becomes {s} partial neurons plus a merge neuron on separate combining cores that adds the {s} partial sums";

    public static Mapping Map(ChipModel chip, IReadOnlyList<LayerDescription> layers)
    {
        ArgumentNullException.ThrowIfNull(chip);
        ArgumentNullException.ThrowIfNull(layers);
        var inv = CultureInfo.InvariantCulture;
        var lim = chip.Limits;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var plans = new List<Plan>();
        var notes = new List<string>();
        int maxCores = chip.Cores.Count;
        int axonsPerInput = 1;
        if (lim.AxonTypes is not null)
        {
            // Typed axons: each input comes in on two axons, one per sign (AxonTypeWeights), each with a crossbar bit.
            const int k = AxonTypeWeights.AxonsPerInput;
            axonsPerInput = k;
            layers = layers.Select(l => l with { FanIn = k * l.FanIn, Synapses = k * l.Synapses }).ToList();
            notes.Add($"every input takes {k} axons, one per weight sign (a neuron weighs an input by its axon's type): fan-in " +
                      "and crossbar bits count both.");
        }

        foreach (var layer in layers)
        {
            if (!names.Add(layer.Name)) throw new ArgumentException($"Two layers are named '{layer.Name}'.", nameof(layers));
            if (layer.Neurons <= 0 || layer.FanIn <= 0 || layer.Synapses <= 0 || layer.ConnectionsPerSample <= 0)
                throw new ArgumentException($"Layer '{layer.Name}' needs positive neurons, fan-in, synapses and connections.", nameof(layers));

            int bits = layer.WeightBits ?? lim.WeightBits;
            if (bits > lim.WeightBits)
                throw new MappingException(chip.Name, layer.Name, ChipLimit.WeightPrecision, bits, lim.WeightBits,
                    $"layer {layer.Name} needs {bits}-bit weights; {chip.Name} stores at most {lim.WeightBits} bits per weight " +
                    $"({bits - lim.WeightBits} bits short). Quantise the layer to {lim.WeightBits} bits (WeightQuantizer) or choose a chip with more precision.");
            if (bits < 1) throw new ArgumentException($"Layer '{layer.Name}' asks for {bits}-bit weights.", nameof(layers));

            string head = $"layer {layer.Name} needs {layer.Neurons} neurons x {layer.FanIn} fan-in";
            var mode = FanInSplit.None;
            int slices = 1;
            long width = layer.FanIn;
            if (layer.FanIn > lim.FanIn)
            {
                string over = $"{head}; {chip.Name} allows fan-in {lim.FanIn} per core: {layer.FanIn - lim.FanIn} inputs too many. " +
                              $"A layer with fan-in up to {lim.FanIn} would fit";
                if (lim.FanInSplit == FanInSplit.None)
                {
                    long s = (layer.FanIn + lim.FanIn - 1) / lim.FanIn;
                    throw new MappingException(chip.Name, layer.Name, ChipLimit.FanIn, layer.FanIn, lim.FanIn,
                        $"{over}; {chip.Name}'s file does not let a neuron's inputs be split over cores (core_limits.fan_in_split: none). " +
                        $"A chip with fan_in_split: dendritic or relay would split each neuron into at least {s} slices of " +
                        $"{(layer.FanIn + s - 1) / s} inputs on different cores and combine the partial sums.");
                }
                if (ChooseSlices(layer.FanIn, lim.FanIn, lim.FanInSplit) is not { } choice)
                    throw new MappingException(chip.Name, layer.Name, ChipLimit.FanIn, layer.FanIn, lim.FanIn,
                        $"{over}. Splitting ({lim.FanInSplit.ToString().ToLowerInvariant()}) cannot reach it either: the combining " +
                        $"neuron would itself need more than {lim.FanIn} inputs (a tree of combining stages is not modelled).");
                (mode, slices, width) = (lim.FanInSplit, choice.Slices, choice.Width);
            }

            bool unrolled = layer.Convolutional && !lim.WeightSharing;
            bool sharedKernels = layer.Convolutional && lim.WeightSharing;
            // An unrolled convolution with a known shape is placed by tiles, its fan-in split by whole input channels.
            var shape = unrolled ? TileShape(layer, plans.FirstOrDefault(q => q.L.Name == layer.Source)?.L) : null;
            var tiles = shape is { } geo ? PlanTiles(chip, layer, geo, mode, bits) : null;
            if (tiles is { } tl)
                (slices, width) = (tl.Slices, tl.SliceFanIn);
            // Typed axons doubled fan-in and synapses above; an unrolled layer's connections count both axons too.
            long stored = unrolled ? layer.ConnectionsPerSample * axonsPerInput : layer.Synapses;
            // Shared kernels: a core keeps the kernel of each output channel it holds (FanIn weights per channel),
            // so cores are filled channel by channel. Otherwise every neuron brings its own synapses.
            long channels = sharedKernels ? Math.Max(1, layer.Synapses / layer.FanIn) : 1;
            long perChannel = sharedKernels ? (layer.Neurons + channels - 1) / channels : 0;
            long storedPerNeuron = sharedKernels ? 0 : (stored + layer.Neurons - 1) / layer.Neurons;
            // A slice holds its share of each neuron's synapses (all of them when the layer is not split).
            long sliceStored = mode == FanInSplit.None ? storedPerNeuron : (storedPerNeuron * width + layer.FanIn - 1) / layer.FanIn;
            long perNeuron = checked(sliceStored * bits);
            long kernelBits = sharedKernels ? checked(width * bits) : 0;

            var groups = new List<Group>();
            void Need(string role, long ownBits)
            {
                long firstNeed = kernelBits + ownBits;
                if (firstNeed <= lim.SynapseMemoryBits) return;
                long fitFanIn = lim.SynapseMemoryBits / bits;
                string what = mode != FanInSplit.None
                    ? $"split into {slices} slices of {width} inputs, one {role} compartment's synapses take {Units.FormatBits(firstNeed)} ({firstNeed / bits} x {bits} bit)"
                    : sharedKernels
                        ? $"one output channel's kernel takes {Units.FormatBits(kernelBits)} ({layer.FanIn} x {bits} bit)"
                        : $"one neuron's synapses take {Units.FormatBits(perNeuron)} ({perNeuron / bits} x {bits} bit)";
                throw new MappingException(chip.Name, layer.Name, ChipLimit.SynapseMemory, firstNeed, lim.SynapseMemoryBits,
                    $"{head}; {what} but {chip.Name}'s synapse memory is {Units.FormatBits(lim.SynapseMemoryBits)} per core, " +
                    $"{Units.FormatBits(firstNeed - lim.SynapseMemoryBits)} short. At {bits}-bit weights a core holds at most {fitFanIn} synapses" +
                    (unrolled ? "; the chip has no convolutional weight sharing, so the convolution is stored unrolled." : "."));
            }
            Group Slice(string role, long ownBits, int cap, ChipLimit capBinding, Func<int, long> axons)
            {
                Need(role, ownBits);
                return FillGroup(role, axons, layer.Neurons, ownBits, channels, perChannel, kernelBits, cap, capBinding,
                    lim.SynapseMemoryBits, maxCores);
            }

            if (tiles is { } t0)
            {
                // Every slice is laid out alike; a dendritic root (slice 0) also keeps a partial-sum synapse and axon per other slice.
                int partialsAtRoot = mode == FanInSplit.Dendritic ? slices - 1 : 0;
                long rootBits = perNeuron + (long)partialsAtRoot * bits;
                for (int sl = 0; sl < slices; sl++)
                    groups.Add(TileGroup(t0, sl, mode, sl == 0 ? rootBits : perNeuron, lim, sl == 0 ? partialsAtRoot : 0));
            }
            else if (mode == FanInSplit.None)
                groups.Add(Slice("whole", perNeuron, lim.Neurons, ChipLimit.Neurons, _ => layer.FanIn));
            else
            {
                int partials = mode == FanInSplit.Dendritic ? slices - 1 : slices;
                long w = width;
                if (mode == FanInSplit.Dendritic)
                {
                    // The root compartment keeps slice 0 and one partial-sum synapse per other slice; its core's input
                    // axons take slice 0's inputs plus the partial sums of every root it holds.
                    long axonCap = (lim.FanIn - w) / partials;
                    int cap = (int)Math.Min(lim.Neurons, axonCap);
                    groups.Add(Slice("slice 0 (root)", perNeuron + (long)partials * bits, cap,
                        axonCap < lim.Neurons ? ChipLimit.FanIn : ChipLimit.Neurons, n => w + (long)partials * n));
                }
                var leaf = Slice("slice", perNeuron, lim.Neurons, ChipLimit.Neurons, _ => w);
                for (int s = groups.Count; s < slices; s++) groups.Add(leaf);
            }
            if (mode == FanInSplit.Relay)
            {
                long mergeBits = (long)slices * bits;
                if (mergeBits > lim.SynapseMemoryBits)
                    throw new MappingException(chip.Name, layer.Name, ChipLimit.SynapseMemory, mergeBits, lim.SynapseMemoryBits,
                        $"{head}; split into {slices} slices, one merge neuron's {slices} partial-sum synapses take {Units.FormatBits(mergeBits)} " +
                        $"but {chip.Name}'s synapse memory is {Units.FormatBits(lim.SynapseMemoryBits)} per core.");
                long axonCap = lim.FanIn / slices;
                groups.Add(FillGroup("merge", n => (long)slices * n, layer.Neurons, mergeBits, 1, 0, 0,
                    (int)Math.Min(lim.Neurons, axonCap), axonCap < lim.Neurons ? ChipLimit.FanIn : ChipLimit.Neurons,
                    lim.SynapseMemoryBits, maxCores));
            }

            long cores = groups.Sum(g => g.Cores);
            long shared = sharedKernels ? groups.SelectMany(g => g.Bits).DefaultIfEmpty(0).Max() : 0;
            string why;
            if (mode == FanInSplit.None)
            {
                var g = groups[0];
                string limitText = g.Binding == ChipLimit.SynapseMemory
                    ? $"but synapse memory {Units.FormatBits(lim.SynapseMemoryBits)} per core holds {g.ByMemory} neurons of this layer"
                    : $"and {lim.Neurons} neurons per core" +
                      (g.ByMemory == long.MaxValue ? "" : $" (synapse memory {Units.FormatBits(lim.SynapseMemoryBits)} would hold {g.ByMemory.ToString(inv)})");
                why = $"{head}; {chip.Name} allows fan-in {lim.FanIn} per core (ok) {limitText}; needs {cores} cores";
            }
            else
            {
                string GroupText(Group g, int count)
                {
                    string by = g.Binding switch
                    {
                        ChipLimit.SynapseMemory => $"synapse memory {Units.FormatBits(lim.SynapseMemoryBits)} binds",
                        ChipLimit.FanIn => $"its {lim.FanIn} input axons bind: partial sums arrive on them",
                        _ => $"{lim.Neurons} neurons per core binds",
                    };
                    return $"{(count > 1 ? $"{count} x " : "")}{g.Role}: {g.PerCore} per core ({by}), {g.Cores} cores{(count > 1 ? " each" : "")}";
                }
                var parts = new List<string>();
                if (mode == FanInSplit.Dendritic) parts.Add(GroupText(groups[0], 1));
                int leaves = mode == FanInSplit.Dendritic ? slices - 1 : slices;
                parts.Add(GroupText(groups[mode == FanInSplit.Dendritic ? 1 : 0], leaves));
                if (mode == FanInSplit.Relay) parts.Add(GroupText(groups[^1], 1));
                why = $"{head}; {chip.Name} allows fan-in {lim.FanIn} per core, so each neuron's inputs are split into {slices} slices of " +
                      $"{width} ({ModeText(mode, slices)}); {string.Join("; ", parts)}; needs {cores} cores";
            }
            if (sharedKernels)
                why += $" (kernels shared: {channels} channels of {perChannel} neurons)";
            if (tiles is { } t)
                why += TilesText(t, groups, lim.FanIn);
            if (unrolled)
                notes.Add($"{layer.Name}: {chip.Name} has no convolutional weight sharing, so synapse memory holds the " +
                          $"{stored} unrolled connections instead of {layer.Synapses} shared weights.");
            plans.Add(new Plan(layer, groups, bits, unrolled, stored, groups[0].PerNeuronBits, shared, cores, why, mode, slices, width, tiles));
        }

        long total = plans.Sum(p => p.CoresNeeded);
        if (total > chip.Cores.Count)
        {
            long running = 0, before = 0;
            var culprit = plans[^1];
            foreach (var p in plans)
            {
                before = running;
                running += p.CoresNeeded;
                if (running > chip.Cores.Count) { culprit = p; break; }
            }
            long left = Math.Max(0, chip.Cores.Count - before);
            // A split layer needs cores of every slice for each neuron: the cores left hold their share of it.
            long held = culprit.Mode == FanInSplit.None
                ? left * culprit.PerCore
                : (long)Math.Floor((double)left * culprit.L.Neurons / culprit.CoresNeeded);
            string all = string.Join("; ", plans.Select(p => $"{p.L.Name} {p.CoresNeeded}"));
            throw new MappingException(chip.Name, culprit.L.Name, culprit.Binding, total, chip.Cores.Count,
                $"{culprit.Why}, and the network needs {total} cores in all ({all}); {chip.Whole} has {chip.Cores.Count}: " +
                $"{total - chip.Cores.Count} cores short{chip.ChipsNeeded(total)}. It runs out at layer {culprit.L.Name}: " +
                $"the {left} cores left after the layers before it hold {held} of its {culprit.L.Neurons} neurons.", outOfCores: true);
        }

        var splitterPlans = PlanSplitters(chip, plans);
        CheckSplitterCores(chip, plans, splitterPlans);

        var placements = new List<LayerPlacement>();
        var splitterCores = new Dictionary<string, int[]>(StringComparer.Ordinal);
        int next = 0;
        foreach (var p in plans)
        {
            var coreList = Enumerable.Range(next, (int)p.CoresNeeded).ToArray();
            var usage = new List<CoreUse>();
            var groupCores = p.Groups.Select(g => new int[g.Fill.Count]).ToList();
            foreach (var (gi, i) in CoreOrder(p))
            {
                var g = p.Groups[gi];
                groupCores[gi][i] = next;
                usage.Add(new CoreUse(next, g.Fill[i], g.Bits[i], (double)g.Fill[i] / lim.Neurons,
                    (double)g.Bits[i] / lim.SynapseMemoryBits, (double)g.AxonsUsed(i, g.Fill[i]) / lim.FanIn));
                next++;
            }
            SplitPlacement? split = null;
            string why = p.Why;
            if (p.Mode != FanInSplit.None)
            {
                int combineIndex = p.Mode == FanInSplit.Dendritic ? 0 : p.Groups.Count - 1;
                var combine = groupCores[combineIndex];
                var rootOf = CoreOfNeuron(combine, p.Groups[combineIndex].Fill, p.L.Neurons);
                long messages = 0;
                RouteTotals partials = default;
                for (int s = p.Mode == FanInSplit.Dendritic ? 1 : 0; s < p.Slices; s++)
                {
                    var sender = CoreOfNeuron(groupCores[s], p.Groups[s].Fill, p.L.Neurons);
                    for (int j = 0; j < p.L.Neurons; j++)
                    {
                        partials.Add(chip.Cores, sender[j], rootOf[j]);
                        messages++;
                    }
                }
                split = new SplitPlacement(p.Mode, p.Slices, p.SliceFanIn, p.Mode == FanInSplit.Dendritic ? p.Slices : p.Slices + 1,
                    groupCores.Take(p.Slices).Select(c => (IReadOnlyList<int>)c).ToArray(), combine,
                    p.Groups[combineIndex].PerCore, p.Groups[combineIndex].Binding, messages, partials.Hops, partials.MaxHops, partials.Crossings,
                    partials.MaxCrossings);
                notes.Add($"{p.L.Name}: fan-in {p.L.FanIn} exceeds {chip.Name}'s {lim.FanIn} per core, so it is split into {p.Slices} slices of " +
                          $"{p.SliceFanIn} inputs ({ModeText(p.Mode, p.Slices)}); {p.L.Neurons * (long)split.CompartmentsPerNeuron} neurons/compartments " +
                          $"instead of {p.L.Neurons}, {messages} partial-sum messages per time step over {partials.Hops} hops (farthest {partials.MaxHops}), " +
                          $"{split.ExtraCompartmentsPerNeuron} extra compartment updates per neuron and a combine stage each time step.");
            }
            placements.Add(new LayerPlacement(p.L, coreList, p.PerCore, p.Binding, p.Bits, p.Unrolled, p.Stored, p.PerNeuron,
                p.Shared, usage, $"{why}, {chip.Whole} has {chip.Cores.Count}: fits", split, Tiles: p.Tiles));
            // A layer's splitter cores follow its own run, between it and its consumers.
            if (splitterPlans.TryGetValue(p.L.Name, out var sp))
            {
                splitterCores[p.L.Name] = Enumerable.Range(next, sp.Fill.Count).ToArray();
                next += sp.Fill.Count;
            }
        }

        var edges = new List<MappingEdge>();
        var byName = placements.ToDictionary(p => p.Layer.Name, StringComparer.Ordinal);
        foreach (var consumer in placements)
        {
            if (consumer.Layer.Source is not { } src || !byName.TryGetValue(src, out var producer)) continue;
            if (consumer.Tiles is { } tiles)
            {
                edges.Add(TiledEdge(chip, producer, consumer, tiles));
                continue;
            }
            RouteTotals routes = default;
            var inputs = consumer.InputCores;
            foreach (int a in producer.OutputCores)
            foreach (int b in inputs) routes.Add(chip.Cores, a, b);
            edges.Add(new MappingEdge(producer.Layer.Name, consumer.Layer.Name, producer.OutputCores.Count, inputs.Count, routes.Hops, routes.MaxHops,
                consumer.Split?.Slices ?? 1, TotalCrossings: routes.Crossings, MaxCrossings: routes.MaxCrossings));
        }
        for (int i = 0; i < placements.Count; i++)
        {
            if (!splitterPlans.TryGetValue(placements[i].Layer.Name, out var sp)) continue;
            placements[i] = placements[i] with { Splitters = PlaceSplitters(chip, placements[i], placements, sp, splitterCores[sp.Layer]) };
            notes.Add(SplitterNote(chip, placements[i], placements));
        }
        foreach (var consumer in placements)
            if (WholePlaneInputs(chip, consumer, byName) is { } note) notes.Add(note);
        foreach (var producer in placements)
        {
            int destinations = edges.Where(e => e.From == producer.Layer.Name).Sum(e => e.MostDestinationsPerCore);
            // Where a neuron reaches one axon, the splitter neurons deliver each output: no core sends to more than its neurons.
            if (destinations > lim.FanOut && !lim.NeuronReachesOneAxon)
                notes.Add($"{producer.Layer.Name}: each of its cores sends to {destinations} cores, more than the {lim.FanOut} " +
                          $"core-to-core fan-out {chip.Name} allows; relay cores or splitter neurons would be needed (not modelled).");
        }
        return new Mapping(chip, placements, edges, notes);
    }

    /// <summary>A note when an unrolled convolution's cores each need more input axons than the chip has. Its neurons are
    /// placed channel after channel, so a core holding whole planes of output positions uses every input of the layer
    /// below. The mapping checks fan-in per neuron and charges each message to every core of the layer (consistent with
    /// that placement). A convolution described with its shape is placed by tiles instead, its axons counted per core.</summary>
    private static string? WholePlaneInputs(ChipModel chip, LayerPlacement consumer, Dictionary<string, LayerPlacement> byName)
    {
        var l = consumer.Layer;
        if (!consumer.UnrolledConvolution || consumer.Tiles is not null || consumer.Split is not null || l.Source is not { } src
            || !byName.TryGetValue(src, out var producer))
            return null;
        long plane = l.Neurons / Math.Max(1, l.Synapses / l.FanIn);
        long axons = (long)producer.Layer.OutputNeurons * (chip.Limits.AxonTypes is null ? 1 : AxonTypeWeights.AxonsPerInput);
        if (consumer.NeuronsPerCore < plane || axons <= chip.Limits.FanIn) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{EnergyReport.PlacementPrefix}{l.Name}'s unrolled neurons are placed channel after channel, {consumer.NeuronsPerCore} to a core, so each core holds whole " +
            $"planes of {plane} positions and takes every one of {producer.Layer.Name}'s {producer.Layer.OutputNeurons} outputs: {axons} input axons " +
            $"per core against {chip.Name}'s {chip.Limits.FanIn}. The mapping checks fan-in per neuron ({l.FanIn}) and delivers each message to " +
            $"every core of {l.Name}. Described with its convolution's shape, the layer would be placed by tiles of positions, its axons counted per core.");
    }

    /// <summary>The core of each neuron of a group, neurons taken in order.</summary>
    private static int[] CoreOfNeuron(IReadOnlyList<int> cores, IReadOnlyList<int> fill, int neurons)
    {
        var of = new int[neurons];
        int j = 0;
        for (int i = 0; i < cores.Count; i++)
            for (int k = 0; k < fill[i] && j < neurons; k++)
                of[j++] = cores[i];
        return of;
    }
}
