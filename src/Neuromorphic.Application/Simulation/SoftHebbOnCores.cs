using System.Globalization;
using System.Numerics.Tensors;
using Neuromorphic.Hardware;
using Neuromorphic.Hardware.Cores;
using Neuromorphic.Engine;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Spiking;
using Neuromorphic.Tensors;

namespace Neuromorphic.Application.Simulation;

/// <summary>
/// A trained SoftHebb network, converted to integrate-and-fire layers, written as a network of a chip's own neurons and
/// placed on its cores, so the core-by-core simulation runs it as the chip would:
/// <list type="bullet">
/// <item>input: one neuron per pixel, biased by the pixel value, firing at its rate (the deterministic encoder);</item>
/// <item>each conv layer: IF neurons (reset by subtraction, threshold Λ, started at Λ/2) with the BatchNorm and the
/// Triangle's channel-mean inhibition folded into weights and bias; the Triangle's power P is taken as 1, or computed by
/// knee neurons as a sum of ReLUs (<see cref="PiecewisePower"/>, <c>AddKnees</c>), after max pooling (which it commutes
/// with) and before average pooling (which it does not);</item>
/// <item>average pooling: counting neurons with weights 1/k², started at half a spike (a network whose last average
/// pooling was folded into its read-out, <see cref="SpikingSoftHebbNetwork.FoldLastAveragePooling"/>, has none there); max pooling: OR neurons (a spike when any input spiked in
/// the step), a chip's stand-in for a maximum, which no one integrate-and-fire neuron computes, or comparator trees of
/// them whose pooled count follows the window's highest (<see cref="MaxPoolCircuit"/>, <c>AddMaxTrees</c>);</item>
/// <item>read-out: one non-firing accumulator per class (bias and weights × the last layer's Λ); the class is the
/// largest potential after the last step. Where the features take more input axons than a core has, each class is one
/// partial accumulator per slice of them, a core each, which the host adds (<see cref="ClassPotentials"/>).</item>
/// </list>
/// Potentials are scaled so that a layer's threshold is 4096: the chip's 1/64 resolution then costs nothing.
/// Each group starts on a fresh core and fills cores in order up to their neuron capacity, except a conv layer that a
/// chip file's mapper places by tiles of output positions (<see cref="ChipSimulation.TilesOn"/>): its cores then hold
/// the mapper's tiles, so each core takes only the inputs under its tile, and synapse memory bounds its neurons as in
/// `simulate --run`; its pooling then takes as many cores, each pooled neuron with its window's first position, where
/// the chip has the cores (<see cref="PoolingOnTiles"/>) and every such core can take the patch its pooled neurons read
/// within the chip's input axons. A pooling group that fills cores in order closes a core before a window would pass
/// those axons (<see cref="ChipNetworkBuilder.AddGroup"/>). A layer whose fan-in the mapper splits over cores fills cores
/// in order (this path runs whole neurons, not their compartments), except on a chip whose neuron reaches one axon
/// (TrueNorth, whose mapper relays), where each slice's partial neurons keep the slice's tiles and relay their partial
/// sums as spikes to the layer's neurons (<see cref="ChipSimulation.TilesOn"/>, <c>AddRelayed</c>).
/// On a chip whose spikes carry a value the network can instead send values (<c>graded</c>, see <see cref="Build"/>).
/// </summary>
public sealed class SoftHebbOnCores
{
    private const double Unit = 4096; // threshold of every layer after scaling
    private const double Never = 1e30; // threshold of the read-out accumulators
    private const string NetworkName = "softhebb", Source = "(trained run)"; // the built network's name, and what stands for its file
    private readonly ChipNetworkBuilder b;
    private int inputPixels;
    private NeuronGroupSpec[]? headStart;
    private int[]? groupLags;
    private int readoutGroup;
    // What a pooling takes from the layer it pools: the layer's power (null: taken as 1) and its neurons' tiles.
    private (PiecewisePower? Power, ConvTiles? Tiles, (int, Func<int, int>)? Placement) pooledLayer;

    private SoftHebbOnCores(ChipArchitecture arch, bool traceSpikes, bool graded, MaxPoolCircuit maxPool, int powerKnees)
    {
        b = new ChipNetworkBuilder(arch, "SoftHebb's network", traceSpikes);
        Graded = graded;
        MaxPool = maxPool;
        PowerKnees = powerKnees;
    }

    /// <summary>The knees of each layer's Triangle power as a sum of ReLUs (<see cref="PiecewisePower"/>); 0 when the
    /// power is taken as 1 (the network converted with <see cref="PowerApproximation.Linear"/>).</summary>
    public int PowerKnees { get; }

    /// <summary>With <see cref="PowerKnees"/> &gt; 0, the largest error of a layer's sum of ReLUs against r^P over rates in
    /// [0, 1] (<see cref="PiecewisePower.MaxError"/>); null when no layer's power is computed.</summary>
    public double? PowerError { get; private set; }

    /// <summary>How max pooling runs with binary spikes (<see cref="MaxPoolCircuit"/>); graded spikes send the largest
    /// value whichever is chosen.</summary>
    public MaxPoolCircuit MaxPool { get; }

    public int InputNeurons => inputPixels;
    public int ReadoutFirst { get; private set; }
    public int Classes { get; private set; }

    /// <summary>The slices of the features the read-out's classes are split into, one core each, so that no core takes
    /// more input axons than the chip's (<see cref="ChipArchitecture.AxonsPerCore"/>); 1 where one core takes them all.</summary>
    public int ReadoutSlices { get; private set; } = 1;

    /// <summary>Built with graded spikes (<see cref="Build"/>): each step every layer sends its value once.</summary>
    public bool Graded { get; }

    /// <summary>With graded spikes, the step at which the read-out holds an image's answer: a group passes its values
    /// on one step after it takes them, so the read-out, the last of the groups, has them at step (groups).</summary>
    public int Depth => b.Groups.Count;

    /// <summary>Builds the network; <see cref="ForImage"/> then gives the spec for one image.</summary>
    /// <param name="traceSpikes">Mark every neuron for spike tracing (log_spikes), for checks; off for long runs.</param>
    /// <param name="tiles">Per Hebbian layer, the tiles the chip's mapper placed it by (null entries, or null: fill cores in order).</param>
    /// <param name="graded">Send values, not spikes (a chip whose spikes carry a payload, Loihi 2): each neuron
    /// computes g(current) of its step's input and sends it (<see cref="GradedNeuron"/>); max pooling takes the
    /// largest input, average pooling the sum × 1/k²; the read-out's potential is its step's input.</param>
    /// <param name="axonTypes">The chip's typed axons (TrueNorth): every neuron's synapses, the conversion's folds in them, are
    /// forced to its values per axon type (<see cref="ChipNetworkBuilder.ForceAxonTypeWeights"/>), as the chip holds them.
    /// A network whose channels were forced already (<see cref="ForcedChannels"/>) and whose read-out was quantised to them
    /// keeps its weights: the chip holds what the software runs.</param>
    /// <param name="maxPool">With binary spikes, max pooling by OR neurons or by comparator trees (<see cref="MaxPoolCircuit"/>).</param>
    /// <param name="powerKnees">0 for a network converted with the power taken as 1 (<see cref="PowerApproximation.Linear"/>);
    /// for one converted with its powers (<see cref="PowerApproximation.RateThreshold"/>), the knees of each layer's power.</param>
    public static SoftHebbOnCores Build(SpikingSoftHebbNetwork net, Learning.LinearReadout readout, ChipArchitecture arch, bool traceSpikes = false,
        IReadOnlyList<ConvTiles?>? tiles = null, bool graded = false, AxonTypeWeights? axonTypes = null, MaxPoolCircuit maxPool = MaxPoolCircuit.Or,
        int powerKnees = 0)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(readout);
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentOutOfRangeException.ThrowIfNegative(powerKnees);
        if (!net.Options.FoldInhibition || (net.Options.Power == PowerApproximation.Linear) != (powerKnees == 0))
            throw new ArgumentException("A chip runs plain integrate-and-fire neurons: convert with the inhibition folded, and with the linear power " +
                "unless knee neurons compute it.", nameof(net));
        if (graded && arch.GradedPayloadBits == 0)
            throw new UserErrorException($"{arch.Name}'s spikes are binary; graded spikes need a chip file that says 'chip.spikes: graded' (Loihi 2).");
        if (graded && arch.Splitters is not null)
            throw new UserErrorException($"{arch.Name}'s neuron reaches one axon, and its splitter neurons would pass on spikes, not values: " +
                "graded spikes through splitters are not simulated (use --spikes binary).");
        return (tiles is null ? null : Convert(net, readout, arch, traceSpikes, tiles, graded, axonTypes, maxPool, powerKnees, poolOnTiles: true))
            ?? Convert(net, readout, arch, traceSpikes, tiles, graded, axonTypes, maxPool, powerKnees, poolOnTiles: false)!;
    }

    /// <summary>Memory a core-by-core run takes per synapse of the converted network: the network (16 bytes a synapse),
    /// the chip compiled from it (12), the compilation's transient order (4), the first run and the process. Measured at
    /// the peak with one image: 42 bytes on Kapoho Point with the CIFAR-10 2-layer network (93.3 M synapses, 3.9 GB), 68
    /// on Loihi with runs/demo (8.2 M synapses, whose 57,000 neurons and the process weigh more); 120 on TrueNorth with
    /// runs/demo, whose splitters and relay add neurons and a second list of synapses (9.5 M, 1.1 GB).</summary>
    public const long BytesPerSynapse = 45, BytesPerSynapseWithSplitters = 130;

    /// <summary>The least memory a run is counted at per neuron, beside the chip it shares: its neurons' state (390 bytes
    /// measured on TrueNorth with runs/demo, 560 on Kapoho Point with the CIFAR-10 2-layer network).</summary>
    public const long BytesPerNeuronRun = 1000;

    /// <summary>The most synapses the converted network puts on a chip, counted from the layers before any is built:
    /// each conv neuron's C·k² inputs, each pooled neuron's window, each class's features, and with the power's
    /// <paramref name="powerKnees"/> knees each knee's input and output and each powered neuron's own synapse. Comparator
    /// trees for max pooling take about twice the window's synapses, uncounted: 1 % of the total on runs/demo.</summary>
    public static long CountSynapses(SpikingSoftHebbNetwork net, Learning.LinearReadout readout, int powerKnees = 0)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(readout);
        long count = (long)readout.Classes * readout.Features;
        foreach (var layer in net.Layers)
        {
            long window = layer.Pool is { } pool ? pool.Kernel * pool.Kernel : 0;
            count += ConvSynapses(layer) + layer.OutputLength * window;
            if (layer.Power == 1 || powerKnees == 0) continue;
            count += layer.Pool is { Type: PoolType.Avg }
                ? layer.Neurons * powerKnees + layer.OutputLength * window * powerKnees // knees of the conv neurons into the pooling
                : layer.OutputLength * (2L * powerKnees + 1); // knees of the output, and a neuron adding them
        }
        return count;
    }

    // Each conv neuron's C·k² inputs (reflect padding lists a doubled input twice, so every neuron has them all).
    static long ConvSynapses(SpikingConvLayer layer) => (long)layer.Neurons * layer.InChannels * layer.Kernel * layer.Kernel;

    /// <summary>Refuses, before anything is built, a network whose core-by-core run would take more memory than
    /// <paramref name="availableBytes"/>: a paper-sized preset converts into hundreds of millions of synapses.</summary>
    public static void CheckMemory(SpikingSoftHebbNetwork net, Learning.LinearReadout readout, ChipArchitecture arch, long availableBytes,
        int powerKnees = 0)
    {
        ArgumentNullException.ThrowIfNull(arch);
        long synapses = CountSynapses(net, readout, powerKnees);
        long perSynapse = PerSynapse(arch);
        double needed = (double)synapses * perSynapse;
        if (needed <= availableBytes) return;
        var layers = net.Layers.Select((l, i) => $"{SoftHebbGraph.LayerName(i)} {ConvSynapses(l):N0}");
        throw new UserErrorException(string.Create(CultureInfo.InvariantCulture,
            $"simulating this network on {arch.Name} core by core would take about {needed / (1 << 30):F1} GiB: up to {synapses:N0} synapses " +
            $"({string.Join(", ", layers)}, with the pooling and the read-out) at about {perSynapse} bytes each, and this machine offers " +
            $"{(double)availableBytes / (1 << 30):F1} GiB. 'simulate --run RUN_DIR --hardware FILE' costs a network this size layer by layer."));
    }

    /// <summary>How many runs of <paramref name="runBytes"/> each fit side by side in <paramref name="freeBytes"/> left
    /// beside the compiled chip they share, with a quarter more for the collector's slack (at least 1: one run is
    /// <see cref="CheckMemory"/>'s to refuse).</summary>
    public static int RunsThatFit(long runBytes, long freeBytes) =>
        (int)Math.Clamp(Math.Max(freeBytes, 0) / Math.Max(runBytes + runBytes / 4, 1), 1, int.MaxValue);

    static long PerSynapse(ChipArchitecture arch) => arch.Splitters is null ? BytesPerSynapse : BytesPerSynapseWithSplitters;

    /// <summary>With typed axons, the largest relative RMS change that forcing the synapses to each neuron's values made to
    /// one group's; null otherwise.</summary>
    public double? ForcedWeightError { get; private set; }

    /// <summary>True when a tiled layer's pooling may sit on its convolution's tiles, one core for each of its cores (it
    /// does where the cores hold its neurons and the input axons of its patches); false when every pooling group fills
    /// cores in order (the chip, splitter cores included, had too few cores for the other).</summary>
    public bool PoolingOnTiles { get; private set; }

    // Null when the pooling was to follow the tiles and the chip ran out of cores.
    static SoftHebbOnCores? Convert(SpikingSoftHebbNetwork net, Learning.LinearReadout readout, ChipArchitecture arch, bool traceSpikes,
        IReadOnlyList<ConvTiles?>? tiles, bool graded, AxonTypeWeights? axonTypes, MaxPoolCircuit maxPool, int powerKnees,
        bool poolOnTiles)
    {
        var converted = new SoftHebbOnCores(arch, traceSpikes, graded, maxPool, powerKnees) { PoolingOnTiles = poolOnTiles };
        var b = converted.b;
        // Sized once: grown by doubling, a paper-sized network's list would hold up to twice its synapses' room.
        b.Connections.Reserve((int)Math.Min(CountSynapses(net, readout, powerKnees), Array.MaxLength));
        try
        {
            converted.Add(net, readout, tiles);
            if (axonTypes is not null) // before the splitters: they copy by sign
                converted.ForcedWeightError = b.ForceAxonTypeWeights(axonTypes);
            if (arch.Splitters is not null) b.Build(NetworkName, Source); // the splitters too must fit (kept for ForImage)
        }
        catch (UserErrorException) when (poolOnTiles && b.Full) { return null; }
        catch (UserErrorException e) when (b.Full && ((maxPool == MaxPoolCircuit.Tree && !graded) || powerKnees > 0 || net.CanFoldLastPooling))
        {
            // What took the extra neurons, and the choice that takes fewer.
            string trees = maxPool == MaxPoolCircuit.Tree && !graded ? " Max pooling by comparator trees (--max-pool tree) takes about 1.2 more " +
                "neurons per conv neuron; OR neurons (--max-pool or) take one per window." : "";
            string knees = powerKnees > 0 ? $" The Triangle's power with {powerKnees} knees (--power piecewise:{powerKnees}) takes {powerKnees} knee " +
                "neurons per value it powers, and one more where max pooling comes first; fewer knees, or the power taken as 1 (--power linear), take fewer." : "";
            // With knees, folding takes more: a powered neuron per conv neuron instead of a pooled neuron per window.
            string fold = net.CanFoldLastPooling && powerKnees == 0 ? $" The last layer's average pooling folded into the read-out's " +
                $"weights (--avg-pool fold) takes none of its {net.Layers[^1].OutputLength:N0} pooled neurons." : "";
            throw new UserErrorException(e.Message + trees + knees + fold, e);
        }
        return converted;
    }

    // The chip's model of each process of the network's description, upstream first: the input's neurons, each layer's
    // neurons, each pooling's, the read-out's accumulators, whose potentials are the output.
    void Add(SpikingSoftHebbNetwork net, Learning.LinearReadout readout, IReadOnlyList<ConvTiles?>? tiles)
    {
        int previous = -1;
        foreach (var process in net.Description.Processes)
            previous = process switch
            {
                InputProcess p => b.AddGroup(p.Name, inputPixels = net.InputLength, _ => null),
                HebbianLayerProcess p => AddLayer(p.Name, net.Layers[p.Index], tiles is not null && p.Index < tiles.Count ? tiles[p.Index] : null, previous,
                    SoftHebbGraph.IsPooled(net.Description, p.Index)),
                PoolingProcess p => AddPooling(p, net.Layers[p.LayerIndex], previous),
                ReadoutProcess p => AddReadout(p.Name, readout, net.Layers[^1].Scale, previous),
                OutputProcess => previous,
                _ => throw new NotSupportedException($"{process} has no model on a chip's cores."),
            };
    }

    // A conv layer's IF neurons; returns the group that sends the layer's output (unpooled, with its power).
    int AddLayer(string name, SpikingConvLayer layer, ConvTiles? t, int previous, bool pooled)
    {
        bool graded = Graded;
        // Potentials in units where the threshold is 4096. With the power P, Λ is that of the powered activations, and
        // the neuron fires every step at a = Λ^(1/P): its rate r = a/Λ^(1/P) then gives r^P = a^P/Λ, the powered rate.
        double scale = Unit / (layer.Power == 1 ? layer.Scale : Math.Pow(layer.Scale, 1.0 / layer.Power));
        var power = layer.Power == 1 ? null : PiecewisePower.Fit(layer.Power, PowerKnees);
        if (power is not null)
        {
            CheckPowerHop();
            PowerError = Math.Max(PowerError ?? 0, power.MaxError);
        }
        // Graded: a value of 4096 stands for a rate of one spike a step, so an input worth p adds w·scale·p/4096.
        double inputWeight = graded ? scale / Unit : scale;
        var perChannel = Enumerable.Range(0, layer.K).Select(k => graded
            ? GradedNeuron(("bias", layer.BiasCurrent(k) * scale))
            : ChipNetworkBuilder.Attributes(("threshold", Unit), ("reset_mode", "soft"), ("potential", Unit / 2), ("bias", layer.BiasCurrent(k) * scale))).ToArray();
        int plane = layer.ConvHeight * layer.ConvWidth;
        var placement = t is not null && (t.Geometry.OutChannels, t.Geometry.OutHeight, t.Geometry.OutWidth) == (layer.K, layer.ConvHeight, layer.ConvWidth)
            ? (t.CoresPerSlice, n => t.CoreOf(n / plane, n % plane / layer.ConvWidth, n % layer.ConvWidth))
            : ((int, Func<int, int>)?)null;
        int conv;
        if (placement is { } tiled && t!.Slices > 1)
        {
            // Sliced tiles reach here on a chip whose neuron reaches one axon (TilesOn), which sends no values.
            if (graded) throw new UserErrorException($"{name}'s fan-in is split over cores, and relaying partial sums as graded spikes is not simulated (use --spikes binary).");
            conv = AddRelayed(name, layer, t, tiled.Item2, n => perChannel[n / plane], previous, inputWeight);
            placement = null; // the merge neurons fill cores in order, and so does the pooling
        }
        else
        {
            conv = b.AddGroup(name, layer.K * plane, n => perChannel[n / plane], placement: placement);
            foreach (var (i, neuron, w) in layer.Synapses()) b.Connections.Add(b.First(previous) + i, b.First(conv) + neuron, w * inputWeight, 0);
        }
        pooledLayer = (power, t, placement);
        return pooled || power is null ? conv : AddPowered(name, conv, layer.Neurons, power);
    }

    // A conv layer's pooling of its neurons' output (group `conv`); returns the group that sends the pooled output.
    int AddPooling(PoolingProcess process, SpikingConvLayer layer, int conv)
    {
        var (power, t, placement) = pooledLayer;
        var pool = process.Pool;
        string name = SoftHebbGraph.LayerName(process.LayerIndex);
        bool graded = Graded, max = pool.Type == PoolType.Max;
        // The power commutes with max pooling, so it is taken on the pooled values (a quarter of them on runs/demo); average
        // pooling adds up powered values, the conv neurons' own and their knees' with the ReLUs' slopes.
        if (max && !graded && MaxPool == MaxPoolCircuit.Tree)
        {
            int trees = AddMaxTrees(name, layer, pool, conv);
            return power is null ? trees : AddPowered(name, trees, layer.OutputLength, power);
        }
        int? knees = power is not null && !max ? AddKnees(name, conv, layer.Neurons, power) : null;
        var poolAttributes = graded ? (max ? GradedNeuron(("input_max", "true")) : GradedNeuron())
            : max ? ChipNetworkBuilder.Attributes(("threshold", 32.0), ("reset_mode", "hard"))
            : RoundingCounter();
        double weight = (max ? 64 : 64.0 / (pool.Kernel * pool.Kernel)) / (graded ? 64 : 1);
        // A tiled layer's pooling sits on as many cores, each pooled neuron with the tile of its window's first
        // position: on one core, every pooled value of the layer would pass through it.
        int pooledPlane = layer.OutHeight * layer.OutWidth;
        int Corner(int o, int size) => Math.Clamp(o * pool.Stride - pool.Padding, 0, size - 1);
        var poolPlacement = placement is null || !PoolingOnTiles ? ((int, Func<int, int>)?)null
            : Compact(layer.OutputLength, n => t!.CoreOf(n / pooledPlane, Corner(n % pooledPlane / layer.OutWidth, layer.ConvHeight), Corner(n % layer.OutWidth, layer.ConvWidth)));
        // Pooled neuron n's window: the convolution's neurons it reads, in its channel.
        IEnumerable<int> Window(int n)
        {
            int k = n / pooledPlane, oy = n % pooledPlane / layer.OutWidth, ox = n % layer.OutWidth;
            for (int y = Math.Max(0, oy * pool.Stride - pool.Padding); y < Math.Min(layer.ConvHeight, oy * pool.Stride - pool.Padding + pool.Kernel); y++)
                for (int x = Math.Max(0, ox * pool.Stride - pool.Padding); x < Math.Min(layer.ConvWidth, ox * pool.Stride - pool.Padding + pool.Kernel); x++)
                    yield return b.First(conv) + (k * layer.ConvHeight + y) * layer.ConvWidth + x;
        }
        // Each window's sources: its conv neurons, and with the power their knees.
        IEnumerable<int> Sources(int n) => knees is not { } k ? Window(n) : Window(n).SelectMany(s => WithKnees(k, layer.Neurons, s - b.First(conv), s, power!));
        // Windows that start in the padding share the first tile's core, which may then hold too many; and a tile's
        // pooled neurons read a wider patch than the tile, which may take more axons than a core has.
        if (poolPlacement is { } pp && (!b.Fits(layer.OutputLength, pp) || !b.AxonsFit(layer.OutputLength, pp, Sources))) poolPlacement = null;
        int pooled = b.AddGroup(process.Name, layer.OutputLength, _ => poolAttributes, placement: poolPlacement,
            sourcesOf: Sources);
        for (int n = 0; n < layer.OutputLength; n++)
            foreach (int source in Window(n))
                if (knees is { } k) AddPowerSynapses(k, layer.Neurons, source - b.First(conv), source, b.First(pooled) + n, power!, weight);
                else b.Connections.Add(source, b.First(pooled) + n, weight, 0);
        return max && power is not null ? AddPowered(name, pooled, layer.OutputLength, power) : pooled;
    }

    /// <summary>A placement of <paramref name="count"/> neurons on the cores <paramref name="tileOf"/> names, with the cores no
    /// neuron takes left out: a pooling's windows start on a few of its convolution's tiles only (one in four at stride 2),
    /// and a core left empty between two layers still spreads the network over more of a board's chips.</summary>
    static (int Cores, Func<int, int> CoreOf) Compact(int count, Func<int, int> tileOf)
    {
        var tile = new int[count];
        for (int n = 0; n < count; n++) tile[n] = tileOf(n);
        var used = tile.Distinct().Order().ToArray();
        var index = new Dictionary<int, int>(used.Length);
        for (int i = 0; i < used.Length; i++) index[used[i]] = i;
        return (used.Length, n => index[tile[n]]);
    }

    // The Triangle's power as integrate-and-fire neurons (PiecewisePower): f(r) = Σ_j s_j·ReLU(r − κ_j), κ_0 = 0. Knee j
    // of a neuron takes its spikes (or values) with a bias of −κ_j a step and fires at rate ReLU(r − κ_j) (graded: sends
    // ReLU(v − κ_j)); a neuron downstream adds the neuron's own output times s_0 and its knees' times s_j. The knee is a
    // step later, so the neuron's own synapse waits a hop to come in with its knees'. With binary spikes the bias acts
    // from step 1 while a knee's input comes L steps later, and WithoutHeadStart can start a neuron with a negative
    // bias only so much higher, so a knee may start up to (L − 1)·κ_j spikes short; a clock neuron giving −κ_j only from
    // then measured worse and slower (docs/chip-simulation.md). A group of every knee of `count` neurons of `source`:
    // knee j (1..) of neuron i is KneeNeuron(group, count, i, j). Returns the group.
    int AddKnees(string name, int source, int count, PiecewisePower power)
    {
        int knees = power.Knees.Count - 1;
        var attributes = Enumerable.Range(1, knees).Select(j => Graded
            ? GradedNeuron(("bias", -power.Knees[j] * Unit))
            : RoundingCounter(("bias", -power.Knees[j] * 64))).ToArray();
        int first = b.First(source);
        int group = b.AddGroup($"{name}_knees", knees * count, m => attributes[m / count], sourcesOf: m => [first + m % count], shareCore: true);
        for (int m = 0; m < knees * count; m++) b.Connections.Add(first + m % count, b.First(group) + m, Graded ? 1 : 64, 0);
        return group;
    }

    int KneeNeuron(int knees, int count, int i, int j) => b.First(knees) + (j - 1) * count + i;

    // Neuron i (absolute `neuron`) of a powered group, and its knees.
    IEnumerable<int> WithKnees(int knees, int count, int i, int neuron, PiecewisePower power) =>
        Enumerable.Range(0, power.Knees.Count).Select(j => j == 0 ? neuron : KneeNeuron(knees, count, i, j));

    // Neuron i (absolute `neuron`) of a powered group into `target`: its own synapse × s_0, a hop late, and its knees' × s_j.
    void AddPowerSynapses(int knees, int count, int i, int neuron, int target, PiecewisePower power, double weight)
    {
        b.Connections.Add(neuron, target, weight * power.Slopes[0], 0, Hop.Hop);
        for (int j = 1; j < power.Knees.Count; j++) b.Connections.Add(KneeNeuron(knees, count, i, j), target, weight * power.Slopes[j], 0);
    }

    // The power on a group's output where nothing downstream adds values up (after max pooling, or without pooling):
    // knees, and one neuron per value that adds its ReLUs and fires at the powered rate (graded: sends the powered value).
    int AddPowered(string name, int source, int count, PiecewisePower power)
    {
        int knees = AddKnees(name, source, count, power);
        var attributes = Graded ? GradedNeuron() : RoundingCounter();
        int first = b.First(source);
        int powered = b.AddGroup($"{name}_power", count, _ => attributes, shareCore: true, sourcesOf: i => WithKnees(knees, count, i, first + i, power));
        for (int i = 0; i < count; i++) AddPowerSynapses(knees, count, i, first + i, b.First(powered) + i, power, Graded ? 1 : 64);
        return powered;
    }

    // The synapse that skips a knee waits the hop the knee adds (a step, two on a chip whose synapses wait for its
    // splitters' step); refused where the chip's synapses hold no such delay.
    void CheckPowerHop()
    {
        var (hop, keptWait) = Hop;
        if (hop + keptWait > b.Architecture.MaxSynapticDelay)
            throw new UserErrorException($"the Triangle's power as knee neurons makes the synapse that skips a knee wait {hop + keptWait} " +
                $"step(s), which {b.Architecture.Name}'s synapses cannot hold (at most {b.Architecture.MaxSynapticDelay}); use --power linear.");
    }

    // A step of lag through one more neuron: one step, or on a chip whose synapses wait for its splitters' step
    // (TrueNorth) two, one of them the wait every synapse a neuron keeps takes on top of its own (KeptWait).
    (int Hop, int KeptWait) Hop => b.Architecture.SplitterStepForAll ? (2, 1) : (1, 0);

    // Max pooling with binary spikes as comparator trees (MaxPoolCircuit.Tree). A comparator takes +1 per spike of one
    // half B of a window and −1 per spike of the other half A, and fires on each whole unit above zero (soft reset, no
    // floor): its count is B's largest lead over A so far, so max A + its count = max(A, B) while B's lead holds, and
    // passes it by what the lead has since shrunk (halves of close rates that swap the lead: up to a spike per level,
    // 1.3 % of the pooled spikes in the unit test). A half's maximum is a sum of spike counts (its first leaf plus the
    // comparators down its first halves), so no neuron adds it up until the window's own: one pooled neuron per window
    // fires on each of those spikes, its count the window's maximum, as the software's exact max pooling. Halves split
    // the longer side of the window before clipping (4x4, 2x4, 2x2, 1x2), so windows that overlap share the comparators
    // of their common halves: 2x4 blocks with the window below, 2x2 quadrants with the window beside (for 4x4 windows at
    // stride 2, about 1.2 comparators per conv neuron). The synapses wait to align the halves' spikes (below), so the
    // chip needs synaptic delays of up to the trees' depth. Returns the pooled group.
    int AddMaxTrees(string name, SpikingConvLayer layer, PoolSpec pool, int conv)
    {
        int height = layer.ConvHeight, width = layer.ConvWidth, outH = layer.OutHeight, outW = layer.OutWidth;
        int first = b.First(conv);
        // A term of a half's maximum: a conv neuron's spikes (Index >= 0) or comparator ~Index's.
        var comparators = new List<(int[] Plus, int[] Minus)>();
        var maxima = new Dictionary<(int K, int Top, int Bottom, int Left, int Right), int[]>(); // by the clipped rectangle
        int[]? Maximum(int k, int y0, int y1, int x0, int x1) // rows y0..y1-1 and columns x0..x1-1, before clipping
        {
            var (top, bottom, left, right) = (Math.Max(y0, 0), Math.Min(y1, height), Math.Max(x0, 0), Math.Min(x1, width));
            if (top >= bottom || left >= right) return null;
            if (maxima.TryGetValue((k, top, bottom, left, right), out var known)) return known;
            int[] terms;
            if (bottom - top == 1 && right - left == 1) terms = [first + (k * height + top) * width + left];
            else
            {
                bool rows = y1 - y0 >= x1 - x0; // the longer side first, rows on a tie: 4x4, 2x4, 2x2, 1x2
                int mid = rows ? y0 + (y1 - y0) / 2 : x0 + (x1 - x0) / 2;
                var a = rows ? Maximum(k, y0, mid, x0, x1) : Maximum(k, y0, y1, x0, mid);
                var bHalf = rows ? Maximum(k, mid, y1, x0, x1) : Maximum(k, y0, y1, mid, x1);
                if (a is null || bHalf is null) terms = (a ?? bHalf)!;
                else
                {
                    comparators.Add((bHalf, a));
                    terms = [.. a, ~(comparators.Count - 1)];
                }
            }
            return maxima[(k, top, bottom, left, right)] = terms;
        }
        var windows = new int[layer.OutputLength][];
        for (int k = 0, n = 0; k < layer.K; k++)
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++, n++)
                {
                    int y0 = oy * pool.Stride - pool.Padding, x0 = ox * pool.Stride - pool.Padding;
                    windows[n] = Maximum(k, y0, y0 + pool.Kernel, x0, x0 + pool.Kernel)
                        ?? throw new InvalidOperationException($"{name}: pooled neuron {n}'s window holds no position.");
                }
        // A comparator fires a step after its inputs arrive, and a synapse waits the steps that bring each input's spikes
        // in with those of the slowest input, so every comparator compares spike counts of the same steps: a leaf's
        // spikes are step 0's, a comparator's those of its level (one more than its inputs' highest). The pooled
        // neurons wait likewise for the layer's deepest tree, so every pooled spike leaves the layer the same steps
        // after its conv neurons' (the read-out's lag and each group's lowered start assume one lag per group).
        var level = new int[comparators.Count];
        int Level(int term) => term >= 0 ? 0 : level[~term];
        for (int c = 0; c < comparators.Count; c++) // inputs come before the comparators they feed
            level[c] = 1 + comparators[c].Plus.Concat(comparators[c].Minus).Max(Level);
        int depth = comparators.Count == 0 ? 0 : level.Max();
        // A level is a hop (Hop).
        var arch = b.Architecture;
        var (hop, keptWait) = Hop;
        int longestWait = hop * depth + keptWait; // a leaf's into a pooled neuron
        if (longestWait > arch.MaxSynapticDelay)
            throw new UserErrorException($"{name}'s max pooling as comparator trees takes {depth} levels, so its synapses would wait up to " +
                $"{longestWait} steps, which {arch.Name}'s synapses cannot hold (at most {arch.MaxSynapticDelay}); use --max-pool or.");
        var neuronOf = new int[comparators.Count];
        int Neuron(int term) => term >= 0 ? term : neuronOf[~term];
        // A comparator's input axons: one per source, or on a chip whose neuron reaches one axon one per source and sign
        // (its splitters copy a neuron once per sign of the synapses it feeds), told apart as ~neuron for the negative.
        bool bySign = arch.Splitters is not null;
        IEnumerable<int> Axons((int[] Plus, int[] Minus) c) => c.Plus.Select(Neuron).Concat(c.Minus.Select(t => bySign ? ~Neuron(t) : Neuron(t)));
        var unitNeuron = SpikeCounter();
        // One group per level, so that groups pass spikes one way and the lag worked out group by group counts each level;
        // the levels and the pooled neurons share cores where one leaves room.
        foreach (var members in Enumerable.Range(0, comparators.Count).GroupBy(c => level[c]).OrderBy(g => g.Key).Select(g => g.ToArray()))
        {
            for (int i = 0; i < members.Length; i++) neuronOf[members[i]] = b.NextNeuron + i;
            var group = b.AddGroup($"{name}_maxtree{level[members[0]]}", members.Length, _ => unitNeuron,
                sourcesOf: i => Axons(comparators[members[i]]), shareCore: true);
            for (int i = 0; i < members.Length; i++)
            {
                var (plus, minus) = comparators[members[i]];
                int arrives = level[members[i]] - 1;
                foreach (int t in plus) b.Connections.Add(Neuron(t), b.First(group) + i, 64, 0, hop * (arrives - Level(t)));
                foreach (int t in minus) b.Connections.Add(Neuron(t), b.First(group) + i, -64, 0, hop * (arrives - Level(t)));
            }
        }
        int pooled = b.AddGroup($"{name}_maxpool", layer.OutputLength, _ => unitNeuron, sourcesOf: n => windows[n].Select(Neuron), shareCore: true);
        for (int n = 0; n < windows.Length; n++)
            foreach (int t in windows[n]) b.Connections.Add(Neuron(t), b.First(pooled) + n, 64, 0, hop * (depth - Level(t)));
        return pooled;
    }

    // A conv layer whose fan-in the chip's mapper split into slices of input channels, on a chip whose neuron reaches one
    // axon (TrueNorth, fan_in_split: relay). Per slice, each neuron has two partial neurons on that slice's tile cores, one
    // integrating the slice's input and one its negation (a spike carries no sign); each fires when it holds one threshold
    // Λ (from Λ/2, soft reset, floored at −Λ/2), and its spike adds +Λ or −Λ to a merge neuron, the layer's neuron itself
    // (its bias, threshold and start), a step later, on cores filled in order within their axons. Each partial holds
    // back less than Λ/2 either way while it relays (more in a step that brings it over 1.5 Λ); the floor bounds the one
    // whose sign is not relaying. The folded weights' slices cancel each other heavily, so a partial must carry up to Λ a
    // step: on the demo's network, partials worth Λ/4 (Λ/S) gave 45-50 % at T = 32 against 75 % (docs/chip-simulation.md).
    // The tests also run it on Loihi, whose splitter-free delivery lets them work each partial out by hand.
    // Returns the merge group.
    int AddRelayed(string name, SpikingConvLayer layer, ConvTiles t, Func<int, int> tileCoreOf,
        Func<int, IReadOnlyDictionary<string, AttributeValue>> attributes, int previous, double inputWeight)
    {
        int neurons = layer.Neurons, slices = t.Slices, inputPlane = layer.InHeight * layer.InWidth;
        const double theta = Unit;
        // Fires at θ: a compartment fires strictly above its threshold, and the chip's resolution is 1/64.
        var partial = ChipNetworkBuilder.Attributes(("threshold", theta - 1.0 / 64), ("reset_mode", "soft"), ("potential", theta / 2),
            ("reverse_threshold", -theta / 2), ("reverse_reset_mode", "saturate"));
        // Partial (slice s, sign g) of neuron n is number (2s + g)·neurons + n, on copy 2s + g of the slice's tile cores.
        int partials = b.AddGroup($"{name}_partials", 2 * slices * neurons, _ => partial,
            placement: (2 * slices * t.CoresPerSlice, m => m / neurons * t.CoresPerSlice + tileCoreOf(m % neurons)));
        int Partial(int slice, int sign, int n) => b.First(partials) + (2 * slice + sign) * neurons + n;
        foreach (var (i, neuron, w) in layer.Synapses())
        {
            int slice = i / inputPlane / t.InputChannelsPerSlice;
            b.Connections.Add(b.First(previous) + i, Partial(slice, 0, neuron), w * inputWeight, 0);
            b.Connections.Add(b.First(previous) + i, Partial(slice, 1, neuron), -w * inputWeight, 0);
        }
        int merge = b.AddGroup(name, neurons, attributes,
            sourcesOf: n => Enumerable.Range(0, 2 * slices).Select(j => b.First(partials) + j * neurons + n));
        for (int n = 0; n < neurons; n++)
            for (int s = 0; s < slices; s++)
            {
                b.Connections.Add(Partial(s, 0, n), b.First(merge) + n, theta, 0);
                b.Connections.Add(Partial(s, 1, n), b.First(merge) + n, -theta, 0);
            }
        return merge;
    }

    // One non-firing accumulator per class, fed by the last layer's output (whose spikes stand for its Λ). Where a
    // class reads more features than a core has input axons, each class becomes one partial accumulator per slice of
    // the features, a slice on a core of its own; the accumulators never fire, so no partial sum crosses the mesh: the
    // host adds a class's partials when it reads the answer (ClassPotentials).
    int AddReadout(string name, Learning.LinearReadout readout, float lastScale, int previous)
    {
        bool graded = Graded;
        var bias = readout.Bias.ToArray();
        int classes = readout.Classes, features = readout.Features;
        var weights = readout.Weights.ToArray();
        var sliceOf = FeatureSlices(weights, classes, features);
        int slices = sliceOf.Length == 0 ? 1 : sliceOf[^1] + 1;
        if (slices > 1 && b.Architecture.Cores.Min(c => c.MaxNeurons) is var held && classes > held)
            throw new UserErrorException($"{b.Architecture.Name}: the read-out's {classes} classes need {slices} cores' input axons, and " +
                $"each slice's {classes} partial accumulators do not fit a core of {held} neurons.");
        // Graded: the potential is the step's input alone (no leak carried over), so it holds the image's answer.
        // Partial s of class c is neuron s·classes + c; slice 0 carries the bias.
        var partialAttributes = Enumerable.Range(0, slices * classes).Select(n =>
        {
            double b0 = n < classes ? bias[n] : 0;
            return graded
                ? ChipNetworkBuilder.Attributes(("threshold", Never), ("bias", b0), ("leak_decay", 0.0))
                : ChipNetworkBuilder.Attributes(("threshold", Never), ("bias", b0));
        }).ToArray();
        int outGroup = b.AddGroup(name, slices * classes, n => partialAttributes[n], logPotential: true,
            placement: slices == 1 ? null : (slices, n => n / classes));
        double amplitude = lastScale / (graded ? Unit : 1);
        for (int c = 0; c < classes; c++)
            for (int f = 0; f < features; f++)
                if (weights[c * features + f] != 0)
                    b.Connections.Add(b.First(previous) + f, b.First(outGroup) + sliceOf[f] * classes + c, weights[c * features + f] * amplitude, 0);
        ReadoutFirst = b.First(outGroup);
        readoutGroup = outGroup;
        Classes = classes;
        ReadoutSlices = slices;
        return outGroup;
    }

    // Each feature's slice: features in order, a slice closing before its input axons would pass the chip's. A
    // feature takes one axon; a feature no class reads takes none. On a chip whose neuron reaches one axon (TrueNorth), a
    // feature takes one per sign of its weights (its splitter neurons copy it once per sign), and slices hold half a core's
    // axons of features whatever their signs: `simulate --run` quantises each slice of a class as its own neuron
    // (ChipSimulation.ReadoutSlice), and the slices here are those neurons.
    int[] FeatureSlices(float[] weights, int classes, int features)
    {
        var sliceOf = new int[features];
        if (b.Architecture.AxonsPerCore is not { } limit) return sliceOf;
        if (b.Architecture.Splitters is not null)
        {
            int perSlice = ChipSimulation.ReadoutSlice(limit);
            for (int f = 0; f < features; f++) sliceOf[f] = f / perSlice;
            return sliceOf;
        }
        int slice = 0, axons = 0;
        for (int f = 0; f < features; f++)
        {
            int taken = 0;
            for (int c = 0; c < classes && taken == 0; c++)
                if (weights[c * features + f] != 0) taken = 1;
            if (axons > 0 && axons + taken > limit) (slice, axons) = (slice + 1, 0);
            axons += taken;
            sliceOf[f] = slice;
        }
        return sliceOf;
    }

    /// <summary>A neuron whose potential counts spikes in units of 64 (the chip's resolution is 1/64): it fires on each whole
    /// unit above zero and keeps the rest (soft reset), with no floor.</summary>
    static Dictionary<string, AttributeValue> SpikeCounter(params (string Name, object Value)[] more) =>
        ChipNetworkBuilder.Attributes([("threshold", 64 - 1.0 / 64), ("reset_mode", "soft"), .. more]);

    /// <summary>A <see cref="SpikeCounter"/> started at half a unit, so that after inputs worth s units it has fired round(s)
    /// times rather than floor(s): a pooling window's mean, a knee's or a power's rate, a few spikes' worth at small T.</summary>
    static Dictionary<string, AttributeValue> RoundingCounter(params (string Name, object Value)[] more) =>
        SpikeCounter([("potential", 32.0), .. more]);

    /// <summary>A neuron that sends a value: each step it starts from nothing (no leak carried over), adds its bias
    /// and the step's input, and when that is above half a unit sends it, rounded (g = ReLU, at a resolution of 1/4096 of
    /// one spike a step).</summary>
    static Dictionary<string, AttributeValue> GradedNeuron(params (string Name, object Value)[] more) =>
        ChipNetworkBuilder.Attributes([("graded", "true"), ("threshold", 0.5), ("leak_decay", 0.0), ("reset_mode", "hard"), .. more]);

    /// <summary>The network with the input neurons biased by <paramref name="pixels"/> (values in 0..1, one per input).</summary>
    public SpikingNetworkSpec ForImage(ReadOnlySpan<float> pixels)
    {
        if (pixels.Length != inputPixels) throw new ArgumentException($"{pixels.Length} pixels for {inputPixels} inputs.", nameof(pixels));
        var inputs = b.Groups[0];
        var neurons = new NeuronSpec[inputs.Neurons.Count];
        for (int i = 0; i < neurons.Length; i++)
        {
            // Fires when its membrane reaches 4096 (one threshold, minus the chip's resolution, as the encoder's ≥ 1);
            // graded, it sends the pixel itself every step (4096 for 1).
            double drive = Math.Clamp(pixels[i], 0f, 1f) * Unit;
            var attributes = Graded ? GradedNeuron(("bias", drive))
                : ChipNetworkBuilder.Attributes(("threshold", Unit - 1.0 / 64), ("reset_mode", "soft"), ("potential", Unit / 2), ("bias", drive));
            neurons[i] = inputs.Neurons[i] with { SomaAttributes = attributes, DendriteAttributes = attributes };
        }
        var all = b.Groups.ToArray();
        all[0] = inputs with { Neurons = neurons };
        if (!Graded)
        {
            headStart ??= WithoutHeadStart(all);
            headStart.AsSpan(1).CopyTo(all.AsSpan(1));
        }
        return b.Build(NetworkName, Source, all);
    }

    // Binary spikes: a neuron L steps from the input takes its bias from step 1 but its first input at step L + 1, while
    // in the software run both start at step 1. Starting it L biases lower (or higher, for a negative bias, no higher
    // than would make it fire on its own) puts it, when its first input arrives, where the software neuron starts; the
    // read-out's accumulators then hold bias × T + evidence at step T + L. The groups after the input, computed once.
    NeuronGroupSpec[] WithoutHeadStart(NeuronGroupSpec[] given)
    {
        var lags = GroupLags;
        var moved = new Dictionary<IReadOnlyDictionary<string, AttributeValue>, IReadOnlyDictionary<string, AttributeValue>>(ReferenceEqualityComparer.Instance);
        var result = (NeuronGroupSpec[])given.Clone();
        for (int g = 1; g < given.Length; g++)
        {
            if (lags[g] <= 0) continue;
            IReadOnlyDictionary<string, AttributeValue> Lowered(IReadOnlyDictionary<string, AttributeValue> a)
            {
                if (moved.TryGetValue(a, out var done)) return done;
                double Value(string key, double absent) => a.TryGetValue(key, out var v) ? v.AsDouble(Source, key) : absent;
                double bias = Value("bias", 0);
                if (bias == 0) return moved[a] = a;
                double start = Value("potential", 0) - lags[g] * bias;
                if (bias < 0) start = Math.Min(start, Value("threshold", 0) - bias); // one bias later it is at the threshold, not above
                var copy = a.ToDictionary(kv => kv.Key, kv => kv.Value);
                copy["potential"] = AttributeValue.Scalar(start.ToString("R", CultureInfo.InvariantCulture), 0);
                return moved[a] = copy;
            }
            var neurons = given[g].Neurons;
            if (!neurons.Any(n => Lowered(n.SomaAttributes) != n.SomaAttributes)) continue;
            result[g] = given[g] with { Neurons = neurons.Select(n => n with { SomaAttributes = Lowered(n.SomaAttributes), DendriteAttributes = Lowered(n.DendriteAttributes) }).ToArray() };
        }
        return result;
    }

    /// <summary>The steps a spike of the input group takes to reach the read-out on the chip: a message reaches its next
    /// neuron a step after it is sent, a delayed synapse its delay later, along the slowest path (through splitters and
    /// relays where the chip has them). The software spiking run passes spikes through every layer within one step, so
    /// the chip's read-out at step T + lag has taken the same T steps of evidence as the software's at step T. 0 where no
    /// path reaches the read-out (its weights all zero): it then holds its bias alone.</summary>
    public int ReadoutLag => Math.Max(GroupLags[readoutGroup], 0);

    // Per group of the network as built (splitter groups after the network's own), the steps from the input group's
    // spikes to it along the slowest path; -1 where none reaches it. The wiring is the same for every image.
    int[] GroupLags => groupLags ??= LongestPaths(b.Build(NetworkName, Source));

    static int[] LongestPaths(SpikingNetworkSpec spec)
    {
        var groups = spec.Groups;
        var groupOf = new int[spec.NeuronCount];
        for (int g = 0; g < groups.Count; g++) Array.Fill(groupOf, g, groups[g].First, groups[g].Neurons.Count);
        // The slowest hop between each pair of groups.
        var hops = new Dictionary<(int From, int To), int>();
        var pre = spec.Connections.Pre;
        var post = spec.Connections.Post;
        var delay = spec.Connections.Delay;
        for (int c = 0; c < pre.Length; c++)
        {
            var key = (groupOf[pre[c]], groupOf[post[c]]);
            // A group's lag is its first input's; a chain inside one group would have no single lag (comparator trees are
            // a group per level for this), and its self-loop would add a step per pass below.
            if (key.Item1 == key.Item2)
                throw new InvalidOperationException($"Group '{groups[key.Item1].Name}' feeds itself; lags are worked out group by group.");
            int steps = 1 + (delay.IsEmpty ? 0 : delay[c]);
            if (!hops.TryGetValue(key, out int known) || steps > known) hops[key] = steps;
        }
        // Longest path from the input over a feed-forward network: at most one pass per group.
        var lag = Enumerable.Repeat(-1, groups.Count).ToArray();
        lag[0] = 0;
        for (int pass = 0; pass < groups.Count; pass++)
        {
            bool changed = false;
            foreach (var ((from, to), steps) in hops)
                if (lag[from] >= 0 && lag[from] + steps > lag[to]) (lag[to], changed) = (lag[from] + steps, true);
            if (!changed) break;
        }
        return lag;
    }

    /// <summary>The class the read-out potentials pick after <paramref name="steps"/> steps of a run (the largest; the
    /// first on a tie).</summary>
    public int Classify(CoreRunResult run, int steps) => TensorPrimitives.IndexOfMax<double>(ClassPotentials(run, steps));

    /// <summary>Each class's potential after <paramref name="steps"/> steps of a run: the sum of its partial accumulators
    /// (<see cref="ReadoutSlices"/>), as the host reads them.</summary>
    // The read-out is the only traced group, so its potentials are the row, partial by partial.
    public double[] ClassPotentials(CoreRunResult run, int steps)
    {
        var row = run.Potentials[steps - 1];
        var sums = new double[Classes];
        for (int s = 0; s < ReadoutSlices; s++) TensorPrimitives.Add(sums, row.AsSpan(s * Classes, Classes), sums);
        return sums;
    }
}

/// <summary>How a binary-spike chip computes max pooling: <see cref="Or"/>, one neuron per window that fires whenever
/// any of its inputs fired in the step (one neuron, more spikes than the maximum's); <see cref="Tree"/>, comparator
/// trees whose pooled count follows the window's highest count, as the software's exact max pooling, at about 1.2
/// extra neurons per conv neuron and a step of lag per level.</summary>
public enum MaxPoolCircuit
{
    Or,
    Tree,
}
