using System.Globalization;
using System.Runtime.InteropServices;

namespace Neuromorphic.Hardware;

/// <summary>The mapper's placement of convolutions by tiles of output positions (<see cref="ConvTiles"/>), and where
/// each output goes: the cores of a consumer that read it, from the core that sends it.</summary>
public static partial class Mapper
{
    /// <summary>The order in which a layer's cores (group, index in the group) take the consecutive cores of its run.
    /// Group after group; but a split layer placed by tiles goes tile by tile: each tile's core of every slice, then the
    /// merge cores (relay) holding that tile's neurons, so a neuron's partial sums cross a few cores, not the whole run.</summary>
    private static IEnumerable<(int Group, int Index)> CoreOrder(Plan p)
    {
        if (p.Tiles is null || p.Slices == 1)
        {
            for (int g = 0; g < p.Groups.Count; g++)
                for (int i = 0; i < p.Groups[g].Fill.Count; i++) yield return (g, i);
            yield break;
        }
        var merge = p.Mode == FanInSplit.Relay ? p.Groups[^1] : null;
        int mergeIndex = 0;
        long mergeFirst = 0, tileEnd = 0; // neurons before merge core mergeIndex, and up to the current tile's end
        for (int t = 0; t < p.Tiles.CoresPerSlice; t++)
        {
            for (int s = 0; s < p.Slices; s++) yield return (s, t);
            tileEnd += p.Groups[0].Fill[t];
            for (; merge is not null && mergeIndex < merge.Fill.Count && mergeFirst < tileEnd; mergeIndex++)
            {
                yield return (p.Groups.Count - 1, mergeIndex);
                mergeFirst += merge.Fill[mergeIndex];
            }
        }
    }

    /// <summary>The shape of <paramref name="layer"/> when it can be placed by tiles: a convolution whose fan-in is its
    /// kernel over every input channel (times the axons per input of typed axons). Fails on a shape that does not
    /// describe the layer.</summary>
    private static ConvGeometry? TileShape(LayerDescription layer, LayerDescription? source)
    {
        if (layer.Geometry is not { } g) return null;
        if (g.Mismatch(layer.Neurons, layer.OutputNeurons) is { } bad)
            throw new ArgumentException($"Layer '{layer.Name}': its convolution shape gives {bad}.", nameof(layer));
        if (source is not null && source.OutputNeurons != g.Inputs)
            throw new ArgumentException($"Layer '{layer.Name}': its convolution reads {g.InChannels} x {g.InHeight} x {g.InWidth} = {g.Inputs} inputs, " +
                                        $"but {source.Name} sends {source.OutputNeurons}.", nameof(layer));
        if (!g.ReadsRectangles) return null;
        long perInput = (long)g.InChannels * g.Kernel * g.Kernel;
        if (layer.FanIn % perInput != 0)
            throw new ArgumentException($"Layer '{layer.Name}': fan-in {layer.FanIn} is not a multiple of its kernel's {perInput} inputs.", nameof(layer));
        return g;
    }

    /// <summary>The tiling of an unrolled convolution, with the input slices it is cut into when its fan-in is split
    /// (<paramref name="mode"/>), chosen for the fewest cores in all: the slices', a relay's merge cores, and on a chip
    /// whose neuron reaches one axon the splitter cores its inputs' copies take; then the fewest cores reading each
    /// input. Of cuts that take as many cores, the one with the fewest slices: fewer partial sums and compartments to
    /// update every step. Null when no cut into whole input channels fits a core.</summary>
    private static ConvTiles? PlanTiles(ChipModel chip, LayerDescription layer, ConvGeometry g, FanInSplit mode, int bits)
    {
        var lim = chip.Limits;
        int k = (int)(layer.FanIn / ((long)g.InChannels * g.Kernel * g.Kernel));
        (int, Func<double, long>)? splitters = lim.NeuronReachesOneAxon
            ? (lim.Neurons, readers => (long)Math.Ceiling(g.Inputs * readers * k / lim.Neurons))
            : null;
        ConvTiles? best = null;
        long bestCores = long.MaxValue;
        foreach (var (slices, channels) in ConvTiles.ChannelSlices(g, k, lim.FanIn, mode))
        {
            int partials = mode == FanInSplit.Dendritic ? slices - 1 : 0;
            long rootBits = (g.FanInOf(channels, k) + partials) * bits;
            if (rootBits > lim.SynapseMemoryBits) continue;
            int cap = (int)Math.Min(lim.Neurons, lim.SynapseMemoryBits / rootBits);
            if (ConvTiles.Choose(g, k, slices, channels, cap, lim.FanIn, partials, splitters) is not { } choice) continue;
            long merge = 0;
            if (mode == FanInSplit.Relay)
            {
                long perCore = MergeNeuronsPerCore(lim, slices, bits);
                if (perCore < 1) continue;
                merge = (layer.Neurons + perCore - 1) / perCore;
            }
            if (choice.Cores + merge < bestCores) (best, bestCores) = (choice.Tiles, choice.Cores + merge);
        }
        return best;
    }

    /// <summary>Merge neurons a core holds when a relay split cuts the fan-in into <paramref name="slices"/>: each takes
    /// one partial sum per slice on its own axons and synapses (0: one merge neuron does not fit a core).</summary>
    private static long MergeNeuronsPerCore(CoreLimits lim, int slices, int bits) =>
        Math.Min(Math.Min(lim.Neurons, lim.FanIn / slices), lim.SynapseMemoryBits / ((long)slices * bits));

    /// <summary>Slice <paramref name="slice"/> of a convolution placed by <paramref name="tiles"/>: its cores' neurons,
    /// synapse bits (<paramref name="bitsPerNeuron"/> each) and input axons (their tile's inputs, plus
    /// <paramref name="extraAxonsPerNeuron"/> per neuron: a dendritic root's partial sums).</summary>
    private static Group TileGroup(ConvTiles tiles, int slice, FanInSplit mode, long bitsPerNeuron, CoreLimits lim,
        int extraAxonsPerNeuron)
    {
        string role = mode == FanInSplit.None ? "whole" : slice == 0 && mode == FanInSplit.Dendritic ? "slice 0 (root)" : "slice";
        long byMemory = lim.SynapseMemoryBits / bitsPerNeuron;
        var g = new Group
        {
            Role = role, AxonsUsed = (i, n) => tiles.AxonsOn(i, slice) + (long)extraAxonsPerNeuron * n, PerNeuronBits = bitsPerNeuron,
            ByMemory = byMemory, Binding = byMemory < lim.Neurons ? ChipLimit.SynapseMemory : ChipLimit.Neurons,
            PerCore = tiles.ChannelsPerCore * tiles.TileHeight * tiles.TileWidth, Cores = tiles.CoresPerSlice,
        };
        for (int core = 0; core < tiles.CoresPerSlice; core++)
        {
            int n = tiles.NeuronsOn(core);
            g.Fill.Add(n);
            g.Bits.Add(n * bitsPerNeuron);
        }
        return g;
    }

    private static string TilesText(ConvTiles t, List<Group> groups, int fanIn)
    {
        var g = t.Geometry;
        long most = groups.Take(t.Slices).Max(x => Enumerable.Range(0, x.Fill.Count).Max(i => x.AxonsUsed(i, x.Fill[i])));
        string split = t.Slices > 1 ? $", {t.InputChannelsPerSlice} input channels to a slice" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"; placed by tiles: {t.ChannelsPerCore} of {g.OutChannels} channels x {t.TileHeight}x{t.TileWidth} of {g.OutHeight}x{g.OutWidth} " +
            $"positions per core ({t.ChannelsPerCore * t.TileHeight * t.TileWidth} neurons), {t.CoresPerSlice} cores{(t.Slices > 1 ? " per slice" : "")}{split}, each reading at most {most} of its {fanIn} input " +
            $"axons; an input reaches {t.MeanReaders:0.##} of them on average");
    }

    /// <summary>The cores of <paramref name="consumer"/> that axon <paramref name="j"/> (of <paramref name="k"/>) of
    /// producer output <paramref name="o"/> (of <paramref name="outputs"/>) arrives on: the cores whose tiles read it,
    /// else every core of its slice.</summary>
    private static IEnumerable<int> Receivers(LayerPlacement consumer, int outputs, int o, int j, int k)
    {
        if (consumer.Tiles is { } t)
        {
            var (channel, y, x) = t.Input(o);
            var cores = SliceCores(consumer, t.SliceOf(channel));
            return t.Readers(y, x).Select(i => cores[i]);
        }
        return consumer.Split is { } split ? split.SliceCores[SliceOf(consumer.Layer, split.Slices, split.SliceFanIn, outputs, o, j, k)] : consumer.Cores;
    }

    /// <summary>The cores of input slice <paramref name="slice"/> of a layer (all its cores when it is not split).</summary>
    private static IReadOnlyList<int> SliceCores(LayerPlacement p, int slice) => p.Split is { } s ? s.SliceCores[slice] : p.Cores;

    /// <summary>The core each output of <paramref name="p"/> leaves from: for a convolution placed by tiles, the core of
    /// the neuron at its pooling window's place; otherwise output o is taken at neuron o x neurons / outputs in
    /// placement order (a pooled output at its pool's place in neuron order).</summary>
    private static int[] SenderCores(LayerPlacement p)
    {
        var held = p.Usage.ToDictionary(u => u.Core, u => u.Neurons);
        var neuronCore = CoreOfNeuron(p.OutputCores, p.OutputCores.Select(c => held[c]).ToArray(), p.Layer.Neurons);
        int outputs = p.Layer.OutputNeurons;
        var of = new int[outputs];
        for (int o = 0; o < outputs; o++)
        {
            of[o] = neuronCore[p.Tiles is { } t ? t.SenderIndex(o) : (int)((long)o * p.Layer.Neurons / outputs)];
        }
        return of;
    }

    /// <summary>The edge into a convolution placed by tiles, output by output: each goes from its sender's core to the
    /// cores whose tiles read it (one message per destination core, as <see cref="CostRules.Fanout"/> charges). Outputs
    /// that leave one core for the same input position and slice reach the same cores, so they are counted together.</summary>
    private static MappingEdge TiledEdge(ChipModel chip, LayerPlacement producer, LayerPlacement consumer, ConvTiles tiles)
    {
        var sender = SenderCores(producer);
        var alike = new Dictionary<(int Sender, int Slice, int Y, int X), long>();
        for (int o = 0; o < sender.Length; o++)
        {
            var (channel, y, x) = tiles.Input(o);
            CollectionsMarshal.GetValueRefOrAddDefault(alike, (sender[o], tiles.SliceOf(channel), y, x), out _)++;
        }
        var reached = new Dictionary<int, HashSet<int>>();
        RouteTotals routes = default;
        long deliveries = 0;
        foreach (var ((from, slice, y, x), outputs) in alike)
        {
            var cores = SliceCores(consumer, slice);
            if (!reached.TryGetValue(from, out var set)) reached[from] = set = [];
            foreach (int i in tiles.Readers(y, x))
            {
                routes.Add(chip.Cores, from, cores[i], outputs);
                deliveries += outputs;
                set.Add(cores[i]);
            }
        }
        return new MappingEdge(producer.Layer.Name, consumer.Layer.Name, producer.OutputCores.Count, consumer.InputCores.Count, routes.Hops, routes.MaxHops,
            tiles.Slices, sender.Length, deliveries, reached.Values.Select(r => r.Count).DefaultIfEmpty(0).Max(), routes.Crossings, routes.MaxCrossings);
    }
}
