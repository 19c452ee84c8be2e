using System.Diagnostics;
using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary>A chip compiled once runs one network after another (one test image after another): each run starts from
/// the state its own attributes give, whichever ran before, and a neuron whose attributes changed is read again.</summary>
public sealed class CompiledChipTests
{
    private const string Arch = """
        architecture:
          name: compiled
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
                  dendrite: [{name: den, attributes: {model: accumulator}}]
                  soma:
                    - {name: lif, attributes: {model: leaky_integrate_fire, energy_access_neuron: 0, latency_access_neuron: 0,
                       energy_update_neuron: 2.0e-12, latency_update_neuron: 0, energy_spike_out: 0, latency_spike_out: 0}}
                    - {name: src, attributes: {model: input, energy_access_neuron: 0, latency_access_neuron: 0,
                       energy_update_neuron: 0, latency_update_neuron: 0, energy_spike_out: 0, latency_spike_out: 0}}
                  axon_out: [{name: aout, attributes: {energy_message_out: 0, latency_message_out: 0}}]
        """;

    // Two input trains into two integrate-and-fire neurons with soft reset; out.0's threshold is the parameter.
    private static string Net(double threshold) => $$"""
        network:
          name: compiled
          groups:
            - name: in
              attributes: []
              neurons: [0: [spikes: [1, 0, 1, 1, 0, 1, 1, 1]], 1: [spikes: [0, 1, 1, 0, 1, 1, 0, 1]]]
            - name: out
              attributes: [log_spikes: true, log_potential: true, reset_mode: soft, leak_decay: 0.9]
              neurons: [0: [threshold: {{threshold}}], 1: [threshold: 3]]
          edges:
            - in.0 -> out.0: [weight: 2]
            - in.1 -> out.0: [weight: 1]
            - in.0 -> out.1: [weight: 1]
            - in.1 -> out.1: [weight: 2]
        mappings:
          - in: [core: '0.0', soma: src]
          - out: [core: '0.1']
        """;

    [Fact]
    public async Task Each_run_of_a_compiled_chip_equals_a_chip_built_for_its_network()
    {
        var arch = SanafeArchitectureReader.Parse(Arch, "compiled_arch.yaml");
        var a = SanafeNetworkReader.Parse(Net(4), "a.yaml", arch);
        // b is a with out.0's soma attributes replaced (another dictionary: its threshold 1.5); every other neuron's are
        // the very objects a holds, as from one image to the next.
        var lower = SanafeNetworkReader.Parse(Net(1.5), "b.yaml", arch).Groups[1].Neurons[0].SomaAttributes;
        var outA = a.Groups[1];
        var b = a with { Groups = [a.Groups[0], outA with { Neurons = [outA.Neurons[0] with { SomaAttributes = lower }, outA.Neurons[1]] }] };
        var options = new CoreSimulationOptions(10);

        var compiled = CompiledChip.Build(arch, a);
        var first = await compiled.RunAsync(a, options);
        var second = await compiled.RunAsync(b, options);
        var third = await compiled.RunAsync(a, options);
        var builtForA = await CoreSimulation.RunAsync(arch, a, options);
        var builtForB = await CoreSimulation.RunAsync(arch, b, options);

        foreach (var (run, built) in new[] { (first, builtForA), (second, builtForB), (third, builtForA) })
        {
            Assert.Equal(built.Spikes, run.Spikes);
            Assert.Equal(built.Potentials.SelectMany(p => p), run.Potentials.SelectMany(p => p));
            Assert.Equal(built.Steps, run.Steps);
        }
        // The threshold matters, so the second run did read it: out.0 fires more often below a threshold of 1.5 than of 4.
        Assert.True(builtForB.Summary.NeuronsFired > builtForA.Summary.NeuronsFired);
    }

    [Fact]
    public async Task A_free_running_chip_run_again_starts_its_cores_from_zero()
    {
        // Free-running, each core's next step starts where its own and its senders' steps ended, so the mesh carries
        // times from step to step; the mesh is kept with the compiled chip, and a second run must not start from the
        // first one's end. The latencies make those starts differ from core to core.
        var arch = SanafeArchitectureReader.Parse(Arch
            .Replace("latency_update_neuron: 0", "latency_update_neuron: 3.0e-9", StringComparison.Ordinal)
            .Replace("latency_process_spike: 0", "latency_process_spike: 2.0e-9", StringComparison.Ordinal), "free.yaml") with { FreeRunning = true };
        var net = SanafeNetworkReader.Parse(Net(1.5), "free.yaml", arch);
        var options = new CoreSimulationOptions(10);

        var compiled = CompiledChip.Build(arch, net);
        var (first, second) = (await compiled.RunAsync(net, options), await compiled.RunAsync(net, options));
        var built = await CoreSimulation.RunAsync(arch, net, options);

        Assert.Equal(built.Steps, first.Steps);
        Assert.Equal(built.Steps, second.Steps);
        Assert.True(built.Steps.Select(s => s.Latency).Distinct().Count() > 1); // the steps' times vary, so a carried start would show
        Assert.True(built.Summary.SimulatedTime > 0);
    }

    [Fact]
    public async Task Through_the_routers_or_on_an_edge_per_pair_of_cores_the_run_is_the_same()
    {
        // Three cores: the inputs on 0.0, out.0 on 0.1, out.1 on 0.2, which takes messages from both others: what the
        // routers merge is what the edges deliver, in the same order.
        var arch = SanafeArchitectureReader.Parse(Arch.Replace("c[0..1]", "c[0..2]", StringComparison.Ordinal), "three_cores.yaml");
        string text = Net(1.5).Replace("- in.1 -> out.1: [weight: 2]", "- in.1 -> out.1: [weight: 2]\n    - out.0 -> out.1: [weight: 1.5]", StringComparison.Ordinal)
            .Replace("- out: [core: '0.1']", "- out.0: [core: '0.1']\n  - out.1: [core: '0.2']", StringComparison.Ordinal);
        var net = SanafeNetworkReader.Parse(text, "routed.yaml", arch);
        var options = new CoreSimulationOptions(10);
        async Task<CoreRunResult> Run(bool routed)
        {
            var chip = MappedChip.Build(arch, net, options.Seed);
            chip.Description = CoreSimulation.Describe(chip, routed);
            Assert.Equal(routed, chip.Description.Processes.Any(p => p is RouterProcess));
            return await CoreSimulation.RunAsync(chip, options, Stopwatch.GetTimestamp(), CancellationToken.None);
        }

        var (edges, routers) = (await Run(routed: false), await Run(routed: true));
        Assert.Equal(edges.Spikes, routers.Spikes);
        Assert.Equal(edges.Potentials.SelectMany(p => p), routers.Potentials.SelectMany(p => p));
        Assert.Equal(edges.Steps, routers.Steps);
        Assert.Equal(edges.Cores, routers.Cores);
        Assert.Contains(edges.Spikes, s => s.Neuron == 2); // out.0 fires, so core 0.2 hears from two cores
        Assert.True(edges.Cores.Single(c => c.CoreOffset == 2).MessagesIn > edges.Cores.Single(c => c.CoreOffset == 1).MessagesIn);
    }
}
