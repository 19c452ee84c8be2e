using Neuromorphic.Engine;

namespace Neuromorphic.Hardware;

/// <summary>Per-sample cost of one layer. Energies in joules, time in seconds.</summary>
public sealed record LayerEnergy(
    string Layer,
    double SynapticJ,
    double NeuronJ,
    double RoutingJ,
    double LearningJ,
    double MemoryJ,
    double BusyS,
    double InputDensity,
    double SynapticMacs,
    double SynapticAcs);

/// <summary>NeuroBench metrics (Yik et al., Nat. Commun. 2025; definitions in hardware-facts.md §2), per sample.
/// <see cref="LearningSynapticUpdates"/> is this project's extension: NeuroBench does not count weight writes.</summary>
public sealed record NeuroBenchMetrics(
    long FootprintBytes,
    double ConnectionSparsity,
    double ActivationSparsity,
    double DenseSynapticOps,
    double EffectiveMacs,
    double EffectiveAcs,
    double LearningSynapticUpdates);

/// <summary>Modeled energy and time per sample of a mapped network on one chip, by category, beside the
/// NeuroBench counts. When the run updated weights the sample is a training sample; on a chip without on-chip
/// learning <see cref="LearningJ"/> is null ("not supported") and the total leaves learning out.</summary>
public sealed record EnergyReport(
    string Chip,
    long Samples,
    double SynapticJ,
    double NeuronJ,
    double RoutingJ,
    double? LearningJ,
    double MemoryJ,
    double StaticJ,
    double LatencyS,
    double ThroughputPerS,
    int CoresUsed,
    bool IsTraining,
    bool LearningSupported,
    IReadOnlyList<LayerEnergy> Layers,
    NeuroBenchMetrics NeuroBench,
    IReadOnlyList<string> Notes)
{
    public double TotalJ => SynapticJ + NeuronJ + RoutingJ + (LearningJ ?? 0) + MemoryJ + StaticJ;

    /// <summary>Starts the note that says what a dense reference design is (the fp32 baseline): tables and reports show it.</summary>
    public const string YardstickPrefix = "a yardstick, not a product: ";

    /// <summary>What the chip is, when it is a yardstick rather than a product; null otherwise.</summary>
    public string? Yardstick => Notes.FirstOrDefault(n => n.StartsWith(YardstickPrefix, StringComparison.Ordinal));

    /// <summary>Starts the note that says what a chip's splitter neurons (TrueNorth's) add to its cores, energy and latency.</summary>
    public const string SplittersPrefix = "splitter neurons: ";

    /// <summary>Starts the note of a training report that says how its training images were learnt.</summary>
    public const string TrainingPrefix = "training: ";

    /// <summary>The note of a training report that says how its images were learnt; null in an inference report.</summary>
    public string? TrainingNote => Notes.FirstOrDefault(n => n.StartsWith(TrainingPrefix, StringComparison.Ordinal));

    /// <summary>Starts the note that says a layer's placement asks more of its cores than the chip gives (more input axons).</summary>
    public const string PlacementPrefix = "placement: ";

    /// <summary>Starts the note that says what a board's chips and links add.</summary>
    public const string BoardPrefix = "board: ";

    /// <summary>Starts the note that says what a chip whose spikes are binary does with a network's graded activations.</summary>
    public const string BinarySpikesPrefix = "binary spikes: ";

    /// <summary>The notes a table of chips must print beside the figures: what a yardstick is, what binary spikes mean
    /// for the figures, what splitter neurons add, where the placement the figures assume exceeds a core.</summary>
    public IEnumerable<string> Caveats => Notes.Where(n => n.StartsWith(YardstickPrefix, StringComparison.Ordinal)
                                                          || n.StartsWith(BinarySpikesPrefix, StringComparison.Ordinal)
                                                          || n.StartsWith(SplittersPrefix, StringComparison.Ordinal)
                                                          || n.StartsWith(BoardPrefix, StringComparison.Ordinal)
                                                          || n.StartsWith(PlacementPrefix, StringComparison.Ordinal));

    /// <summary>From the engine's per-actor counters (actor name = layer name).</summary>
    public static EnergyReport FromCounters(Mapping mapping, IReadOnlyDictionary<string, ActorCounters> counters, long samples,
        CostOptions? options = null) =>
        Compute(mapping, counters.ToDictionary(kv => kv.Key, kv => LayerActivity.From(kv.Value)), samples, options);

    /// <summary>From a finished engine run's counters. The run's modeled makespan is not used: it comes from the
    /// per-block model (<see cref="ChipCostModel"/>), not the per-sample one that gives latency and throughput.</summary>
    public static EnergyReport FromRun(Mapping mapping, RunReport run, long samples, CostOptions? options = null) =>
        FromCounters(mapping, run.Actors, samples, options);

    /// <summary>Costs <paramref name="activity"/> (totals over <paramref name="samples"/> samples) on the mapped chip.
    /// One time model: each layer's per-sample busy time (<see cref="LayerEnergy.BusyS"/>) gives the latency (longest
    /// path through the layers), the throughput (1 / the slowest layer: layers pipeline) and the static energy
    /// (static power × that same period, 1 / throughput, the time the chip spends per inference when streaming). A layer's
    /// splitter neurons (<see cref="SplitterPlacement"/>) are costed with it and are a pipeline stage of their own
    /// between it and its consumers.</summary>
    public static EnergyReport Compute(Mapping mapping, IReadOnlyDictionary<string, LayerActivity> activity, long samples,
        CostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(activity);
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), "At least one sample is needed.");
        options ??= new CostOptions();
        if (options.TimestepsPerSample < 1) throw new ArgumentOutOfRangeException(nameof(options), "TimestepsPerSample must be at least 1.");
        var chip = mapping.Chip;
        var e = chip.Energy;
        double steps = (double)samples * options.TimestepsPerSample;
        var notes = new List<string>(mapping.Notes);
        var none = new LayerActivity(default);
        LayerActivity Of(string name) => activity.TryGetValue(name, out var a) ? a : none;

        double Density(LayerDescription l)
        {
            // Non-zero outputs over the outputs that send them: a pooling layer's NonZeroActivations count its
            // pooled outputs, so dividing by its (pre-pool) neurons would understate the density by the pool size.
            if (l.Source is { } src && mapping.Find(src) is { } up)
                return Math.Clamp(Of(src).Work.NonZeroActivations / (up.Layer.OutputNeurons * steps), 0, 1);
            return options.InputDensity is { } d && d.TryGetValue(l.Name, out double x) ? Math.Clamp(x, 0, 1) : 1;
        }

        bool training = mapping.Placements.Any(p => Of(p.Layer.Name).Work.WeightUpdates > 0);
        bool learns = chip.Limits.LearningSupported;
        var layers = new List<LayerEnergy>();
        var splitterStage = new Dictionary<string, double>(StringComparer.Ordinal);
        double splitterJ = 0, crossings = 0;
        long totalWeightUpdates = 0;
        foreach (var p in mapping.Placements)
        {
            var l = p.Layer;
            var a = Of(l.Name);
            var w = a.Work;
            double density = Density(l);
            var (macs, acs) = CostRules.SynapticOps(chip, w, density);
            var split = CostRules.SplitWork(p, w, steps);
            acs += split.Acs; // partial sums accumulated at the combining compartments
            double messages = CostRules.Messages(chip, a);
            // Splitter neurons: each copy is one crossbar event on its splitter core, a neuron update and a message.
            var copies = CostRules.SplitterWork(p, messages, steps);
            double copySynaptic = copies.Events * e.SynapticOp;
            double copyNeuron = copies.Events * e.NeuronActive + copies.Idle * e.NeuronIdle;
            double copyRouting = copies.Events * e.SpikeLocal + CostRules.RouteEnergy(chip, copies.Hops, copies.Crossings);
            double copyMemory = chip.Memory is { } cm ? copies.Events * cm.SramAccessJ : 0;
            splitterJ += copySynaptic + copyNeuron + copyRouting + copyMemory;
            double synaptic = macs * (e.DenseMac ?? 0) + acs * e.SynapticOp + copySynaptic;
            double neuron = (w.NeuronUpdates + split.Active) * e.NeuronActive
                            + (CostRules.IdleNeuronUpdates(l, w, steps) + split.Idle) * e.NeuronIdle + copyNeuron;
            var (sends, hops, _, linksPerMessage, _) = CostRules.Fanout(mapping, l.Name);
            double routing = messages * (sends * e.SpikeLocal + CostRules.RouteEnergy(chip, hops, linksPerMessage))
                             + split.Messages * e.SpikeLocal + CostRules.RouteEnergy(chip, split.Hops, split.Crossings) + copyRouting;
            crossings += messages * linksPerMessage + split.Crossings + copies.Crossings;
            splitterStage[l.Name] = CostRules.SplitterSeconds(mapping, p, a, steps) / samples;
            double learning = learns ? CostRules.WeightWrites(p, w) * e.WeightUpdate : 0;
            double memory = (chip.Memory is { } m ? (macs + acs) * m.SramAccessJ : 0) + copyMemory;
            double busy = CostRules.BusySeconds(mapping, p, a, steps, density);
            totalWeightUpdates += w.WeightUpdates;
            string of = $" of layer {l.Name}";
            layers.Add(new LayerEnergy(l.Name, CostRules.Finite(synaptic / samples, chip, "synaptic energy" + of),
                CostRules.Finite(neuron / samples, chip, "neuron energy" + of), CostRules.Finite(routing / samples, chip, "routing energy" + of),
                CostRules.Finite(learning / samples, chip, "learning energy" + of), CostRules.Finite(memory / samples, chip, "memory energy" + of),
                CostRules.Finite(busy / samples, chip, "busy time" + of), density, macs / samples, (acs + copies.Events) / samples));
        }

        if (chip.Execution == ExecutionStyle.Dense)
            notes.Add(YardstickPrefix + "ideal arithmetic and memory-access energies from its file, no instruction or control overhead" +
                      (chip.StaticPowerW == 0 ? ", no static power" : ""));
        if (chip.Board is { } board)
            notes.Add(BoardPrefix + $"{mapping.ChipsUsed} of its {board.Chips} chips in use, each drawing the chip's static power" +
                      (chip.Timestep.Sync == SyncModel.Barrier ? $", and each step closes with {(mapping.ChipsUsed > 1 ? $"the board's barrier ({Units.Format(board.BarrierS, "s")})" : "the chip's barrier")}" : "") +
                      $"; messages cross {crossings / samples:0} chip-to-chip links per inference at {Units.Format(board.LinkEnergyJ, "J")} each " +
                      $"({Units.Format(crossings / samples * board.LinkEnergyJ, "J")}, in the routing column).");
        if (chip.BinarySpikes && chip.Execution == ExecutionStyle.EventDriven)
            notes.Add(BinarySpikesPrefix + "its spikes carry no value, so these figures count one spike per non-zero activation " +
                      "and take the accuracy of the activations as computed; rate-coded over T time steps, as the chip would run the " +
                      "network, a neuron fires up to T times per image (the core-by-core simulation runs that).");
        if (training && !learns)
            notes.Add($"{chip.Name} has no on-chip learning: {(double)totalWeightUpdates / samples:0} weight updates per sample are not costed.");

        // Parameters that do not fit on chip are streamed from DRAM once per sample (batch 1).
        double memoryJ = layers.Sum(x => x.MemoryJ);
        long storedBits = mapping.Placements.Sum(p => p.StoredConnections * p.WeightBits);
        if (chip.Memory is { } mm && storedBits > mm.OnChipBits)
        {
            memoryJ += storedBits / 8.0 * mm.DramAccessJPerByte;
            notes.Add($"parameters ({Units.FormatBits(storedBits)}) exceed the {Units.FormatBits(mm.OnChipBits)} on-chip memory: streamed from DRAM each sample.");
        }

        // Critical path through the layer graph (pipeline latency) and the slowest stage (steady-state rate).
        // A layer starts after its source and the source's splitter stage.
        var path = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (p, le) in mapping.Placements.Zip(layers))
            path[p.Layer.Name] = le.BusyS + (p.Layer.Source is { } s && path.TryGetValue(s, out double before) ? before + splitterStage[s] : 0);
        double latency = path.Values.DefaultIfEmpty(0).Max();
        double slowest = layers.Select(x => x.BusyS).Concat(splitterStage.Values).DefaultIfEmpty(0).Max();
        if (!(slowest > 0))
            throw new ChipCostException($"{chip.Name}: no layer takes any time (every latency is 0 and no time step closes by barrier or tick), " +
                                        "so no latency or throughput can be given; give the chip a latency per operation or a time step.");
        // Static power is paid for the period between inferences, the same per-sample time the throughput reports.
        double period = slowest;
        double throughput = 1 / period;
        double staticJ = CostRules.Finite(chip.StaticPowerW * mapping.ChipsUsed * period, chip, "static energy");
        CostRules.Finite(memoryJ, chip, "memory energy");
        CostRules.Finite(latency, chip, "latency");

        var metrics = Metrics(mapping, layers, Of, samples, options.TimestepsPerSample, totalWeightUpdates);
        var report = new EnergyReport(chip.Name, samples,
            layers.Sum(x => x.SynapticJ), layers.Sum(x => x.NeuronJ), layers.Sum(x => x.RoutingJ),
            training && !learns ? null : layers.Sum(x => x.LearningJ),
            memoryJ, staticJ, latency, throughput, mapping.CoresUsed, training, learns, layers, metrics, notes);
        CostRules.Finite(report.TotalJ, chip, "total energy");
        if (mapping.Placements.Where(p => p.Splitters is not null).ToList() is not { Count: > 0 } copied) return report;
        double perSample = splitterJ / samples;
        return report with
        {
            Notes = [.. notes, SplittersPrefix + $"{copied.Sum(p => p.Splitters!.Neurons)} neurons on {copied.Sum(p => p.Splitters!.Cores.Count)} " +
                $"of the {mapping.CoresUsed} cores copy the outputs that several axons use ({string.Join(", ", copied.Select(p => p.Layer.Name))}); " +
                $"the copies' synaptic events, neuron updates and messages take {Units.Format(perSample, "J")} per inference, " +
                $"{100 * perSample / report.TotalJ:0.0} % of the total, and each splitter stage adds a time step to the latency."],
        };
    }

    private static NeuroBenchMetrics Metrics(Mapping mapping, List<LayerEnergy> layers, Func<string, LayerActivity> of,
        long samples, int timesteps, long weightUpdates)
    {
        long weights = 0, zeros = 0, footprintBits = 0;
        double activations = 0, nonZero = 0, dense = 0, effMacs = 0, effAcs = 0;
        foreach (var (p, le) in mapping.Placements.Zip(layers))
        {
            var l = p.Layer;
            var w = of(l.Name).Work;
            weights += l.Synapses;
            zeros += Math.Clamp(l.ZeroWeights, 0, l.Synapses);
            footprintBits += l.Synapses * p.WeightBits;
            activations += (double)l.OutputNeurons * samples * timesteps; // the outputs NonZeroActivations counts
            nonZero += w.NonZeroActivations;
            dense += (double)l.ConnectionsPerSample * timesteps;
            double liveWeights = 1 - (double)Math.Clamp(l.ZeroWeights, 0, l.Synapses) / l.Synapses;
            // Work reported as dense MACs counts as MACs (real-valued inputs), work reported as accumulates as ACs
            // (spiking inputs); only non-zero inputs and non-zero weights count.
            effMacs += w.DenseMacs * le.InputDensity * liveWeights / samples;
            effAcs += w.SynapticAccumulates * liveWeights / samples;
        }
        return new NeuroBenchMetrics(
            (footprintBits + 7) / 8,
            weights == 0 ? 0 : (double)zeros / weights,
            activations == 0 ? 0 : 1 - Math.Min(nonZero, activations) / activations,
            dense, effMacs, effAcs, (double)weightUpdates / samples);
    }
}
