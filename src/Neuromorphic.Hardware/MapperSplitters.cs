using System.Globalization;

namespace Neuromorphic.Hardware;

/// <summary>The mapper's splitter neurons, on a chip whose neuron's spike reaches one axon (TrueNorth).</summary>
public static partial class Mapper
{
    /// <summary>One producer's splitter cores before placement: the splitter core (0-based) that copies each output, and
    /// the copies each core makes.</summary>
    private sealed record SplitterPlan(string Layer, int Outputs, long Neurons, int MaxCopies, int[] CoreOf, List<int> Fill);

    /// <summary>The input slice of a consumer that axon <paramref name="j"/> of producer output <paramref name="o"/> (of
    /// <paramref name="outputs"/>) arrives on. A dense consumer's inputs are the producer's outputs in order, on axons
    /// k·o .. k·o + k − 1, so this is exact for it; which inputs a convolution's neurons use is not known here, so its
    /// inputs are spread evenly over its slices, one slice each, as <see cref="MappingEdge"/> delivers them.</summary>
    private static int SliceOf(LayerDescription consumer, int slices, long sliceFanIn, int outputs, int o, int j, int k) =>
        slices <= 1 ? 0
        : !consumer.Convolutional && consumer.FanIn == (long)k * outputs ? (int)Math.Min(slices - 1, ((long)k * o + j) / sliceFanIn)
        : (int)((long)o * slices / outputs);

    /// <summary>Splitter cores of every layer with a consumer on a chip whose neuron reaches one axon (none elsewhere).
    /// Outputs are packed in order: a splitter core takes an output's copies while its neurons and axons last.</summary>
    private static Dictionary<string, SplitterPlan> PlanSplitters(ChipModel chip, List<Plan> plans)
    {
        var result = new Dictionary<string, SplitterPlan>(StringComparer.Ordinal);
        var lim = chip.Limits;
        if (!lim.NeuronReachesOneAxon) return result;
        // Such a chip has typed axons: two axons per input on every core that takes it, so each output with a consumer
        // on the chip has at least two copies. An output for the host leaves the chip once.
        const int k = AxonTypeWeights.AxonsPerInput;
        foreach (var p in plans)
        {
            var consumers = plans.Where(c => c.L.Source == p.L.Name).ToList();
            if (consumers.Count == 0) continue;
            int outputs = p.L.OutputNeurons;
            var coreOf = new int[outputs];
            var fill = new List<int>();
            int axons = 0, maxCopies = 0;
            long neurons = 0;
            for (int o = 0; o < outputs; o++)
            {
                long copies = consumers.Sum(c => CopiesFor(c, outputs, o, k));
                if (copies > lim.Neurons) throw TooManyCopies(chip, p, consumers, o, copies, k);
                if (fill.Count == 0 || fill[^1] + copies > lim.Neurons || axons == lim.FanIn)
                {
                    fill.Add(0);
                    axons = 0;
                }
                fill[^1] += (int)copies;
                axons++;
                coreOf[o] = fill.Count - 1;
                neurons += copies;
                maxCopies = Math.Max(maxCopies, (int)copies);
            }
            result[p.L.Name] = new SplitterPlan(p.L.Name, outputs, neurons, maxCopies, coreOf, fill);
        }
        return result;
    }

    /// <summary>Axons of <paramref name="consumer"/> that producer output <paramref name="o"/> reaches: k on each core of
    /// the slice each of its k axons belongs to (a plan's group s holds slice s).</summary>
    private static long CopiesFor(Plan consumer, int outputs, int o, int k)
    {
        if (consumer.Tiles is { } t)
        {
            var (_, y, x) = t.Input(o);
            return (long)k * t.Readers(y, x).Count();
        }
        long copies = 0;
        for (int j = 0; j < k; j++)
            copies += consumer.Groups[SliceOf(consumer.L, consumer.Slices, consumer.SliceFanIn, outputs, o, j, k)].Cores;
        return copies;
    }

    private static MappingException TooManyCopies(ChipModel chip, Plan p, List<Plan> consumers, int o, long copies, int k)
    {
        int limit = chip.Limits.Neurons;
        string parts = string.Join(", ", consumers.Select(c => $"{CopiesFor(c, p.L.OutputNeurons, o, k)} on {c.L.Name}'s cores"));
        return new MappingException(chip.Name, p.L.Name, ChipLimit.Neurons, copies, limit,
            $"layer {p.L.Name}: output {o} is needed on {copies} axons ({parts}: {k} per core that takes it, one per weight sign). " +
            $"On {chip.Name} a neuron's spike reaches one axon, so splitter neurons copy it, one per copy, all on one splitter core " +
            $"of {limit} neurons: {copies - limit} copies short. A tree of splitter cores is not modelled; the network fits when " +
            $"each output reaches at most {limit / k} consumer cores.");
    }

    /// <summary>Fails when the layers fit but their splitter cores do not.</summary>
    private static void CheckSplitterCores(ChipModel chip, List<Plan> plans, Dictionary<string, SplitterPlan> splitters)
    {
        int count = chip.Cores.Count;
        long layers = plans.Sum(p => p.CoresNeeded), extra = splitters.Values.Sum(s => (long)s.Fill.Count), total = layers + extra;
        if (total <= count) return;
        long running = 0;
        var (culprit, at) = (plans[^1].L.Name, "");
        foreach (var p in plans)
        {
            running += p.CoresNeeded;
            if (running > count) { (culprit, at) = (p.L.Name, $"layer {p.L.Name}"); break; }
            running += splitters.TryGetValue(p.L.Name, out var sp) ? sp.Fill.Count : 0;
            if (running > count) { (culprit, at) = (p.L.Name, $"the splitter cores of {p.L.Name}"); break; }
        }
        string all = string.Join("; ", plans.Select(p => $"{p.L.Name} {p.CoresNeeded}" + (splitters.TryGetValue(p.L.Name, out var s)
            ? $" + {s.Fill.Count} splitter cores ({s.Outputs} outputs, {s.Neurons} copies, at most {s.MaxCopies} of one output)" : "")));
        throw new MappingException(chip.Name, culprit, ChipLimit.Neurons, total, count,
            $"the splitter neurons do not fit: a neuron's spike reaches one axon on {chip.Name}, so each output that several axons use is copied by splitter neurons, " +
            $"one per copy, at most {chip.Limits.Neurons} on a splitter core. The layers take {layers} cores and their splitters {extra} more " +
            $"({all}); the network needs {total} cores in all, {chip.Whole} has {count}: {total - count} cores short{chip.ChipsNeeded(total)}. It runs out at {at}.",
            outOfCores: true);
    }

    /// <summary>The hops of a placed layer's splitters: output o leaves the output core holding neuron o x neurons /
    /// outputs (a pooled output taken at its pool's place in neuron order) for its splitter core, whose copies go to
    /// every core of the consumer slice each axon belongs to.</summary>
    private static SplitterPlacement PlaceSplitters(ChipModel chip, LayerPlacement p, List<LayerPlacement> placements, SplitterPlan sp, int[] cores)
    {
        const int k = AxonTypeWeights.AxonsPerInput;
        var consumers = placements.Where(c => c.Layer.Source == p.Layer.Name).ToList();
        var sender = SenderCores(p);
        RouteTotals into = default, onwards = default;
        for (int o = 0; o < sp.Outputs; o++)
        {
            int splitter = cores[sp.CoreOf[o]];
            into.Add(chip.Cores, sender[o], splitter);
            foreach (var c in consumers)
                for (int j = 0; j < k; j++)
                    foreach (int d in Receivers(c, sp.Outputs, o, j, k)) onwards.Add(chip.Cores, splitter, d);
        }
        double n = sp.Outputs;
        return new SplitterPlacement(sp.Outputs, sp.Neurons, sp.MaxCopies, cores, sp.Fill.Max(), into.Hops / n, into.MaxHops,
            onwards.Hops / n, onwards.MaxHops, into.Crossings / n, into.MaxCrossings, onwards.Crossings / n, onwards.MaxCrossings);
    }

    private static string SplitterNote(ChipModel chip, LayerPlacement p, List<LayerPlacement> placements)
    {
        var s = p.Splitters!;
        var inv = CultureInfo.InvariantCulture;
        string consumers = string.Join(" and ", placements.Where(c => c.Layer.Source == p.Layer.Name).Select(c => c.Layer.Name));
        return string.Create(inv, $"{p.Layer.Name}: on {chip.Name} a neuron's spike reaches one axon, so its {s.Outputs} outputs, each needed on " +
            $"{s.CopiesPerOutput:0.##} axons on average ({AxonTypeWeights.AxonsPerInput} per input, one per weight sign, on each core of " +
            $"{consumers} that takes it; most {s.MaxCopies}), are copied by {s.Neurons} splitter neurons on {s.Cores.Count} splitter cores " +
            $"({s.Cores[0]}..{s.Cores[^1]}); the copies arrive one time step later.");
    }
}
