using System.Globalization;
using Neuromorphic.Hardware;
using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Application.Simulation;

/// <summary>
/// Writes a network of a chip's own neurons, placed on its cores, for the core-by-core simulation: groups are added in
/// order, each starting on a fresh core and filling cores in order up to their neuron capacity (or placed core by core
/// as a chip's mapper placed them, see <see cref="AddGroup"/>); synapses are added
/// between global neuron numbers. Used for networks converted here (a trained SoftHebb network, a NIR graph). On a chip
/// whose neuron reaches one axon (<see cref="ChipArchitecture.Splitters"/>: TrueNorth), <see cref="Build"/> adds the
/// splitter neurons that copy outputs needed on several axons (<see cref="SplitterNeurons"/>) and moves the groups'
/// cores to make room for theirs.
/// </summary>
public sealed class ChipNetworkBuilder
{
    private readonly ChipArchitecture arch;
    private readonly string what;
    private readonly List<NeuronGroupSpec> groups = [];
    private readonly List<int> order = [];
    private readonly List<int> groupEnds = []; // the core after each group's last
    private readonly List<int> coreOf = []; // each neuron's core, as built
    private int nextCore;
    // The last core of the latest group filled in order, while it has room: its neurons so far and their input axons.
    private (int Core, int Placed, HashSet<int>? Axons)? openCore;
    private (int Connections, int Groups, SplitterNeurons Splitters, NeuronGroupSpec[] Moved)? split;

    /// <param name="what">The network, as errors name it ("SoftHebb's network").</param>
    public ChipNetworkBuilder(ChipArchitecture arch, string what, bool traceSpikes = false)
    {
        this.arch = arch;
        this.what = what;
        TraceSpikes = traceSpikes;
        // A file with named units (SANA-FE's) needs the LIF soma named; a chip file of hardware-models/ picks it itself.
        LifSoma = arch.GenericUnits ? null : arch.Cores[0].Somas.FirstOrDefault(u => u.Model == "leaky_integrate_fire")?.Name
            ?? throw new UserErrorException($"{arch.Name} ({arch.SourceFile}) has no leaky_integrate_fire soma to run {what}'s neurons on.");
    }

    public ChipArchitecture Architecture => arch;

    /// <summary>The name of the LIF soma unit neurons use (null on a chip file, which picks it itself).</summary>
    public string? LifSoma { get; }
    public bool TraceSpikes { get; }
    public ConnectionList Connections { get; private set; } = new();
    public IReadOnlyList<NeuronGroupSpec> Groups => groups;

    /// <summary>Set when a group or the splitter neurons did not fit the chip's cores.</summary>
    public bool Full { get; private set; }

    /// <summary>Whether a group of <paramref name="count"/> neurons placed by <paramref name="placement"/> (as
    /// <see cref="AddGroup"/> takes it) fits the next cores: enough of them, none given more neurons than it holds.</summary>
    public bool Fits(int count, (int Cores, Func<int, int> CoreOf) placement) =>
        nextCore + placement.Cores <= arch.Cores.Count && OverfullCore(count, placement) < 0;

    /// <summary>Whether no core of <paramref name="placement"/> would take more input axons than the chip's
    /// (<see cref="ChipArchitecture.AxonsPerCore"/>), each neuron taking <paramref name="sourcesOf"/>'s distinct sources.</summary>
    public bool AxonsFit(int count, (int Cores, Func<int, int> CoreOf) placement, Func<int, IEnumerable<int>> sourcesOf)
    {
        if (arch.AxonsPerCore is not { } limit) return true;
        var axons = new HashSet<int>[placement.Cores];
        for (int i = 0; i < count; i++)
        {
            var set = axons[placement.CoreOf(i)] ??= [];
            set.UnionWith(sourcesOf(i));
            if (set.Count > limit) return false;
        }
        return true;
    }

    // The first of the next cores that the placement gives more neurons than it holds, or -1.
    private int OverfullCore(int count, (int Cores, Func<int, int> CoreOf) placement)
    {
        var held = new int[placement.Cores];
        for (int i = 0; i < count; i++)
        {
            int c = placement.CoreOf(i);
            if (++held[c] > arch.Cores[nextCore + c].MaxNeurons) return nextCore + c;
        }
        return -1;
    }

    /// <summary>The global number of group <paramref name="group"/>'s first neuron.</summary>
    public int First(int group) => groups[group].First;

    /// <summary>The global number the next group's first neuron will have.</summary>
    public int NextNeuron => groups.Count == 0 ? 0 : groups[^1].First + groups[^1].Neurons.Count;

    /// <summary>Adds a group of <paramref name="count"/> neurons with the soma attributes <paramref name="attributes"/>
    /// gives each (null: none) and returns its index. With <paramref name="placement"/> the group takes that many cores
    /// and neuron i goes on its core CoreOf(i) (0-based in the group's range), as a chip's mapper placed it; without,
    /// its neurons fill cores in order, and where <paramref name="sourcesOf"/> gives each neuron's distinct sources
    /// (global neuron numbers), a core also closes before its input axons would pass the chip's
    /// (<see cref="ChipArchitecture.AxonsPerCore"/>); a neuron whose own sources pass it still takes a core, and one that
    /// adds no axon stays. With <paramref name="shareCore"/> a group filled in order starts on the room the group before
    /// left on its last core, if that group too was filled in order (not on a chip with splitters, whose splitter cores
    /// follow each group's).</summary>
    public int AddGroup(string name, int count, Func<int, IReadOnlyDictionary<string, AttributeValue>?> attributes, bool logPotential = false,
        (int Cores, Func<int, int> CoreOf)? placement = null, Func<int, IEnumerable<int>>? sourcesOf = null, bool shareCore = false)
    {
        int first = NextNeuron;
        var neurons = new NeuronSpec[count];
        var cores = arch.Cores;
        coreOf.AddRange(Enumerable.Repeat(-1, count));
        void Place(int i, int core)
        {
            if (core >= cores.Count)
            {
                Full = true;
                throw new UserErrorException($"{arch.Name} has {cores.Count} cores of up to {cores.Max(c => c.MaxNeurons):N0} neurons; {what} needs more: " +
                    $"its cores were full after {first + i:N0} neurons, at neuron {i:N0} of {count:N0} of its group '{name}' (most groups start on a core of their own, " +
                    "and a core also closes when its input axons are full).");
            }
            var a = attributes(i) ?? Empty;
            neurons[i] = new NeuronSpec(i, a, a, TraceSpikes, logPotential, LifSoma, null, null, new CorePlacement(cores[core].TileId, cores[core].Offset, 0), 0);
            order.Add(first + i);
            coreOf[first + i] = core;
        }
        if (placement is { } p)
        {
            for (int i = 0; i < count; i++) Place(i, nextCore + p.CoreOf(i));
            if (OverfullCore(count, p) is var over and >= 0)
                throw new InvalidOperationException($"Group '{name}': its placement puts more than {cores[over].MaxNeurons} neurons on core {over}.");
            nextCore += p.Cores;
            openCore = null;
        }
        else
        {
            int placedOnCore = 0;
            var axons = sourcesOf is not null && arch.AxonsPerCore is { } ? new HashSet<int>() : null;
            if (shareCore && arch.Splitters is null && openCore is { } open && open.Core == nextCore - 1 && (axons is null) == (open.Axons is null))
                (nextCore, placedOnCore, axons) = (open.Core, open.Placed, open.Axons);
            for (int i = 0; i < count; i++)
            {
                if (axons is not null)
                {
                    var sources = sourcesOf!(i);
                    int fresh = sources.Count(s => !axons.Contains(s));
                    if (placedOnCore > 0 && fresh > 0 && axons.Count + fresh > arch.AxonsPerCore)
                    {
                        nextCore++;
                        placedOnCore = 0;
                        axons.Clear();
                    }
                    axons.UnionWith(sources);
                }
                Place(i, nextCore);
                if (++placedOnCore == cores[nextCore].MaxNeurons)
                {
                    nextCore++;
                    placedOnCore = 0;
                    axons?.Clear();
                }
            }
            openCore = placedOnCore > 0 ? (nextCore, placedOnCore, axons) : null;
            if (placedOnCore > 0) nextCore++;
        }
        groups.Add(new NeuronGroupSpec(name, first, neurons, 0));
        groupEnds.Add(nextCore);
        return groups.Count - 1;
    }

    /// <summary>The network, with <paramref name="replaced"/> groups in place of those built (same sizes, order and
    /// placement); <paramref name="source"/> stands where a file name would. On a chip whose neuron reaches one axon it
    /// has splitter neurons (groups after the network's own); they are worked out once, so each network built with the
    /// same connections shares them (a chip compiled once runs every image).</summary>
    public SpikingNetworkSpec Build(string name, string source, IReadOnlyList<NeuronGroupSpec>? replaced = null)
    {
        var given = replaced ?? groups;
        if (arch.Splitters is not { } limits) return new(name, given.ToArray(), Connections, order, source);
        if (split is not { } s || s.Connections != Connections.Count || s.Groups != groups.Count)
        {
            SplitterNeurons splitters;
            try { splitters = SplitterNeurons.Build(arch, limits, what, groups, groupEnds, coreOf, Connections, order, LifSoma, TraceSpikes); }
            catch (UserErrorException)
            {
                Full = true; // the splitters did not fit the chip's cores
                throw;
            }
            split = s = (Connections.Count, groups.Count, splitters, groups.Select(g => splitters.Move(arch, g, coreOf)).ToArray());
        }
        var all = new NeuronGroupSpec[given.Count + s.Splitters.SplitterGroups.Length];
        for (int g = 0; g < given.Count; g++)
            all[g] = ReferenceEquals(given[g], groups[g]) ? s.Moved[g] : s.Splitters.Move(arch, given[g], coreOf);
        s.Splitters.SplitterGroups.CopyTo(all, given.Count);
        return new(name, all, s.Splitters.Connections, s.Splitters.Order, source);
    }

    /// <summary>Forces each neuron's incoming weights to what a chip with typed axons holds (TrueNorth): +a through its
    /// positive axon, −b through its negative one, or no synapse (<see cref="WeightQuantizer.QuantizeAxonTypes"/>, the
    /// rule `simulate --run` applies to a layer's rows). Returns the largest relative RMS change of one group's incoming
    /// weights (groups' weights are in units of their own, as `simulate --run` reports its worst layer).</summary>
    public double ForceAxonTypeWeights(AxonTypeWeights axons)
    {
        var c = Connections;
        var values = new double[c.Count];
        var changed = new double[groups.Count];
        var total = new double[groups.Count];
        var (start, byPost) = c.ByPost(coreOf.Count);
        for (int g = 0; g < groups.Count; g++)
            for (int post = groups[g].First; post < groups[g].First + groups[g].Neurons.Count; post++)
            {
                if (start[post] == start[post + 1]) continue;
                var incoming = byPost.AsSpan(start[post], start[post + 1] - start[post]);
                var row = new float[incoming.Length];
                for (int k = 0; k < row.Length; k++) row[k] = (float)c.Weight[incoming[k]];
                var q = WeightQuantizer.QuantizeAxonTypes(row, 1, axons);
                for (int k = 0; k < row.Length; k++)
                {
                    values[incoming[k]] = q.Values[k];
                    changed[g] += Math.Pow(row[k] - q.Values[k], 2);
                    total[g] += (double)row[k] * row[k];
                }
            }
        var forced = new ConnectionList();
        forced.Reserve(values.Count(v => v != 0));
        for (int i = 0; i < c.Count; i++)
            if (values[i] != 0) forced.Add(c.Pre[i], c.Post[i], values[i], c.LineOf(i), c.Delay.IsEmpty ? 0 : c.Delay[i]);
        Connections = forced;
        return Enumerable.Range(0, groups.Count).Select(g => total[g] == 0 ? 0 : Math.Sqrt(changed[g] / total[g])).DefaultIfEmpty(0).Max();
    }

    private static readonly IReadOnlyDictionary<string, AttributeValue> Empty = new Dictionary<string, AttributeValue>();

    public static Dictionary<string, AttributeValue> Attributes(params (string Name, object Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value switch
        {
            double d => AttributeValue.Scalar(d.ToString("R", CultureInfo.InvariantCulture), 0),
            bool[] train => AttributeValue.List(train.Select(s => AttributeValue.Scalar(s ? "1" : "0", 0)).ToArray(), 0),
            double[] values => AttributeValue.List(values.Select(x => AttributeValue.Scalar(x.ToString("R", CultureInfo.InvariantCulture), 0)).ToArray(), 0),
            _ => AttributeValue.Scalar((string)v.Value, 0),
        });
}
