using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary>Loihi's recorded noise stream (a soma unit's <c>noise</c> file), against steps worked by hand. SANA-FE's own
/// run of these files (its <c>sim</c>, commit 8951ab0, 30 steps) wrote the same four trace files byte for byte and the
/// same run summary (docs/results.md).</summary>
public sealed class LoihiNoiseTests : IDisposable
{
    // 37 numbers, so that a unit read twice a step wraps to the first in step 19.
    private const string Sequence = "31\n-146\n104\n-251\n-226\n248\n-204\n74\n296\n-241\n219\n-81\n-262\n-212\n144\n128\n-229\n-54\n" +
        "-208\n264\n134\n-240\n279\n-174\n-72\n296\n-237\n290\n299\n106\n-250\n-74\n-253\n270\n-164\n-4\n129\n";

    // Two cores; three LIF somas, two of them noisy (6 bits, and the default 7), and an input.
    private const string Arch = """
        architecture:
          name: noise_test
          attributes: {link_buffer_size: 4, width: 1, height: 1}
          tile:
            - name: tile
              attributes: {energy_north_hop: 0, latency_north_hop: 0, energy_east_hop: 0, latency_east_hop: 0,
                           energy_south_hop: 0, latency_south_hop: 0, energy_west_hop: 0, latency_west_hop: 0}
              core:
                - name: 'core[0..1]'
                  attributes: {buffer_position: soma, max_neurons_supported: 16}
                  axon_in: [{name: axon_in, attributes: {energy_message_in: 0.0, latency_message_in: 0.0}}]
                  synapse: [{name: synapse, attributes: {model: current_based, energy_process_spike: 1.0e-12, latency_process_spike: 1.0e-9}}]
                  dendrite: [{name: dendrite, attributes: {model: accumulator, energy_update: 0.0, latency_update: 0.0}}]
                  soma:
                    - {name: quiet, attributes: {model: leaky_integrate_fire, energy_access_neuron: 1.0e-12, latency_access_neuron: 1.0e-9,
                       energy_update_neuron: 2.0e-12, latency_update_neuron: 1.0e-9, energy_spike_out: 4.0e-12, latency_spike_out: 1.0e-9}}
                    - {name: noisy, attributes: {model: leaky_integrate_fire, NOISE, energy_access_neuron: 1.0e-12,
                       latency_access_neuron: 1.0e-9, energy_update_neuron: 3.0e-12, latency_update_neuron: 1.0e-9, energy_spike_out: 4.0e-12, latency_spike_out: 1.0e-9}}
                    - {name: noisy7, attributes: {model: leaky_integrate_fire, noise: seq.csv, energy_access_neuron: 1.0e-12, latency_access_neuron: 1.0e-9,
                       energy_update_neuron: 3.0e-12, latency_update_neuron: 1.0e-9, energy_spike_out: 4.0e-12, latency_spike_out: 1.0e-9}}
                    - {name: stim, attributes: {model: input, energy_access_neuron: 0.0, latency_access_neuron: 0.0,
                       energy_update_neuron: 0.0, latency_update_neuron: 0.0, energy_spike_out: 0.0, latency_spike_out: 0.0}}
                  axon_out: [{name: axon_out, attributes: {energy_message_out: 1.0e-12, latency_message_out: 1.0e-9}}]
        """;

    private const string Net = """
        network:
          name: noise_net
          groups:
            - name: drive
              attributes: {soma_hw_name: stim, log_spikes: true}
              neurons:
                - 0: {spikes: [1, 0, 1, 1, 0, 0, 1]}
            - name: cell
              attributes: {log_potential: true, log_spikes: true, threshold: 40.0, leak_decay: 0.75}
              neurons:
                - 0: {soma_hw_name: noisy}
                - 1: {soma_hw_name: noisy}
                - 2: {soma_hw_name: quiet}
                - 3: {soma_hw_name: noisy7, reset_mode: soft}
                - 4: {soma_hw_name: noisy}
          edges:
            - drive.0 -> cell.0: {weight: 20}
            - drive.0 -> cell.2: {weight: 30}
            - drive.0 -> cell.4: {weight: 25}
            - cell.0 -> cell.3: {weight: 50}
        mappings:
          - drive.0: {core: '0.0'}
          - cell.0..3: {core: '0.0'}
          - cell.4: {core: '0.1'}
        """;

    private readonly string folder = Directory.CreateTempSubdirectory("noise-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private ChipArchitecture Chip(string noise = "noise: seq.csv, noise_bits: 6", string sequence = Sequence)
    {
        File.WriteAllText(Path.Combine(folder, "seq.csv"), sequence);
        return SanafeArchitectureReader.Parse(Arch.Replace("NOISE", noise, StringComparison.Ordinal), Path.Combine(folder, "noise_arch.yaml"));
    }

    [Fact]
    public async Task Each_unit_reads_the_sequence_in_neuron_order_from_its_start_on_every_core()
    {
        var chip = Chip();
        var net = SanafeNetworkReader.Parse(Net, "noise_net.yaml", chip);
        var run = await CoreSimulation.RunAsync(chip, net, new CoreSimulationOptions(30));
        var rows = SanafeOutputWriter.Potentials(run, net).Split('\n');

        // Step 1: cell.0 and cell.1 share unit 'noisy' on core 0.0 and take its first two numbers: 31 (low 6 bits 31)
        // and -146 (low 6 bits 46, bit 8 set: 46 - 64 = -18). cell.3 (unit noisy7) and cell.4 (core 0.1) start
        // their own reading at 31. Step 2: cell.0 leaks to 23.25, adds 104 (low bits 40) and drive.0's 20: 83.25 > 40,
        // it fires and resets to 0; cell.1 leaks to -13.5 and adds -251 (5 - 64 = -59): -72.5. The quiet cell.2 takes
        // drive.0's 30 alone.
        Assert.Equal("timestep,neuron cell.0,neuron cell.1,neuron cell.2,neuron cell.3,neuron cell.4,", rows[0]);
        Assert.Equal("1,31,-18,0,31,31,", rows[1]);
        Assert.Equal("2,0,-72.5,30,5.25,30.25,", rows[2]);
        Assert.Equal("3,-34,1.625,22.5,117.938,0,", rows[3]);
        // Step 19: unit 'noisy' on core 0.0 has read all 37 numbers once cell.0 takes the 37th (129); cell.1 wraps to
        // the first, 31: -71.1719 leaks to -53.378..., truncated to -53.375, plus 31 = -22.375.
        Assert.Equal("19,-110.141,-22.375,0,-190.938,-71.2656,", rows[19]);
        Assert.Equal("neuron,timestep\ndrive.0,1\ncell.0,2\ncell.3,3\ncell.4,3\ndrive.0,3\ncell.2,4\ndrive.0,4\ncell.0,7\ndrive.0,7\n" +
            "cell.2,8\ncell.3,8\ncell.4,8\ncell.3,13\ncell.1,25\n", SanafeOutputWriter.Spikes(run, net));
        Assert.Equal((14L, 124L, 14L), (run.Summary.SynapticEvents, run.Summary.NeuronsUpdated, run.Summary.NeuronsFired));
        Assert.Equal(543e-12, run.Summary.SomaEnergy, 1e-22);
    }

    [Fact]
    public async Task An_exported_chip_names_its_noise_file_wherever_it_is_written()
    {
        var chip = Chip();
        var text = SanafeTiny.RoundTripText(chip);
        Assert.Contains($"noise: \"{Path.Combine(folder, "seq.csv")}\"", text); // in full, quoted
        var elsewhere = SanafeArchitectureReader.Parse(text, Path.Combine(Path.GetTempPath(), "elsewhere.yaml"));
        var net = SanafeNetworkReader.Parse(Net, "noise_net.yaml", chip);
        var net2 = SanafeNetworkReader.Parse(Net, "noise_net.yaml", elsewhere);
        var a = await CoreSimulation.RunAsync(chip, net, new CoreSimulationOptions(20));
        var b = await CoreSimulation.RunAsync(elsewhere, net2, new CoreSimulationOptions(20));
        Assert.Equal(SanafeOutputWriter.Potentials(a, net), SanafeOutputWriter.Potentials(b, net2));
    }

    [Theory]
    [InlineData("noise: missing.csv", "noise_arch.yaml", "is not a file")]
    [InlineData("noise: seq.csv, noise_bits: 9", "noise_arch.yaml", "0 to 8 bits")]
    public void A_noise_attribute_that_cannot_be_used_names_the_architecture_line(string noise, string file, string expected)
    {
        var error = Assert.Throws<HardwareModelException>(() => Chip(noise));
        Assert.EndsWith(file, error.File);
        Assert.Equal(17, error.Line); // the noisy unit's line
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("31\n-146\nseven\n", 3, "'seven'")]
    [InlineData("31\n4294967296\n", 2, "SANA-FE reads an int")]
    [InlineData("31\n\n5\n", 2, "found ''")]
    public void A_bad_number_names_the_noise_file_and_its_line(string sequence, int line, string expected)
    {
        var error = Assert.Throws<HardwareModelException>(() => Chip(sequence: sequence));
        Assert.EndsWith("seq.csv", error.File);
        Assert.Equal(line, error.Line);
        Assert.Contains(expected, error.Message);
    }
}
