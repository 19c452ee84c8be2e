namespace Neuromorphic.Cli.Tests;

/// <summary>`nir show FILE` on the shared NIR graphs and on a file that is not one.</summary>
public class NirCommandTests
{
    /// <summary>What `nir show` prints for a shared graph, after checking it succeeded.</summary>
    static string Show(string graph)
    {
        var r = Cli.Run("nir", "show", Path.Combine(Requires.SharedNir(), "graphs", graph));
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Out;
    }

    [Fact]
    public void Show_prints_nodes_parameters_and_the_recurrent_edge_of_the_braille_graph()
    {
        string output = Show("braille_noDelay_bias_zero.nir");
        Assert.Contains("7 nodes, 7 edges (1 recurrent)", output);
        Assert.Contains("lif1.lif: CubaLIF  in (38) -> out (38)", output);
        Assert.Matches(@"tau_mem\s+\(38\) min 0\.001 mean 0\.001 max 0\.001", output);
        Assert.Contains("lif1.w_rec -> lif1.lif  (recurrent)", output);
    }

    [Fact]
    public void Show_gives_the_convolution_shapes_of_the_sinabs_cnn()
    {
        string output = Show("cnn_sinabs.nir");
        Assert.Contains("0: Conv2d  in (2, 34, 34) -> out (16, 16, 16)  stride (2, 2) padding (1, 1)", output);
        Assert.Contains("8: Flatten  in (8, 4, 4) -> out (128)", output);
        Assert.Contains("(0 recurrent)", output);
    }

    [Fact]
    public void A_file_that_is_not_hdf5_is_one_user_error()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nir-cli-{Guid.NewGuid():N}.nir");
        File.WriteAllText(path, "not a graph");
        try
        {
            var r = Cli.Run("nir", "show", path);
            Assert.Equal(2, r.ExitCode);
            var line = Assert.Single(r.ErrLines);
            Assert.StartsWith("error: " + path + ": not an HDF5 file", line);
            Assert.Equal("", r.Out);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
