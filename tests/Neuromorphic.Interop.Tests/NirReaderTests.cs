using Neuromorphic.Interop.Nir;

namespace Neuromorphic.Interop.Tests;

public class NirReaderTests
{
    public static TheoryData<string> SharedGraphs => new(
        "lif_norse.nir", "lif_rockpool.nir", "two_lif_neurons.nir", "cnn_sinabs.nir",
        "braille_noDelay_bias_zero.nir", "braille_noDelay_noBias_subtract.nir");

    static string Graph(string name) => Path.Combine(Requires.SharedNir(), "graphs", name);

    [Theory]
    [MemberData(nameof(SharedGraphs))]
    public void Every_shared_graph_reads_with_an_input_an_output_and_connected_edges(string file)
    {
        var graph = NirReader.Read(Graph(file));

        Assert.Contains(graph.Nodes.Values, n => n is NirInput);
        Assert.Contains(graph.Nodes.Values, n => n is NirOutput);
        Assert.NotEmpty(graph.Edges);
        Assert.All(graph.Edges, e => Assert.True(graph.Nodes.ContainsKey(e.From) && graph.Nodes.ContainsKey(e.To)));
    }

    [Fact]
    public void Lif_norse_is_affine_then_one_lif_neuron_with_tau_in_seconds()
    {
        var graph = NirReader.Read(Graph("lif_norse.nir"));

        var lif = Assert.IsType<NirLIF>(graph.Nodes["1"]);
        Assert.Equal([1], lif.Tau.Shape);
        Assert.Equal(0.0025, lif.Tau.Data[0], 1e-9);   // 2.5 ms, stored as float32
        Assert.Equal(0.1, lif.VThreshold.Data[0], 1e-7);
        Assert.Equal([0.0], lif.VReset.Data);            // absent in the file: NIR's default, zeros like v_threshold
        Assert.IsType<NirAffine>(graph.Nodes["0"]);
        Assert.Equal(new[] { ("input", "0"), ("0", "1"), ("1", "output") }.Order(), graph.Edges.Order());
        Assert.Empty(graph.RecurrentEdges());
    }

    [Fact]
    public void Cnn_sinabs_has_the_papers_layers_and_weight_shapes()
    {
        var graph = NirReader.Read(Graph("cnn_sinabs.nir"));

        var first = Assert.IsType<NirConv2d>(graph.Nodes["0"]);
        Assert.Equal([16, 2, 5, 5], first.Weight.Shape);   // 16 output channels from the 2 N-MNIST polarities
        Assert.Equal([2, 34, 34], first.InputShape!);
        Assert.Equal([16, 16, 16], first.OutputShape!);      // (34 + 2 - 5) / 2 + 1 = 16
        Assert.Equal([16, 16, 16], Assert.IsType<NirIF>(graph.Nodes["1"]).VThreshold.Shape);
        Assert.Equal([16, 16, 3, 3], Assert.IsType<NirConv2d>(graph.Nodes["2"]).Weight.Shape);
        Assert.Equal([2, 2], Assert.IsType<NirSumPool2d>(graph.Nodes["4"]).KernelSize);
        Assert.Equal([8, 16, 3, 3], Assert.IsType<NirConv2d>(graph.Nodes["5"]).Weight.Shape);
        var flatten = Assert.IsType<NirFlatten>(graph.Nodes["8"]);
        Assert.Equal([128], flatten.OutputShape!);
        Assert.Equal([256, 128], Assert.IsType<NirAffine>(graph.Nodes["9"]).Weight.Shape);
        Assert.Equal([10, 256], Assert.IsType<NirAffine>(graph.Nodes["11"]).Weight.Shape);
        Assert.Equal(
            ["Affine", "Conv2d", "Flatten", "IF", "Input", "Output", "SumPool2d"],
            graph.Nodes.Values.Select(n => n.Type).Distinct().Order(StringComparer.Ordinal));
        Assert.Empty(graph.RecurrentEdges());
    }

    [Theory]
    [InlineData("braille_noDelay_bias_zero.nir", 38)]
    [InlineData("braille_noDelay_noBias_subtract.nir", 40)]
    public void Braille_graphs_have_a_cuba_lif_layer_with_a_recurrent_edge(string file, int hidden)
    {
        var graph = NirReader.Read(Graph(file));

        var lif = Assert.IsType<NirCubaLIF>(graph.Nodes["lif1.lif"]);
        Assert.Equal([hidden], lif.TauMem.Shape);
        Assert.Equal([hidden], lif.WIn.Shape);
        Assert.All(lif.TauSyn.Data, tau => Assert.InRange(tau, 1e-6, 10));   // seconds
        var recurrent = Assert.Single(graph.RecurrentEdges());
        Assert.Contains("lif1.w_rec", new[] { recurrent.From, recurrent.To });
        Assert.Contains("lif1.lif", new[] { recurrent.From, recurrent.To });
    }

    [Fact]
    public void A_text_file_named_nir_is_one_clear_error()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nir-text-{Guid.NewGuid():N}.nir");
        File.WriteAllText(path, "this is not a graph\n");
        try
        {
            var error = Assert.Throws<NirFormatException>(() => NirReader.Read(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("not an HDF5 file", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Recurrent_edges_are_the_ones_that_close_a_cycle()
    {
        NirTensor one = new([1.0], [1]);
        var graph = new NirGraph(
            new Dictionary<string, NirNode>
            {
                ["in"] = new NirInput([1]), ["a"] = new NirScale(one), ["b"] = new NirScale(one), ["out"] = new NirOutput([1]),
            },
            [("in", "a"), ("a", "b"), ("b", "a"), ("b", "out"), ("b", "b")],
            new Dictionary<string, string>());

        Assert.Equal(new[] { ("b", "a"), ("b", "b") }.Order(), graph.RecurrentEdges().Order());
    }
}
