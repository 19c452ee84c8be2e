using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary>SANA-FE's <c>truenorth</c> soma, neuron by neuron against hand-worked steps: every forward and reverse reset
/// mode and both leak directions. SANA-FE's own run of these two files (its <c>sim</c>, commit 8951ab0, 6 steps) wrote
/// the same spikes.csv and potentials.csv and the same counts and energies (docs/results.md).</summary>
public sealed class TrueNorthSomaTests
{
    // One core; a soma access costs 1 pJ and 1 ns, an update 2, a spike 4; nothing else costs anything.
    private const string Arch = """
        architecture:
          name: truenorth_test
          attributes: {width: 1, height: 1, link_buffer_size: 1, sync_model: fixed, latency_sync: 0.0}
          tile:
            - name: t
              attributes: {energy_north_hop: 0, latency_north_hop: 0, energy_south_hop: 0, latency_south_hop: 0,
                           energy_east_hop: 0, latency_east_hop: 0, energy_west_hop: 0, latency_west_hop: 0}
              core:
                - name: c
                  attributes: {buffer_position: soma, buffer_inside_unit: false, max_neurons_supported: 256}
                  axon_in: [{name: ain, attributes: {energy_message_in: 0, latency_message_in: 0}}]
                  synapse: [{name: syn, attributes: {model: current_based, energy_process_spike: 0, latency_process_spike: 0}}]
                  dendrite: [{name: den, attributes: {model: accumulator, energy_update: 0, latency_update: 0}}]
                  soma:
                    - {name: tn, attributes: {model: truenorth, energy_access_neuron: 1.0e-12, latency_access_neuron: 1.0e-9,
                       energy_update_neuron: 2.0e-12, latency_update_neuron: 2.0e-9, energy_spike_out: 4.0e-12, latency_spike_out: 4.0e-9}}
                  axon_out: [{name: aout, attributes: {energy_message_out: 0, latency_message_out: 0}}]
        """;

    private static string Net(string neuron0 = "[bias: 1, threshold: 3]") => $$"""
        network:
          name: truenorth_neurons
          groups:
            - name: n
              attributes: [soma_hw_name: tn, log_spikes: true, log_potential: true]
              neurons:
                - 0: {{neuron0}}
                - 1: [bias: 2, threshold: 4]
                - 2: [bias: 3, threshold: 4, reset_mode: soft]
                - 3: [bias: 5, leak: 2, threshold: 100]
                - 4: [bias: -5, leak: 1, threshold: 100, reverse_threshold: -8, reverse_reset_mode: saturate]
                - 5: [leak: 1, leak_towards_zero: false, threshold: 3]
                - 6: [threshold: 1]
                - 7: [bias: 3, threshold: 5, reset_mode: saturate]
                - 8: [bias: 2, threshold: 3, reset_mode: none]
                - 9: [bias: -3, threshold: 100, reverse_threshold: -5, reverse_reset: -1, reverse_reset_mode: hard]
                - 10: [bias: -3, threshold: 100, reverse_threshold: -5, reverse_reset_mode: soft]
          edges:
            - n.0 -> n.6: [weight: 1]
        mappings:
          - n: [core: '0.0']
        """;

    [Fact]
    public async Task Each_neuron_leaks_integrates_fires_and_resets_as_truenorth_does()
    {
        var arch = SanafeArchitectureReader.Parse(Arch, "truenorth_arch.yaml");
        var net = SanafeNetworkReader.Parse(Net(), "truenorth_net.yaml", arch);
        var run = await CoreSimulation.RunAsync(arch, net, new CoreSimulationOptions(6));

        // n.0: +1 a step, fires at 3 (at the threshold, not above it, unlike a Loihi compartment) and resets to 0.
        // n.1: fires whenever it reaches 4. n.2: a soft reset keeps what lay above the threshold (3, 6 → 2, 5 → 1, 4 → 0).
        // n.3: the leak takes 2 from a positive potential each step, after the first (5, 8, 11, ...).
        // n.4: towards zero from below (+1), and at or below −8 it is held at −8. n.5: a leak away from zero raises an
        // idle neuron, which fires at 3. n.6: idle until n.0's step-3 spike charges it by 1 in step 4, its threshold.
        // n.7: a saturating reset holds it at its threshold, 5, firing every step. n.8: no reset, firing every step
        // from 4 on. n.9: at or below −5 it is reset to −1 (a hard reverse reset). n.10: a soft reverse reset adds the
        // reverse threshold, −5, so the potential falls 8 a step.
        Assert.Equal("""
            timestep,neuron n.0,neuron n.1,neuron n.2,neuron n.3,neuron n.4,neuron n.5,neuron n.6,neuron n.7,neuron n.8,neuron n.9,neuron n.10,
            1,1,2,3,5,-5,1,0,3,2,-3,-3,
            2,2,0,2,8,-8,2,0,5,4,-1,-11,
            3,0,2,1,11,-8,0,0,5,6,-4,-19,
            4,1,0,0,14,-8,1,0,5,8,-1,-27,
            5,2,2,3,17,-8,2,0,5,10,-4,-35,
            6,0,0,2,20,-8,0,0,5,12,-1,-43,

            """.ReplaceLineEndings("\n"), SanafeOutputWriter.Potentials(run, net));
        Assert.Equal("neuron,timestep\nn.1,2\nn.2,2\nn.7,2\nn.8,2\nn.0,3\nn.2,3\nn.5,3\nn.7,3\nn.8,3\nn.1,4\nn.2,4\nn.6,4\nn.7,4\nn.8,4\n" +
            "n.7,5\nn.8,5\nn.0,6\nn.1,6\nn.2,6\nn.5,6\nn.7,6\nn.8,6\n", SanafeOutputWriter.Spikes(run, net));

        // Updated: every neuron with a bias every step (9 x 6), n.5 when its potential is not 0 (steps 2, 3, 5, 6), n.6
        // once: 59. Soma energy: 11 accesses a step (66 pJ), 59 updates (118 pJ), 22 spikes (88 pJ).
        var s = run.Summary;
        Assert.Equal((59L, 22L, 2L, 2L), (s.NeuronsUpdated, s.NeuronsFired, s.Messages, s.SynapticEvents));
        Assert.Equal(272e-12, s.SomaEnergy, 1e-20);
    }

    [Fact]
    public void A_random_threshold_is_refused_naming_the_attribute()
    {
        var arch = SanafeArchitectureReader.Parse(Arch, "truenorth_arch.yaml");
        var net = SanafeNetworkReader.Parse(Net("[bias: 1, threshold: 3, random_mask: 7]"), "truenorth_net.yaml", arch);
        var error = Assert.Throws<HardwareModelException>(() => MappedChip.Build(arch, net, seed: 1));
        Assert.Contains("random_mask", error.Message);
        Assert.Contains("rand()", error.Message);
    }

    [Fact]
    public void An_attribute_the_truenorth_model_lacks_is_refused_with_the_ones_it_takes()
    {
        var arch = SanafeArchitectureReader.Parse(Arch, "truenorth_arch.yaml");
        var net = SanafeNetworkReader.Parse(Net("[bias: 1, leak_decay: 0.5]"), "truenorth_net.yaml", arch);
        var error = Assert.Throws<HardwareModelException>(() => MappedChip.Build(arch, net, seed: 1));
        Assert.Contains("truenorth_net.yaml", error.Message);
        Assert.Contains("leak_decay", error.Message);
        Assert.Contains("leak_towards_zero", error.Message);
    }
}
