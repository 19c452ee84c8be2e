namespace Neuromorphic.Cli.Tests;

/// <summary>`nir show`, `nir run` and `simulate --nir` through the command line, on the shared NIR graphs and on bad input.</summary>
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

    static string Shared(string file) => Path.Combine(Requires.SharedNir(), "graphs", file);

    [Fact]
    public void Run_writes_the_lif_tasks_spikes_membranes_and_figures()
    {
        using var tmp = new TempDir();
        var r = Cli.Run("nir", "run", Shared("lif_norse.nir"), "--input", Shared("lif_norse.csv"), "--input-columns", "0",
            "--dt", "1e-4", "--out", tmp.Path);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("1000 steps of 0.0001 s, exact integration", r.Out);
        var spikes = File.ReadAllLines(Path.Combine(tmp.Path, "spikes.csv"));
        Assert.Equal(["step,time_s,node,neuron", "460,0.0461,1,0", "510,0.0511,1,0", "710,0.0711,1,0", "760,0.0761,1,0"], spikes);
        Assert.Equal(1001, File.ReadAllLines(Path.Combine(tmp.Path, "membranes.csv")).Length);
        Assert.True(File.Exists(Path.Combine(tmp.Path, "raster_1.png")));
        Assert.True(File.Exists(Path.Combine(tmp.Path, "membranes_1.svg")));
    }

    [Theory]
    [InlineData("--dt", "0", "--dt must be a number")]
    [InlineData("--input-columns", "x", "--input-columns takes comma-separated column numbers")]
    [InlineData("--record", "nope", "--record nope: the graph has no such node")]
    [InlineData("--integration", "rk4", "--integration takes exact or euler")]
    public void Run_refuses_bad_options_with_one_line(string option, string value, string message)
    {
        var words = new List<string> { "nir", "run", Shared("lif_norse.nir"), "--input", Shared("lif_norse.csv"), "--input-columns", "0", "--dt", "1e-4" };
        int at = words.IndexOf(option);
        if (at >= 0) words[at + 1] = value; else words.AddRange([option, value]);

        var r = Cli.Run([.. words]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, Assert.Single(r.ErrLines));
    }

    [Fact]
    public void A_csv_row_with_the_wrong_number_of_values_names_its_line()
    {
        using var tmp = new TempDir();
        string csv = Path.Combine(tmp.Path, "in.csv");
        File.WriteAllText(csv, "0\n1\n0,1\n");

        var r = Cli.Run("nir", "run", Shared("lif_norse.nir"), "--input", csv, "--dt", "1e-4", "--out", tmp.Path);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{csv}:3: expected 1 comma-separated values", Assert.Single(r.ErrLines));
    }

    [Fact]
    public void Simulate_nir_prints_the_chips_costs_and_the_spikes_beside_the_graphs()
    {
        using var tmp = new TempDir();
        var r = Cli.Run("simulate", "--nir", Shared("lif_norse.nir"), "--hardware", Path.Combine(Cli.RepoRoot, "hardware-models", "loihi.yaml"),
            "--input", Shared("lif_norse.csv"), "--input-columns", "0", "--dt", "1e-4", "--steps", "1000", "--out", tmp.Path);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("one inference", r.Out);
        Assert.Matches(@"1\s+1\s+4\s+4\s+1\s+4/4 \(100\.0 %\)", r.Out);
        Assert.True(File.Exists(Path.Combine(tmp.Path, "run_summary.yaml")));
    }

    [Fact]
    public void Simulate_nir_on_a_sanafe_file_says_why_it_needs_a_chip_file()
    {
        var r = Cli.Run("simulate", "--nir", Shared("lif_norse.nir"), "--arch", "x.yaml", "--input", "poisson:0.1", "--dt", "1e-3", "--steps", "10");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("simulate --nir needs --hardware FILE", Assert.Single(r.ErrLines));
    }
}
