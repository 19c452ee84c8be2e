using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests;

/// <summary>Each kind of mistake in a SANA-FE file is reported with its file, line and field.</summary>
public class SanafeErrorTests
{
    private static int LineOf(string yaml, string text) =>
        yaml.Split('\n').Select((l, i) => (l, i)).First(x => x.l.Contains(text, StringComparison.Ordinal)).i + 1;

    private static void Check(HardwareModelException e, string yaml, string lineText, string field, string messagePart)
    {
        Assert.Equal(LineOf(yaml, lineText), e.Line);
        Assert.Equal(field, e.Field);
        Assert.Contains(messagePart, e.Message);
    }

    private static void Arch(string from, string to, string lineText, string field, string messagePart)
    {
        string y = SanafeTiny.Arch.Replace(from, to);
        Assert.NotEqual(SanafeTiny.Arch, y);
        var e = Assert.Throws<HardwareModelException>(() => SanafeArchitectureReader.Parse(y, "bad_arch.yaml"));
        Assert.Equal("bad_arch.yaml", e.File);
        Check(e, y, lineText, field, messagePart);
    }

    private static void Net(string from, string to, string lineText, string field, string messagePart)
    {
        string y = SanafeTiny.Net.Replace(from, to);
        Assert.NotEqual(SanafeTiny.Net, y);
        var e = Assert.Throws<HardwareModelException>(() => SanafeNetworkReader.Parse(y, "bad.yaml", SanafeTiny.LoadArch()));
        Assert.Equal("bad.yaml", e.File);
        Check(e, y, lineText, field, messagePart);
    }

    [Fact]
    public void A_buffer_inside_the_dendrite_is_refused_in_the_files_own_words()
    {
        // SANA-FE's own 32-chip loihi_large.yaml puts it there; SANA-FE's accumulator then passes no charge to the somas.
        var arch = SanafeArchitectureReader.Parse(
            SanafeTiny.Arch.Replace("{buffer_position: soma,", "{buffer_position: dendrite, buffer_inside_unit: true,", StringComparison.Ordinal), "inside.yaml");
        var net = SanafeNetworkReader.Parse(SanafeTiny.Net, "tiny.yaml", arch);
        var e = Assert.Throws<HardwareModelException>(() => MappedChip.Build(arch, net, seed: 1));
        Assert.Equal(("inside.yaml", "buffer_position"), (e.File, e.Field));
        Assert.Contains("inside the dendrite (buffer_position: dendrite, buffer_inside_unit: true)", e.Message);
        Assert.Contains("only 'buffer_position: soma' with 'buffer_inside_unit: false'", e.Message);
    }

    [Fact]
    public void Tiny_files_load()
    {
        var net = SanafeNetworkReader.Parse(SanafeTiny.Net, "tiny.yaml", SanafeTiny.LoadArch());
        Assert.Equal(9, net.Connections.Count);
        Assert.Equal([1.0, 2, 3, 4, 5, 6, 7, 8, 9], net.Connections.Weight.ToArray());
        Assert.Equal((0, 1), (net.Neuron(4).Placement!.Tile, net.Neuron(4).Placement!.CoreOffset));
        Assert.Equal("src", net.Neuron(4).SomaUnit);
    }

    [Fact]
    public void Architecture_missing_key_bad_number_missing_section_plugin_and_soma_costs()
    {
        Arch("attributes: {buffer_position: soma, max_neurons_supported: 4}", "attributes: {buffer_position: soma}",
            "buffer_position: soma", "architecture.tile[0].core[0].max_neurons_supported", "'max_neurons_supported' is missing");
        Arch("energy_east_hop: 2e-12", "energy_east_hop: 2 pJ", "energy_east_hop", "architecture.tile[0].energy_east_hop", "expected a finite number");
        Arch("          axon_out: [{name: aout, attributes: {energy_message_out: 1e-12, latency_message_out: 1e-9}}]", "",
            "- name: c[0..1]", "architecture.tile[0].core[0].axon_out", "no axon_out section");
        Arch("attributes: {model: accumulator}", "attributes: {model: custom, plugin: lib.so}", "plugin: lib.so",
            "architecture.tile[0].core[0].dendrite[0].plugin", "not supported");
        Arch("                energy_spike_out: 3e-12\n", "", "energy_access_neuron",
            "architecture.tile[0].core[0].soma[0].energy_spike_out", "go together");
        Arch("{width: 1, height: 2,", "{width: 1, height: 1,", "- name: t[0..1]", "architecture.tile[0]", "do not fit");
    }

    [Fact]
    public void Missing_required_key() =>
        Net("    - name: b\n      attributes: []\n      neurons:\n        - 0\n        - 1: {bias: 2}\n", "    - name: b\n      attributes: []\n",
            "- name: b", "network.groups[1].neurons", "'neurons' is missing");

    [Fact]
    public void Bad_number() =>
        Net("weight: [1, 2, 3,", "weight: [1, two, 3,", "a -> b", "network.edges[0].weight[1]", "expected a finite number, found 'two'");

    [Fact]
    public void Unknown_unit_in_a_mapping() =>
        Net("soma: src}", "soma: nosuch}", "b.0:", "mappings[1].soma", "unknown soma unit 'nosuch'");

    [Fact]
    public void Unknown_core() =>
        Net("- b.1: {core: '1.0'}", "- b.1: {core: '1.5'}", "- b.1: {core", "mappings[2].core", "unknown core 1.5");

    [Fact]
    public void Unmapped_neuron() =>
        Net("  - b.1: {core: '1.0'}", "", "mappings:", "mappings", "neuron b.1 is not mapped");

    [Fact]
    public void Duplicate_mapping() =>
        Net("  - b.1: {core: '1.0'}", "  - b.1: {core: '1.0'}\n  - a.2: {core: '1.1'}", "a.2:", "mappings[3]", "a.2 is already mapped");

    [Fact]
    public void Over_capacity_core() =>
        Net("- b.0: {core: '0.1', soma: src}", "- b.0: {core: '0.0', soma: src}", "b.0:", "mappings[1].core", "over capacity");

    [Fact]
    public void Conv2d_size_mismatch() =>
        Net("{type: dense, weight: [1, 2, 3, 4, 5, 6, 7, 8]}",
            "{type: conv2d, input_width: 2, input_height: 2, input_channels: 1, kernel_width: 1, kernel_height: 1, kernel_count: 1, stride_width: 1, stride_height: 1, weight: [1]}",
            "a -> b", "network.edges[0]", "conv2d size mismatch");

    [Fact]
    public void Weight_list_too_short() =>
        Net("weight: [1, 2, 3, 4, 5, 6, 7, 8]", "weight: [1, 2, 3, 4, 5, 6, 7]", "a -> b", "network.edges[0].weight", "has 7 values; this edge needs 8");

    [Fact]
    public void Unknown_edge_type() =>
        Net("type: dense", "type: ring", "a -> b", "network.edges[0].type", "unknown hyperedge type 'ring'");

    [Fact]
    public void Unknown_edge_attribute() =>
        Net("{weight: 9}", "{weight: 9, colour: red}", "a.0 -> b.1", "network.edges[1].colour", "unknown edge attribute 'colour'");

    [Fact]
    public void Neuron_index_on_one_side_only() =>
        Net("- a.0 -> b.1:", "- a.0 -> b:", "a.0 -> b", "network.edges[1]", "not on one side only");

    [Fact]
    public void Neuron_id_gap() =>
        Net("        - 1: {bias: 2}", "        - 2: {bias: 2}", "- 2: {bias: 2}", "network.groups[1].neurons[1]", "offset 2 is outside 0..1");

    [Fact]
    public void Yaml_syntax_error() =>
        Net("{weight: 9}", "{weight: 9", "{weight: 9", "(syntax)", "YAML");
}
