using System.Text;
using System.Text.RegularExpressions;

namespace Neuromorphic.Hardware.Cores;

/// <summary>Writes architectures and mapped networks as SANA-FE YAML that <see cref="SanafeArchitectureReader"/> and
/// <see cref="SanafeNetworkReader"/> (and SANA-FE) read back to equal records. Consecutive tiles, cores or units that
/// differ only by a counted name (n[3], n[4], …) are written as one ranged entry, n[3..4], as SANA-FE's own files are;
/// hyperedges are not reconstructed: every connection is a single edge, every neuron's mapping on its own line in
/// <see cref="SpikingNetworkSpec.MappingOrder"/>.</summary>
public static partial class SanafeFileWriter
{
    public static void WriteArchitecture(ChipArchitecture arch, TextWriter w)
    {
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(w);
        w.Write("architecture:\n  name: ");
        w.Write(Scalar(arch.Name));
        w.Write($"\n  attributes:\n    width: {N(arch.Width)}\n    height: {N(arch.Height)}\n    link_buffer_size: {N(arch.LinkBufferSize)}\n");
        var sync = arch.Sync.Entries;
        if (sync.Count == 1 && sync[0].Tiles == 0)
            w.Write($"    sync_model: fixed\n    latency_sync: {N(sync[0].Seconds)}\n");
        else
            w.Write("    sync_model: table\n    latency_sync: {" + string.Join(", ", sync.Select(e => $"{N(e.Tiles)}: {N(e.Seconds)}")) + "}\n");
        w.Write("  tile:\n");
        // Cores copied from one ranged block share their units, and their text is made once.
        var coreTexts = new Dictionary<CoreSpec, string>();
        string CoreText(CoreSpec core)
        {
            var key = core with { Id = 0, TileId = 0, Offset = 0, Name = "", Line = 0 };
            if (!coreTexts.TryGetValue(key, out var text)) coreTexts[key] = text = CoreBody(core);
            return text;
        }
        string TileText(TileSpec tile)
        {
            var h = tile.Hops;
            var b = new StringBuilder($"      attributes: {{energy_north_hop: {N(h.EnergyNorth)}, latency_north_hop: {N(h.LatencyNorth)}, " +
                $"energy_east_hop: {N(h.EnergyEast)}, latency_east_hop: {N(h.LatencyEast)}, energy_south_hop: {N(h.EnergySouth)}, " +
                $"latency_south_hop: {N(h.LatencySouth)}, energy_west_hop: {N(h.EnergyWest)}, latency_west_hop: {N(h.LatencyWest)}}}\n      core:\n");
            foreach (var (name, text) in Ranged(tile.Cores.Select(c => (c.Name, CoreText(c)))))
                b.Append("        - name: ").Append(Scalar(name)).Append('\n').Append(text);
            return b.ToString();
        }
        foreach (var (name, text) in Ranged(arch.Tiles.Select(t => (t.Name, TileText(t)))))
            w.Write($"    - name: {Scalar(name)}\n{text}");
    }

    /// <summary>A buffer position as a SANA-FE file gives it: <c>buffer_position</c> and <c>buffer_inside_unit</c>.</summary>
    internal static (string Position, bool Inside) BufferAttributes(BufferPosition buffer) => buffer switch
    {
        BufferPosition.BeforeDendrite => ("dendrite", false),
        BufferPosition.InsideDendrite => ("dendrite", true),
        BufferPosition.BeforeSoma => ("soma", false),
        BufferPosition.InsideSoma => ("soma", true),
        _ => ("axon_out", false),
    };

    private static string CoreBody(CoreSpec core)
    {
        var (position, inside) = BufferAttributes(core.Buffer);
        var b = new StringBuilder($"          attributes: {{buffer_position: {position}, " +
            $"buffer_inside_unit: {(inside ? "true" : "false")}, max_neurons_supported: {N(core.MaxNeurons)}}}\n");
        Section(b, "axon_in", core.AxonIn.Select(u => (u.Name, $"{{energy_message_in: {N(u.Energy)}, latency_message_in: {N(u.Latency)}}}")));
        Section(b, "synapse", core.Synapses.Select(u => (u.Name, UnitAttributes(u))));
        Section(b, "dendrite", core.Dendrites.Select(u => (u.Name, UnitAttributes(u))));
        Section(b, "soma", core.Somas.Select(u => (u.Name, UnitAttributes(u))));
        Section(b, "axon_out", core.AxonOut.Select(u => (u.Name, $"{{energy_message_out: {N(u.Energy)}, latency_message_out: {N(u.Latency)}}}")));
        return b.ToString();
    }

    private static void Section(StringBuilder b, string section, IEnumerable<(string Name, string Attributes)> units)
    {
        b.Append("          ").Append(section).Append(":\n");
        foreach (var (name, attributes) in Ranged(units))
            b.Append("            - name: ").Append(Scalar(name)).Append("\n              attributes: ").Append(attributes).Append('\n');
    }

    private static string UnitAttributes(ProcessingUnitSpec u)
    {
        var a = new List<string> { "model: " + Scalar(u.Model) };
        if (u.UpdateEveryTimestep) a.Add("update_every_timestep: true");
        void Cost(string key, double? v)
        {
            if (v is { } x) a.Add($"{key}: {N(x)}");
        }
        Cost("energy_process_spike", u.EnergyProcessSpike);
        Cost("latency_process_spike", u.LatencyProcessSpike);
        Cost("energy_update", u.EnergyUpdate);
        Cost("latency_update", u.LatencyUpdate);
        foreach (var (kind, costs) in (ReadOnlySpan<(string, SomaCosts?)>)[("energy", u.SomaEnergy), ("latency", u.SomaLatency)])
            if (costs is not null)
            {
                Cost(kind + "_access_neuron", costs.AccessNeuron);
                Cost(kind + "_update_neuron", costs.UpdateNeuron);
                Cost(kind + "_spike_out", costs.SpikeOut);
            }
        foreach (var (k, v) in u.Attributes)
            a.Add(Scalar(k) + ": " + (k == "noise" && u.Noise is { } noise ? Scalar(noise.Path) : Value(v))); // found from anywhere
        return "{" + string.Join(", ", a) + "}";
    }

    /// <summary>Runs of consecutive items with the same text whose names count up by one (n[3], n[4], n[5]) as one
    /// ranged name (n[3..5]); other items as they are.</summary>
    private static IEnumerable<(string Name, string Text)> Ranged(IEnumerable<(string Name, string Text)> items)
    {
        (string Prefix, int First, int Last, string Text)? run = null;
        foreach (var (name, text) in items)
        {
            var m = Counted().Match(name);
            int index = m.Success && int.TryParse(m.Groups[2].ValueSpan, out int i) && m.Groups[2].Value == i.ToString(System.Globalization.CultureInfo.InvariantCulture) ? i : -1;
            if (run is { } r && index == r.Last + 1 && m.Groups[1].Value == r.Prefix && text == r.Text)
            {
                run = r with { Last = index };
                continue;
            }
            if (run is { } done) yield return (Name(done), done.Text);
            run = index >= 0 ? (m.Groups[1].Value, index, index, text) : null;
            if (run is null) yield return (name, text);
        }
        if (run is { } last) yield return (Name(last), last.Text);

        static string Name((string Prefix, int First, int Last, string Text) r) =>
            r.First == r.Last ? $"{r.Prefix}[{r.First}]" : $"{r.Prefix}[{r.First}..{r.Last}]";
    }

    [GeneratedRegex(@"^(.*)\[(\d+)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex Counted();

    // Keys the network reader takes for itself: a model attribute of that name can only be written nested.
    private static readonly HashSet<string> Reserved = ["log_spikes", "log_potential", "soma_hw_name", "dendrite_hw_name",
        "synapse_hw_name", "soma", "dendrite", "synapse"];

    public static void WriteNetwork(SpikingNetworkSpec net, ChipArchitecture arch, TextWriter w)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(w);
        w.Write("network:\n  name: ");
        w.Write(Scalar(net.Name));
        w.Write("\n  groups:\n");
        var line = new StringBuilder();
        foreach (var g in net.Groups)
        {
            w.Write($"    - name: {Scalar(g.Name)}\n      attributes: []\n      neurons:\n");
            foreach (var n in g.Neurons)
            {
                line.Clear().Append("        - ").Append(N(n.Offset)).Append(": {log_spikes: ").Append(n.LogSpikes ? "true" : "false")
                    .Append(", log_potential: ").Append(n.LogPotential ? "true" : "false");
                var somaOnly = new List<string>();
                var dendriteOnly = new List<string>();
                foreach (var (k, v) in n.SomaAttributes)
                {
                    if (!Reserved.Contains(k) && n.DendriteAttributes.TryGetValue(k, out var d) && Same(v, d))
                        line.Append(", ").Append(Scalar(k)).Append(": ").Append(Value(v));
                    else
                        somaOnly.Add(Scalar(k) + ": " + Value(v));
                }
                foreach (var (k, v) in n.DendriteAttributes)
                    if (Reserved.Contains(k) || !n.SomaAttributes.TryGetValue(k, out var s) || !Same(v, s))
                        dendriteOnly.Add(Scalar(k) + ": " + Value(v));
                if (somaOnly.Count > 0) line.Append(", soma: {").AppendJoin(", ", somaOnly).Append('}');
                if (dendriteOnly.Count > 0) line.Append(", dendrite: {").AppendJoin(", ", dendriteOnly).Append('}');
                w.Write(line.Append("}\n"));
            }
        }
        var c = net.Connections;
        if (c.Count > 0)
        {
            w.Write("  edges:\n");
            var delays = c.Delay;
            var taps = c.Tap;
            for (int i = 0; i < c.Count; i++)
            {
                line.Clear().Append("    - ").Append(Scalar(net.NeuronName(c.Pre[i]) + " -> " + net.NeuronName(c.Post[i])))
                    .Append(": {weight: ").Append(N(c.Weight[i]));
                if (!delays.IsEmpty && delays[i] != 0) line.Append(", delay: ").Append(N(delays[i]));
                if (!taps.IsEmpty && taps[i] != 0) line.Append(", tap: ").Append(N(taps[i]));
                w.Write(line.Append("}\n"));
            }
        }
        w.Write("mappings:\n");
        foreach (int i in net.MappingOrder)
        {
            var n = net.Neuron(i);
            var p = n.Placement ?? throw new ArgumentException($"neuron {net.NeuronName(i)} has no placement", nameof(net));
            line.Clear().Append("  - ").Append(Scalar(net.NeuronName(i))).Append(": {core: '").Append(N(p.Tile)).Append('.')
                .Append(N(p.CoreOffset)).Append('\'');
            if (n.SomaUnit is not null) line.Append(", soma: ").Append(Scalar(n.SomaUnit));
            if (n.DendriteUnit is not null) line.Append(", dendrite: ").Append(Scalar(n.DendriteUnit));
            if (n.SynapseUnit is not null) line.Append(", synapse: ").Append(Scalar(n.SynapseUnit));
            w.Write(line.Append("}\n"));
        }
    }

    /// <summary>Two attribute values say the same thing (same text, or lists of the same values).</summary>
    public static bool Same(AttributeValue a, AttributeValue b) =>
        a.Text == b.Text && (a.Items is null ? b.Items is null
            : b.Items is not null && a.Items.Count == b.Items.Count && a.Items.Zip(b.Items).All(p => Same(p.First, p.Second)));

    private static string Value(AttributeValue v) =>
        v.Text is not null ? Scalar(v.Text) : "[" + string.Join(", ", v.Items!.Select(Value)) + "]";

    private static string N(double v) => SanafeYaml.Format(v);
    private static string N(int v) => SanafeYaml.Format(v);

    [GeneratedRegex(@"^-?[A-Za-z0-9_][A-Za-z0-9_.+\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainText();

    private static readonly HashSet<string> YamlWords = new(StringComparer.OrdinalIgnoreCase) { "null", "~", "yes", "no", "on", "off" };

    /// <summary>A scalar as YAML: plain when that reads back unchanged in a flow mapping (names, numbers, edges like
    /// <c>a.0 -> b.1</c>; a bracket would open a flow list), otherwise double-quoted with escapes.</summary>
    private static string Scalar(string text)
    {
        if (text.Length > 0 && !YamlWords.Contains(text) && !text.Contains("..", StringComparison.Ordinal)
            && text.Split(" -> ").All(part => PlainText().IsMatch(part)))
            return text;
        var b = new StringBuilder(text.Length + 2).Append('"');
        foreach (char ch in text)
        {
            if (ch is '"' or '\\') b.Append('\\').Append(ch);
            else if (char.IsControl(ch) || char.IsSurrogate(ch) || ch is '\u0085' or '\u2028' or '\u2029' or '\uFEFF')
                b.Append($"\\u{(int)ch:x4}");
            else b.Append(ch);
        }
        return b.Append('"').ToString();
    }
}
