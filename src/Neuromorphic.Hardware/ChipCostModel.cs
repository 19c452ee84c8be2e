using Neuromorphic.Engine;

namespace Neuromorphic.Hardware;

/// <summary>What one layer did, summed over a run: the engine's <see cref="WorkCounts"/> plus the bytes it sent, which
/// a dense chip turns into messages. The work is the engine's own type, so a new kind of count needs no copy here.</summary>
public sealed record LayerActivity(WorkCounts Work, long BytesOut = 0)
{
    public static LayerActivity From(ActorCounters c) => new(c.Work, c.BytesOut);
}

/// <summary>Knobs of the cost model that depend on how the network is run rather than on the chip.</summary>
public sealed record CostOptions
{
    /// <summary>Chip time steps one sample takes (a rate-coded input presented for T steps).</summary>
    public int TimestepsPerSample { get; init; } = 1;
    /// <summary>Chip time steps one engine block covers (for <see cref="ChipCostModel"/>).</summary>
    public int TimestepsPerBlock { get; init; } = 1;
    /// <summary>Fraction of non-zero inputs per layer, used when a dense layer runs on an event-driven chip and the
    /// upstream layer's activity is unknown (the first layer, or per-block latency). Missing: 1 (every input fires).</summary>
    public IReadOnlyDictionary<string, double>? InputDensity { get; init; }
}

/// <summary>The cost rules shared by the per-block latency (<see cref="ChipCostModel"/>) and the per-run
/// <see cref="EnergyReport"/>, so both say the same thing.</summary>
internal static class CostRules
{
    /// <summary>Synaptic operations the chip performs. Event-driven chips work per non-zero input: reported
    /// accumulates, plus, for the forward dense work, the MACs scaled by the input density (= non-zero inputs × fan-out);
    /// their learning engine computes a weight's update as part of its cost per update, so the update's MACs are not
    /// synaptic operations there. Dense chips perform every MAC, the update's included.</summary>
    public static (double Macs, double Acs) SynapticOps(ChipModel chip, in WorkCounts a, double inputDensity) =>
        chip.Execution == ExecutionStyle.EventDriven
            ? (0, a.SynapticAccumulates + (a.DenseMacs - a.LearningMacs) * Math.Clamp(inputDensity, 0, 1))
            : (a.DenseMacs, a.SynapticAccumulates);

    /// <summary>Messages the layer sends: spikes when it spikes, else one graded event per non-zero activation on an
    /// event-driven chip; on a dense chip the output bytes in words of <see cref="ChipModel.MessageBits"/>.</summary>
    public static double Messages(ChipModel chip, LayerActivity a) =>
        chip.Execution == ExecutionStyle.EventDriven
            ? (a.Work.Spikes > 0 ? a.Work.Spikes : a.Work.NonZeroActivations)
            : Math.Ceiling(a.BytesOut * 8.0 / chip.MessageBits);

    public static double IdleNeuronUpdates(LayerDescription l, in WorkCounts a, double steps) =>
        Math.Max(0, l.Neurons * steps - a.NeuronUpdates);

    /// <summary>The extra work of a layer whose fan-in is split over cores (zero otherwise), over <paramref name="steps"/>
    /// time steps: every sending compartment sends one partial-sum message per step to its neuron's combining core
    /// (<see cref="SplitPlacement.PartialMessagesPerStep"/>, crossing <see cref="SplitPlacement.PartialHopsPerStep"/>
    /// hops), each received partial is one accumulate there, and each extra compartment is updated every step, active
    /// when its output neuron was (the reported updates) and idle otherwise.</summary>
    public static (double Acs, double Active, double Idle, double Messages, double Hops, double Crossings) SplitWork(LayerPlacement p, in WorkCounts a, double steps)
    {
        if (p.Split is not { } s) return default;
        int extra = s.ExtraCompartmentsPerNeuron;
        double messages = s.PartialMessagesPerStep * steps;
        return (messages, (double)a.NeuronUpdates * extra, IdleNeuronUpdates(p.Layer, a, steps) * extra, messages, s.PartialHopsPerStep * steps,
            s.PartialCrossingsPerStep * steps);
    }

    /// <summary>The work of a layer's splitter neurons (zero without them), over <paramref name="steps"/> time steps: each of
    /// the layer's <paramref name="messages"/> is copied <see cref="SplitterPlacement.CopiesPerOutput"/> times, each copy a
    /// synaptic event, an active neuron update and a message over its share of <see cref="SplitterPlacement.MeanHopsOut"/>;
    /// the other splitter neurons are updated idle every step.</summary>
    public static (double Events, double Idle, double Hops, double Crossings) SplitterWork(LayerPlacement p, double messages, double steps)
    {
        if (p.Splitters is not { } s) return default;
        double events = messages * s.CopiesPerOutput;
        return (events, Math.Max(0, s.Neurons * steps - events), messages * s.MeanHopsOut, messages * s.MeanCrossingsOut);
    }

    /// <summary>Per message: one local send per destination core plus the hops to reach them all; with splitter
    /// neurons, one send to the layer's splitter core (the copies are <see cref="SplitterWork"/>); a layer with no
    /// consumer on the chip sends once, locally, to the host interface. On a board, the chip-to-chip links crossed too.</summary>
    public static (double LocalSends, double Hops, int MaxHops, double Crossings, int MaxCrossings) Fanout(Mapping mapping, string layer)
    {
        if (mapping.Find(layer)?.Splitters is { } s) return (1, s.MeanHopsIn, s.MaxHopsIn, s.MeanCrossingsIn, s.MaxCrossingsIn);
        double sends = 0, hops = 0, crossings = 0;
        int maxHops = 0, maxCrossings = 0;
        foreach (var e in mapping.EdgesFrom(layer))
        {
            sends += e.DestinationsPerMessage;
            hops += e.MeanHopsPerMessage;
            crossings += e.MeanCrossingsPerMessage;
            maxHops = Math.Max(maxHops, e.MaxHops);
            maxCrossings = Math.Max(maxCrossings, e.MaxCrossings);
        }
        return sends == 0 ? (1, 0, 0, 0, 0) : (sends, hops, maxHops, crossings, maxCrossings);
    }

    /// <summary>Seconds a message takes to cross <paramref name="hops"/> hops and, on a board, <paramref name="crossings"/>
    /// chip-to-chip links.</summary>
    public static double RouteSeconds(ChipModel chip, int hops, int crossings) =>
        hops * chip.Latency.SpikeHop + crossings * (chip.Board?.LinkLatencyS ?? 0);

    /// <summary>Joules of <paramref name="hops"/> hops and, on a board, <paramref name="crossings"/> chip-to-chip links.</summary>
    public static double RouteEnergy(ChipModel chip, double hops, double crossings) =>
        hops * chip.Energy.SpikeHop + crossings * (chip.Board?.LinkEnergyJ ?? 0);

    /// <summary>Returns <paramref name="value"/> when finite. The loader's ranges keep every cost finite for real
    /// counters; a chip built in code, or counters near their limits, fail here naming the quantity instead of
    /// reporting "Infinity J".</summary>
    public static double Finite(double value, ChipModel chip, string what) =>
        double.IsFinite(value)
            ? value
            : throw new ChipCostException($"{chip.Name}: the modeled {what} is not a finite number ({value}); check the chip's costs and the run's counters.");

    /// <summary>Synapses a layer's learning writes on the chip. The engine counts the weights the rule updates, once per
    /// batch; a chip storing a convolution unrolled holds a copy of each kernel per output position, and keeping the copies
    /// equal, as the shared-kernel rule needs, takes a write to every copy.</summary>
    public static double WeightWrites(LayerPlacement p, in WorkCounts w) => w.WeightUpdates * p.CopiesPerWeight;

    /// <summary>Modeled seconds a layer takes for <paramref name="a"/> over <paramref name="steps"/> time steps. Its
    /// cores run in parallel, so the layer takes as long as its busiest core (<see cref="BusiestCoreSeconds"/>); then
    /// the hop latency of the farthest destination is paid once per step, for a split layer the farthest partial
    /// sum's hops too (the combine stage), and the step closes by barrier or tick.</summary>
    public static double BusySeconds(Mapping mapping, LayerPlacement p, LayerActivity a, double steps, double inputDensity)
    {
        var chip = mapping.Chip;
        var t = chip.Latency;
        var w = a.Work;
        var (macs, acs) = SynapticOps(chip, w, inputDensity);
        var split = SplitWork(p, w, steps);
        double learn = chip.Limits.LearningSupported ? WeightWrites(p, w) * t.WeightUpdate : 0;
        var (sends, _, maxHops, _, maxCrossings) = Fanout(mapping, p.Layer.Name);
        double messages = Messages(chip, a);
        // Work by where it runs: synaptic work and weight updates where the synapses are; the output neurons' updates,
        // their messages (injected one destination at a time) and the partial sums they add on the output cores; the
        // extra compartments' updates and partial-sum messages on the slices that send them.
        double synapses = macs * (t.DenseMac ?? 0) + acs * t.SynapticOp + learn;
        double output = w.NeuronUpdates * t.NeuronActive + IdleNeuronUpdates(p.Layer, w, steps) * t.NeuronIdle
                        + messages * sends * t.SpikeLocal + split.Acs * t.SynapticOp;
        double partials = split.Active * t.NeuronActive + split.Idle * t.NeuronIdle + split.Messages * t.SpikeLocal;
        double hopFill = messages > 0 ? steps * RouteSeconds(chip, maxHops, maxCrossings) : 0;
        // The combine stage: each step the partial sums cross the mesh to the combining cores before the step closes.
        double combine = p.Split is { } sp ? steps * RouteSeconds(chip, sp.MaxPartialHops, sp.MaxPartialCrossings) : 0;
        double busy = BusiestCoreSeconds(p, synapses, output, partials) + hopFill + combine;
        return CloseSteps(mapping, busy, steps);
    }

    /// <summary>Work of <paramref name="busy"/> seconds over <paramref name="steps"/> time steps, with each step closed
    /// by the chip's barrier or tick.</summary>
    private static double CloseSteps(Mapping mapping, double busy, double steps) => mapping.Chip.Timestep.Sync switch
    {
        SyncModel.Barrier => busy + steps * mapping.Chip.BarrierFor(mapping.ChipsUsed),
        SyncModel.Tick => Math.Max(busy, steps * mapping.Chip.Timestep.TickS),
        _ => busy,
    };

    /// <summary>Modeled seconds of a layer's splitter stage (0 without splitters): a stage of its own, one time step
    /// after the layer. Its busiest core makes <see cref="SplitterPlacement.MaxNeuronsPerCore"/> of the copies (each a
    /// synaptic event, a neuron update and a message), the farthest copy's hops are paid once per step, and the step
    /// closes by barrier or tick.</summary>
    public static double SplitterSeconds(Mapping mapping, LayerPlacement p, LayerActivity a, double steps)
    {
        if (p.Splitters is not { } s) return 0;
        var chip = mapping.Chip;
        var t = chip.Latency;
        var (events, idle, _, _) = SplitterWork(p, Messages(chip, a), steps);
        double work = events * (t.SynapticOp + t.NeuronActive + t.SpikeLocal) + idle * t.NeuronIdle;
        double busy = work * s.MaxNeuronsPerCore / s.Neurons + (events > 0 ? steps * RouteSeconds(chip, s.MaxHopsOut, s.MaxCrossingsOut) : 0);
        return CloseSteps(mapping, busy, steps);
    }

    /// <summary>The seconds of the layer's most loaded core. The counters are per layer, so activity is taken as uniform
    /// over its neurons: a core does its share of the layer's neurons (<see cref="CoreUse.Neurons"/> as the mapper
    /// placed them) of each kind of work it holds. A whole layer's cores hold all of it; for a split layer slice s's
    /// cores hold the synapses of its inputs (slice width / fan-in of <paramref name="synapses"/>), the sending slices
    /// (1..S-1 dendritic, all S relay) share <paramref name="partials"/>, and the combining cores hold
    /// <paramref name="output"/>.</summary>
    internal static double BusiestCoreSeconds(LayerPlacement p, double synapses, double output, double partials)
    {
        var l = p.Layer;
        var share = p.Usage.ToDictionary(u => u.Core, u => (double)u.Neurons / l.Neurons);
        var seconds = new Dictionary<int, double>();
        void Add(IEnumerable<int> cores, double work)
        {
            foreach (int c in cores) seconds[c] = seconds.GetValueOrDefault(c) + work * share[c];
        }
        if (p.Split is not { } s) Add(p.Cores, synapses + output);
        else
        {
            int sending = s.Mode == FanInSplit.Dendritic ? s.Slices - 1 : s.Slices;
            for (int i = 0; i < s.Slices; i++)
            {
                long width = Math.Clamp(l.FanIn - i * s.SliceFanIn, 0, s.SliceFanIn);
                Add(s.SliceCores[i], synapses * width / l.FanIn);
                if (s.Mode == FanInSplit.Relay || i > 0) Add(s.SliceCores[i], partials / sending);
            }
            Add(s.CombineCores, output);
        }
        return seconds.Values.DefaultIfEmpty(0).Max();
    }
}

/// <summary>Modeled latency of each engine block on a mapped chip. The actor name is the layer name; actors that
/// are not mapped (the encoder, the read-out on the host) cost nothing here.</summary>
public sealed class ChipCostModel : ICostModel
{
    private readonly Mapping mapping;
    private readonly CostOptions options;

    public ChipCostModel(Mapping mapping, CostOptions? options = null)
    {
        this.mapping = mapping ?? throw new ArgumentNullException(nameof(mapping));
        this.options = options ?? new CostOptions();
        if (this.options.TimestepsPerBlock < 1) throw new ArgumentOutOfRangeException(nameof(options), "TimestepsPerBlock must be at least 1.");
    }

    public ChipModel Chip => mapping.Chip;
    public Mapping Mapping => mapping;

    public double LatencyNs(string actorName, in WorkCounts work, long bytesOut)
    {
        if (mapping.Find(actorName) is not { } p) return 0;
        double density = options.InputDensity is { } d && d.TryGetValue(actorName, out double x) ? x : 1;
        double s = CostRules.BusySeconds(mapping, p, new LayerActivity(work, Math.Max(0, bytesOut)), options.TimestepsPerBlock, density);
        double ns = s * 1e9;
        return double.IsFinite(ns) && ns > 0 ? ns : 0;
    }
}
