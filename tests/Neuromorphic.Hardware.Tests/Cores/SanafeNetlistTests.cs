using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary>SANA-FE's legacy netlist format (<c>sim -n</c>). SANA-FE's own <c>example.net</c> on its example chip, and
/// <see cref="Netlist"/> here on <see cref="TapsDendriteTests.Arch"/>, gave the same four trace files byte for byte and
/// the same run summary in SANA-FE (docs/results.md); here the netlist must also run as the same network in YAML.</summary>
public sealed class SanafeNetlistTests
{
    // The YAML network's neurons, one a group (SANA-FE takes units and trace flags on group lines only): groups 0-2 its
    // drive.0-2, groups 3-5 its cell.0-2. key=value fields where values are single, a YAML flow collection where a
    // neuron needs lists, a neuron line over its group's defaults (5.0's threshold), w for weight.
    internal const string Netlist = """
        # the taps network, as a netlist
        g 1 soma_hw_name=in[0] log_spikes=1
        g 1 soma_hw_name=in[1] log_spikes=1
        g 1 soma_hw_name=in[2] log_spikes=1
        g 1   dendrite_hw_name=line[0] log_v=1 log_spikes=1
        g 1   dendrite_hw_name=line[1] log_v=1 log_spikes=1
        g 1   dendrite_hw_name=plain log_v=1 log_spikes=1 threshold=50.0
        n 0.0 {spikes: [1, 0, 0, 1, 0, 0, 0, 0, 1]}
        n 1.0 [spikes: [0, 1, 0, 1, 0, 1]]
        n 2.0 {spikes: [0, 0, 1, 0, 0, 0, 1]}
        n 3.0 {threshold: 12.0, reset_mode: soft, leak_decay: 0.9, taps: 3, time_constants: [0.8, 0.75, 0.5], space_constants: [0.125, 0.25]}
        n 4.0 {threshold: 100.0, taps: 2, time_constants: [0.5, 0.9], space_constants: [0.3]}
        n 5.0 threshold=100.0 connections_out=0

        e 0.0->3.0 weight=10 tap=0
        e 1.0->3.0 weight=8 tap=1
        e 2.0->3.0 w=16 tap=2
        e 0.0->4.0 weight=4 tap=1
        e 2.0->4.0 weight=-2
        e 1.0->5.0 weight=3
        e 3.0->4.0 weight=5 tap=1
        & 0.0@0.0
        & 1.0@0.0
        & 2.0@0.0
        & 3.0@0.0
        & 4.0@0.0
        & 5.0@0.0
        """;

    private static readonly ChipArchitecture Chip = SanafeArchitectureReader.Parse(TapsDendriteTests.Arch, "taps_arch.yaml");

    [Fact]
    public async Task A_netlist_runs_as_the_same_network_in_YAML()
    {
        var yaml = SanafeNetworkReader.Parse(TapsDendriteTests.Net(), "taps_net.yaml", Chip);
        var netlist = SanafeNetlistReader.Parse(Netlist, "taps.net", Chip);
        Assert.Equal(["0", "1", "2", "3", "4", "5"], netlist.Groups.Select(g => g.Name));
        Assert.Equal(yaml.Connections.Weight.ToArray(), netlist.Connections.Weight.ToArray());
        Assert.Equal(yaml.Connections.Tap.ToArray(), netlist.Connections.Tap.ToArray());
        Assert.Equal(17, netlist.Connections.LineOf(2)); // e 2.0->3.0

        var a = await CoreSimulation.RunAsync(Chip, yaml, new CoreSimulationOptions(12));
        var b = await CoreSimulation.RunAsync(Chip, netlist, new CoreSimulationOptions(12));
        Assert.Equal(SanafeOutputWriter.Perf(a), SanafeOutputWriter.Perf(b));
        // The same rows under other names: cell.k is group 3 + k.
        static string Rows(string csv) => csv[csv.IndexOf('\n', StringComparison.Ordinal)..];
        Assert.Equal(Rows(SanafeOutputWriter.Potentials(a, yaml)), Rows(SanafeOutputWriter.Potentials(b, netlist)));
        Assert.Equal("timestep,neuron 3.0,neuron 4.0,neuron 5.0,", SanafeOutputWriter.Potentials(b, netlist).Split('\n')[0]);
        Assert.Equal(a.Spikes.Count, b.Spikes.Count);
    }

    [Fact]
    public void A_file_named_dot_net_is_read_as_a_netlist()
    {
        string path = Path.Combine(Path.GetTempPath(), $"netlist-{Guid.NewGuid():N}.net");
        File.WriteAllText(path, Netlist);
        try
        {
            var net = SanafeNetworkReader.LoadFile(path, Chip);
            Assert.Equal(6, net.NeuronCount);
            Assert.Equal(7, net.Connections.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("x 0.0", "unknown entry 'x'")]
    [InlineData("n 1.0 bias=1", "group 1 is not defined yet")]
    [InlineData("n 0.3 bias=1", "group 0 has 3 neurons")]
    [InlineData("n 0.0 bias = 1", "expected key=value")]
    [InlineData("n 0.0 {bias: [1, 2}", "in the attributes '{bias: [1, 2}'")]
    [InlineData("e 0.0->0.1 weight=1 mode=fast", "unknown edge attribute 'mode'")]
    [InlineData("e 0.0-0.1 weight=1", "expected 'G.N->H.M'")]
    [InlineData("e 0.0->0.1 delay=-1", "from 0 to")]
    [InlineData("& 0.0@0.1", "tile 0 has 1 cores")]
    [InlineData("& 0.0@0.0 soma=x", "a mapping takes no attributes")]
    [InlineData("g 0", "a whole number of 1 or more")]
    [InlineData("n 0.0 soma_hw_name=x", "belongs on the group's 'g' line")]
    [InlineData("n 0.0 bias=1 bias=2", "'bias' is given twice")]
    [InlineData("e 0.0->0.1 weight=2 w=1", "both 'weight' and 'w'")]
    [InlineData("g 2 log_potential=1", "with log_v")]
    public void A_bad_entry_is_refused_naming_its_line(string entry, string expected)
    {
        var error = Assert.Throws<HardwareModelException>(() => SanafeNetlistReader.Parse($"g 3\n{entry}\ng 3\n", "bad.net", Chip));
        Assert.Equal(("bad.net", 2), (error.File, error.Line));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Unmapped_twice_mapped_and_overfull_neurons_are_refused()
    {
        var unmapped = Assert.Throws<HardwareModelException>(() => SanafeNetlistReader.Parse("g 2\n& 0.0@0.0\n", "a.net", Chip));
        Assert.Contains("neuron 0.1 is not mapped", unmapped.Message);
        var twice = Assert.Throws<HardwareModelException>(() => SanafeNetlistReader.Parse("g 1\n& 0.0@0.0\n& 0.0@0.0\n", "a.net", Chip));
        Assert.Equal(3, twice.Line);
        Assert.Contains("already mapped (on line 2)", twice.Message);
        string full = "g 65\n" + string.Concat(Enumerable.Range(0, 65).Select(i => $"& 0.{i}@0.0\n"));
        var over = Assert.Throws<HardwareModelException>(() => SanafeNetlistReader.Parse(full, "a.net", Chip));
        Assert.Equal(66, over.Line);
        Assert.Contains("supports 64", over.Message);
    }

    [Fact]
    public void A_line_longer_than_the_limit_is_refused_without_reading_it_whole()
    {
        string text = "g 1\n# " + new string('x', SanafeNetlistReader.MaxLineChars) + "\n& 0.0@0.0\n";
        var error = Assert.Throws<HardwareModelException>(() => SanafeNetlistReader.Parse(text, "long.net", Chip));
        Assert.Equal(2, error.Line);
        Assert.Contains("longer than", error.Message);
    }
}
