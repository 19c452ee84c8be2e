using System.Diagnostics;
using System.Text.RegularExpressions;
using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests;

/// <summary>SANA-FE's own example files load into the records the simulator expects, and write back unchanged.</summary>
public class SanafeReaderTests
{
    [Fact]
    public void Example_chip_and_network_load()
    {
        var arch = SanafeArchitectureReader.LoadFile(SanafeTiny.Reference("arch/example_chip.yaml"));
        Assert.Equal(("demo", 2, 1, 4), (arch.Name, arch.Width, arch.Height, arch.LinkBufferSize));
        Assert.Equal([(0, 0.0)], arch.Sync.Entries);
        Assert.Equal(2, arch.Tiles.Count);
        Assert.Equal(8, arch.Cores.Count);
        Assert.Equal(("demo_tile[1]", 1, 0), (arch.Tiles[1].Name, arch.Tiles[1].X, arch.Tiles[1].Y));
        Assert.Equal(2.5e-12, arch.Tiles[0].Hops.EnergyEast);
        var core = arch.Tiles[1].Cores[3];
        Assert.Equal(("demo_core[3]", 7, BufferPosition.BeforeSoma, 100), (core.Name, core.Id, core.Buffer, core.MaxNeurons));
        Assert.Equal(["demo_soma_default", "demo_soma_alt", "demo_input"], core.Somas.Select(s => s.Name));
        Assert.Equal(new SomaCosts(50e-12, 60e-12, 30e-12), core.Somas[1].SomaEnergy);
        Assert.Equal(20e-12, core.Synapses[0].EnergyProcessSpike);
        Assert.True(core.Dendrites[0].UpdateEveryTimestep);
        Assert.Equal(100e-12, core.AxonOut[0].Energy);

        var net = SanafeNetworkReader.LoadFile(SanafeTiny.Reference("snn/example_snn.yaml"), arch);
        Assert.Equal(["in", "out"], net.Groups.Select(g => g.Name));
        Assert.Equal(4, net.NeuronCount);
        var c = net.Connections;
        Assert.Equal(5, c.Count);
        Assert.Equal([3, 0, 0, 1, 1], c.Pre.ToArray());
        Assert.Equal([3, 2, 3, 2, 3], c.Post.ToArray());
        Assert.Equal([-4.0, -1, 2, 1, 3], c.Weight.ToArray());
        Assert.Equal([(0, 0), (0, 1), (0, 0), (0, 0)],
            Enumerable.Range(0, 4).Select(i => (net.Neuron(i).Placement!.Tile, net.Neuron(i).Placement!.CoreOffset)));
        Assert.Equal("demo_input", net.Neuron(1).SomaUnit);
        Assert.Null(net.Neuron(2).SomaUnit);
        Assert.Equal([0, 1, 2, 3], net.MappingOrder);
        Assert.False(net.Neuron(0).LogSpikes);
        Assert.True(net.Neuron(1).LogSpikes);
        Assert.Equal(["1", "0", "1"], net.Neuron(1).SomaAttributes["spikes"].Items!.Select(v => v.Text));
        var o = net.Neuron(3);
        Assert.True(o.LogPotential);
        Assert.False(o.LogSpikes);
        Assert.Equal("2", o.SomaAttributes["threshold"].Text);
        Assert.False(o.DendriteAttributes.ContainsKey("threshold"));
        Assert.Equal("true", o.DendriteAttributes["log_u"].Text);
    }

    [Fact]
    public void Loihi_has_128_cores_with_1024_input_units_and_a_sync_table()
    {
        var arch = SanafeArchitectureReader.LoadFile(SanafeTiny.Reference("arch/loihi.yaml"));
        Assert.Equal(32, arch.Tiles.Count);
        Assert.All(arch.Tiles, t => Assert.Equal(4, t.Cores.Count));
        Assert.Equal((1, 1), (arch.Tiles[5].X, arch.Tiles[5].Y));
        Assert.Equal([(1, 0.6e-6), (2, 1.0e-6), (4, 1.4e-6), (29, 1.8e-6)], arch.Sync.Entries);
        var core = arch.Cores[127];
        Assert.Equal(1025, core.Somas.Count);
        Assert.Equal(1024, core.Somas.Count(s => s.Model == "input"));
        Assert.Equal("loihi_inputs[1023]", core.Somas[^1].Name);
        Assert.Equal(["loihi_dense_synapse", "loihi_sparse_synapse", "loihi_conv_synapse"], core.Synapses.Select(s => s.Name));
        Assert.Equal(33.6e-12, core.Synapses[1].EnergyProcessSpike);
        Assert.Equal(new SomaCosts(6.0e-9, 3.7e-9, 30.0e-9), core.Somas[0].SomaLatency);
        // Copies of one ranged core block share their (immutable) unit records: the block is read once.
        Assert.Same(core.Somas[0], arch.Cores[0].Somas[0]);
    }

    [Fact]
    public void Dvs_network_expands_to_every_connection()
    {
        string path = SanafeTiny.Reference("snn/dvs.yaml");
        var arch = SanafeArchitectureReader.LoadFile(SanafeTiny.Reference("arch/loihi.yaml"));
        SanafeNetworkReader.LoadFile(path, arch);  // warm up the JIT, so the timing is of the reader
        var watch = Stopwatch.StartNew();
        var net = SanafeNetworkReader.LoadFile(path, arch);
        watch.Stop();
        TestContext.Current.SendDiagnosticMessage($"dvs.yaml: {net.NeuronCount} neurons, {net.Connections.Count} connections in {watch.ElapsedMilliseconds} ms");

        Assert.Equal(18_678, net.NeuronCount);
        int Size(string g) => net.Groups.Single(x => x.Name == g).Neurons.Count;
        // The expected count from the file's own edge headers: a conv2d edge makes one connection per output
        // neuron, input channel and kernel cell; a dense edge one per source-target pair.
        long expected = 0;
        foreach (var edge in Regex.Split(File.ReadAllText(path), @"\n  - (?=\d+ -> \d+:)").Skip(1))
        {
            var ends = Regex.Match(edge, @"^(\d+) -> (\d+):");
            int P(string key) => int.Parse(Regex.Match(edge, $@"\b{key}: (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (edge.Contains("type: dense", StringComparison.Ordinal))
                expected += (long)Size(ends.Groups[1].Value) * Size(ends.Groups[2].Value);
            else
            {
                long outW = (P("input_width") - P("kernel_width")) / P("stride_width") + 1;
                long outH = (P("input_height") - P("kernel_height")) / P("stride_height") + 1;
                expected += P("kernel_count") * outW * outH * P("input_channels") * P("kernel_width") * P("kernel_height");
            }
        }
        // By hand: 15x15x16 x 1x3x3 + 13x13x32 x 16x3x3 + 11x11x64 x 32x3x3 + 9x9x11 x 64x3x3 + 891 x 11.
        Assert.Equal(32_400 + 778_752 + 2_230_272 + 513_216 + 9_801, expected);
        var c = net.Connections;
        Assert.Equal(expected, c.Count);

        // First connection of 0 -> 1: output (0,0,0) from input (0,0,0), kernel cell 0, weight index 0.
        Assert.Equal((0, 1024, -40.0), (c.Pre[0], c.Post[0], c.Weight[0]));
        // Then kernel column 1 (input x 1) and kernel row 1 (input y 1 = neuron 32).
        Assert.Equal((1, 1024), (c.Pre[1], c.Post[1]));
        Assert.Equal((32, 1024), (c.Pre[3], c.Post[3]));
        // Second output neuron of 0 -> 1 sits at x 1, so its inputs start at x 2 (stride 2).
        Assert.Equal((2, 1025), (c.Pre[9], c.Post[9]));
        // 1 -> 2 begins with group 2's first neuron fed by group 1's first; 4 -> 5 (dense) ends the list.
        Assert.Equal((1024, 1024 + 3600, 48.0), (c.Pre[32_400], c.Post[32_400], c.Weight[32_400]));
        int dense = c.Count - 9_801, first4 = 18_678 - 11 - 891;
        Assert.Equal((first4, 18_667, -18.0), (c.Pre[dense], c.Post[dense], c.Weight[dense]));
        Assert.Equal((first4, 18_668, -8.0), (c.Pre[dense + 1], c.Post[dense + 1], c.Weight[dense + 1]));

        Assert.Equal(18_667, net.MappingOrder[0]);
        Assert.Equal((12, 0), (net.Neuron(1023).Placement!.Tile, net.Neuron(1023).Placement!.CoreOffset));
        Assert.Equal("loihi_conv_synapse", net.Neuron(1023).SynapseUnit);
        Assert.Equal("6", net.Neuron(2).SomaAttributes["bias"].Text);
        Assert.Equal("255", net.Neuron(2).DendriteAttributes["threshold"].Text);
        Assert.True(net.Neuron(18_677).LogPotential);
        Assert.False(net.Neuron(18_676).LogPotential);
    }

    [Fact]
    public void Example_files_round_trip_through_the_writer()
    {
        var arch = SanafeArchitectureReader.LoadFile(SanafeTiny.Reference("arch/example_chip.yaml"));
        var again = SanafeArchitectureReader.Parse(SanafeTiny.RoundTripText(arch), "written_arch.yaml");
        SanafeTiny.AssertEqual(arch, again);
        var net = SanafeNetworkReader.LoadFile(SanafeTiny.Reference("snn/example_snn.yaml"), arch);
        SanafeTiny.AssertEqual(net, SanafeNetworkReader.Parse(SanafeTiny.RoundTripText(net, again), "written_snn.yaml", again));

        var loihi = SanafeArchitectureReader.LoadFile(SanafeTiny.Reference("arch/loihi.yaml"));
        SanafeTiny.AssertEqual(loihi, SanafeArchitectureReader.Parse(SanafeTiny.RoundTripText(loihi), "written_loihi.yaml"));
    }

    [Fact]
    public void Dvs_network_round_trips_through_the_writer()
    {
        var arch = SanafeArchitectureReader.LoadFile(SanafeTiny.Reference("arch/loihi.yaml"));
        var net = SanafeNetworkReader.LoadFile(SanafeTiny.Reference("snn/dvs.yaml"), arch);
        string text = SanafeTiny.RoundTripText(net, arch);
        var watch = Stopwatch.StartNew();
        var again = SanafeNetworkReader.Parse(text, "written_dvs.yaml", arch);
        TestContext.Current.SendDiagnosticMessage($"written dvs: {text.Length / 1e6:0.0} MB read back in {watch.ElapsedMilliseconds} ms");
        SanafeTiny.AssertEqual(net, again);
    }

    [Fact]
    public void Tiny_files_round_trip_with_delays_and_split_attributes()
    {
        var arch = SanafeTiny.LoadArch();
        string net = SanafeTiny.Net.Replace("{weight: 9}", "{weight: 0.1, dendrite: {delay: 3}}")
            .Replace("- 1: {bias: 2}", "- 1: {bias: 2, soma: {bias: 5, 'odd key': \"x: y\"}, dendrite: {log_spikes: 1}}");
        var spec = SanafeNetworkReader.Parse(net, "tiny.yaml", arch);
        Assert.Equal(3, spec.Connections.Delay[^1]);
        Assert.Equal("5", spec.Neuron(5).SomaAttributes["bias"].Text);
        Assert.Equal("2", spec.Neuron(5).DendriteAttributes["bias"].Text);
        SanafeTiny.AssertEqual(spec, SanafeNetworkReader.Parse(SanafeTiny.RoundTripText(spec, arch), "again.yaml", arch));
        SanafeTiny.AssertEqual(arch, SanafeArchitectureReader.Parse(SanafeTiny.RoundTripText(arch), "again_arch.yaml"));
    }
    // A chip of tiles × cores, every core one block with `inputs` input somas (SANA-FE's loihi_large.yaml: 1,024 tiles of
    // 4 cores, each with 1,024 input units).
    private static string ManyCores(int tiles, int cores, int inputs, int width, int height) => $$$"""
        architecture:
          name: many
          attributes: {width: {{{width}}}, height: {{{height}}}, link_buffer_size: 1}
          tile:
            - name: t[0..{{{tiles - 1}}}]
              attributes: {energy_north_hop: 0, latency_north_hop: 0, energy_south_hop: 0, latency_south_hop: 0,
                           energy_east_hop: 0, latency_east_hop: 0, energy_west_hop: 0, latency_west_hop: 0}
              core:
                - name: c[0..{{{cores - 1}}}]
                  attributes: {buffer_position: soma, max_neurons_supported: 1024}
                  axon_in: [{name: ain, attributes: {energy_message_in: 0, latency_message_in: 0}}]
                  synapse: [{name: syn, attributes: {model: current_based}}]
                  dendrite: [{name: den, attributes: {model: accumulator}}]
                  soma: [{name: 'in[0..{{{inputs - 1}}}]', attributes: {model: input}}]
                  axon_out: [{name: aout, attributes: {energy_message_out: 0, latency_message_out: 0}}]
        """;

    [Fact]
    public void Copies_of_a_ranged_core_share_its_units_so_a_32_chip_loihi_file_loads()
    {
        // 4,096 cores of 1,028 units each would be 4.2 million units, past MaxUnits, were each copy counted (and built).
        var arch = SanafeArchitectureReader.Parse(ManyCores(1024, 4, 1024, 256, 128), "large.yaml");
        Assert.Equal(4096, arch.Cores.Count);
        Assert.Equal(1024, arch.Cores[4095].Somas.Count);
        Assert.Same(arch.Cores[0].Somas, arch.Cores[4095].Somas);
        Assert.Equal(("t[1023]", 7, 127), (arch.Tiles[1023].Name, arch.Tiles[1023].X, arch.Tiles[1023].Y));

        // Written back with its ranges (one tile block, one core block, one line of inputs), and read back equal.
        string text = SanafeTiny.RoundTripText(arch);
        Assert.InRange(text.Length, 1, 2000);
        Assert.Contains("name: \"in[0..1023]\"", text);
        SanafeTiny.AssertEqual(arch, SanafeArchitectureReader.Parse(text, "large_again.yaml"));
    }

    [Fact]
    public void A_file_making_more_cores_than_the_limit_is_refused_naming_the_core()
    {
        var error = Assert.Throws<HardwareModelException>(() =>
            SanafeArchitectureReader.Parse(ManyCores(65536, 17, 1, 256, 256), "huge.yaml"));
        Assert.Contains("huge.yaml", error.Message);
        Assert.Contains($"more than {SanafeArchitectureReader.MaxCores} cores", error.Message);
        Assert.Contains("architecture.tile[61680].core[16]", error.Message); // core 1,048,576 counted from 0
    }
}
