using System.Globalization;
using System.Text;

namespace Neuromorphic.Hardware;

/// <summary>How full one core is.</summary>
public sealed record CoreUse(int Core, int Neurons, long SynapseBits, double NeuronFraction, double MemoryFraction, double FanInFraction);

/// <summary>Where one layer went: a run of consecutive cores, how many of its neurons each core holds, and which
/// per-core limit decided that number.</summary>
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
    string Explanation);

/// <summary>Traffic between two mapped layers. <see cref="TotalHops"/> sums the Manhattan distance over every
/// (producer core, consumer core) pair; a message leaving one producer core is sent to each consumer core, so it
/// travels <see cref="MeanHopsPerMessage"/> hops in all on average.</summary>
public sealed record MappingEdge(string From, string To, int ProducerCores, int ConsumerCores, long TotalHops, int MaxHops)
{
    public double MeanHopsPerMessage => ProducerCores == 0 ? 0 : (double)TotalHops / ProducerCores;
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
        CoresUsed = placements.Sum(p => p.Cores.Count);
    }

    public ChipModel Chip { get; }
    public IReadOnlyList<LayerPlacement> Placements { get; }
    public IReadOnlyList<MappingEdge> Edges { get; }
    /// <summary>Things worth knowing that are not failures: unrolled convolutions, fan-out beyond the routing tables.</summary>
    public IReadOnlyList<string> Notes { get; }
    public int CoresUsed { get; }

    public LayerPlacement? Find(string layer) => Placements.FirstOrDefault(p => p.Layer.Name == layer);

    /// <summary>Edges leaving <paramref name="layer"/>.</summary>
    public IEnumerable<MappingEdge> EdgesFrom(string layer) => Edges.Where(e => e.From == layer);

    /// <summary>A plain-text report: per layer the explanation and utilisation, per edge the hops, then notes.</summary>
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"Mapping on {Chip.Name}: {CoresUsed} of {Chip.Cores.Count} cores used");
        foreach (var p in Placements)
        {
            sb.AppendLine(inv, $"  {p.Explanation}");
            double n = p.Usage.Average(u => u.NeuronFraction), m = p.Usage.Average(u => u.MemoryFraction);
            sb.AppendLine(inv, $"    cores {p.Cores[0]}..{p.Cores[^1]}, {p.WeightBits}-bit weights, mean utilisation: neurons {n:P0}, synapse memory {m:P0}, fan-in {p.Usage[0].FanInFraction:P0}");
        }
        foreach (var e in Edges)
            sb.AppendLine(inv, $"  {e.From} -> {e.To}: {e.ProducerCores} x {e.ConsumerCores} cores, {e.TotalHops} hops over all core pairs, {e.MeanHopsPerMessage:0.##} hops per message, farthest {e.MaxHops}");
        foreach (var note in Notes) sb.AppendLine(inv, $"  note: {note}");
        return sb.ToString();
    }
}

/// <summary>Greedy placement: layers in order, each on its own run of consecutive cores (cores are not shared
/// between layers), as many neurons per core as the tightest per-core limit allows.</summary>
public static class Mapper
{
    public static Mapping Map(ChipModel chip, IReadOnlyList<LayerDescription> layers)
    {
        ArgumentNullException.ThrowIfNull(chip);
        ArgumentNullException.ThrowIfNull(layers);
        var inv = CultureInfo.InvariantCulture;
        var lim = chip.Limits;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var plans = new List<(LayerDescription L, int PerCore, ChipLimit Binding, int Bits, bool Unrolled, long Stored, long PerNeuron, long Shared, int CoresNeeded, string Why, List<int> Fill, List<long> CoreBits)>();
        var notes = new List<string>();

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
            if (layer.FanIn > lim.FanIn)
                throw new MappingException(chip.Name, layer.Name, ChipLimit.FanIn, layer.FanIn, lim.FanIn,
                    $"{head}; {chip.Name} allows fan-in {lim.FanIn} per core: {layer.FanIn - lim.FanIn} inputs too many. " +
                    $"A layer with fan-in up to {lim.FanIn} would fit (splitting one neuron's inputs over cores is not modelled).");

            bool unrolled = layer.Convolutional && !lim.WeightSharing;
            bool sharedKernels = layer.Convolutional && lim.WeightSharing;
            long stored = unrolled ? layer.ConnectionsPerSample : layer.Synapses;
            // Shared kernels: a core keeps the kernel of each output channel it holds (FanIn weights per channel),
            // so cores are filled channel by channel. Otherwise every neuron brings its own synapses.
            long kernelBits = checked(layer.FanIn * bits);
            long channels = sharedKernels ? Math.Max(1, layer.Synapses / layer.FanIn) : 1;
            long perChannel = sharedKernels ? (layer.Neurons + channels - 1) / channels : 0;
            long perNeuron = sharedKernels ? 0 : checked((stored + layer.Neurons - 1) / layer.Neurons * bits);
            long firstNeed = sharedKernels ? kernelBits : perNeuron;
            if (firstNeed > lim.SynapseMemoryBits)
            {
                string what = sharedKernels
                    ? $"one output channel's kernel takes {Units.FormatBits(kernelBits)} ({layer.FanIn} x {bits} bit)"
                    : $"one neuron's synapses take {Units.FormatBits(perNeuron)} ({perNeuron / bits} x {bits} bit)";
                long fitFanIn = lim.SynapseMemoryBits / bits;
                throw new MappingException(chip.Name, layer.Name, ChipLimit.SynapseMemory, firstNeed, lim.SynapseMemoryBits,
                    $"{head}; {what} but {chip.Name}'s synapse memory is {Units.FormatBits(lim.SynapseMemoryBits)} per core, " +
                    $"{Units.FormatBits(firstNeed - lim.SynapseMemoryBits)} short. At {bits}-bit weights a core holds at most {fitFanIn} synapses" +
                    (unrolled ? "; the chip has no convolutional weight sharing, so the convolution is stored unrolled." : "."));
            }

            var fill = new List<int>();
            var bitsOnCore = new List<long>();
            int perCore;
            ChipLimit binding;
            long byMemory;
            if (!sharedKernels)
            {
                byMemory = perNeuron == 0 ? long.MaxValue : lim.SynapseMemoryBits / perNeuron;
                perCore = (int)Math.Min(lim.Neurons, byMemory);
                binding = byMemory < lim.Neurons ? ChipLimit.SynapseMemory : ChipLimit.Neurons;
                for (long left = layer.Neurons; left > 0 && fill.Count <= chip.Cores.Count; left -= perCore)
                {
                    int n = (int)Math.Min(perCore, left);
                    fill.Add(n);
                    bitsOnCore.Add(n * perNeuron);
                }
            }
            else if (perChannel >= lim.Neurons)
            {
                // A channel spans several cores; each of them keeps that one kernel.
                perCore = lim.Neurons;
                binding = ChipLimit.Neurons;
                byMemory = long.MaxValue;
                for (long c = 0, left = layer.Neurons; c < channels && left > 0 && fill.Count <= chip.Cores.Count; c++)
                    for (long inChannel = Math.Min(perChannel, left); inChannel > 0; inChannel -= perCore)
                    {
                        int n = (int)Math.Min(perCore, inChannel);
                        fill.Add(n);
                        bitsOnCore.Add(kernelBits);
                        left -= n;
                    }
            }
            else
            {
                long channelsByNeurons = lim.Neurons / perChannel, channelsByMemory = lim.SynapseMemoryBits / kernelBits;
                long perCoreChannels = Math.Min(channelsByNeurons, channelsByMemory);
                binding = channelsByMemory < channelsByNeurons ? ChipLimit.SynapseMemory : ChipLimit.Neurons;
                perCore = (int)(perCoreChannels * perChannel);
                byMemory = channelsByMemory * perChannel;
                for (long left = layer.Neurons; left > 0 && fill.Count <= chip.Cores.Count; left -= perCore)
                {
                    int n = (int)Math.Min(perCore, left);
                    fill.Add(n);
                    bitsOnCore.Add((n + perChannel - 1) / perChannel * kernelBits);
                }
            }
            // The fill stops once it exceeds the chip; the count is then worked out without listing every core.
            long estimate = sharedKernels && perChannel >= lim.Neurons
                ? channels * ((perChannel + perCore - 1) / perCore)
                : (layer.Neurons + (long)perCore - 1) / perCore;
            int cores = fill.Count <= chip.Cores.Count ? fill.Count : (int)Math.Min(int.MaxValue, estimate);
            long shared = sharedKernels ? bitsOnCore.Max() : 0;
            string limitText = binding == ChipLimit.SynapseMemory
                ? $"but synapse memory {Units.FormatBits(lim.SynapseMemoryBits)} per core holds {perCore} neurons of this layer"
                : $"and {lim.Neurons} neurons per core" +
                  (byMemory == long.MaxValue ? "" : $" (synapse memory {Units.FormatBits(lim.SynapseMemoryBits)} would hold {byMemory.ToString(inv)})");
            string why = $"{head}; {chip.Name} allows fan-in {lim.FanIn} per core (ok) {limitText}; needs {cores} cores";
            if (sharedKernels)
                why += $" (kernels shared: {channels} channels of {perChannel} neurons)";
            if (unrolled)
                notes.Add($"{layer.Name}: {chip.Name} has no convolutional weight sharing, so synapse memory holds the " +
                          $"{layer.ConnectionsPerSample} unrolled connections instead of {layer.Synapses} shared weights.");
            plans.Add((layer, perCore, binding, bits, unrolled, stored, perNeuron, shared, cores, why, fill, bitsOnCore));
        }

        long total = plans.Sum(p => (long)p.CoresNeeded);
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
            string all = string.Join("; ", plans.Select(p => $"{p.L.Name} {p.CoresNeeded}"));
            throw new MappingException(chip.Name, culprit.L.Name, culprit.Binding, total, chip.Cores.Count,
                $"{culprit.Why}, and the network needs {total} cores in all ({all}); the chip has {chip.Cores.Count}: " +
                $"{total - chip.Cores.Count} cores short. It runs out at layer {culprit.L.Name}: " +
                $"the {left} cores left after the layers before it hold {left * culprit.PerCore} of its {culprit.L.Neurons} neurons.", outOfCores: true);
        }

        var placements = new List<LayerPlacement>();
        int next = 0;
        foreach (var p in plans)
        {
            var coreList = Enumerable.Range(next, p.CoresNeeded).ToArray();
            var usage = new CoreUse[p.CoresNeeded];
            for (int i = 0; i < usage.Length; i++)
                usage[i] = new CoreUse(coreList[i], p.Fill[i], p.CoreBits[i], (double)p.Fill[i] / lim.Neurons,
                    (double)p.CoreBits[i] / lim.SynapseMemoryBits, (double)p.L.FanIn / lim.FanIn);
            next += p.CoresNeeded;
            placements.Add(new LayerPlacement(p.L, coreList, p.PerCore, p.Binding, p.Bits, p.Unrolled, p.Stored, p.PerNeuron,
                p.Shared, usage, $"{p.Why}, the chip has {chip.Cores.Count}: fits"));
        }

        var edges = new List<MappingEdge>();
        var byName = placements.ToDictionary(p => p.Layer.Name, StringComparer.Ordinal);
        foreach (var consumer in placements)
        {
            if (consumer.Layer.Source is not { } src || !byName.TryGetValue(src, out var producer)) continue;
            long totalHops = 0;
            int maxHops = 0;
            foreach (int a in producer.Cores)
            foreach (int b in consumer.Cores)
            {
                int h = chip.Cores.Hops(a, b);
                totalHops += h;
                if (h > maxHops) maxHops = h;
            }
            edges.Add(new MappingEdge(producer.Layer.Name, consumer.Layer.Name, producer.Cores.Count, consumer.Cores.Count, totalHops, maxHops));
        }
        foreach (var producer in placements)
        {
            int destinations = edges.Where(e => e.From == producer.Layer.Name).Sum(e => e.ConsumerCores);
            if (destinations > lim.FanOut)
                notes.Add($"{producer.Layer.Name}: each of its cores sends to {destinations} cores, more than the {lim.FanOut} " +
                          $"core-to-core fan-out {chip.Name} allows; relay cores or splitter neurons would be needed (not modelled).");
        }
        return new Mapping(chip, placements, edges, notes);
    }
}
