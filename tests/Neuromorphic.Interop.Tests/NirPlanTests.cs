using Neuromorphic.Interop.Nir;

namespace Neuromorphic.Interop.Tests;

/// <summary>What a graph must satisfy before it runs: every refusal one error naming the node, the field and what was
/// expected, and the hand-computed maps of the linear nodes.</summary>
public class NirPlanTests
{
    static NirTensor T(int[] shape, params double[] v) => new(v.Length == 1 && shape.Aggregate(1, (a, b) => a * b) > 1
        ? Enumerable.Repeat(v[0], shape.Aggregate(1, (a, b) => a * b)).ToArray() : v, shape);

    static NirGraph Graph(IEnumerable<(string, NirNode)> nodes, params (string, string)[] edges) =>
        new(nodes.ToDictionary(n => n.Item1, n => n.Item2), edges, new Dictionary<string, string>());

    static NirFormatException Refused(NirGraph graph) => Assert.Throws<NirFormatException>(() => NirPlan.Compile(graph, "g.nir"));

    [Fact]
    public void An_affine_whose_weight_does_not_take_the_inputs_size_names_both_nodes()
    {
        var e = Refused(Graph([("in", new NirInput([3])), ("fc", new NirAffine(T([2, 4], 1), T([2], 0))), ("out", new NirOutput([2]))],
            ("in", "fc"), ("fc", "out")));

        Assert.Equal("g.nir: node 'fc' field 'weight': expected an input of (4) as its parameters say; 'in' gives (3).", e.Message);
    }

    [Fact]
    public void An_edge_to_a_node_that_does_not_exist_is_named()
    {
        var e = Refused(Graph([("in", new NirInput([1])), ("out", new NirOutput([1]))], ("in", "ghost"), ("in", "out")));

        Assert.Contains("node 'ghost' field 'edges'", e.Message);
    }

    [Fact]
    public void Inputs_of_different_sizes_into_one_node_are_refused()
    {
        var e = Refused(Graph([("a", new NirInput([2])), ("b", new NirInput([3])), ("out", new NirOutput([2]))], ("a", "out"), ("b", "out")));

        Assert.Equal("g.nir: node 'out' field 'edges': expected its inputs to agree in size: 'a' gives (2), 'b' gives (3).", e.Message);
    }

    [Fact]
    public void A_node_fed_only_by_its_own_cycle_is_refused()
    {
        var lif = new NirLIF(T([1], 0.01), T([1], 1), T([1], 0), T([1], 1), T([1], 0));
        var e = Refused(Graph([("in", new NirInput([1])), ("lif", lif), ("w", new NirLinear(T([1, 1], 1))), ("out", new NirOutput([1]))],
            ("in", "out"), ("lif", "w"), ("w", "lif")));

        Assert.Contains("node 'lif' field 'edges'", e.Message);
        Assert.Contains("never starts", e.Message);
    }

    [Fact]
    public void A_convolution_given_the_wrong_channel_count_says_so()
    {
        var conv = new NirConv2d(null, T([4, 3, 3, 3], 1), [1, 1], [0, 0], null, [1, 1], 1, T([4], 0));
        var e = Refused(Graph([("in", new NirInput([2, 8, 8])), ("c", conv), ("out", new NirOutput([4, 6, 6]))], ("in", "c"), ("c", "out")));

        Assert.Equal("g.nir: node 'c' field 'weight': expected 3×1 input channels as the weight says, the input has 2.", e.Message);
    }

    [Fact]
    public void A_per_neuron_parameter_of_the_wrong_length_is_named()
    {
        var lif = new NirLIF(T([3], 0.01, 0.01, 0.01), T([1], 1), T([1], 0), T([1], 1), T([1], 0));
        var e = Refused(Graph([("in", new NirInput([2])), ("lif", lif), ("out", new NirOutput([2]))], ("in", "lif"), ("lif", "out")));

        Assert.Contains("node 'lif' field", e.Message);
    }

    [Fact]
    public void A_strided_padded_convolution_maps_inputs_as_computed_by_hand()
    {
        // One 2x2 kernel [[1, 2], [3, 4]], stride 2, padding 1, on a 1x3x3 input: output (1, 2, 2). Output (0, 0)'s window
        // covers input rows -1..0 and columns -1..0, so only input (0, 0) reaches it, through the kernel's tap (1, 1) = 4.
        var conv = new NirConv2d([3, 3], new NirTensor([1, 2, 3, 4], [1, 1, 2, 2]), [2, 2], [1, 1], null, [1, 1], 1, new NirTensor([0.5], [1]));
        var map = NirLinearMap.For(conv, [1, 3, 3], [1, 2, 2]);
        var x = new float[9];
        x[0] = 1;       // input (0, 0)
        x[4] = 10;      // input (1, 1): only output (1, 1) covers it (rows 1..2, columns 1..2), through tap (0, 0) = 1
        var y = new float[4];

        long events = map.Apply(x, y);

        Assert.Equal([0.5f + 4, 0.5f, 0.5f, 0.5f + 10 * 1], y);
        Assert.Equal(2, events);
    }

    [Fact]
    public async Task A_delay_line_too_long_to_hold_is_refused_before_it_is_allocated()
    {
        var graph = Graph([("in", new NirInput([1000])), ("d", new NirDelay(T([1000], 1000.0))), ("out", new NirOutput([1000]))],
            ("in", "d"), ("d", "out"));
        var plan = NirPlan.Compile(graph, "g.nir");

        var e = await Assert.ThrowsAsync<NirFormatException>(() => NirRunner.RunAsync(plan, new NirRunOptions(1e-3, 1), 1, [new float[1000]]));

        Assert.Contains("node 'd' (Delay)", e.Message);
        Assert.Contains("more than the cap", e.Message);
    }

    [Fact]
    public async Task A_delay_holds_each_input_for_its_own_number_of_steps()
    {
        var graph = Graph([("in", new NirInput([2])), ("d", new NirDelay(new NirTensor([0.0, 0.002], [2]))), ("out", new NirOutput([2]))],
            ("in", "d"), ("d", "out"));
        var input = Enumerable.Range(0, 5).Select(t => new float[] { t + 1, 10 * (t + 1) }).ToList();

        var run = await NirRunner.RunAsync(NirPlan.Compile(graph, "g.nir"), new NirRunOptions(1e-3, 5), 1, input);

        var outputs = run.Outputs["out"];
        Assert.Equal([1f, 2, 3, 4, 5], outputs.Select(o => o[0]));          // no delay
        Assert.Equal([0f, 0, 10, 20, 30], outputs.Select(o => o[1]));       // 2 ms = 2 steps of 1 ms
    }
}
