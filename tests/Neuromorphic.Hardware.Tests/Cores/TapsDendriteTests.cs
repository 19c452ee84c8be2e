using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary>SANA-FE's multi-tap dendrite (<c>taps</c>) core by core, against steps worked by hand. SANA-FE's own run of
/// these two files (its <c>sim</c>, commit 8951ab0, 12 steps) wrote the same spikes.csv, potentials.csv, perf.csv and
/// messages.csv byte for byte, and the same run summary (docs/results.md).</summary>
public sealed class TapsDendriteTests
{
    // One core. A synaptic event costs 1 pJ and 1 ns, a taps dendrite's update 2 pJ and 0.5 ns, the accumulator's
    // nothing; a soma 1 pJ and 1 ns for each of access, update and spike; a message out 1 pJ and 1 ns.
    internal const string Arch = """
        architecture:
          name: taps_test
          attributes: {link_buffer_size: 4, width: 1, height: 1}
          tile:
            - name: tile
              attributes: {energy_north_hop: 0, latency_north_hop: 0, energy_east_hop: 0, latency_east_hop: 0,
                           energy_south_hop: 0, latency_south_hop: 0, energy_west_hop: 0, latency_west_hop: 0}
              core:
                - name: core
                  attributes: {buffer_position: soma, max_neurons_supported: 64}
                  axon_in: [{name: axon_in, attributes: {energy_message_in: 0.0, latency_message_in: 0.0}}]
                  synapse:
                    - {name: synapse, attributes: {model: current_based, energy_process_spike: 1.0e-12, latency_process_spike: 1.0e-9}}
                    - {name: synapse2, attributes: {model: current_based, energy_process_spike: 1.0e-12, latency_process_spike: 1.0e-9}}
                  dendrite:
                    - {name: plain, attributes: {model: accumulator, energy_update: 0.0, latency_update: 0.0}}
                    - {name: 'line[0..3]', attributes: {model: taps, energy_update: 2.0e-12, latency_update: 0.5e-9}}
                  soma:
                    - {name: soma, attributes: {model: leaky_integrate_fire, energy_access_neuron: 1.0e-12, latency_access_neuron: 1.0e-9,
                       energy_update_neuron: 1.0e-12, latency_update_neuron: 1.0e-9, energy_spike_out: 1.0e-12, latency_spike_out: 1.0e-9}}
                    - {name: 'in[0..2]', attributes: {model: input, energy_access_neuron: 0.0, latency_access_neuron: 0.0,
                       energy_update_neuron: 0.0, latency_update_neuron: 0.0, energy_spike_out: 0.0, latency_spike_out: 0.0}}
                  axon_out: [{name: axon_out, attributes: {energy_message_out: 1.0e-12, latency_message_out: 1.0e-9}}]
        """;

    // cell.0: three taps; cell.1: two, reached by cell.0 too; cell.2 an accumulator, for contrast. Each input neuron
    // has an input unit of its own (an input unit's train is shared by its neurons).
    internal static string Net(string cell0 = "taps: 3, time_constants: [0.8, 0.75, 0.5], space_constants: [0.125, 0.25]",
        string edge = "drive.2 -> cell.0: {weight: 16, tap: 2}") => $$"""
        network:
          name: taps_net
          groups:
            - name: drive
              attributes: {log_spikes: true}
              neurons:
                - 0: {soma_hw_name: 'in[0]', spikes: [1, 0, 0, 1, 0, 0, 0, 0, 1]}
                - 1: {soma_hw_name: 'in[1]', spikes: [0, 1, 0, 1, 0, 1]}
                - 2: {soma_hw_name: 'in[2]', spikes: [0, 0, 1, 0, 0, 0, 1]}
            - name: cell
              attributes: {log_potential: true, log_spikes: true}
              neurons:
                - 0: {dendrite_hw_name: 'line[0]', threshold: 12.0, reset_mode: soft, leak_decay: 0.9, {{cell0}}}
                - 1: {dendrite_hw_name: 'line[1]', threshold: 100.0, taps: 2, time_constants: [0.5, 0.9], space_constants: [0.3]}
                - 2: {dendrite_hw_name: plain, threshold: 100.0}
          edges:
            - drive.0 -> cell.0: {weight: 10, tap: 0}
            - drive.1 -> cell.0: {weight: 8, tap: 1}
            - {{edge}}
            - drive.0 -> cell.1: {weight: 4, tap: 1}
            - drive.2 -> cell.1: {weight: -2}
            - drive.1 -> cell.2: {weight: 3}
            - cell.0 -> cell.1: {weight: 5, tap: 1}
        mappings:
          - drive: {core: '0.0'}
          - cell: {core: '0.0'}
        """;

    private static readonly ChipArchitecture Chip = SanafeArchitectureReader.Parse(Arch, "taps_arch.yaml");

    [Fact]
    public async Task Charge_spreads_along_the_taps_and_reaches_the_soma_through_tap_0()
    {
        var net = SanafeNetworkReader.Parse(Net(), "taps_net.yaml", Chip);
        var run = await CoreSimulation.RunAsync(Chip, net, new CoreSimulationOptions(12));

        // cell.0, worked by hand (time constants 0.8, 0.75, 0.5; space constants 0.125 between taps 0-1, 0.25 between 1-2):
        // step 1: drive.0 puts 10 on tap 0: taps (10, 0, 0); the soma gets 10 in step 2.
        // step 2: the line first steps: tap 0 keeps 10·0.8 and passes 10·0.125 to tap 1: (6.75, 1.25, 0); drive.1 adds 8
        //   to tap 1: (6.75, 9.25, 0). The soma in step 3 (row 3): 10·0.9 + 6.75 = 15.75 > 12, it fires, and a soft
        //   reset leaves 3.75.
        // step 3: tap 0: 6.75·0.8 − 6.75·0.125 + 9.25·0.125 = 5.7125; tap 1: 9.25·0.75 + 6.75·0.125 − 9.25·(0.125 + 0.25)
        //   = 4.3125; tap 2: 9.25·0.25 = 2.3125, and drive.2 adds 16. The soma in step 4: 3.75·0.9 + 5.7125 = 9.0875.
        // cell.2 (accumulator): 3 from drive.1 in steps 2, 4 and 6. cell.1 goes negative in step 4: drive.0's 4 went onto
        // tap 1 in step 1 and spreads from there, and drive.2's −2 lands on tap 0 in step 3.
        Assert.Equal("""
            timestep,neuron cell.0,neuron cell.1,neuron cell.2,
            1,0,0,0,
            2,10,0,0,
            3,3.75,0,3,
            4,9.0875,-1.04,3,
            5,10.5669,0.80075,6,
            6,9.5,3.49368,6,
            7,5.46413,3.48438,9,
            8,0.679718,4.28545,9,
            9,0.609375,7.51404,9,
            10,3.79847,11.5622,9,
            11,3.40625,15.8997,9,
            12,3.0625,15.8906,9,

            """.ReplaceLineEndings("\n"), SanafeOutputWriter.Potentials(run, net));
        Assert.Equal("neuron,timestep\ndrive.0,1\ndrive.1,2\ncell.0,3\ndrive.2,3\ndrive.0,4\ndrive.1,4\ncell.0,5\ndrive.1,6\n" +
            "cell.0,7\ndrive.2,7\ncell.0,8\ndrive.0,9\ncell.0,10\n", SanafeOutputWriter.Spikes(run, net));

        // 21 synaptic events, 18 of them into taps dendrites (2 pJ each); 3 somas accessed a step and 39 updates.
        var s = run.Summary;
        Assert.Equal((21L, 13L, 39L, 13L), (s.SynapticEvents, s.Messages, s.NeuronsUpdated, s.NeuronsFired));
        Assert.Equal(21e-12, s.SynapseEnergy, 1e-24);
        Assert.Equal(36e-12, s.DendriteEnergy, 1e-24);
        Assert.Equal(72e-12, s.SomaEnergy, 1e-24);
        Assert.Equal(13e-12, s.NetworkEnergy, 1e-24);
        Assert.Equal(8.5e-8, s.SimulatedTime, 1e-20);
    }

    [Fact]
    public async Task An_exported_network_with_taps_runs_the_same()
    {
        var net = SanafeNetworkReader.Parse(Net(), "taps_net.yaml", Chip);
        var arch2 = SanafeArchitectureReader.Parse(SanafeTiny.RoundTripText(Chip), "taps_arch2.yaml");
        var net2 = SanafeNetworkReader.Parse(SanafeTiny.RoundTripText(net, arch2), "taps_net2.yaml", arch2);
        Assert.Equal(net.Connections.Tap.ToArray(), net2.Connections.Tap.ToArray());
        var run = await CoreSimulation.RunAsync(Chip, net, new CoreSimulationOptions(12));
        var run2 = await CoreSimulation.RunAsync(arch2, net2, new CoreSimulationOptions(12));
        Assert.Equal(SanafeOutputWriter.Potentials(run, net), SanafeOutputWriter.Potentials(run2, net2));
        Assert.Equal(SanafeOutputWriter.Perf(run), SanafeOutputWriter.Perf(run2));
    }

    [Theory]
    [InlineData("drive.2 -> cell.0: {weight: 16, tap: 3}", "has 3 taps (0..2)")]
    [InlineData("drive.2 -> cell.2: {weight: 16, tap: 1}", "'plain' (accumulator) has no taps")]
    [InlineData("drive.2 -> cell.0: {weight: 16, tap: 1, delay: 1}", "has no delays")]
    public void A_tap_the_dendrite_lacks_is_refused_naming_the_edge_line(string edge, string expected)
    {
        var net = SanafeNetworkReader.Parse(Net(edge: edge), "taps_net.yaml", Chip);
        var error = Assert.Throws<HardwareModelException>(() => MappedChip.Build(Chip, net, seed: 1));
        Assert.Contains("taps_net.yaml:19", error.Message); // the edge's line
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("taps: 3, time_constants: [0.8, 0.75], space_constants: [0.125, 0.25]", "2 time constants for 3 taps")]
    [InlineData("taps: 3, time_constants: [0.8, 0.75, 0.5], space_constants: [0.125]", "1 space constants for 3 taps")]
    [InlineData("taps: 0", "1 to 1024 taps")]
    [InlineData("taps: 3, time_constants: [0.8, 0.75, 0.5], space_constants: [0.125, 0.25], dendrite: {tau: 2}", "has no attribute 'tau'")]
    public void Constants_that_do_not_fit_the_taps_are_refused(string cell0, string expected)
    {
        var net = SanafeNetworkReader.Parse(Net(cell0), "taps_net.yaml", Chip);
        var error = Assert.Throws<HardwareModelException>(() => MappedChip.Build(Chip, net, seed: 1));
        Assert.Contains("taps_net.yaml", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_taps_unit_shared_across_synapse_units_refuses_a_tap()
    {
        // SANA-FE would key cell.1's taps by its number in synapse2, which collides with cell.0's in synapse.
        string net = Net().Replace("'line[1]', threshold: 100.0, taps: 2, time_constants: [0.5, 0.9], space_constants: [0.3]",
            "'line[0]', synapse_hw_name: synapse2, threshold: 100.0", StringComparison.Ordinal);
        var error = Assert.Throws<HardwareModelException>(() => MappedChip.Build(Chip, SanafeNetworkReader.Parse(net, "taps_net.yaml", Chip), seed: 1));
        Assert.Contains("more than one synapse unit", error.Message);
    }

    [Fact]
    public void A_shared_unit_takes_each_neuron_s_constants_in_sanafe_s_order()
    {
        // cell.1 now shares cell.0's three-tap unit: its one space constant comes before its tap count, as SANA-FE
        // applies them (sorted), and is too few for three taps, where SANA-FE stops too.
        string net = Net().Replace("'line[1]', threshold", "'line[0]', threshold", StringComparison.Ordinal);
        var error = Assert.Throws<HardwareModelException>(() => MappedChip.Build(Chip, SanafeNetworkReader.Parse(net, "taps_net.yaml", Chip), seed: 1));
        Assert.Contains("1 space constants for 3 taps", error.Message);
    }

    [Fact]
    public void A_taps_attribute_on_an_accumulator_names_the_dendrite()
    {
        string net = Net().Replace("dendrite_hw_name: plain, threshold: 100.0", "dendrite_hw_name: plain, threshold: 100.0, taps: 2", StringComparison.Ordinal);
        var error = Assert.Throws<HardwareModelException>(() => MappedChip.Build(Chip, SanafeNetworkReader.Parse(net, "taps_net.yaml", Chip), seed: 1));
        Assert.Contains("'taps' belongs to a taps dendrite", error.Message);
        Assert.Contains("'plain' is an accumulator dendrite", error.Message);
    }
}
