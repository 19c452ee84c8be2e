using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary>Graded spikes on the core-by-core path (a chip whose spikes carry a value, Loihi 2): a graded neuron's spike
/// carries its potential at firing, rounded, within the chip's payload bits; each synapse adds weight × payload; a
/// neuron that takes the largest input keeps the largest weighted payload. Every value worked out by hand.</summary>
public sealed class GradedSpikeTests
{
    // One tile, two cores (sources on one, readers on the other), costs of 1 pJ / 1 ns everywhere that matters.
    private const string Arch = """
        architecture:
          name: graded_pair
          attributes: {width: 1, height: 1, link_buffer_size: 1, sync_model: table, latency_sync: {1: 0.0}}
          tile:
            - name: t
              attributes: {energy_north_hop: 0, latency_north_hop: 0, energy_south_hop: 0, latency_south_hop: 0,
                           energy_east_hop: 0, latency_east_hop: 0, energy_west_hop: 0, latency_west_hop: 0}
              core:
                - name: c[0..1]
                  attributes: {buffer_position: soma, max_neurons_supported: 8}
                  axon_in: [{name: in, attributes: {energy_message_in: 0.0, latency_message_in: 0.0}}]
                  synapse: [{name: syn, attributes: {model: current_based, energy_process_spike: 1.0e-12, latency_process_spike: 1.0e-9}}]
                  dendrite: [{name: dend, attributes: {model: accumulator, energy_update: 0.0, latency_update: 0.0}}]
                  soma: [{name: lif, attributes: {model: leaky_integrate_fire, energy_access_neuron: 0.0, latency_access_neuron: 0.0,
                           energy_update_neuron: 0.0, latency_update_neuron: 0.0, energy_spike_out: 0.0, latency_spike_out: 0.0}},
                         {name: stim, attributes: {model: input, energy_access_neuron: 0.0, latency_access_neuron: 0.0,
                           energy_update_neuron: 0.0, latency_update_neuron: 0.0, energy_spike_out: 0.0, latency_spike_out: 0.0}}]
                  axon_out: [{name: out, attributes: {energy_message_out: 1.0e-12, latency_message_out: 1.0e-9}}]
        """;

    // src.0 and src.1: graded, leak 0 (each step starts from nothing), biases 3.4 and 5.6, threshold 0.5. sum: the
    // weighted sum of their payloads; max: the largest weighted payload. Neither reader fires (threshold 1e9).
    private const string Net = """
        network:
          name: graded
          groups:
            - name: src
              attributes: [graded: true, leak_decay: 0.0, threshold: 0.5]
              neurons: [0: [bias: 3.4], 1: [bias: 5.6]]
            - name: sum
              attributes: [leak_decay: 0.0, threshold: 1.0e9, log_potential: true]
              neurons: [0]
            - name: max
              attributes: [input_max: true, leak_decay: 0.0, threshold: 1.0e9, log_potential: true]
              neurons: [0]
          edges:
            - src.0 -> sum.0: [weight: 0.5]
            - src.1 -> sum.0: [weight: 0.25]
            - src.0 -> max.0: [weight: 2.0]
            - src.1 -> max.0: [weight: 0.5]
        mappings:
          - src: [core: '0.0']
          - sum: [core: '0.1']
          - max: [core: '0.1']
        """;

    private static async Task<(CoreRunResult Run, SpikingNetworkSpec Net)> Run(int payloadBits, string net = Net, int steps = 2)
    {
        var arch = SanafeArchitectureReader.Parse(Arch, "graded_pair.yaml") with { GradedPayloadBits = payloadBits };
        var n = SanafeNetworkReader.Parse(net, "graded.yaml", arch);
        return (await CoreSimulation.RunAsync(arch, n, new CoreSimulationOptions(steps, TimingModel.Detailed)), n);
    }

    [Fact]
    public async Task A_graded_spike_carries_its_rounded_potential_and_each_synapse_adds_weight_times_payload()
    {
        var (run, net) = await Run(payloadBits: 32);
        // Step 1: src.0 reaches 3.4 and src.1 5.6, both above 0.5: they fire payloads round(3.4) = 3 and round(5.6) = 6.
        // Step 2: sum = 0.5 x 3 + 0.25 x 6 = 3.0; max = max(2 x 3, 0.5 x 6) = 6.0 (the sum would have been 9).
        Assert.Equal("timestep,neuron max.0,neuron sum.0,\n1,0,0,\n2,6,3,\n", SanafeOutputWriter.Potentials(run, net));
        // Each source sends one message a step to core 0.1, which reaches two synapses: as binary spikes would.
        Assert.Equal((2L, 4L), (run.Steps[0].Messages, run.Steps[0].SynapticEvents));
    }

    [Fact]
    public async Task A_payload_is_clipped_to_the_chips_payload_bits()
    {
        // 3-bit signed payloads: at most 2^2 - 1 = 3. src.1's 6 becomes 3: sum = 0.5 x 3 + 0.25 x 3 = 2.25,
        // max = max(2 x 3, 0.5 x 3) = 6.
        var (run, net) = await Run(payloadBits: 3);
        Assert.Equal("timestep,neuron max.0,neuron sum.0,\n1,0,0,\n2,6,2.25,\n", SanafeOutputWriter.Potentials(run, net));
    }

    [Fact]
    public async Task Binary_spikes_are_unchanged_by_the_payload_path()
    {
        // Without 'graded' the sources send plain spikes (worth 1): sum = 0.5 + 0.25, max of (2, 0.5) with input_max.
        var (run, net) = await Run(payloadBits: 32, Net.Replace("graded: true, ", "", StringComparison.Ordinal));
        Assert.Equal("timestep,neuron max.0,neuron sum.0,\n1,0,0,\n2,2,0.75,\n", SanafeOutputWriter.Potentials(run, net));
    }

    [Fact]
    public async Task A_binary_spike_chip_refuses_graded_neurons_naming_the_attribute()
    {
        var e = await Assert.ThrowsAsync<HardwareModelException>(() => Run(payloadBits: 0));
        Assert.Contains("graded", e.Message, StringComparison.Ordinal);
        Assert.Contains("binary", e.Message, StringComparison.Ordinal);
    }

    // An input neuron sending a value each step (2.4, 0, -3.6, 7, then nothing) to a reader that keeps only its step's input.
    private const string ValuesNet = """
        network:
          name: values
          groups:
            - name: in
              attributes: [soma_hw_name: stim]
              neurons: [0: [values: [2.4, 0, -3.6, 7]]]
            - name: sum
              attributes: [leak_decay: 0.0, threshold: 1.0e9, log_potential: true]
              neurons: [0]
          edges:
            - in.0 -> sum.0: [weight: 0.5]
        mappings:
          - in: [core: '0.0']
          - sum: [core: '0.1']
        """;

    [Theory]
    [InlineData(32, "-2", "3.5")] // -4 and 7 are sent whole: 0.5 x -4, 0.5 x 7
    [InlineData(3, "-1.5", "1.5")] // 3-bit payloads: -4 is clipped to -3 and 7 to 3
    public async Task An_input_neuron_sends_each_steps_value_rounded_and_nothing_for_a_zero(int bits, string fourth, string last)
    {
        var (run, net) = await Run(bits, ValuesNet, steps: 5);
        // Step 1 sends round(2.4) = 2, step 2 nothing (0), step 3 round(-3.6) = -4, step 4 7; each arrives a step later
        // and the reader keeps 0.5 x payload.
        Assert.Equal($"timestep,neuron sum.0,\n1,0,\n2,1,\n3,0,\n4,{fourth},\n5,{last},\n", SanafeOutputWriter.Potentials(run, net));
        Assert.Equal([1L, 0, 1, 1, 0], run.Steps.Select(s => s.Messages));
    }

    [Fact]
    public async Task A_binary_spike_chip_refuses_an_input_of_values_naming_the_attribute()
    {
        var e = await Assert.ThrowsAsync<HardwareModelException>(() => Run(payloadBits: 0, ValuesNet));
        Assert.Contains("values", e.Message, StringComparison.Ordinal);
        Assert.Contains("binary", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("loihi2.yaml", 32)] // chip.spikes: graded, message_bits: 32
    [InlineData("loihi.yaml", 0)] // chip.spikes: binary
    [InlineData("truenorth.yaml", 0)]
    public void A_chip_file_gives_graded_payloads_only_where_it_says_its_spikes_are_graded(string file, int bits)
    {
        var chip = ChipModelLoader.LoadFile(Path.Combine(Requires.RepoRoot, "hardware-models", file));
        Assert.Equal(bits, ChipModelArchitecture.From(chip).GradedPayloadBits);
    }
}
