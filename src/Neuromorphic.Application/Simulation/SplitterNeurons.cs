using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Application.Simulation;

/// <summary>
/// TrueNorth's splitter neurons, core by core (<see cref="ChipArchitecture.Splitters"/>): on a chip whose neuron's spike
/// reaches one axon, a neuron whose synapses need more than one axon gets splitter neurons. Its synapses are grouped by
/// (destination core, sign of the weight): typed axons give each input one axon per sign on each core that uses it.
/// With more than one such target, the neuron sends its spike to one axon of a splitter core, where one splitter neuron
/// per target (an integrate-and-fire neuron that fires on one input spike: weight 1, threshold ½ as the compartment
/// fires strictly above it, hard reset to 0, no leak, no bias) holds the neuron's synapses of that sign to that core, so
/// the spike arrives one step later with its own weight. A neuron with one target keeps its synapses.
/// As the mapper does (<c>Mapper</c>'s splitter plan): a group's splitter cores come right after the group's own cores
/// (the groups after it move along), a splitter core takes at most the limits' neurons in copies and sources in
/// neurons copied, taken in neuron order, and all of one neuron's splitters sit on one core. Splitter neurons are
/// numbered after every neuron of the network, one group per group they serve, so the network's own numbers stay.
/// </summary>
internal sealed class SplitterNeurons
{
    private const double Threshold = 0.5;

    private SplitterNeurons(ConnectionList connections, IReadOnlyList<int> order, int[] newCore, NeuronGroupSpec[] splitterGroups)
    {
        Connections = connections;
        Order = order;
        NewCore = newCore;
        SplitterGroups = splitterGroups;
    }

    public ConnectionList Connections { get; }
    public IReadOnlyList<int> Order { get; }
    /// <summary>The core each core of the network as built moves to.</summary>
    public int[] NewCore { get; }
    public NeuronGroupSpec[] SplitterGroups { get; }

    /// <summary>The splitters of a network whose groups (in order) hold <paramref name="groups"/>, group g on the cores
    /// before <paramref name="groupEnds"/>[g], neuron i on core <paramref name="coreOf"/>[i].</summary>
    public static SplitterNeurons Build(ChipArchitecture arch, SplitterLimits limits, string what, IReadOnlyList<NeuronGroupSpec> groups,
        IReadOnlyList<int> groupEnds, IReadOnlyList<int> coreOf, ConnectionList conns, IReadOnlyList<int> order, string? somaUnit, bool trace)
    {
        int n = coreOf.Count;
        var (byPre, bySource) = conns.ByPre(n);

        // Each neuron's targets, (core, negative) sorted; a connection's splitter, by its target's index.
        var splitterOf = new int[conns.Count];
        Array.Fill(splitterOf, -1);
        var targets = new List<(int Core, bool Negative)>();
        var groupSplitters = new List<(int Source, int Core)>[groups.Count];
        var splitterCores = new int[groups.Count];
        int next = n; // global number of the next splitter neuron
        var firstSplitter = new int[groups.Count];
        for (int g = 0; g < groups.Count; g++)
        {
            var list = groupSplitters[g] = [];
            firstSplitter[g] = next;
            int copies = 0, sources = 0;
            var group = groups[g];
            for (int i = group.First; i < group.First + group.Neurons.Count; i++)
            {
                targets.Clear();
                for (int k = byPre[i]; k < byPre[i + 1]; k++)
                {
                    int c = bySource[k];
                    var t = (coreOf[conns.Post[c]], conns.Weight[c] < 0);
                    if (!targets.Contains(t)) targets.Add(t);
                }
                if (targets.Count <= 1) continue;
                if (targets.Count > limits.Neurons)
                    throw new UserErrorException($"{what}: {arch.Name}'s neuron reaches one axon, so {group.Name}.{i - group.First}, which reaches " +
                        $"{targets.Count} (core, weight sign) targets, needs {targets.Count} splitter neurons on one splitter core of {limits.Neurons}; " +
                        "a tree of splitter cores is not modelled.");
                targets.Sort();
                if (splitterCores[g] == 0 || copies + targets.Count > limits.Neurons || sources == limits.Sources)
                {
                    splitterCores[g]++;
                    (copies, sources) = (0, 0);
                }
                copies += targets.Count;
                sources++;
                int first = next;
                foreach (var _ in targets) list.Add((i, splitterCores[g] - 1));
                next += targets.Count;
                for (int k = byPre[i]; k < byPre[i + 1]; k++)
                {
                    int c = bySource[k];
                    splitterOf[c] = first + targets.BinarySearch((coreOf[conns.Post[c]], conns.Weight[c] < 0));
                }
            }
        }

        // Cores: group g's move by the splitter cores of the groups before it; its own splitter cores follow it.
        int used = groupEnds.Count == 0 ? 0 : groupEnds[^1];
        int needed = used + splitterCores.Sum();
        if (needed > arch.Cores.Count)
        {
            string each = string.Join(", ", Enumerable.Range(0, groups.Count).Where(g => splitterCores[g] > 0)
                .Select(g => $"{groups[g].Name}'s {groupSplitters[g].Count:N0} on {splitterCores[g]:N0}"));
            throw new UserErrorException($"{arch.Name} has {arch.Cores.Count} cores; {what} needs {needed:N0}: {used:N0} for its neurons and " +
                $"{needed - used:N0} for the splitter neurons that copy an output needed on several cores or with both weight signs (a neuron's " +
                $"spike reaches one axon there; splitter neurons: {each}).");
        }
        var newCore = new int[used];
        var splitterBase = new int[groups.Count];
        int shift = 0;
        for (int g = 0, start = 0; g < groups.Count; start = groupEnds[g], g++)
        {
            for (int c = start; c < groupEnds[g]; c++) newCore[c] = c + shift;
            splitterBase[g] = groupEnds[g] + shift;
            shift += splitterCores[g];
        }

        var result = new ConnectionList();
        result.Reserve(conns.Count + (next - n));
        var delay = conns.Delay;
        // Where synapses can wait, the ones a neuron keeps wait the step a splitter takes: every spike then arrives two
        // steps after it fires, as TrueNorth's per-neuron delivery delay would set it.
        int keptWait = arch.SplitterStepForAll ? 1 : 0, maxDelay = arch.MaxSynapticDelay;
        for (int c = 0; c < conns.Count; c++)
        {
            int d = delay.IsEmpty ? 0 : delay[c];
            if (splitterOf[c] < 0 && keptWait > 0 && d + keptWait > maxDelay)
                throw new UserErrorException($"{what}: a synapse into {SpikingNetworkSpec.NeuronName(groups, conns.Post[c])} waits {d} step{(d == 1 ? "" : "s")}, and with " +
                    $"the splitters' step {arch.Name}'s synapses hold at most {maxDelay - keptWait}.");
            result.Add(splitterOf[c] >= 0 ? splitterOf[c] : conns.Pre[c], conns.Post[c], conns.Weight[c], conns.LineOf(c), splitterOf[c] >= 0 ? d : d + keptWait);
        }
        var attributes = ChipNetworkBuilder.Attributes(("threshold", Threshold), ("reset", 0.0), ("reset_mode", "hard"), ("leak_decay", 1.0), ("bias", 0.0));
        var splitterGroups = new List<NeuronGroupSpec>();
        var newOrder = order.ToList();
        for (int g = 0; g < groups.Count; g++)
        {
            var list = groupSplitters[g];
            if (list.Count == 0) continue;
            var neurons = new NeuronSpec[list.Count];
            for (int j = 0; j < list.Count; j++)
            {
                var core = arch.Cores[splitterBase[g] + list[j].Core];
                neurons[j] = new NeuronSpec(j, attributes, attributes, trace, false, somaUnit, null, null, new CorePlacement(core.TileId, core.Offset, 0), 0);
                result.Add(list[j].Source, firstSplitter[g] + j, 1.0, 0);
                newOrder.Add(firstSplitter[g] + j);
            }
            splitterGroups.Add(new NeuronGroupSpec(groups[g].Name + "_splitters", firstSplitter[g], neurons, 0));
        }
        return new SplitterNeurons(result, newOrder, newCore, [.. splitterGroups]);
    }

    /// <summary><paramref name="group"/> with its neurons on the cores they move to.</summary>
    public NeuronGroupSpec Move(ChipArchitecture arch, NeuronGroupSpec group, IReadOnlyList<int> coreOf)
    {
        var neurons = new NeuronSpec[group.Neurons.Count];
        for (int i = 0; i < neurons.Length; i++)
        {
            var core = arch.Cores[NewCore[coreOf[group.First + i]]];
            neurons[i] = group.Neurons[i] with { Placement = new CorePlacement(core.TileId, core.Offset, 0) };
        }
        return group with { Neurons = neurons };
    }
}
