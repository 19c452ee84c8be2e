using Neuromorphic.Cli.Commands;
using Neuromorphic.Application.Simulation;
using Neuromorphic.Hardware;
using Neuromorphic.Hardware.Cores;
using Neuromorphic.Interop.Nir;

namespace Neuromorphic.Cli.Tests;

/// <summary>NIR graphs on a chip, core by core: the chip's neurons must fire where the graph's do, one step later per
/// neuron layer (a chip delivers a spike to the next neurons in the following step).</summary>
public class NirOnCoresTests
{
    static ChipArchitecture Chip(string file) => ChipModelArchitecture.From(ChipModelLoader.LoadFile(Path.Combine(Cli.RepoRoot, "hardware-models", file)));

    static string Graph(string name) => Path.Combine(Requires.SharedNir(), "graphs", name);

    static async Task<(NirOnCoresRun Run, CoreRunResult Chip)> Simulate(string graph, string input, string? columns, double dt, int steps,
        NirIntegration integration, string chip = "loihi.yaml")
    {
        var arch = Chip(chip);
        var run = await NirOnCoresRun.PrepareAsync(new NirGraphOptions(graph, input, columns, dt, integration, 1), arch, steps, CancellationToken.None);
        var result = await CoreSimulation.RunAsync(arch, run.Chip.Network, new CoreSimulationOptions(steps));
        return (run, result);
    }

    static long[] ChipSpikeSteps(NirOnCoresRun run, CoreRunResult chip, string node)
    {
        var p = run.Chip.Populations.Single(x => x.Node == node);
        return chip.Spikes.Where(s => s.Neuron >= p.First && s.Neuron < p.First + p.Count).Select(s => s.Step - 1).Order().ToArray();
    }

    [Fact]
    public async Task The_lif_task_fires_on_loihi_one_step_after_the_exact_solution()
    {
        var (run, chip) = await Simulate(Graph("lif_norse.nir"), Graph("lif_norse.csv"), "0", 1e-4, 1000, NirIntegration.Exact);

        Assert.Equal([461L, 511, 711, 761], ChipSpikeSteps(run, chip, "1")); // the exact solution's 460, 510, 710, 760, one step on
        Assert.Equal(34, chip.Summary.SynapticEvents);                       // one synapse, 34 input spikes
        Assert.Contains("4/4 (100.0 %)", run.Compare(chip));
    }

    [Theory]
    [InlineData("loihi.yaml")]
    [InlineData("loihi2.yaml")]
    public async Task Cnn_sinabs_on_a_chip_fires_every_spike_the_graph_fires_under_the_same_step_rule(string chip)
    {
        // Euler stepping resets at the step's end, as the chip's neurons do, so the IF layers must agree spike for spike.
        var (run, result) = await Simulate(Graph("cnn_sinabs.nir"), "poisson:0.2", null, 1, 30, NirIntegration.Euler, chip);

        foreach (var p in run.Chip.Populations.Where(p => p.Depth > 0))
        {
            var graph = run.Graph.Raster[p.Node].Where(s => s.Step < 30 - p.Depth).Select(s => ((long)s.Step, s.Neuron)).ToHashSet();
            var ours = result.Spikes.Where(s => s.Neuron >= p.First && s.Neuron < p.First + p.Count && s.Step - 1 - p.Depth >= 0)
                .Select(s => (s.Step - 1 - p.Depth, s.Neuron - p.First)).ToHashSet();
            Assert.True(graph.Count > 0, $"node {p.Node} should fire");
            Assert.True(graph.SetEquals(ours), $"node {p.Node}: {graph.Count} graph spikes, {ours.Count} on the chip, {graph.Intersect(ours).Count()} shared");
        }
    }

    [Fact]
    public async Task A_graded_value_sent_between_nodes_is_refused_with_the_nodes_named()
    {
        NirTensor T(params double[] v) => new(v, [v.Length]);
        NirTensor W(double v) => new([v], [1, 1]);
        var graph = new NirGraph(new Dictionary<string, NirNode>
        {
            ["in"] = new NirInput([1]),
            ["a"] = new NirAffine(W(1), T(0)),
            ["li"] = new NirLI(T(0.01), T(1), T(0)),
            ["b"] = new NirAffine(W(1), T(0)),
            ["lif"] = new NirLIF(T(0.01), T(1), T(0), T(0.1), T(0)),
            ["out"] = new NirOutput([1]),
        }, [("in", "a"), ("a", "li"), ("li", "b"), ("b", "lif"), ("lif", "out")], new Dictionary<string, string>());
        var plan = NirPlan.Compile(graph, "test.nir");

        var e = Assert.Throws<UserErrorException>(() => NirOnCores.Build(plan, Chip("loihi.yaml"), 1e-3, NirIntegration.Exact, [new float[] { 1 }], 1));

        Assert.Contains("'li'", e.Message);
        Assert.Contains("'lif'", e.Message);
        Assert.Contains("graded", e.Message);
    }

    [Fact]
    public void On_TrueNorth_each_neurons_synapses_take_its_two_values_per_axon_type()
    {
        // 4 inputs into 2 LIF neurons through an Affine whose rows mix signs and magnitudes.
        NirTensor T(params double[] v) => new(v, [v.Length]);
        var graph = new NirGraph(new Dictionary<string, NirNode>
        {
            ["in"] = new NirInput([4]),
            ["a"] = new NirAffine(new NirTensor([0.9, 0.5, -0.4, 0.05, -0.7, -0.6, 0.3, 0.2], [2, 4]), T(0, 0)),
            ["lif"] = new NirLIF(T(0.01, 0.01), T(1, 1), T(0, 0), T(0.1, 0.1), T(0, 0)),
            ["out"] = new NirOutput([2]),
        }, [("in", "a"), ("a", "lif"), ("lif", "out")], new Dictionary<string, string>());
        var plan = NirPlan.Compile(graph, "test.nir");
        var north = ChipModelLoader.LoadFile(Path.Combine(Cli.RepoRoot, "hardware-models", "truenorth.yaml"));
        var stimulus = new[] { new float[] { 1, 1, 1, 1 } };

        var forced = NirOnCores.Build(plan, ChipModelArchitecture.From(north), 1e-3, NirIntegration.Exact, stimulus, 1, north.Limits.AxonTypes);
        var free = NirOnCores.Build(plan, Chip("loihi.yaml"), 1e-3, NirIntegration.Exact, stimulus, 1);

        // Row 0 (0.9, 0.5, -0.4, 0.05), scaled alike: of the positives, keeping k largest at their mean leaves Σw² − S²/k,
        // best at k = 2 (S²/k = 0.98 against 0.81 and 0.7008), so 0.9 and 0.5 both become 0.7 and 0.05 is dropped; the
        // one negative stays. Row 1 (-0.7, -0.6, 0.3, 0.2): negatives k = 2 (0.845 > 0.49) at -0.65, positives k = 2
        // (0.125 > 0.09) at 0.25. Then each neuron's two values round to its 8-bit scale (TrueNorth's file: 9-bit signed, steps of 0.7/255 and 0.65/255).
        // On TrueNorth the inputs reach the LIF neurons through their splitter neurons, each copy with the synapse's weight.
        var lif = forced.Populations.Single(p => p.Node == "lif");
        double[] Incoming(NirOnCores n, int neuron)
        {
            var c = n.Network.Connections;
            return Enumerable.Range(0, c.Count).Where(i => c.Post[i] == lif.First + neuron).Select(i => c.Weight[i] / lif.Scale[neuron]).Order().ToArray();
        }
        double gain = Incoming(free, 0)[^1] / 0.9; // the LIF's input gain at dt, folded into every weight
        Assert.Equal([-0.4, 0.7, 0.7], Incoming(forced, 0).Select(v => Math.Round(v / gain, 2)));
        Assert.Equal([-0.65, -0.65, 0.25, 0.25], Incoming(forced, 1).Select(v => Math.Round(v / gain, 2)));
        Assert.Equal(2, Incoming(forced, 0).Distinct().Count()); // exactly two values per neuron, one per axon type
        Assert.Equal(2, Incoming(forced, 1).Distinct().Count());
        Assert.True(forced.WeightError > 0.1, $"relative RMS change {forced.WeightError}");
        // A chip without typed axons keeps the composed weights.
        Assert.Null(free.WeightError);
        Assert.Equal([-0.4, 0.05, 0.5, 0.9], Incoming(free, 0).Select(v => Math.Round(v / gain, 2)));
    }
}
