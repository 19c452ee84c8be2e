using Neuromorphic.Engine;

namespace Neuromorphic.Hardware.Cores;

/// <summary>A network placed on a chip, compiled into per-core tables: each core's neurons in mapping order, their
/// somas, their output axons (one per destination core, as chips address a core rather than a synapse), and each
/// core's input axons with the synapses they reach. Built once; <see cref="CoreActor"/> runs on it.</summary>
internal sealed class MappedChip
{
    public required ChipArchitecture Architecture { get; init; }
    public required SpikingNetworkSpec Network { get; set; }
    /// <summary>Cores that hold at least one neuron, in global core order.</summary>
    public required MappedCore[] Cores { get; init; }
    public required int TilesInUse { get; init; }
    /// <summary>Chips of a board that hold a core in use (1 off a board).</summary>
    public required int ChipsInUse { get; init; }
    /// <summary>The barrier closing each step: on a board, the board's once the network spans chips.</summary>
    public double Barrier => Architecture.BoardBarrierS is { } board && ChipsInUse > 1 ? board : Architecture.Sync.DelayFor(TilesInUse);
    /// <summary>Static power of the chips in use.</summary>
    public double StaticPowerW => Architecture.StaticPowerW * ChipsInUse;
    /// <summary>The chip as a process graph (<see cref="CoreSimulation.Describe"/>), kept for the next run.</summary>
    public ProcessGraph? Description { get; set; }
    /// <summary>The mesh's timing and its buffer of a step's messages, kept for the next run (a chip runs one at a time):
    /// a paper-sized network sends a million messages a step, and a buffer grown afresh for each test image spent a tenth
    /// of the run zeroing new pages.</summary>
    public MeshTiming Timing => timing ??= new MeshTiming(this);
    private MeshTiming? timing;

    /// <summary>Puts <paramref name="net"/>'s neurons in their initial state: the same network as the one built (the same
    /// connections, placement and units), with other soma attributes, such as one test image's input biases. The
    /// tables are kept, so a run per image does not compile the network again.</summary>
    public void Load(SpikingNetworkSpec net, int seed)
    {
        if (!ReferenceEquals(net.Connections, Network.Connections) || net.Groups.Count != Network.Groups.Count
            || !(ReferenceEquals(net.MappingOrder, Network.MappingOrder) || net.MappingOrder.SequenceEqual(Network.MappingOrder)))
            throw new ArgumentException("Only the network the chip was built for, with other soma attributes, can be loaded; build the chip again for another network.", nameof(net));
        for (int g = 0; g < net.Groups.Count; g++)
        {
            var (wasGroup, nowGroup) = (Network.Groups[g], net.Groups[g]);
            if (nowGroup.First != wasGroup.First || nowGroup.Neurons.Count != wasGroup.Neurons.Count)
                throw new ArgumentException($"Group '{nowGroup.Name}' holds other neurons than the chip as built; build the chip again.", nameof(net));
            if (ReferenceEquals(nowGroup.Neurons, wasGroup.Neurons)) continue;
            for (int k = 0; k < nowGroup.Neurons.Count; k++)
            {
                NeuronSpec was = wasGroup.Neurons[k], now = nowGroup.Neurons[k];
                if (now.Placement != was.Placement || now.SomaUnit != was.SomaUnit || now.DendriteUnit != was.DendriteUnit || now.SynapseUnit != was.SynapseUnit)
                    throw new ArgumentException($"{net.NeuronName(nowGroup.First + k)} is placed or served differently from the chip as built; build the chip again.", nameof(net));
            }
        }
        foreach (var core in Cores) core.LoadSomas(Architecture, net, seed);
        Network = net;
    }

    /// <summary>A chip for a run beside this one's: the axon and synapse tables, most of its memory (gigabytes for a
    /// paper-sized network) and only read while a run goes, are this chip's; the neurons' state is its own.</summary>
    public MappedChip WithOwnNeurons(int seed) => new()
    {
        Architecture = Architecture, Network = Network, TilesInUse = TilesInUse, ChipsInUse = ChipsInUse,
        Cores = Cores.Select(core => new MappedCore(core, Architecture, Network, seed)).ToArray(),
    };

    public static MappedChip Build(ChipArchitecture arch, SpikingNetworkSpec net, int seed)
    {
        string file = net.SourceFile;
        int n = net.NeuronCount;
        if (n == 0) throw new HardwareModelException(file, 0, "network", "the network has no neurons: there is nothing to simulate");
        var coreOf = new int[n];
        var localOf = new int[n];
        var members = new List<int>[arch.Cores.Count];
        foreach (int neuron in net.MappingOrder)
        {
            var spec = net.Neuron(neuron);
            var place = spec.Placement ?? throw new HardwareModelException(file, spec.Line, net.NeuronName(neuron), "the neuron is not mapped to a core");
            int core = arch.Tiles[place.Tile].Cores[place.CoreOffset].Id;
            var list = members[core] ??= [];
            coreOf[neuron] = core;
            localOf[neuron] = list.Count;
            list.Add(neuron);
        }

        // Each pre-synaptic neuron's connections, in the order the file created them.
        var conns = net.Connections;
        var (byPre, order) = conns.ByPre(n);

        var coreIndex = Enumerable.Repeat(-1, arch.Cores.Count).ToArray();
        var used = new List<MappedCore>();
        long taps = 0;
        for (int c = 0; c < arch.Cores.Count; c++)
        {
            if (members[c] is not { Count: > 0 } list) continue;
            coreIndex[c] = used.Count;
            used.Add(new MappedCore(arch, arch.Cores[c], list.ToArray(), net, seed));
            if ((taps += used[^1].TapsInUse) > MaxTaps)
                throw new HardwareModelException(net.SourceFile, 0, "taps",
                    $"the network's taps dendrites hold more than {MaxTaps} taps in all (MappedChip.MaxTaps)");
        }
        var mapped = used.ToArray();

        // Axons: walking cores and their neurons in order, each neuron gets one axon at every core its synapses
        // reach (destination cores in global order), then its synapses join those axons in creation order.
        var outBuilders = mapped.Select(_ => new List<(int Neuron, int DestCore, int DestAxon)>()).ToArray();
        // Each core's synapse tables sized up front: grown by doubling they were a fifth of building the DVS example.
        var synapsesAt = new int[mapped.Length];
        foreach (int post in conns.Post) synapsesAt[coreIndex[coreOf[post]]]++;
        var inBuilders = synapsesAt.Select(count => new AxonInBuilder(count)).ToArray();
        var seenBy = Enumerable.Repeat(-1, arch.Cores.Count).ToArray(); // the last neuron that listed each core
        var dests = new List<int>();
        foreach (var core in mapped)
        {
            foreach (int neuron in core.Neurons)
            {
                dests.Clear();
                for (int k = byPre[neuron]; k < byPre[neuron + 1]; k++)
                {
                    int dest = coreOf[conns.Post[order[k]]];
                    if (seenBy[dest] != neuron)
                    {
                        seenBy[dest] = neuron;
                        dests.Add(dest);
                    }
                }
                dests.Sort();
                foreach (int dest in dests)
                {
                    int di = coreIndex[dest];
                    int axon = inBuilders[di].NewAxon();
                    outBuilders[coreIndex[core.Spec.Id]].Add((localOf[neuron], di, axon));
                }
                for (int k = byPre[neuron]; k < byPre[neuron + 1]; k++)
                {
                    int c = order[k];
                    int post = conns.Post[c];
                    int di = coreIndex[coreOf[post]];
                    int delay = conns.Delay.IsEmpty ? 0 : conns.Delay[c];
                    if (delay != 0) CheckDelay(arch, net, conns.LineOf(c), neuron, post, delay, mapped[di].DendriteUnit[localOf[post]]);
                    int tap = conns.Tap.IsEmpty ? 0 : conns.Tap[c];
                    if (tap != 0) mapped[di].CheckTap(net, conns.LineOf(c), neuron, localOf[post], tap);
                    inBuilders[di].AddSynapse(localOf[post], conns.Weight[c], delay, tap);
                }
            }
        }
        for (int i = 0; i < mapped.Length; i++)
        {
            mapped[i].CheckSynapseUnits(arch.SourceFile); // before SetAxons prices each axon with them
            mapped[i].SetAxons(outBuilders[i], inBuilders[i]);
            outBuilders[i] = null!; // a paper-sized network's tables are gigabytes: each builder goes once its core has them
        }
        foreach (var core in mapped) core.LinkDestinations(mapped);
        int tilesInUse = mapped.Select(c => c.Spec.TileId).Distinct().Count();
        int chipsInUse = mapped.Select(c => c.Tile.Link is { } l ? (l.ChipX, l.ChipY) : (0, 0)).Distinct().Count();
        return new MappedChip { Architecture = arch, Network = net, Cores = mapped, TilesInUse = tilesInUse, ChipsInUse = chipsInUse };
    }

    /// <summary>Most taps of taps dendrites in one chip (4 Mi): each is four numbers of state.</summary>
    public const int MaxTaps = 1 << 22;

    private static void CheckDelay(ChipArchitecture arch, SpikingNetworkSpec net, int line, int pre, int post, int delay, ProcessingUnitSpec dendrite)
    {
        if (delay >= 0 && delay <= dendrite.MaxDelay) return;
        string connection = $"the connection {net.NeuronName(pre)} -> {net.NeuronName(post)} waits {delay} steps";
        throw new HardwareModelException(net.SourceFile, line, "delay", delay < 0 ? connection + "; a delay is 0 or more steps"
            : dendrite.MaxDelay > 0 ? $"{connection}; its dendrite unit '{dendrite.Name}' holds at most {dendrite.MaxDelay}"
            : $"{connection}, but its dendrite unit '{dendrite.Name}' ({dendrite.Model}) has no delays; " +
              (arch.GenericUnits ? $"{arch.Name}'s chip file gives no core_limits.max_delay" : "an accumulator_with_delay dendrite has them"));
    }

    /// <summary>One core's input axons as they are made: its synapse tables, sized to the synapses it receives, become
    /// the core's own (<see cref="MappedCore.SetAxons"/>) without a copy.</summary>
    internal sealed class AxonInBuilder(int synapses)
    {
        public readonly List<int> Start = [];
        public readonly int[] Post = new int[synapses];
        public readonly double[] Weight = new double[synapses];
        /// <summary>Each synapse's delay in steps, or null while every one is 0.</summary>
        public int[]? Delay;
        /// <summary>Each synapse's dendrite tap, or null while every one is 0.</summary>
        public int[]? Tap;
        public int Count { get; private set; }

        public int NewAxon()
        {
            Start.Add(Count);
            return Start.Count - 1;
        }

        public void AddSynapse(int post, double weight, int delay = 0, int tap = 0)
        {
            if (delay != 0) Delay ??= new int[Post.Length];
            if (tap != 0) Tap ??= new int[Post.Length];
            Post[Count] = post;
            Weight[Count] = weight;
            Delay?[Count] = delay;
            Tap?[Count] = tap;
            Count++;
        }
    }
}

/// <summary>One core's compiled tables and its costs, taken from its pipeline units.</summary>
internal sealed class MappedCore
{
    public MappedCore(ChipArchitecture arch, CoreSpec spec, int[] neurons, SpikingNetworkSpec net, int seed)
    {
        Spec = spec;
        Tile = arch.Tiles[spec.TileId];
        Neurons = neurons;
        if (spec.Buffer != BufferPosition.BeforeSoma)
            throw new HardwareModelException(arch.SourceFile, spec.Line, "buffer_position",
                $"core '{spec.Name}' puts its time-step buffer {BufferText(spec.Buffer)}; only 'buffer_position: soma' with 'buffer_inside_unit: false' " +
                "is simulated yet, as Loihi and TrueNorth use (there SANA-FE's accumulator passes every step's charge to the soma; with the " +
                "buffer at or inside the dendrite it keeps one synapse's charge or none)");
        AxonIn = spec.AxonIn.Count > 0 ? spec.AxonIn[0] : new AxonUnitSpec("(none)", 0, 0, spec.Line);
        AxonOut = spec.AxonOut.Count > 0 ? spec.AxonOut[0] : new AxonUnitSpec("(none)", 0, 0, spec.Line);

        LoadSomas(arch, net, seed);
    }

    /// <summary>A core on <paramref name="tables"/>' axon and synapse tables, with neurons of its own.</summary>
    internal MappedCore(MappedCore tables, ChipArchitecture arch, SpikingNetworkSpec net, int seed)
    {
        (Spec, Tile, Neurons, AxonIn, AxonOut) = (tables.Spec, tables.Tile, tables.Neurons, tables.AxonIn, tables.AxonOut);
        (OutStart, OutDestCore, OutDestPort, OutDestAxon) = (tables.OutStart, tables.OutDestCore, tables.OutDestPort, tables.OutDestAxon);
        (OutProcessingDelay, OutSynapses, DestCores) = (tables.OutProcessingDelay, tables.OutSynapses, tables.DestCores);
        (InStart, SynPost, SynWeight, SynDelay, MaxDelay, SynTap) = (tables.InStart, tables.SynPost, tables.SynWeight, tables.SynDelay, tables.MaxDelay, tables.SynTap);
        (AxonSynapseEnergy, AxonDendriteEnergy, AxonProcessingDelay) = (tables.AxonSynapseEnergy, tables.AxonDendriteEnergy, tables.AxonProcessingDelay);
        SynapseEventEnergy = tables.SynapseEventEnergy;
        LoadSomas(arch, net, seed);
    }

    // Where the buffer sits, in words and in the file's own terms.
    private static string BufferText(BufferPosition buffer)
    {
        var (position, inside) = SanafeFileWriter.BufferAttributes(buffer);
        string where = buffer switch
        {
            BufferPosition.BeforeDendrite => "before the dendrite",
            BufferPosition.InsideDendrite => "inside the dendrite",
            BufferPosition.InsideSoma => "inside the soma",
            _ => "before the axon out",
        };
        return $"{where} (buffer_position: {position}{(inside ? ", buffer_inside_unit: true" : "")})";
    }

    /// <summary>Every neuron's soma state and costs, from the network's attributes (at build, and for each run of
    /// <see cref="MappedChip.Load"/>). A LIF or TrueNorth neuron whose attributes are the very ones it was last loaded from (one
    /// image to the next, all but the input neurons) is reset to the state they gave, without reading them again.</summary>
    internal void LoadSomas(ChipArchitecture arch, SpikingNetworkSpec net, int seed)
    {
        var neurons = Neurons;
        int count = neurons.Length;
        bool reload = loadedFrom.Length == count;
        if (!reload)
        {
            Kind = new SomaKind[count];
            Lif = new LifCompartment[count];
            InputOf = new InputUnit?[count];
            SomaEnergy = new SomaCosts[count];
            SomaLatency = new SomaCosts[count];
            SynapseUnit = new ProcessingUnitSpec[count];
            DendriteUnit = new ProcessingUnitSpec[count];
            SomaUnit = new ProcessingUnitSpec[count];
            LogSpikes = new bool[count];
            LogPotential = new bool[count];
            LogCurrent = new bool[count];
            loadedFrom = new IReadOnlyDictionary<string, AttributeValue>?[count];
            initialLif = new LifCompartment[count];
        }
        var inputUnits = new Dictionary<string, InputUnit>(StringComparer.Ordinal);
        bool anyGraded = false, anyInputMax = false;
        for (int i = 0; i < count; i++)
        {
            var neuron = net.Neuron(neurons[i]);
            LogSpikes[i] = neuron.LogSpikes;
            LogPotential[i] = neuron.LogPotential;
            if (reload && Kind[i] != SomaKind.Input && ReferenceEquals(neuron.SomaAttributes, loadedFrom[i]))
                Lif[i] = initialLif[i];
            else
                LoadSoma(arch, net, seed, i, neuron, inputUnits);
            LogCurrent[i] = Kind[i] == SomaKind.LeakyIntegrateFire && Lif[i].LogCurrent;
            anyGraded |= Lif[i].Graded || InputOf[i] is { Graded: true };
            anyInputMax |= Lif[i].InputMax;
        }
        (AnyGraded, AnyInputMax) = (anyGraded, anyInputMax);
        LoadDendrites(net);
        LoadNoise();
    }

    /// <summary>Each noisy soma unit's place in its sequence, back at the start: a core's unit reads it from the first
    /// number, as SANA-FE's unit opens its file.</summary>
    private void LoadNoise()
    {
        NoiseCursor?[]? noiseOf = null;
        var cursors = new Dictionary<ProcessingUnitSpec, NoiseCursor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < Neurons.Length; i++)
        {
            if (Kind[i] != SomaKind.LeakyIntegrateFire || SomaUnit[i].Noise is not { } noise) continue;
            if (!cursors.TryGetValue(SomaUnit[i], out var cursor)) cursors[SomaUnit[i]] = cursor = new NoiseCursor(noise);
            (noiseOf ??= new NoiseCursor?[Neurons.Length])[i] = cursor;
        }
        NoiseOf = noiseOf;
    }

    /// <summary>Each LIF neuron's noise, where its soma unit adds Loihi's recorded noise; null when none here does.</summary>
    public NoiseCursor?[]? NoiseOf { get; private set; }

    /// <summary>Fresh voltages for the taps dendrites, from their neurons' attributes in mapping order (a unit
    /// shared by several neurons takes each one's in turn, as SANA-FE's does).</summary>
    private void LoadDendrites(SpikingNetworkSpec net)
    {
        var units = new Dictionary<ProcessingUnitSpec, TapsDendrite>(ReferenceEqualityComparer.Instance);
        TapsDendrite?[]? tapsOf = null;
        long taps = 0;
        for (int i = 0; i < Neurons.Length; i++)
        {
            if (DendriteUnit[i].Model != "taps") continue;
            var neuron = net.Neuron(Neurons[i]);
            string name = net.NeuronName(Neurons[i]);
            if (Lif[i].InputMax)
                throw new HardwareModelException(net.SourceFile, neuron.Line, "input_max", $"{name} takes the largest input, which a taps dendrite does not pass on; give it an accumulator");
            foreach (var (key, value) in neuron.DendriteAttributes)
                if (!TapsDendrite.Takes(key) && !neuron.SomaAttributes.ContainsKey(key))
                    throw new HardwareModelException(net.SourceFile, value.Line, key,
                        $"the taps dendrite of {name} has no attribute '{key}'; it takes taps, time_constants, space_constants");
            bool known = units.TryGetValue(DendriteUnit[i], out var unit);
            if (!known) units[DendriteUnit[i]] = unit = new TapsDendrite();
            int was = known ? unit!.Taps : 0;
            unit!.Set(neuron.DendriteAttributes, net.SourceFile);
            unit.Serve(SynapseUnit[i]);
            unit.Check(net.SourceFile, neuron.Line, name);
            (tapsOf ??= new TapsDendrite?[Neurons.Length])[i] = unit;
            if ((taps += unit.Taps - was) > MaxTapsPerCore)
                throw new HardwareModelException(net.SourceFile, neuron.Line, "taps", $"the taps dendrites of {name}'s core hold more than {MaxTapsPerCore} taps (MappedCore.MaxTapsPerCore)");
        }
        (TapsOf, TapsInUse) = (tapsOf, taps);
        if (SynTap is null || tapsOf is null) return;
        for (int s = 0; s < SynTap.Length; s++) // another load's attributes may have fewer taps than the synapses use
            if (SynTap[s] != 0 && SynTap[s] >= tapsOf[SynPost[s]]!.Taps)
                throw new HardwareModelException(net.SourceFile, net.Neuron(Neurons[SynPost[s]]).Line, "taps",
                    $"a synapse into {net.NeuronName(Neurons[SynPost[s]])} feeds tap {SynTap[s]}, but its dendrite has {tapsOf[SynPost[s]]!.Taps} taps");
    }

    /// <summary>Most taps of taps dendrites on one core (64 Ki).</summary>
    public const int MaxTapsPerCore = 1 << 16;

    /// <summary>Each neuron's taps dendrite (null for an accumulator), or null when the core has none.</summary>
    public TapsDendrite?[]? TapsOf { get; private set; }

    /// <summary>The taps the core's taps dendrites hold.</summary>
    public long TapsInUse { get; private set; }

    /// <summary>Refuses a synapse into neuron <paramref name="local"/> that names a tap its dendrite lacks.</summary>
    internal void CheckTap(SpikingNetworkSpec net, int line, int pre, int local, int tap)
    {
        string connection = $"the connection {net.NeuronName(pre)} -> {net.NeuronName(Neurons[local])} feeds tap {tap}";
        if (TapsOf?[local] is not { } unit)
            throw new HardwareModelException(net.SourceFile, line, "tap",
                $"{connection}, but its dendrite unit '{DendriteUnit[local].Name}' ({DendriteUnit[local].Model}) has no taps; a 'taps' dendrite has them");
        if (tap >= unit.Taps)
            throw new HardwareModelException(net.SourceFile, line, "tap", $"{connection}, but its dendrite has {unit.Taps} taps (0..{unit.Taps - 1})");
        if (unit.MixedSynapseUnits)
            throw new HardwareModelException(net.SourceFile, line, "tap",
                $"{connection}, and its taps dendrite '{DendriteUnit[local].Name}' serves neurons of more than one synapse unit: SANA-FE finds a " +
                "synapse's tap by its number within its synapse unit, which each unit counts from 0, so their taps would overwrite each other's; " +
                "give these neurons one synapse unit or a taps unit each");
    }

    // The synapse unit of every neuron here that some synapse reaches, if they share one.
    private ProcessingUnitSpec? OneSynapseUnit()
    {
        var reached = new bool[Neurons.Length];
        foreach (int post in SynPost) reached[post] = true;
        ProcessingUnitSpec? unit = null;
        for (int i = 0; i < reached.Length; i++)
        {
            if (!reached[i]) continue;
            if (unit is not null && !ReferenceEquals(unit, SynapseUnit[i])) return null;
            unit = SynapseUnit[i];
        }
        return unit;
    }

    /// <summary>Where every synapse on the core is one unit's: the energy of one synaptic event, which the core adds
    /// event by event as SANA-FE's unit does (<see cref="RepeatedSum"/>); otherwise null, and each message adds its
    /// axon's <see cref="AxonSynapseEnergy"/> (the same figure, summed in another order).</summary>
    public double? SynapseEventEnergy { get; private set; }

    // Neuron i's units, costs and soma, read from its attributes.
    private void LoadSoma(ChipArchitecture arch, SpikingNetworkSpec net, int seed, int i, NeuronSpec neuron, Dictionary<string, InputUnit> inputUnits)
    {
        var spec = Spec;
        string file = net.SourceFile;
        string name = net.NeuronName(Neurons[i]);
        double payloadLimit = Math.ScaleB(1.0, Math.Min(arch.GradedPayloadBits, 53) - 1) - 1; // a signed payload's largest magnitude
        bool generic = arch.GenericUnits;
        var soma = generic ? GenericSoma(spec, neuron) : Pick(spec.Somas, neuron.SomaUnit, "soma", neuron, name, file);
        var dendrite = Pick(spec.Dendrites, generic ? null : neuron.DendriteUnit, "dendrite", neuron, name, file);
        SynapseUnit[i] = Pick(spec.Synapses, generic ? null : neuron.SynapseUnit, "synapse", neuron, name, file);
        DendriteUnit[i] = dendrite;
        SomaUnit[i] = soma;
        if (dendrite.Model is not ("accumulator" or "accumulator_with_delay" or "taps"))
            throw new HardwareModelException(arch.SourceFile, dendrite.Line, "model",
                $"dendrite model '{dendrite.Model}' (unit '{dendrite.Name}', used by {name}) is not simulated yet; 'accumulator', 'accumulator_with_delay' and 'taps' are");
        // A key given to both units (not under soma: or dendrite:) is the soma's unless a taps dendrite takes it.
        bool DendriteTakes(string key) => dendrite.Model == "taps" && TapsDendrite.Takes(key) && neuron.DendriteAttributes.ContainsKey(key);
        HardwareModelException Unknown(string key, AttributeValue value, string takes) => new(file, value.Line, key,
            TapsDendrite.Takes(key) && dendrite.Model != "taps"
                ? $"'{key}' belongs to a taps dendrite, and {name}'s dendrite unit '{dendrite.Name}' is an {dendrite.Model} dendrite"
                : $"the {soma.Model} soma of {name} has no attribute '{key}'; it takes {takes}");
        SomaEnergy[i] = soma.SomaEnergy ?? throw Missing(arch, soma, "energy_access_neuron, energy_update_neuron and energy_spike_out");
        SomaLatency[i] = soma.SomaLatency ?? throw Missing(arch, soma, "latency_access_neuron, latency_update_neuron and latency_spike_out");
        loadedFrom[i] = null;
        InputOf[i] = null;
        switch (soma.Model)
        {
            case "leaky_integrate_fire":
                Kind[i] = SomaKind.LeakyIntegrateFire;
                var lif = LifCompartment.Default;
                foreach (var (key, value) in soma.Attributes)
                    lif.Set(key, value, arch.SourceFile); // hardware-wide defaults; unknown keys are the unit's own figures
                foreach (var (key, value) in neuron.SomaAttributes)
                    if (!lif.Set(key, value, file) && !DendriteTakes(key))
                        throw Unknown(key, value, "threshold, reset, reset_mode, " +
                            "reverse_threshold, reverse_reset, reverse_reset_mode, leak_decay, input_decay, bias, refractory_delay, force_update, potential" +
                            (arch.GradedPayloadBits > 0 ? ", graded, input_max" : ""));
                if ((lif.Graded || lif.InputMax) && arch.GradedPayloadBits == 0)
                    throw new HardwareModelException(file, neuron.Line, lif.Graded ? "graded" : "input_max",
                        $"{name} asks for a graded spike or the largest input, but {arch.Name}'s spikes are binary (a chip file with 'chip.spikes: graded' allows them)");
                lif.PayloadLimit = payloadLimit;
                Lif[i] = initialLif[i] = lif;
                loadedFrom[i] = neuron.SomaAttributes;
                break;
            case "truenorth":
                Kind[i] = SomaKind.TrueNorth;
                // SANA-FE's truenorth soma takes no hardware-wide neuron attributes: only the network's.
                var neuronState = LifCompartment.TrueNorthDefault;
                foreach (var (key, value) in neuron.SomaAttributes)
                    if (!neuronState.SetTrueNorth(key, value, file) && !DendriteTakes(key))
                        throw Unknown(key, value, "threshold, reverse_threshold, reset, reverse_reset, " +
                            "reset_mode, reverse_reset_mode, leak, leak_towards_zero, bias, force_update, random_mask");
                Lif[i] = initialLif[i] = neuronState;
                loadedFrom[i] = neuron.SomaAttributes;
                break;
            case "input":
                Kind[i] = SomaKind.Input;
                // SANA-FE's input unit holds one train for all its neurons; a chip file of hardware-models/ has no
                // named units, so there each input neuron is a unit of its own and keeps its own train.
                string unitKey = generic ? $"{soma.Name}/{Neurons[i]}" : soma.Name;
                if (!inputUnits.TryGetValue(unitKey, out var unit))
                    inputUnits[unitKey] = unit = new InputUnit(new Random(Engine.Actor.DeriveSeed(seed, $"{Tile.Id}.{spec.Offset}.{unitKey}")));
                foreach (var (key, value) in neuron.SomaAttributes)
                    if (!unit.Set(key, value, file) && !DendriteTakes(key))
                        throw Unknown(key, value, "spikes, poisson, rate" + (arch.GradedPayloadBits > 0 ? ", values" : ""));
                if (unit.Graded && arch.GradedPayloadBits == 0)
                    throw new HardwareModelException(file, neuron.Line, "values",
                        $"{name} sends values, but {arch.Name}'s spikes are binary (a chip file with 'chip.spikes: graded' allows them)");
                if (unit.Graded && (unit.Train.Length > 0 || unit.Poisson > 0 || unit.Rate > 0))
                    throw new HardwareModelException(file, neuron.Line, "values", $"{name} sends values; it takes no spikes, poisson or rate beside them");
                unit.PayloadLimit = payloadLimit;
                if (unit.Rate < 0 || unit.Rate > 1)
                    throw new HardwareModelException(file, neuron.Line, "rate", $"rate {unit.Rate} of {name} is outside 0..1 spikes per step");
                Lif[i] = default;
                InputOf[i] = unit;
                break;
            default:
                throw new HardwareModelException(arch.SourceFile, soma.Line, "model",
                    $"soma model '{soma.Model}' (unit '{soma.Name}', used by {name}) is not simulated yet; leaky_integrate_fire, truenorth and input are");
        }
    }

    // The soma attributes each LIF or TrueNorth neuron was last loaded from (null for inputs), and the state they gave.
    private IReadOnlyDictionary<string, AttributeValue>?[] loadedFrom = [];
    private LifCompartment[] initialLif = [];

    public CoreSpec Spec { get; }
    public TileSpec Tile { get; }
    /// <summary>Global neuron ids in mapping order; a neuron's local index is its position here.</summary>
    public int[] Neurons { get; }
    public AxonUnitSpec AxonIn { get; }
    public AxonUnitSpec AxonOut { get; }
    public SomaKind[] Kind { get; private set; } = null!;
    public LifCompartment[] Lif { get; private set; } = null!;
    public InputUnit?[] InputOf { get; private set; } = null!;
    public SomaCosts[] SomaEnergy { get; private set; } = null!;
    public SomaCosts[] SomaLatency { get; private set; } = null!;
    public ProcessingUnitSpec[] SynapseUnit { get; private set; } = null!;
    public ProcessingUnitSpec[] DendriteUnit { get; private set; } = null!;
    public ProcessingUnitSpec[] SomaUnit { get; private set; } = null!;
    public bool[] LogSpikes { get; private set; } = null!;
    public bool[] LogPotential { get; private set; } = null!;
    /// <summary>LIF neurons whose input current is traced (<c>log_u</c>).</summary>
    public bool[] LogCurrent { get; private set; } = null!;
    /// <summary>Whether some neuron here sends graded spikes, or takes the largest input rather than the sum.</summary>
    public bool AnyGraded { get; private set; }
    public bool AnyInputMax { get; private set; }

    // Output axons by local neuron (CSR): destination core (index among mapped cores) and axon there.
    public int[] OutStart { get; private set; } = [];
    public int[] OutDestCore { get; private set; } = [];
    /// <summary>Each output axon's destination core as its index in <see cref="DestCores"/>.</summary>
    public int[] OutDestPort { get; private set; } = [];
    public int[] OutDestAxon { get; private set; } = [];
    public double[] OutProcessingDelay { get; private set; } = [];
    public int[] OutSynapses { get; private set; } = [];
    // Input axons (CSR over synapses) with what processing one message on each costs.
    public int[] InStart { get; private set; } = [];
    public int[] SynPost { get; private set; } = [];
    public double[] SynWeight { get; private set; } = [];
    /// <summary>Each synapse's delay in steps beyond the next step, or null when none here waits.</summary>
    public int[]? SynDelay { get; private set; }
    /// <summary>The longest of <see cref="SynDelay"/> (0 without delays).</summary>
    public int MaxDelay { get; private set; }
    /// <summary>Each synapse's tap on its neuron's taps dendrite, or null when every one feeds tap 0.</summary>
    public int[]? SynTap { get; private set; }
    public double[] AxonSynapseEnergy { get; private set; } = [];
    public double[] AxonDendriteEnergy { get; private set; } = [];
    public double[] AxonProcessingDelay { get; private set; } = [];
    /// <summary>Cores (indices among mapped cores) this core sends to, in order; output port p+1 goes to DestCores[p].</summary>
    public int[] DestCores { get; private set; } = [];

    internal void SetAxons(List<(int Neuron, int DestCore, int DestAxon)> outAxons, MappedChip.AxonInBuilder inAxons)
    {
        OutStart = new int[Neurons.Length + 1];
        foreach (var a in outAxons) OutStart[a.Neuron + 1]++;
        for (int i = 0; i < Neurons.Length; i++) OutStart[i + 1] += OutStart[i];
        OutDestCore = outAxons.Select(a => a.DestCore).ToArray(); // already grouped by neuron, neurons in order
        OutDestAxon = outAxons.Select(a => a.DestAxon).ToArray();
        DestCores = outAxons.Select(a => a.DestCore).Distinct().Order().ToArray();
        OutDestPort = OutDestCore.Select(d => Array.BinarySearch(DestCores, d)).ToArray();

        int axons = inAxons.Start.Count;
        if (inAxons.Count != inAxons.Post.Length) throw new InvalidOperationException($"{inAxons.Count} synapses made of {inAxons.Post.Length} counted");
        InStart = [.. inAxons.Start, inAxons.Count];
        (SynPost, SynWeight, SynDelay, SynTap) = (inAxons.Post, inAxons.Weight, inAxons.Delay, inAxons.Tap);
        MaxDelay = SynDelay is null ? 0 : SynDelay.Max();
        AxonSynapseEnergy = new double[axons];
        AxonDendriteEnergy = new double[axons];
        AxonProcessingDelay = new double[axons];
        for (int a = 0; a < axons; a++)
        {
            double delay = AxonIn.Latency;
            for (int s = InStart[a]; s < InStart[a + 1]; s++)
            {
                int post = SynPost[s];
                var synapse = SynapseUnit[post];
                var dendrite = DendriteUnit[post];
                AxonSynapseEnergy[a] += synapse.EnergyProcessSpike ?? 0;
                AxonDendriteEnergy[a] += dendrite.EnergyUpdate ?? 0;
                delay += (synapse.LatencyProcessSpike ?? 0) + (dendrite.LatencyUpdate ?? 0);
            }
            AxonProcessingDelay[a] = delay;
        }
        SynapseEventEnergy = OneSynapseUnit()?.EnergyProcessSpike;
    }

    internal void CheckSynapseUnits(string file)
    {
        foreach (var unit in SynapseUnit.Distinct())
        {
            if (unit.Model != "current_based")
                throw new HardwareModelException(file, unit.Line, "model",
                    $"synapse model '{unit.Model}' (unit '{unit.Name}') is not simulated yet; 'current_based' is");
            if (unit.EnergyProcessSpike is null || unit.LatencyProcessSpike is null)
                throw new HardwareModelException(file, unit.Line, "energy_process_spike",
                    $"synapse unit '{unit.Name}' gives no energy_process_spike and latency_process_spike; both are needed to cost a synaptic event");
        }
    }

    /// <summary>What each output axon's message costs its destination, known once every core's input axons exist.</summary>
    internal void LinkDestinations(MappedCore[] mapped)
    {
        OutProcessingDelay = new double[OutDestCore.Length];
        OutSynapses = new int[OutDestCore.Length];
        for (int a = 0; a < OutDestCore.Length; a++)
        {
            var dest = mapped[OutDestCore[a]];
            int axon = OutDestAxon[a];
            OutProcessingDelay[a] = dest.AxonProcessingDelay[axon];
            OutSynapses[a] = dest.InStart[axon + 1] - dest.InStart[axon];
        }
    }

    private static ProcessingUnitSpec GenericSoma(CoreSpec core, NeuronSpec neuron)
    {
        bool stimulus = neuron.SomaAttributes.Keys.Any(k => k is "spikes" or "values" or "poisson" or "rate");
        return core.Somas.FirstOrDefault(u => u.Model == (stimulus ? "input" : "leaky_integrate_fire")) ?? core.Somas[0];
    }

    private static ProcessingUnitSpec Pick(IReadOnlyList<ProcessingUnitSpec> units, string? name, string role, NeuronSpec neuron, string neuronName, string file)
    {
        if (units.Count == 0)
            throw new HardwareModelException(file, neuron.Line, role, $"{neuronName} is mapped to a core with no {role} unit");
        if (name is null) return units[0];
        foreach (var u in units)
            if (u.Name == name) return u;
        throw new HardwareModelException(file, neuron.Line, role + "_hw_name",
            $"{neuronName} asks for {role} unit '{name}', which its core does not have (it has {string.Join(", ", units.Select(u => u.Name).Take(5))}{(units.Count > 5 ? ", …" : "")})");
    }

    private static HardwareModelException Missing(ChipArchitecture arch, ProcessingUnitSpec unit, string what) =>
        new(arch.SourceFile, unit.Line, unit.Name, $"soma unit '{unit.Name}' gives no {what}; the simulation needs them to cost each neuron");
}
