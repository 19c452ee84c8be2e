using Neuromorphic.Application.Simulation;
using Neuromorphic.Hardware;
using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Cli.Tests;

/// <summary>TrueNorth's splitter neurons core by core (<see cref="ChipNetworkBuilder"/> on a chip whose neuron reaches one
/// axon): a network small enough to place, run and count by hand.</summary>
public sealed class SplitterNeuronsOnCoresTests
{
    // 8 cores on a 4 x 2 mesh, one per router; the core-by-core path numbers tiles up each column (x = id / 2, y = id % 2):
    //   core 1 (0,1)  core 3 (1,1)  core 5 (2,1)  core 7 (3,1)
    //   core 0 (0,0)  core 2 (1,0)  core 4 (2,0)  core 6 (3,0)
    // 4 neurons and 8 axons a core; typed axons (TrueNorth's wiring). No static power, a 1 ms tick.
    private const string Yaml = """
        format: 1
        chip:
          name: TinyNorth
          process: 10 nm
          clock: none
          static_power: 0 W
          execution: event-driven
          message_bits: 32
        cores:
          count: 8
          per_router: 1
          mesh_width: 4
          mesh_height: 2
        core_limits:
          neurons: 4
          synapse_memory: 64 bit
          fan_in: 8
          fan_out: 8
          weight_bits: 1
          axon_types:
            types: 4
            weight_bits: 9
          weight_sharing: false
          learning:
            supported: false
        energy:
          synaptic_op: 2 pJ
          neuron_active: 10 pJ
          neuron_idle: 1 pJ
          weight_update: 0 pJ
          spike_local: 3 pJ
          spike_hop: 7 pJ
        latency:
          synaptic_op: 1 ns
          neuron_active: 2 ns
          neuron_idle: 1 ns
          weight_update: 0 ns
          spike_local: 3 ns
          spike_hop: 5 ns
        timestep:
          sync: tick
          tick: 1 ms
        """;

    private static ChipModel North() => ChipModelLoader.Parse(Yaml, "tiny-north.yaml");
    // The same chip where a neuron reaches every core it addresses.
    private static ChipModel Plain() => ChipModelLoader.Parse(Yaml.Replace("  axon_types:\n    types: 4\n    weight_bits: 9\n", "", StringComparison.Ordinal), "tiny.yaml");

    private const double Pico = 1e-12;

    // in: 3 input neurons, each spiking once, in step 1; out: 6 accumulators that never fire, 4 on a core.
    //   in0 -> out0 (+3), out1 (-2), out4 (+5): 3 targets (out's first core +, -; its second +): 3 splitters.
    //   in1 -> out2 (+1), out3 (+4): one target (out's first core, +): none.
    //   in2 -> out4 (+6), out5 (-7): 2 targets (out's second core +, -): 2 splitters.
    private static SpikingNetworkSpec Network(ChipArchitecture arch, bool onlyIn1 = false)
    {
        var b = new ChipNetworkBuilder(arch, "the test network", traceSpikes: true);
        int input = b.AddGroup("in", 3, _ => ChipNetworkBuilder.Attributes(("spikes", new[] { true })));
        int output = b.AddGroup("out", 6, _ => ChipNetworkBuilder.Attributes(("threshold", 1e30)), logPotential: true);
        void Add(int pre, int post, double w) => b.Connections.Add(b.First(input) + pre, b.First(output) + post, w, 0);
        if (!onlyIn1)
        {
            Add(0, 0, 3);
            Add(0, 1, -2);
            Add(0, 4, 5);
        }
        Add(1, 2, 1);
        Add(1, 3, 4);
        if (!onlyIn1)
        {
            Add(2, 4, 6);
            Add(2, 5, -7);
        }
        return b.Build("splitters", "(test)");
    }

    private static int CoreOf(ChipArchitecture arch, NeuronSpec n) =>
        arch.Cores.Single(c => c.TileId == n.Placement!.Tile && c.Offset == n.Placement.CoreOffset).Id;

    [Fact]
    public void Splitter_neurons_go_on_cores_of_their_own_after_the_group_they_serve()
    {
        var arch = ChipModelArchitecture.From(North());
        Assert.Equal(new SplitterLimits(4, 8), arch.Splitters);
        var net = Network(arch);

        // in (core 0); in's splitters: in0's 3 on core 1, in2's 2 do not fit beside them (3 + 2 > 4): core 2; out moves
        // from cores 1, 2 to cores 3, 4. The splitters are numbered after every neuron: 9..13.
        Assert.Equal(["in", "out", "in_splitters"], net.Groups.Select(g => g.Name));
        Assert.Equal([0, 0, 0], net.Groups[0].Neurons.Select(n => CoreOf(arch, n)));
        Assert.Equal([3, 3, 3, 3, 4, 4], net.Groups[1].Neurons.Select(n => CoreOf(arch, n)));
        var splitters = net.Groups[2];
        Assert.Equal(9, splitters.First);
        Assert.Equal([1, 1, 1, 2, 2], splitters.Neurons.Select(n => CoreOf(arch, n)));
        Assert.All(splitters.Neurons, n => Assert.Equal("0.5", n.SomaAttributes["threshold"].Text));

        // Each source connects to its splitters with weight 1; each splitter holds its source's synapses of one sign
        // to one core, with their weights; in1 keeps its own.
        var c = net.Connections;
        var edges = Enumerable.Range(0, c.Count).Select(i => (c.Pre[i], c.Post[i], c.Weight[i])).ToHashSet();
        (int, int, double)[] expected =
        [
            (9, 3, 3), (10, 4, -2), (11, 7, 5), (1, 5, 1), (1, 6, 4), (12, 7, 6), (13, 8, -7),
            (0, 9, 1), (0, 10, 1), (0, 11, 1), (2, 12, 1), (2, 13, 1),
        ];
        Assert.Equal(expected.ToHashSet(), edges);
        Assert.Equal(expected.Length, c.Count);
        Assert.Equal(Enumerable.Range(0, 14), net.MappingOrder.Order());
    }

    [Fact]
    public async Task A_spike_through_a_splitter_arrives_one_step_later_with_its_weight()
    {
        var arch = ChipModelArchitecture.From(North());
        var run = await CoreSimulation.RunAsync(arch, Network(arch), new CoreSimulationOptions(4));

        // Step 1: the inputs fire. Step 2: in1's spike reaches out2, out3; the 5 splitters fire. Step 3: the copies reach
        // out0, out1, out4 (5 + 6), out5.
        Assert.Equal([3, 4, 5, 6, 7, 8], run.PotentialNeurons);
        Assert.Equal([0, 0, 0, 0, 0, 0], run.Potentials[0]);
        Assert.Equal([0, 0, 1, 4, 0, 0], run.Potentials[1]);
        Assert.Equal([3, -2, 1, 4, 11, -7], run.Potentials[2]);
        Assert.Equal([3, -2, 1, 4, 11, -7], run.Potentials[3]);
        Assert.Equal([(0, 1L), (1, 1L), (2, 1L), (9, 2L), (10, 2L), (11, 2L), (12, 2L), (13, 2L)], run.Spikes.Order());

        // Messages: step 1 in0 -> core 1, in1 -> core 3, in2 -> core 2; step 2 one per splitter: 8. Synaptic events: one
        // per connection, 12. Hops (x, y): 0->1 1, 0->3 2, 0->2 1; 1->3 1 (twice), 1->4 3, 2->4 1 (twice): 11.
        var s = run.Summary;
        Assert.Equal((8L, 12L, 8L), (s.Messages, s.SynapticEvents, s.NeuronsFired));
        Assert.Equal(11, run.Steps.Sum(p => p.Hops));
        Assert.Equal(12 * 2 * Pico, s.SynapseEnergy, 1e-18);
        Assert.Equal((8 * 3 + 11 * 7) * Pico, s.NetworkEnergy, 1e-18);
        // Soma: the 11 LIF neurons (6 out, 5 splitters) cost 1 pJ each step, 4 steps: 44 pJ; updates + 9 pJ each: out2,
        // out3 in steps 2..4 (6), out0, out1, out4, out5 in steps 3..4 (8), the splitters in step 2 (5): 19 x 9 = 171 pJ.
        Assert.Equal((44 + 171) * Pico, s.SomaEnergy, 1e-18);
    }

    [Fact]
    public async Task Where_synapses_can_wait_a_neurons_own_synapses_wait_the_splitters_step()
    {
        // The same chip whose synapses can wait (TrueNorth's delivery delay): in1 keeps its synapses, which now wait one
        // step, so its spike reaches out2 and out3 in step 3 with the splitters' copies, not in step 2.
        var arch = ChipModelArchitecture.From(ChipModelLoader.Parse(Yaml.Replace("  fan_out: 8\n", "  fan_out: 8\n  max_delay: 14\n",
            StringComparison.Ordinal), "tiny-north-delays.yaml"));
        Assert.True(arch.SplitterStepForAll);
        var net = Network(arch);
        var c = net.Connections;
        var delays = Enumerable.Range(0, c.Count).ToDictionary(i => (c.Pre[i], c.Post[i]), i => c.Delay.IsEmpty ? 0 : c.Delay[i]);
        Assert.Equal((1, 1), (delays[(1, 5)], delays[(1, 6)]));                 // in1's own synapses
        Assert.All(delays.Where(d => d.Key.Item1 >= 9 || d.Key.Item2 >= 9), d => Assert.Equal(0, d.Value)); // through splitters

        var run = await CoreSimulation.RunAsync(arch, net, new CoreSimulationOptions(4));
        Assert.Equal([0, 0, 0, 0, 0, 0], run.Potentials[1]);
        Assert.Equal([3, -2, 1, 4, 11, -7], run.Potentials[2]);
        Assert.Equal(12L, run.Summary.SynapticEvents); // the wait costs no event
    }

    [Fact]
    public async Task A_network_needing_no_copies_is_unchanged()
    {
        // in1 alone reaches one core with one sign: no splitters, the same cores and the same run as on the plain chip.
        var north = ChipModelArchitecture.From(North());
        var plainArch = ChipModelArchitecture.From(Plain());
        Assert.Null(plainArch.Splitters);
        var split = Network(north, onlyIn1: true);
        var plain = Network(plainArch, onlyIn1: true);
        Assert.Equal(plain.Groups.Select(g => g.Name), split.Groups.Select(g => g.Name));
        Assert.Equal(plain.Groups.SelectMany(g => g.Neurons).Select(n => n.Placement), split.Groups.SelectMany(g => g.Neurons).Select(n => n.Placement));
        Assert.Equal(plain.Connections.Pre.ToArray(), split.Connections.Pre.ToArray());
        Assert.Equal(plain.Connections.Post.ToArray(), split.Connections.Post.ToArray());
        Assert.Equal(plain.Connections.Weight.ToArray(), split.Connections.Weight.ToArray());

        var a = await CoreSimulation.RunAsync(plainArch, plain, new CoreSimulationOptions(4));
        var b = await CoreSimulation.RunAsync(north, split, new CoreSimulationOptions(4));
        Assert.Equal(a.Summary, b.Summary);
        Assert.Equal(a.Spikes, b.Spikes);
        Assert.Equal((1L, 2L), (b.Summary.Messages, b.Summary.SynapticEvents));

        // On the plain chip the full network has no splitters either: in0 sends one message to each of out's 2 cores.
        var full = Network(plainArch);
        Assert.Equal(["in", "out"], full.Groups.Select(g => g.Name));
        var r = await CoreSimulation.RunAsync(plainArch, full, new CoreSimulationOptions(4));
        Assert.Equal((4L, 7L), (r.Summary.Messages, r.Summary.SynapticEvents));
    }
}
