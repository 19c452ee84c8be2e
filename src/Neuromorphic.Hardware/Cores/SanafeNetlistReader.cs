using System.Globalization;
using System.Text;

namespace Neuromorphic.Hardware.Cores;

/// <summary>Reads SANA-FE's legacy netlist network format (its version 1, <c>sim -n</c>): one entry a line, fields
/// separated by spaces, <c>#</c> starting a comment line.
/// <list type="bullet">
/// <item><c>g COUNT attributes</c>: a group of COUNT neurons, named by its index (0, 1, …);</item>
/// <item><c>n G.N attributes</c>: neuron N of group G, its attributes over the group's;</item>
/// <item><c>e G.N->H.M attributes</c>: a connection (weight, delay, tap);</item>
/// <item><c>&amp; G.N@T.C</c>: the neuron's place, core C of tile T; neurons fill a core in this order.</item>
/// </list>
/// Attributes are <c>key=value</c> fields, or one YAML flow collection (<c>{bias: 0}</c>, <c>[bias: 1.0]</c>).
/// <c>soma_hw_name</c>, <c>dendrite_hw_name</c>, <c>log_spikes</c> and <c>log_v</c> set the units and traces of a group
/// (SANA-FE refuses them on a neuron's line), <c>synapse_hw_name</c> of a group or neuron; every other key goes to the
/// soma and dendrite, as in the YAML format. Every failure is a
/// <see cref="HardwareModelException"/> naming file, line and field.</summary>
public static class SanafeNetlistReader
{
    /// <summary>Longest line read (1 Mi characters): a line is one entry, and SANA-FE's own are under 200.</summary>
    public const int MaxLineChars = 1 << 20;

    public static SpikingNetworkSpec LoadFile(string path, ChipArchitecture arch)
    {
        using var text = BoundedTextFile.Open(path, SanafeNetworkReader.MaxFileBytes, "SANA-FE netlist file");
        return Parse(text, path, arch);
    }

    /// <summary>Parses a netlist's text; <paramref name="file"/> is only used in messages.</summary>
    public static SpikingNetworkSpec Parse(string text, string file, ChipArchitecture arch)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(new StringReader(text), file, arch);
    }

    private static SpikingNetworkSpec Parse(TextReader text, string file, ChipArchitecture arch)
    {
        ArgumentNullException.ThrowIfNull(arch);
        return SanafeYaml.Guard(file, () => new Reader(file, arch).Read(text));
    }

    /// <summary>A group's or a neuron's settings; null where the entry leaves them to the group.</summary>
    private sealed record Settings(Dictionary<string, AttributeValue> Model, bool? LogSpikes, bool? LogPotential,
        string? SomaUnit, string? DendriteUnit, string? SynapseUnit, int Line);

    private sealed class Group(int first, int count, Settings defaults)
    {
        public int First { get; } = first;
        public int Count { get; } = count;
        public Settings Defaults { get; } = defaults;
    }

    private sealed class Reader(string file, ChipArchitecture arch)
    {
        private readonly List<Group> groups = [];
        private readonly Dictionary<int, Settings> ownSettings = []; // neurons with an 'n' line
        private readonly ConnectionList connections = new();
        private readonly List<int> order = [];
        private readonly Dictionary<int, CorePlacement> placed = [];
        private readonly Dictionary<int, int> load = []; // neurons mapped to each core so far
        private int neuronCount;
        private int line;

        public SpikingNetworkSpec Read(TextReader text)
        {
            var buffer = new StringBuilder();
            while (NextLine(text, buffer))
            {
                line++;
                string entry = buffer.ToString();
                string[] fields = entry.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 0 || fields[0].StartsWith('#')) continue;
                string attributes = AfterTwoFields(entry);
                if (fields.Length < 2) throw Error(fields[0], $"an entry needs a second field; expected {Expected}");
                switch (fields[0])
                {
                    case "g": ReadGroup(fields[1], attributes); break;
                    case "n": ReadNeuron(fields[1], attributes); break;
                    case "e": ReadEdge(fields[1], attributes); break;
                    case "&": ReadMapping(fields[1], attributes); break;
                    default: throw Error("(entry)", $"unknown entry '{fields[0]}'; expected {Expected}");
                }
            }
            if (neuronCount == 0) throw Error(0, "(file)", "the netlist has no neurons: no 'g COUNT' line");
            var specs = new NeuronGroupSpec[groups.Count];
            for (int g = 0; g < groups.Count; g++)
            {
                var group = groups[g];
                var neurons = new NeuronSpec[group.Count];
                for (int o = 0; o < group.Count; o++)
                {
                    int global = group.First + o;
                    if (!placed.TryGetValue(global, out var place))
                        throw Error(0, "(mappings)", $"neuron {g}.{o} is not mapped to any core; every neuron needs a '& {g}.{o}@tile.core' line");
                    var own = ownSettings.GetValueOrDefault(global);
                    var model = own is null ? group.Defaults.Model : own.Model;
                    neurons[o] = new NeuronSpec(o, model, model,
                        own?.LogSpikes ?? group.Defaults.LogSpikes ?? false, own?.LogPotential ?? group.Defaults.LogPotential ?? false,
                        own?.SomaUnit ?? group.Defaults.SomaUnit, own?.DendriteUnit ?? group.Defaults.DendriteUnit,
                        own?.SynapseUnit ?? group.Defaults.SynapseUnit, place, own?.Line ?? group.Defaults.Line);
                }
                specs[g] = new NeuronGroupSpec(g.ToString(CultureInfo.InvariantCulture), group.First, neurons, group.Defaults.Line);
            }
            return new SpikingNetworkSpec("", specs, connections, order, file);
        }

        // The text after an entry's type and address: its attributes.
        private static string AfterTwoFields(string entry)
        {
            int i = 0;
            for (int field = 0; field < 2; field++)
            {
                while (i < entry.Length && Separators.Contains(entry[i])) i++;
                while (i < entry.Length && !Separators.Contains(entry[i])) i++;
            }
            return entry[i..];
        }

        private const string Expected = "'g COUNT', 'n G.N', 'e G.N->H.M' or '& G.N@T.C', each with attributes after it";

        private HardwareModelException Error(string field, string problem) => new(file, line, field, problem);
        private HardwareModelException Error(int at, string field, string problem) => new(file, at, field, problem);

        // One line into buffer, without its end; false at the end of the text. A longer line than MaxLineChars is an error.
        private bool NextLine(TextReader text, StringBuilder buffer)
        {
            buffer.Clear();
            int c = text.Read();
            if (c < 0) return false;
            while (c >= 0 && c != '\n')
            {
                if (buffer.Length == MaxLineChars) throw Error(line + 1, "(line)", $"the line is longer than {MaxLineChars} characters (SanafeNetlistReader.MaxLineChars)");
                buffer.Append((char)c);
                c = text.Read();
            }
            return true;
        }

        private void ReadGroup(string countText, string attributes)
        {
            if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
                throw Error("g", $"expected the group's neuron count (a whole number of 1 or more), found '{countText}'");
            if (neuronCount + (long)count > SanafeNetworkReader.MaxNeurons)
                throw Error("g", $"the network has more than {SanafeNetworkReader.MaxNeurons} neurons (SanafeNetworkReader.MaxNeurons)");
            if (groups.Count == SanafeNetworkReader.MaxGroups)
                throw Error("g", $"the network has more than {SanafeNetworkReader.MaxGroups} groups (SanafeNetworkReader.MaxGroups)");
            groups.Add(new Group(neuronCount, count, ReadSettings(attributes, null)));
            neuronCount += count;
        }

        private void ReadNeuron(string address, string attributes)
        {
            var (group, offset) = Neuron(address, "n");
            int global = groups[group].First + offset;
            ownSettings[global] = ReadSettings(attributes, ownSettings.GetValueOrDefault(global) ?? groups[group].Defaults);
        }

        /// <summary>Most attribute entries copied from a group onto its neurons' own lines (16 Mi): a group of many keys
        /// and many 'n' lines would otherwise make a small file fill the memory.</summary>
        public const int MaxCopiedAttributes = 1 << 24;
        private long copied;

        /// <summary>An entry's settings over <paramref name="basis"/> (a neuron's over its group's or its own earlier line).</summary>
        private Settings ReadSettings(string attributes, Settings? basis)
        {
            if ((copied += basis?.Model.Count ?? 0) > MaxCopiedAttributes)
                throw Error("n", $"the neurons' own lines copy more than {MaxCopiedAttributes} attributes from their groups (SanafeNetlistReader.MaxCopiedAttributes)");
            var model = new Dictionary<string, AttributeValue>(basis?.Model ?? [], StringComparer.Ordinal);
            var s = basis is null ? new Settings(model, null, null, null, null, null, line) : basis with { Model = model, Line = line };
            bool neuronLine = basis is not null;
            foreach (var (key, value) in Attributes(attributes))
            {
                // SANA-FE takes a neuron's units and traces from its group's line; on a neuron's own it stops.
                if (neuronLine && key is "soma_hw_name" or "dendrite_hw_name" or "log_spikes" or "log_v" or "log_potential")
                    throw Error(key, $"'{key}' belongs on the group's 'g' line: SANA-FE refuses it on a neuron's 'n' line (\"Reserved neuron attribute\"); give the neuron a group of its own");
                switch (key)
                {
                    case "soma_hw_name": s = s with { SomaUnit = Text(key, value) }; break;
                    case "dendrite_hw_name": s = s with { DendriteUnit = Text(key, value) }; break;
                    case "synapse_hw_name": s = s with { SynapseUnit = Text(key, value) }; break;
                    case "log_spikes": s = s with { LogSpikes = value.AsBool(file, key) }; break;
                    case "log_v": s = s with { LogPotential = value.AsBool(file, key) }; break;
                    case "log_potential": throw Error(key, "a netlist traces potentials with log_v; SANA-FE drops log_potential from a group without a word");
                    // Version 1's count of a neuron's edges: SANA-FE now counts them itself and ignores this key.
                    case "connections_out": value.AsInt(file, key); break;
                    default: model[key] = value; break;
                }
            }
            return s;
        }

        private string Text(string key, AttributeValue value) => value.AsText(file, key);

        private void ReadEdge(string text, string attributes)
        {
            int arrow = text.IndexOf("->", StringComparison.Ordinal);
            if (arrow < 0) throw Error("e", $"expected 'G.N->H.M' (source and target neurons, no spaces), found '{text}'");
            var (srcGroup, srcOffset) = Neuron(text[..arrow], "e");
            var (dstGroup, dstOffset) = Neuron(text[(arrow + 2)..], "e");
            double weight = 0;
            int delay = 0, tap = 0;
            var given = Attributes(attributes);
            foreach (var (a, b) in (ReadOnlySpan<(string, string)>)[("weight", "w"), ("delay", "d")])
                if (given.Any(x => x.Key == a) && given.Any(x => x.Key == b))
                    throw Error(b, $"the edge gives both '{a}' and '{b}', the same attribute; SANA-FE takes '{a}'");
            foreach (var (key, value) in given)
            {
                switch (key)
                {
                    case "weight" or "w": weight = value.AsDouble(file, key); break;
                    case "delay" or "d": delay = Whole(key, value, 1 << 20); break;
                    case "tap": tap = Whole(key, value, SanafeNetworkReader.MaxTap); break;
                    default: throw Error(key, $"unknown edge attribute '{key}': only weight (w), delay (d) and tap are supported");
                }
            }
            if (connections.Count == SanafeNetworkReader.MaxConnections)
                throw Error("e", $"the network has more than {SanafeNetworkReader.MaxConnections} connections (SanafeNetworkReader.MaxConnections)");
            connections.Add(groups[srcGroup].First + srcOffset, groups[dstGroup].First + dstOffset, weight, line, delay, tap);
        }

        private int Whole(string key, AttributeValue value, int max)
        {
            int v = value.AsInt(file, key);
            if (v < 0 || v > max) throw Error(key, $"expected a whole number from 0 to {max}, found {v}");
            return v;
        }

        private void ReadMapping(string text, string attributes)
        {
            if (attributes.Trim().Length > 0) throw Error("&", $"a mapping takes no attributes, found '{attributes.Trim()}'");
            int at = text.IndexOf('@', StringComparison.Ordinal);
            if (at < 0) throw Error("&", $"expected 'G.N@T.C' (a neuron, then its tile and core), found '{text}'");
            var (group, offset) = Neuron(text[..at], "&");
            var (found, problem) = SanafeNetworkReader.CoreAt(arch, text[(at + 1)..]);
            var core = found ?? throw Error("&", problem!);
            int global = groups[group].First + offset;
            if (placed.TryGetValue(global, out var before))
                throw Error("&", $"neuron {group}.{offset} is already mapped (on line {before.Line})");
            int held = load[core.Id] = load.GetValueOrDefault(core.Id) + 1;
            if (held > core.MaxNeurons)
                throw Error("&", SanafeNetworkReader.OverCapacity(core, $"{group}.{offset}", held));
            placed[global] = new CorePlacement(core.TileId, core.Offset, line);
            order.Add(global);
        }

        // "G.N": a group index and an offset in it, both defined.
        private (int Group, int Offset) Neuron(string text, string field)
        {
            if (SanafeYaml.Pair(text) is not var (g, n))
                throw Error(field, $"expected a neuron 'G.N' (group index and neuron offset), found '{text}'");
            if (g >= groups.Count)
                throw Error(field, $"neuron {text}: group {g} is not defined yet ({groups.Count} 'g' lines so far; groups are numbered from 0)");
            if (n >= groups[g].Count)
                throw Error(field, $"neuron {text} does not exist: group {g} has {groups[g].Count} neurons");
            return (g, n);
        }

        /// <summary>The attributes after an entry's address: <c>key=value</c> fields, or one YAML flow collection.</summary>
        private List<(string Key, AttributeValue Value)> Attributes(string text)
        {
            text = text.Trim();
            var list = new List<(string, AttributeValue)>();
            if (text.Length == 0) return list;
            if (text[0] is '{' or '[')
            {
                try
                {
                    var node = YamlTree.Parse(text, file, EmbeddedLimits);
                    var y = new SanafeYaml(file);
                    foreach (var (k, v) in y.Attributes(node, "(attributes)"))
                        list.Add((k.Value, Located(y.Value(v, k.Value))));
                    return list;
                }
                catch (HardwareModelException e) // its line is the embedded text's own (1): give the netlist's
                {
                    throw Error(e.Field, $"in the attributes '{HardwareModelException.Excerpt(text, 60)}': {e.Problem}");
                }
            }
            foreach (string field in text.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = field.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || eq == field.Length - 1)
                    throw Error("(attributes)", $"expected key=value (no spaces around '='), found '{HardwareModelException.Excerpt(field, 60)}'");
                string key = field[..eq];
                // SANA-FE keeps the first of a repeated key, which is easily a mistake: refused.
                if (list.Any(x => x.Item1 == key)) throw Error(key, $"'{key}' is given twice on this line");
                list.Add((key, AttributeValue.Scalar(field[(eq + 1)..], line)));
            }
            return list;
        }

        // SANA-FE's field separators.
        private static readonly char[] Separators = [' ', '\t', '\r', '\n'];

        private static readonly YamlLimits EmbeddedLimits = new("netlist entry's attributes", 10_000, 10_000, "an entry holds a few");

        // A value parsed on its own has line 1: it gets the netlist's line.
        private AttributeValue Located(AttributeValue v) =>
            v.Items is null ? AttributeValue.Scalar(v.Text!, line) : AttributeValue.List(v.Items.Select(Located).ToArray(), line);
    }
}
