namespace Neuromorphic.Hardware.Cores;

/// <summary>A spiking network and its placement on a chip's cores: what SANA-FE's network files describe.
/// Neurons are numbered globally, group after group in file order (<see cref="NeuronGroupSpec.First"/> + offset).</summary>
public sealed record SpikingNetworkSpec(
    string Name,
    IReadOnlyList<NeuronGroupSpec> Groups,
    ConnectionList Connections,
    IReadOnlyList<int> MappingOrder,
    string SourceFile)
{
    public int NeuronCount => Groups.Count == 0 ? 0 : Groups[^1].First + Groups[^1].Neurons.Count;

    /// <summary>The group and offset of a global neuron index.</summary>
    public (NeuronGroupSpec Group, int Offset) Locate(int neuron) => Locate(Groups, neuron);

    /// <summary>The group and offset of a global neuron index among <paramref name="groups"/>, numbered in order.</summary>
    public static (NeuronGroupSpec Group, int Offset) Locate(IReadOnlyList<NeuronGroupSpec> groups, int neuron)
    {
        ArgumentNullException.ThrowIfNull(groups);
        int lo = 0, hi = groups.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (groups[mid].First <= neuron) lo = mid; else hi = mid - 1;
        }
        return (groups[lo], neuron - groups[lo].First);
    }

    public NeuronSpec Neuron(int neuron)
    {
        var (group, offset) = Locate(neuron);
        return group.Neurons[offset];
    }

    /// <summary>"group.offset", as SANA-FE names a neuron in its traces.</summary>
    public string NeuronName(int neuron) => NeuronName(Groups, neuron);

    /// <summary>"group.offset" of a global neuron index among <paramref name="groups"/>.</summary>
    public static string NeuronName(IReadOnlyList<NeuronGroupSpec> groups, int neuron)
    {
        var (group, offset) = Locate(groups, neuron);
        return group.Name + "." + offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>A group (population) of neurons; offsets run 0..Count-1.</summary>
public sealed record NeuronGroupSpec(string Name, int First, IReadOnlyList<NeuronSpec> Neurons, int Line);

/// <summary>One neuron: the attributes its soma and dendrite models receive, which units of its core it uses
/// (null: the core's first unit of that kind), whether it is traced, and where it is placed.</summary>
public sealed record NeuronSpec(
    int Offset,
    IReadOnlyDictionary<string, AttributeValue> SomaAttributes,
    IReadOnlyDictionary<string, AttributeValue> DendriteAttributes,
    bool LogSpikes,
    bool LogPotential,
    string? SomaUnit,
    string? DendriteUnit,
    string? SynapseUnit,
    CorePlacement? Placement,
    int Line);

/// <summary>Where a neuron is mapped: tile index and core offset within the tile, from the line of its mapping.</summary>
public sealed record CorePlacement(int Tile, int CoreOffset, int Line);

/// <summary>Every synapse of a network, as parallel arrays (a network can hold millions): global pre- and
/// post-synaptic neuron, weight, optional delay in steps, optional dendrite tap, and the file line that created it.
/// Connections keep the order the file's edges create them in.</summary>
public sealed class ConnectionList
{
    private int[] pre = new int[16], post = new int[16];
    private double[] weight = new double[16];
    // Allocated on the first non-zero value: a network built in code (a converted SoftHebb one, hundreds of millions of
    // connections) has neither file lines nor delays, and 4 bytes a connection each.
    private int[]? line, delay, tap;

    public int Count { get; private set; }
    public ReadOnlySpan<int> Pre => pre.AsSpan(0, Count);
    public ReadOnlySpan<int> Post => post.AsSpan(0, Count);
    public ReadOnlySpan<double> Weight => weight.AsSpan(0, Count);
    /// <summary>True when some connection has a delay other than 0.</summary>
    public bool HasDelays => delay is not null;
    /// <summary>Delays in steps, or empty when no connection has one.</summary>
    public ReadOnlySpan<int> Delay => delay is null ? default : delay.AsSpan(0, Count);
    /// <summary>The tap of a multi-tap dendrite each connection feeds (0, the one nearest the soma, where none is
    /// given), or empty when every connection feeds tap 0.</summary>
    public ReadOnlySpan<int> Tap => tap is null ? default : tap.AsSpan(0, Count);
    /// <summary>The file line that created connection <paramref name="index"/>, or 0 for one built in code.</summary>
    public int LineOf(int index) => line is null ? 0 : line[index];

    public void Add(int preNeuron, int postNeuron, double w, int lineNumber, int delaySteps = 0, int dendriteTap = 0)
    {
        if (Count == pre.Length) Grow(checked(pre.Length * 2));
        if (delaySteps != 0 && delay is null) delay = new int[pre.Length];
        if (dendriteTap != 0 && tap is null) tap = new int[pre.Length];
        if (lineNumber != 0 && line is null) line = new int[pre.Length];
        pre[Count] = preNeuron;
        post[Count] = postNeuron;
        weight[Count] = w;
        line?[Count] = lineNumber;
        delay?[Count] = delaySteps;
        tap?[Count] = dendriteTap;
        Count++;
    }

    /// <summary>The connections grouped by pre-synaptic neuron, each neuron's in the order they were added: neuron i's are
    /// Order[Start[i]] .. Order[Start[i + 1] - 1] (connection indices), for neurons 0 .. <paramref name="neurons"/> - 1.</summary>
    public (int[] Start, int[] Order) ByPre(int neurons) => GroupedBy(Pre, neurons);

    /// <summary>The connections grouped by post-synaptic neuron, as <see cref="ByPre"/> groups them by pre-synaptic one.</summary>
    public (int[] Start, int[] Order) ByPost(int neurons) => GroupedBy(Post, neurons);

    // A counting sort of the connection indices by neuron, stable.
    private (int[] Start, int[] Order) GroupedBy(ReadOnlySpan<int> neuronOf, int neurons)
    {
        var start = new int[neurons + 1];
        foreach (int p in neuronOf) start[p + 1]++;
        for (int i = 0; i < neurons; i++) start[i + 1] += start[i];
        var order = new int[Count];
        var fill = start[..neurons];
        for (int c = 0; c < Count; c++) order[fill[neuronOf[c]]++] = c;
        return (start, order);
    }

    /// <summary>Makes room for <paramref name="more"/> connections at once: a hyperedge of a million connections
    /// otherwise doubles the arrays twenty times, copying each (0.2 s of the DVS example's loading).</summary>
    public void Reserve(int more)
    {
        int needed = checked(Count + more);
        if (needed > pre.Length) Grow(Math.Max(needed, pre.Length * 2)); // a run of small reservations still doubles
    }

    private void Grow(int size)
    {
        Array.Resize(ref pre, size);
        Array.Resize(ref post, size);
        Array.Resize(ref weight, size);
        if (line is not null) Array.Resize(ref line, size);
        if (delay is not null) Array.Resize(ref delay, size);
        if (tap is not null) Array.Resize(ref tap, size);
    }
}
