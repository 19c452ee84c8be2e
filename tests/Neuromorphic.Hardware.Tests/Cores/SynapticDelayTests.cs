using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary>Synaptic delays core by core: a synapse delayed d steps adds its charge to its neuron d steps after an
/// undelayed one would, as a chip's dendritic delay slots hold it; the dendrite unit bounds d.</summary>
public sealed class SynapticDelayTests
{
    // One tile of two cores; every cost 0 but a synaptic event's 1 pJ.
    private static string Arch(string dendriteModel) => $$$"""
        architecture:
          name: delays
          attributes: {width: 1, height: 1, link_buffer_size: 1, sync_model: fixed, latency_sync: 0.0}
          tile:
            - name: t
              attributes: {energy_north_hop: 0, latency_north_hop: 0, energy_south_hop: 0, latency_south_hop: 0,
                           energy_east_hop: 0, latency_east_hop: 0, energy_west_hop: 0, latency_west_hop: 0}
              core:
                - name: c[0..1]
                  attributes: {buffer_position: soma, max_neurons_supported: 4}
                  axon_in: [{name: ain, attributes: {energy_message_in: 0, latency_message_in: 0}}]
                  synapse: [{name: syn, attributes: {model: current_based, energy_process_spike: 1.0e-12, latency_process_spike: 0}}]
                  dendrite: [{name: den, attributes: {model: {{{dendriteModel}}}}}]
                  soma:
                    - {name: lif, attributes: {model: leaky_integrate_fire, energy_access_neuron: 0, latency_access_neuron: 0,
                       energy_update_neuron: 0, latency_update_neuron: 0, energy_spike_out: 0, latency_spike_out: 0}}
                    - {name: src, attributes: {model: input, energy_access_neuron: 0, latency_access_neuron: 0,
                       energy_update_neuron: 0, latency_update_neuron: 0, energy_spike_out: 0, latency_spike_out: 0}}
                  axon_out: [{name: aout, attributes: {energy_message_out: 0, latency_message_out: 0}}]
        """;

    // in.0 fires at step 1 and reaches out.0 undelayed (weight 2) and out.1 through a synapse delayed 2 steps (weight 3).
    private static string Net(int delay) => $$"""
        network:
          name: delayed
          groups:
            - name: in
              attributes: []
              neurons: [0: [spikes: [1]]]
            - name: out
              attributes: [threshold: 10, log_potential: true]
              neurons: [0..1]
          edges:
            - in.0 -> out.0: [weight: 2]
            - in.0 -> out.1: [weight: 3, delay: {{delay}}]
        mappings:
          - in: [core: '0.0', soma: src]
          - out: [core: '0.1']
        """;

    [Fact]
    public async Task A_delayed_synapse_charges_its_neuron_that_many_steps_later()
    {
        var arch = SanafeArchitectureReader.Parse(Arch("accumulator_with_delay"), "tiny_arch.yaml");
        var net = SanafeNetworkReader.Parse(Net(2), "net.yaml", arch);
        var run = await CoreSimulation.RunAsync(arch, net, new CoreSimulationOptions(5));

        // The undelayed charge arrives in step 2, as always; the delayed one two steps after it, in step 4. Both synaptic
        // events happen when the message is processed, in step 1.
        Assert.Equal("timestep,neuron out.0,neuron out.1,\n1,0,0,\n2,2,0,\n3,2,0,\n4,2,3,\n5,2,3,\n", SanafeOutputWriter.Potentials(run, net));
        Assert.Equal([2L, 0, 0, 0, 0], run.Steps.Select(s => s.SynapticEvents));
        // The input neuron updates in step 1; out.0 from step 2 and out.1 from step 4, when their charge reaches them (a
        // neuron whose potential is not 0 updates every step).
        Assert.Equal([1L, 1, 1, 2, 2], run.Steps.Select(s => s.Updated));
    }

    [Fact]
    public async Task A_spike_every_step_through_the_longest_delay_reuses_each_buffer_as_it_comes_round()
    {
        // in.0 fires in steps 1-6 into out.0 (weight 2, undelayed) and out.1 (weight 3, delayed 5, the dendrite's most):
        // six buffers go round twice. out.0 takes +2 in steps 2-7; out.1 takes +3 in steps 7-12 and nothing before.
        var arch = SanafeArchitectureReader.Parse(Arch("accumulator_with_delay"), "tiny_arch.yaml");
        string net = Net(5).Replace("spikes: [1]", "spikes: [1, 1, 1, 1, 1, 1]", StringComparison.Ordinal)
            .Replace("threshold: 10", "threshold: 100", StringComparison.Ordinal);
        var run = await CoreSimulation.RunAsync(arch, SanafeNetworkReader.Parse(net, "net.yaml", arch), new CoreSimulationOptions(12));

        Assert.Equal([0.0, 2, 4, 6, 8, 10, 12, 12, 12, 12, 12, 12], run.Potentials.Select(p => p[0]));
        Assert.Equal([0.0, 0, 0, 0, 0, 0, 3, 6, 9, 12, 15, 18], run.Potentials.Select(p => p[1]));
    }

    [Fact]
    public async Task Without_a_delay_the_delaying_dendrite_runs_as_the_plain_accumulator()
    {
        var plain = SanafeArchitectureReader.Parse(Arch("accumulator"), "tiny_arch.yaml");
        var delaying = SanafeArchitectureReader.Parse(Arch("accumulator_with_delay"), "tiny_arch.yaml");
        var a = await CoreSimulation.RunAsync(plain, SanafeNetworkReader.Parse(Net(0), "net.yaml", plain), new CoreSimulationOptions(4));
        var b = await CoreSimulation.RunAsync(delaying, SanafeNetworkReader.Parse(Net(0), "net.yaml", delaying), new CoreSimulationOptions(4));
        Assert.Equal(a.Potentials.SelectMany(p => p), b.Potentials.SelectMany(p => p));
        Assert.Equal(a.Steps, b.Steps);
    }

    [Theory]
    [InlineData("accumulator_with_delay", 6, "in.0 -> out.1 waits 6 steps; its dendrite unit 'den' holds at most 5")]
    [InlineData("accumulator", 1, "dendrite unit 'den' (accumulator) has no delays; an accumulator_with_delay dendrite has them")]
    public async Task A_delay_the_dendrite_cannot_hold_is_a_located_error(string dendriteModel, int delay, string message)
    {
        var arch = SanafeArchitectureReader.Parse(Arch(dendriteModel), "tiny_arch.yaml");
        var net = SanafeNetworkReader.Parse(Net(delay), "net.yaml", arch);
        var e = await Assert.ThrowsAsync<HardwareModelException>(() => CoreSimulation.RunAsync(arch, net, new CoreSimulationOptions(2)));
        Assert.Equal(("net.yaml", 12, "delay"), (e.File, e.Line, e.Field));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_chip_file_gives_its_delays_to_every_core_and_checks_the_field()
    {
        string yaml = TinyChip.Yaml.Replace("core_limits:", "core_limits:\n  max_delay: 14", StringComparison.Ordinal);
        var arch = ChipModelArchitecture.From(ChipModelLoader.Parse(yaml, "chip.yaml"));
        Assert.All(arch.Tiles.SelectMany(t => t.Cores), c => Assert.Equal(14, Assert.Single(c.Dendrites).MaxDelay));
        Assert.Equal(0, Assert.Single(ChipModelArchitecture.From(TinyChip.Load()).Cores[0].Dendrites).MaxDelay);

        string bad = TinyChip.Yaml.Replace("core_limits:", "core_limits:\n  max_delay: -1", StringComparison.Ordinal);
        var e = Assert.Throws<HardwareModelException>(() => ChipModelLoader.Parse(bad, "bad.yaml"));
        Assert.Equal("core_limits.max_delay", e.Field);
        Assert.Contains("max_delay: -1", bad.Split('\n')[e.Line - 1]);
    }
}
