namespace Neuromorphic.Hardware.Cores;

/// <summary>Reads SANA-FE network files (<c>network</c>: groups and edges; <c>mappings</c>) into a
/// <see cref="SpikingNetworkSpec"/> placed on a <see cref="ChipArchitecture"/>. Hyperedges (dense, sparse, conv2d) are
/// expanded into single connections in the order SANA-FE creates them. Every failure is a
/// <see cref="HardwareModelException"/> naming file, line and a field such as <c>network.edges[2].weight</c>.</summary>
public static class SanafeNetworkReader
{
    /// <summary>Largest network file read (1 GiB less 64 bytes, within the longest .NET string): SANA-FE's DVS example is
    /// 0.7 MB; files that list every connection singly run larger: the demo's trained SoftHebb network exported here
    /// (8.0 M synapses, a line each) is 560 MB.</summary>
    public const long MaxFileBytes = (1L << 30) - 64;

    /// <summary>Most YAML nodes held at once while a network file is read: groups and edges are read as they come and not
    /// held (<see cref="MaxConnections"/> bounds the edges), so this bounds the rest (mappings, names, attributes).</summary>
    public const int MaxNodes = 50_000_000;

    /// <summary>Most neurons in one network (16 Mi), checked before any group is allocated.</summary>
    public const int MaxNeurons = 1 << 24;

    /// <summary>Most groups in one network (1 Mi): a group with no neurons is not bounded by <see cref="MaxNeurons"/>.</summary>
    public const int MaxGroups = 1 << 20;

    /// <summary>Most connections after hyperedges are expanded (each takes 20 bytes), checked before expanding.</summary>
    public const int MaxConnections = 100_000_000;

    /// <summary>The highest dendrite tap an edge may name (a multi-tap dendrite's taps are counted in the network file).</summary>
    public const int MaxTap = TapsDendrite.MaxTaps - 1;

    private static readonly YamlLimits Limits = new("SANA-FE network file", MaxNodes, 10_000,
        $"the limit is SanafeNetworkReader.MaxNodes ({MaxNodes})");

    /// <summary>The core a mapping's 'tile.core' address names, or why there is none; both network formats place neurons
    /// with it.</summary>
    internal static (CoreSpec? Core, string? Problem) CoreAt(ChipArchitecture arch, string text)
    {
        if (SanafeYaml.Pair(text) is not var (t, c))
            return (null, $"expected a core address 'tile.core' (two whole numbers), found '{text}'");
        if (t >= arch.Tiles.Count)
            return (null, $"unknown core {text}: the chip has {arch.Tiles.Count} tiles (0..{arch.Tiles.Count - 1})");
        var tile = arch.Tiles[t];
        if (c >= tile.Cores.Count)
            return (null, $"unknown core {text}: tile {t} has {tile.Cores.Count} cores (0..{tile.Cores.Count - 1})");
        return (tile.Cores[c], null);
    }

    /// <summary>Why a mapping that would make <paramref name="neuron"/> the core's <paramref name="held"/>-th is refused.</summary>
    internal static string OverCapacity(CoreSpec core, string neuron, int held) =>
        $"core {SanafeArchitectureReader.CoreAddress(core)} is over capacity: neuron {neuron} would be neuron {held}, and the core supports {core.MaxNeurons} (max_neurons_supported)";

    /// <summary>Reads a network file: SANA-FE's YAML format, or its legacy netlist format (<see cref="SanafeNetlistReader"/>)
    /// when the name ends in <c>.net</c>, as SANA-FE's own netlists do.</summary>
    public static SpikingNetworkSpec LoadFile(string path, ChipArchitecture arch)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.EndsWith(".net", StringComparison.OrdinalIgnoreCase)) return SanafeNetlistReader.LoadFile(path, arch);
        using var text = BoundedTextFile.Open(path, MaxFileBytes, "SANA-FE network file");
        return Parse(text, path, arch);
    }

    /// <summary>Parses a network file's text; <paramref name="file"/> is only used in messages, <paramref name="arch"/>
    /// resolves the mappings' cores and unit names.</summary>
    public static SpikingNetworkSpec Parse(string text, string file, ChipArchitecture arch)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxFileBytes)
            throw new HardwareModelException(file, 0, "(file)", $"the text is {text.Length} characters; network files are at most {MaxFileBytes} bytes");
        return Parse(new StringReader(text), file, arch);
    }

    private static SpikingNetworkSpec Parse(TextReader text, string file, ChipArchitecture arch)
    {
        ArgumentNullException.ThrowIfNull(arch);
        return SanafeYaml.Guard(file, () => new Reader(new SanafeYaml(file), arch).Read(text));
    }

    /// <summary>A neuron's settings while the group's defaults and its own entry are merged.</summary>
    private sealed record Config(
        Dictionary<string, AttributeValue> Soma,
        Dictionary<string, AttributeValue> Dendrite,
        bool LogSpikes, bool LogPotential, string? SomaUnit, string? DendriteUnit, string? SynapseUnit)
    {
        public static Config Empty { get; } = new([], [], false, false, null, null, null);
    }

    private sealed class Group(string name, int first, NeuronSpec[] neurons, int line)
    {
        public string Name { get; } = name;
        public int First { get; } = first;
        public NeuronSpec[] Neurons { get; } = neurons;
        public int Line { get; } = line;
    }

    private sealed class Reader(SanafeYaml y, ChipArchitecture arch)
    {
        private readonly List<Group> groups = [];
        private readonly Dictionary<string, Group> byName = new(StringComparer.Ordinal);
        private readonly ConnectionList connections = new();
        // Unit names already found in a core, so that 18,000 neurons do not each search Loihi's 1,026 somas.
        private readonly HashSet<(int Core, string Kind, string Name)> knownUnits = [];
        private int neuronCount;

        /// <summary>Reads the file's groups and edges as the parser reaches them, and keeps neither as nodes: an edge
        /// is a connection as soon as its groups are known. Edges listed before the groups are kept as nodes (counted
        /// against the node limit) and read once the groups are known.</summary>
        public SpikingNetworkSpec Read(TextReader text)
        {
            var rootNode = YamlTree.Parse(text, y.File, Limits, [
                new StreamedList("network.groups", (g, item) =>
                {
                    ReadGroup(item, $"network.groups[{g}]");
                    return false;
                }),
                // The groups list is one value, so an edge after any group comes after all of them.
                new StreamedList("network.edges", (e, item) =>
                {
                    if (groups.Count == 0) return true;
                    ReadEdges(e, item);
                    return false;
                }),
            ]);
            var root = y.Map(rootNode, "(document)");
            var network = y.Map(y.Required(root, "network", "(document)"), "network");
            string name = network.Find("name") is { } n ? y.Text(n, "network.name") : "";
            var groupsNode = y.Seq(y.Required(network, "groups", "network"), "network.groups");
            if (neuronCount == 0)
                throw y.Error(groupsNode, "network.groups", "the network has no neurons; a network file lists at least one neuron to simulate");
            if (network.Find("edges") is { } edges && !SanafeYaml.IsEmpty(edges))
            {
                var kept = y.Seq(edges, "network.edges").Items; // every edge when they came before the groups, else none
                for (int e = 0; e < kept.Count; e++) ReadEdges(e, kept[e]);
            }
            var order = ReadMappings(root);
            var specs = groups.Select(g => new NeuronGroupSpec(g.Name, g.First, g.Neurons, g.Line)).ToArray();
            return new SpikingNetworkSpec(name, specs, connections, order, y.File);
        }

        private void ReadEdges(int index, YNode item)
        {
            string field = $"network.edges[{index}]";
            foreach (var (key, value) in y.Map(item, field).Entries)
                ReadEdge(key, value, field);
        }

        private void ReadGroup(YNode node, string field)
        {
            var map = y.Map(node, field);
            var nameNode = y.Required(map, "name", field);
            string name = y.Text(nameNode, field + ".name");
            if (name.Length == 0 || name.Contains('.', StringComparison.Ordinal) || name.Contains("->", StringComparison.Ordinal))
                throw y.Error(nameNode, field + ".name",
                    $"a group name must be non-empty without '.' or '->' (edges and mappings address neurons as group.offset), found '{name}'");
            if (byName.ContainsKey(name))
                throw y.Error(nameNode, field + ".name", $"a group named '{name}' is already defined (on line {byName[name].Line})");
            if (groups.Count == MaxGroups)
                throw y.Error(map, field, $"the network has more than {MaxGroups} groups (SanafeNetworkReader.MaxGroups)");
            var defaults = map.Find("attributes") is { } a
                ? Merge(Config.Empty, a, field + ".attributes")
                : Config.Empty;
            var neuronsNode = y.Seq(y.Required(map, "neurons", field), field + ".neurons");

            // First the entries and their offsets, so the group's size is known (and bounded) before allocating.
            var entries = new List<(int First, int Last, YNode? Attrs, int Line, string Field)>();
            long count = 0;
            for (int i = 0; i < neuronsNode.Items.Count; i++)
            {
                string ef = $"{field}.neurons[{i}]";
                var item = neuronsNode.Items[i];
                if (item is YScalar s)
                    entries.Add(Ids(s, null, ef));
                else if (item is YMap m && m.Entries.Count > 0)
                    foreach (var (k, v) in m.Entries) entries.Add(Ids(k, v, ef));
                else
                    throw y.Error(item, ef, $"expected a neuron id, a range a..b, or 'id: attributes', found {SanafeYaml.Describe(item)}");
                var last = entries[^1];
                count += (long)last.Last - last.First + 1;
                if (neuronCount + count > MaxNeurons)
                    throw y.Error(item, ef, $"the network has more than {MaxNeurons} neurons (SanafeNetworkReader.MaxNeurons)");
            }
            var neurons = new NeuronSpec?[count];
            foreach (var (first, last, attrs, line, ef) in entries)
            {
                if (last >= count)
                    throw y.Error(line, ef,
                        $"offset {last} is outside 0..{count - 1}: a group of {count} neurons lists each offset 0..{count - 1} once, with none missing");
                var config = attrs is null ? defaults : Merge(defaults, attrs, ef);
                for (int o = first; o <= last; o++)
                {
                    if (neurons[o] is { } before)
                        throw y.Error(line, ef, $"neuron {name}.{o} is listed twice (first on line {before.Line})");
                    neurons[o] = new NeuronSpec(o, config.Soma, config.Dendrite, config.LogSpikes, config.LogPotential,
                        config.SomaUnit, config.DendriteUnit, config.SynapseUnit, null, line);
                }
            }
            var group = new Group(name, neuronCount, neurons!, map.Line);
            neuronCount += (int)count;
            groups.Add(group);
            byName[name] = group;
        }

        private (int, int, YNode?, int, string) Ids(YScalar id, YNode? attrs, string field)
        {
            var range = SanafeYaml.Offsets(id.Value);
            if (range is not { } r || r.Last < r.First)
                throw y.Error(id, field, $"expected a neuron offset (a whole number ≥ 0) or a range first..last, found '{id.Value}'");
            return (r.First, r.Last, attrs, id.Line, field);
        }

        /// <summary>Overlays a neuron's (or group's) attributes on <paramref name="basis"/>, as SANA-FE does: framework
        /// keys set flags and unit names, <c>soma:</c> and <c>dendrite:</c> reach one unit, anything else both.</summary>
        private Config Merge(Config basis, YNode node, string field)
        {
            var attrs = y.Attributes(node, field);
            if (attrs.Count == 0) return basis;
            var soma = new Dictionary<string, AttributeValue>(basis.Soma, StringComparer.Ordinal);
            var dendrite = new Dictionary<string, AttributeValue>(basis.Dendrite, StringComparer.Ordinal);
            var c = basis with { Soma = soma, Dendrite = dendrite };
            foreach (var (k, v) in attrs)
            {
                string f = field + "." + k.Value;
                switch (k.Value)
                {
                    case "log_spikes": c = c with { LogSpikes = y.Bool(v, f) }; break;
                    case "log_potential": c = c with { LogPotential = y.Bool(v, f) }; break;
                    case "soma_hw_name": c = c with { SomaUnit = y.Text(v, f) }; break;
                    case "dendrite_hw_name": c = c with { DendriteUnit = y.Text(v, f) }; break;
                    case "synapse_hw_name": c = c with { SynapseUnit = y.Text(v, f) }; break;
                    case "soma":
                        foreach (var (sk, sv) in y.Attributes(v, f)) soma[sk.Value] = y.Value(sv, f + "." + sk.Value);
                        break;
                    case "dendrite":
                        foreach (var (dk, dv) in y.Attributes(v, f)) dendrite[dk.Value] = y.Value(dv, f + "." + dk.Value);
                        break;
                    case "synapse":
                        throw y.Error(k, f, "per-neuron synapse attributes are not supported; give synapse attributes on edges");
                    default:
                        var value = y.Value(v, f);
                        soma[k.Value] = value;
                        dendrite[k.Value] = value;
                        break;
                }
            }
            return c;
        }

        private (Group Group, int? Offset) Address(string text, YScalar key, string field, string side)
        {
            int dot = text.IndexOf('.', StringComparison.Ordinal);
            string groupName = dot < 0 ? text : text[..dot];
            if (!byName.TryGetValue(groupName, out var group))
                throw y.Error(key, field, $"the {side} group '{groupName}' is not defined in network.groups");
            if (dot < 0) return (group, null);
            string offsetText = text[(dot + 1)..];
            if (SanafeYaml.Offsets(offsetText) is not { } r || r.First != r.Last)
                throw y.Error(key, field, $"expected {side} neuron {groupName}.<offset>, found '{text}'");
            if (r.First >= group.Neurons.Length)
                throw y.Error(key, field, $"the {side} neuron {groupName}.{r.First} does not exist: the group has {group.Neurons.Length} neurons");
            return (group, r.First);
        }

        /// <summary>An edge's attributes, validated: weight, delay and the dendrite tap (each a value or a per-connection
        /// list), and for hyperedges the type and its parameters.</summary>
        private sealed class EdgeAttrs
        {
            public YNode? Weight, Delay, Tap, Pairs;
            public string? WeightField, DelayField, TapField, Type;
            public Dictionary<string, (YNode Node, string Field)> Conv { get; } = new(StringComparer.Ordinal);
        }

        private static readonly string[] ConvKeys = ["input_width", "input_height", "input_channels", "kernel_width",
            "kernel_height", "kernel_count", "stride_width", "stride_height"];

        private EdgeAttrs ReadEdgeAttrs(YNode node, string field, bool hyper)
        {
            var e = new EdgeAttrs();
            void Set(YScalar k, YNode v, string f, bool nested)
            {
                switch (k.Value)
                {
                    case "weight" or "w":
                        if (e.Weight is not null) throw y.Error(k, f, $"the weight is given twice (also as {e.WeightField})");
                        (e.Weight, e.WeightField) = (v, f);
                        break;
                    case "delay" or "d":
                        if (e.Delay is not null) throw y.Error(k, f, $"the delay is given twice (also as {e.DelayField})");
                        (e.Delay, e.DelayField) = (v, f);
                        break;
                    case "tap":
                        if (e.Tap is not null) throw y.Error(k, f, $"the tap is given twice (also as {e.TapField})");
                        (e.Tap, e.TapField) = (v, f);
                        break;
                    case "synapse" or "dendrite" when !nested:
                        foreach (var (nk, nv) in y.Attributes(v, f)) Set(nk, nv, f + "." + nk.Value, true);
                        break;
                    case "type" when hyper && !nested:
                        e.Type = y.Text(v, f);
                        break;
                    case "source_target_pairs" when hyper && !nested:
                        e.Pairs = v;
                        break;
                    case var c when hyper && !nested && ConvKeys.Contains(c):
                        e.Conv[c] = (v, f);
                        break;
                    default:
                        throw y.Error(k, f, $"unknown edge attribute '{k.Value}': only weight (w), delay (d) and tap are supported" +
                            (hyper ? ", with type and its parameters on hyperedges" : ""));
                }
            }
            foreach (var (k, v) in y.Attributes(node, field)) Set(k, v, field + "." + k.Value, false);
            return e;
        }

        /// <summary>Per-connection values of an edge attribute: one for all (a scalar) or a list with at least
        /// <paramref name="needed"/> entries (checked against the edge's line).</summary>
        private T[] Values<T>(YNode? node, string? field, long needed, int edgeLine, string what, T none, Func<YNode, string, T> parse)
        {
            if (node is null) return [none];
            if (node is not YSeq seq) return [parse(node, field!)];
            if (seq.Items.Count < needed)
                throw y.Error(edgeLine, field!, $"the {what} list has {seq.Items.Count} values; this edge needs {needed}");
            var values = new T[seq.Items.Count];
            for (int i = 0; i < values.Length; i++) values[i] = parse(seq.Items[i], $"{field}[{i}]");
            return values;
        }

        private void ReadEdge(YScalar key, YNode value, string field)
        {
            string text = key.Value;
            int arrow = text.IndexOf("->", StringComparison.Ordinal);
            if (arrow < 0)
                throw y.Error(key, field, $"expected 'source -> target' (groups or group.offset neurons), found '{text}'");
            var (src, srcOffset) = Address(text[..arrow].Trim(), key, field, "source");
            var (dst, dstOffset) = Address(text[(arrow + 2)..].Trim(), key, field, "target");
            if (srcOffset.HasValue != dstOffset.HasValue)
                throw y.Error(key, field,
                    "give a neuron offset on both sides (a single connection) or on neither (a hyperedge between groups), not on one side only");
            bool hyper = !srcOffset.HasValue;
            var attrs = ReadEdgeAttrs(value, field, hyper);
            int line = key.Line;
            if (!hyper)
            {
                Reserve(1, key, field);
                if (attrs.Weight is YSeq || attrs.Delay is YSeq || attrs.Tap is YSeq)
                    throw y.Error(key, attrs.Weight is YSeq ? attrs.WeightField! : attrs.Delay is YSeq ? attrs.DelayField! : attrs.TapField!,
                        "a single connection takes one value, not a list");
                var w = Values(attrs.Weight, attrs.WeightField, 1, line, "weight", 0.0, Weight);
                var d = Values(attrs.Delay, attrs.DelayField, 1, line, "delay", 0, Delay);
                var t = Values(attrs.Tap, attrs.TapField, 1, line, "tap", 0, Tap);
                connections.Add(src.First + srcOffset!.Value, dst.First + dstOffset!.Value, w[0], line, d[0], t[0]);
                return;
            }
            switch (attrs.Type)
            {
                case null:
                    throw y.Error(key, field + ".type", "a hyperedge between groups needs a type: dense, sparse or conv2d");
                case "dense":
                    Dense(src, dst, attrs, line, key, field);
                    break;
                case "sparse":
                    Sparse(src, dst, attrs, line, key, field);
                    break;
                case "conv2d":
                    Conv2d(src, dst, attrs, line, key, field);
                    break;
                default:
                    throw y.Error(key, field + ".type", $"unknown hyperedge type '{attrs.Type}'; expected dense, sparse or conv2d");
            }
            if (attrs.Type != "conv2d" && attrs.Conv.Count > 0)
                throw y.Error(key, attrs.Conv.First().Value.Field, $"'{attrs.Conv.First().Key}' belongs to conv2d edges, not {attrs.Type}");
            if (attrs.Type != "sparse" && attrs.Pairs is not null)
                throw y.Error(key, field + ".source_target_pairs", $"source_target_pairs belongs to sparse edges, not {attrs.Type}");
        }

        private double Weight(YNode n, string f) => y.Number(n, f);
        private int Delay(YNode n, string f) => y.Int(n, f, 0, 1 << 20);
        private int Tap(YNode n, string f) => y.Int(n, f, 0, MaxTap);

        private void Reserve(long count, YScalar key, string field)
        {
            if (connections.Count + count > MaxConnections)
                throw y.Error(key, field, $"the network would have more than {MaxConnections} connections (SanafeNetworkReader.MaxConnections)");
            connections.Reserve((int)count);
        }

        private void Dense(Group src, Group dst, EdgeAttrs attrs, int line, YScalar key, string field)
        {
            long n = (long)src.Neurons.Length * dst.Neurons.Length;
            Reserve(n, key, field);
            var w = Values(attrs.Weight, attrs.WeightField, n, line, "weight", 0.0, Weight);
            var d = Values(attrs.Delay, attrs.DelayField, n, line, "delay", 0, Delay);
            var tap = Values(attrs.Tap, attrs.TapField, n, line, "tap", 0, Tap);
            int b = dst.Neurons.Length;
            for (int s = 0; s < src.Neurons.Length; s++)
                for (int t = 0; t < b; t++)
                {
                    long i = (long)s * b + t;
                    connections.Add(src.First + s, dst.First + t, PerConnection(w, i, attrs.Weight), line, PerConnection(d, i, attrs.Delay),
                        PerConnection(tap, i, attrs.Tap));
                }
        }

        // A scalar applies to every connection; a list gives connection i its i-th value.
        private static T PerConnection<T>(T[] values, long i, YNode? node) => node is YSeq ? values[i] : values[0];

        private void Sparse(Group src, Group dst, EdgeAttrs attrs, int line, YScalar key, string field)
        {
            string pf = field + ".source_target_pairs";
            if (attrs.Pairs is null) throw y.Error(key, pf, "a sparse edge needs source_target_pairs: [[source, target], ...]");
            var pairs = y.Seq(attrs.Pairs, pf);
            Reserve(pairs.Items.Count, key, field);
            var w = Values(attrs.Weight, attrs.WeightField, pairs.Items.Count, line, "weight", 0.0, Weight);
            var d = Values(attrs.Delay, attrs.DelayField, pairs.Items.Count, line, "delay", 0, Delay);
            var tap = Values(attrs.Tap, attrs.TapField, pairs.Items.Count, line, "tap", 0, Tap);
            for (int i = 0; i < pairs.Items.Count; i++)
            {
                var pair = y.Seq(pairs.Items[i], $"{pf}[{i}]");
                if (pair.Items.Count != 2) throw y.Error(pair, $"{pf}[{i}]", $"expected a pair [source, target], found {pair.Items.Count} values");
                int s = y.Int(pair.Items[0], $"{pf}[{i}][0]", 0, src.Neurons.Length - 1);
                int t = y.Int(pair.Items[1], $"{pf}[{i}][1]", 0, dst.Neurons.Length - 1);
                connections.Add(src.First + s, dst.First + t, PerConnection(w, i, attrs.Weight), line, PerConnection(d, i, attrs.Delay),
                    PerConnection(tap, i, attrs.Tap));
            }
        }

        private void Conv2d(Group src, Group dst, EdgeAttrs attrs, int line, YScalar key, string field)
        {
            var p = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (string k in ConvKeys)
            {
                if (!attrs.Conv.TryGetValue(k, out var v)) throw y.Error(key, field + "." + k, $"a conv2d edge needs {k}");
                p[k] = y.Int(v.Node, v.Field, 1, 1 << 20);
            }
            int inW = p["input_width"], inH = p["input_height"], cin = p["input_channels"];
            int kw = p["kernel_width"], kh = p["kernel_height"], kc = p["kernel_count"];
            int sw = p["stride_width"], sh = p["stride_height"];
            if (kw > inW || kh > inH)
                throw y.Error(key, field, $"the {kw}x{kh} kernel is larger than the {inW}x{inH} input (there is no padding)");
            int outW = (inW - kw) / sw + 1, outH = (inH - kh) / sh + 1;
            long inCount = (long)cin * inW * inH, outCount = (long)kc * outW * outH;
            if (src.Neurons.Length != inCount)
                throw y.Error(key, field,
                    $"conv2d size mismatch: a {inW}x{inH}x{cin} input needs {inCount} neurons in source group '{src.Name}', which has {src.Neurons.Length}");
            if (dst.Neurons.Length != outCount)
                throw y.Error(key, field,
                    $"conv2d size mismatch: the {outW}x{outH}x{kc} output needs {outCount} neurons in target group '{dst.Name}', which has {dst.Neurons.Length}");
            long filter = (long)kh * kw * cin * kc;
            Reserve(outCount * cin * kh * kw, key, field);
            var w = Values(attrs.Weight, attrs.WeightField, filter, line, "weight", 0.0, Weight);
            var d = Values(attrs.Delay, attrs.DelayField, filter, line, "delay", 0, Delay);
            var tap = Values(attrs.Tap, attrs.TapField, filter, line, "tap", 0, Tap);
            // SANA-FE's order: each output neuron (channel, row, column), then input channel, kernel row, kernel column.
            for (int co = 0; co < kc; co++)
                for (int yo = 0; yo < outH; yo++)
                    for (int xo = 0; xo < outW; xo++)
                    {
                        int dest = dst.First + (co * outH + yo) * outW + xo;
                        for (int ci = 0; ci < cin; ci++)
                            for (int ky = 0; ky < kh; ky++)
                            {
                                int yi = yo * sh + ky;
                                for (int kx = 0; kx < kw; kx++)
                                {
                                    int xi = xo * sw + kx;
                                    long fi = ((long)(ky * kw + kx) * cin + ci) * kc + co;
                                    connections.Add(src.First + (ci * inH + yi) * inW + xi, dest,
                                        PerConnection(w, fi, attrs.Weight), line, PerConnection(d, fi, attrs.Delay), PerConnection(tap, fi, attrs.Tap));
                                }
                            }
                    }
        }

        private List<int> ReadMappings(YMap root)
        {
            var node = root.Find("mappings");
            var order = new List<int>(neuronCount);
            var placed = new CorePlacement?[neuronCount];
            var units = new (string? Soma, string? Dendrite, string? Synapse)[neuronCount];
            var load = new int[arch.Cores.Count];
            if (node is not null && !SanafeYaml.IsEmpty(node))
            {
                var list = y.Seq(node, "mappings");
                for (int m = 0; m < list.Items.Count; m++)
                {
                    string field = $"mappings[{m}]";
                    var item = y.Map(list.Items[m], field);
                    foreach (var (key, value) in item.Entries)
                        MapOne(key, value, field, order, placed, units, load);
                }
            }
            for (int i = 0; i < neuronCount; i++)
                if (placed[i] is null)
                    throw y.Error(root.Entries.FirstOrDefault(e => e.Key.Value == "mappings").Key?.Line ?? 1, "mappings",
                        $"neuron {NameOf(i)} is not mapped to any core; every neuron needs a mapping");
            foreach (var g in groups)
                for (int o = 0; o < g.Neurons.Length; o++)
                {
                    var n = g.Neurons[o];
                    var u = units[g.First + o];
                    g.Neurons[o] = n with
                    {
                        Placement = placed[g.First + o],
                        SomaUnit = u.Soma ?? n.SomaUnit,
                        DendriteUnit = u.Dendrite ?? n.DendriteUnit,
                        SynapseUnit = u.Synapse ?? n.SynapseUnit,
                    };
                }
            return order;
        }

        private string NameOf(int neuron)
        {
            var g = groups.Last(g => g.First <= neuron);
            return $"{g.Name}.{neuron - g.First}";
        }

        private void MapOne(YScalar key, YNode value, string field, List<int> order, CorePlacement?[] placed,
            (string?, string?, string?)[] units, int[] load)
        {
            string text = key.Value;
            int dot = text.IndexOf('.', StringComparison.Ordinal);
            string groupName = dot < 0 ? text : text[..dot];
            if (!byName.TryGetValue(groupName, out var group))
                throw y.Error(key, field, $"the group '{groupName}' is not defined in network.groups");
            int first = 0, last = group.Neurons.Length - 1;
            if (dot >= 0)
            {
                if (SanafeYaml.Offsets(text[(dot + 1)..]) is not { } r || r.Last < r.First)
                    throw y.Error(key, field, $"expected group, group.offset or group.first..last, found '{text}'");
                if (r.Last >= group.Neurons.Length)
                    throw y.Error(key, field, $"neuron {groupName}.{r.Last} does not exist: the group has {group.Neurons.Length} neurons");
                (first, last) = r;
            }
            YNode? coreNode = null;
            (YNode Node, string Name)? soma = null, dendrite = null, synapse = null;
            foreach (var (k, v) in y.Attributes(value, field))
            {
                switch (k.Value)
                {
                    case "core": coreNode = v; break;
                    case "soma": soma = (v, y.Text(v, field + ".soma")); break;
                    case "dendrite": dendrite = (v, y.Text(v, field + ".dendrite")); break;
                    case "synapse": synapse = (v, y.Text(v, field + ".synapse")); break;
                    default: throw y.Error(k, field + "." + k.Value, $"unknown mapping attribute '{k.Value}'; expected core, soma, dendrite or synapse");
                }
            }
            if (coreNode is null) throw y.Error(key, field + ".core", "the required key 'core' ('tile.core') is missing");
            var core = Core(coreNode, field + ".core");
            CheckUnit(soma, core.Somas, "soma", field);
            CheckUnit(dendrite, core.Dendrites, "dendrite", field);
            CheckUnit(synapse, core.Synapses, "synapse", field);
            var placement = new CorePlacement(core.TileId, core.Offset, key.Line);
            for (int o = first; o <= last; o++)
            {
                int global = group.First + o;
                if (placed[global] is { } before)
                    throw y.Error(key, field, $"neuron {groupName}.{o} is already mapped (on line {before.Line})");
                var n = group.Neurons[o];
                CheckOwnUnit(soma is null ? n.SomaUnit : null, core.Somas, "soma", key, field, groupName, o, core);
                CheckOwnUnit(dendrite is null ? n.DendriteUnit : null, core.Dendrites, "dendrite", key, field, groupName, o, core);
                CheckOwnUnit(synapse is null ? n.SynapseUnit : null, core.Synapses, "synapse", key, field, groupName, o, core);
                if (++load[core.Id] > core.MaxNeurons)
                    throw y.Error(coreNode, field + ".core",
                        OverCapacity(core, $"{groupName}.{o}", load[core.Id]));
                placed[global] = placement;
                units[global] = (soma?.Name, dendrite?.Name, synapse?.Name);
                order.Add(global);
            }
        }

        private CoreSpec Core(YNode node, string field)
        {
            var (core, problem) = CoreAt(arch, y.Text(node, field));
            return core ?? throw y.Error(node, field, problem!);
        }

        private void CheckUnit((YNode Node, string Name)? unit, IReadOnlyList<ProcessingUnitSpec> list, string kind, string field)
        {
            if (arch.GenericUnits) return; // any name: the simulation picks the unit by role (ChipModelArchitecture)
            if (unit is { } u && !list.Any(x => x.Name == u.Name))
                throw y.Error(u.Node, field + "." + kind,
                    $"unknown {kind} unit '{u.Name}': the core's {kind} units are {Names(list)}");
        }

        private void CheckOwnUnit(string? name, IReadOnlyList<ProcessingUnitSpec> list, string kind, YScalar key, string field,
            string group, int offset, CoreSpec core)
        {
            if (arch.GenericUnits) return;
            if (name is not null && !knownUnits.Contains((core.Id, kind, name)) && !list.Any(x => x.Name == name))
                throw y.Error(key, field,
                    $"neuron {group}.{offset} asks for {kind} unit '{name}' ({kind}_hw_name), which core {SanafeArchitectureReader.CoreAddress(core)} does not have; its {kind} units are {Names(list)}");
            if (name is not null) knownUnits.Add((core.Id, kind, name));
        }

        private static string Names(IReadOnlyList<ProcessingUnitSpec> list) =>
            list.Count <= 6 ? string.Join(", ", list.Select(x => x.Name)) : string.Join(", ", list.Take(5).Select(x => x.Name)) + $", … ({list.Count} in all)";
    }
}
