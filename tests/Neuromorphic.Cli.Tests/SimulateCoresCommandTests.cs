namespace Neuromorphic.Cli.Tests;

/// <summary>`simulate --arch --snn --steps`: SANA-FE's files in, SANA-FE's outputs out, one clear error for a bad file.</summary>
public sealed class SimulateCoresCommandTests
{
    /// <summary>Runs SANA-FE's example (100 steps) with <paramref name="options"/> into a fresh folder, hands the result,
    /// the folder and the reference folder to <paramref name="check"/>, and removes the folder.</summary>
    private static void RunExample(string[] options, Action<CliResult, string, string> check)
    {
        string root = Requires.SanafeReference();
        string output = Path.Combine(Path.GetTempPath(), "nm-cores-" + Guid.NewGuid().ToString("N"));
        try
        {
            var r = Cli.Run(["simulate", "--arch", Path.Combine(root, "arch", "example_chip.yaml"),
                "--snn", Path.Combine(root, "snn", "example_snn.yaml"), "--steps", "100", "--out", output, .. options]);
            Assert.True(r.ExitCode == 0, r.ToString());
            check(r, output, root);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Example_run_writes_sanafe_outputs_figures_and_a_report() => RunExample(["--messages", "--export"], (r, output, root) =>
    {
        Assert.Contains("synaptic events 5, messages 3, neurons updated 200, fired 3", r.Out);
        Assert.Contains("energy 0.006 µJ", r.Out);
        foreach (string file in new[] { "run_summary.yaml", "perf.csv", "spikes.csv", "potentials.csv", "messages.csv", "report.html",
                     "plots/energy-per-step.png", "plots/core-activity.svg", "plots/router-load.png" })
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} is missing");
        Assert.Equal(File.ReadAllText(Path.Combine(root, "reference", "example_100_messages.csv")),
            File.ReadAllText(Path.Combine(output, "messages.csv")));
        string summary = File.ReadAllText(Path.Combine(output, "run_summary.yaml"));
        Assert.Contains("total_spikes: 5\n", summary);
        Assert.Contains("  total: 6.440000e-09\n", summary);

        // The exported chip and network, simulated again, give the same run.
        string again = Path.Combine(output, "again");
        var r2 = Cli.Run("simulate", "--arch", Path.Combine(output, "arch.yaml"), "--snn", Path.Combine(output, "snn.yaml"), "--steps", "100", "--out", again);
        Assert.True(r2.ExitCode == 0, r2.ToString());
        foreach (string file in new[] { "perf.csv", "spikes.csv", "potentials.csv" })
            Assert.Equal(File.ReadAllText(Path.Combine(output, file)), File.ReadAllText(Path.Combine(again, file)));
    });

    [Fact]
    public void Sync_free_runs_the_example_free_the_same_spikes_in_less_time()
    {
        RunExample(["--sync", "free"], (r, output, root) =>
        {
            Assert.Contains("detailed timing, free-running steps", r.Out);
            Assert.Equal(File.ReadAllText(Path.Combine(root, "reference", "example_100_spikes.csv")),
                File.ReadAllText(Path.Combine(output, "spikes.csv")));
            // 841 ns against 844 ns with the barrier (SANA-FE's reference; this chip's sync costs nothing): the cores overlap.
            Assert.Contains("sim_time: 8.410000e-07\n", File.ReadAllText(Path.Combine(output, "run_summary.yaml")));
        });
        var bad = Cli.Run("simulate", "--arch", "a.yaml", "--snn", "b.yaml", "--steps", "3", "--sync", "never");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("--sync must be barrier or free", bad.Err);
    }

    [Fact]
    public void A_mapping_to_a_missing_core_is_one_error_with_file_line_and_field()
    {
        string root = Requires.SanafeReference();
        string dir = Path.Combine(Path.GetTempPath(), "nm-cores-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string snn = Path.Combine(dir, "bad.yaml");
            File.WriteAllText(snn, """
                network:
                  name: bad
                  groups:
                    - name: a
                      attributes: []
                      neurons: [0]
                  edges: []
                mappings:
                  - a.0: [core: '7.0']
                """);
            var r = Cli.Run("simulate", "--arch", Path.Combine(root, "arch", "example_chip.yaml"), "--snn", snn, "--steps", "3",
                "--out", Path.Combine(dir, "out"));
            Assert.True(r.ExitCode == 2, r.ToString());
            string line = Assert.Single(r.ErrLines);
            Assert.StartsWith($"error: {snn}:9:", line);
            Assert.Contains("7.0", line);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_raster_stops_before_its_spikes_pass_the_cap()
    {
        int cap = Application.Simulation.CoreRunReport.RasterSpikes;
        // Steps 1-3 hold cap/2 spikes each (and one stray spike lies past the steps drawn): two steps fit, three do not.
        var steps = Enumerable.Repeat(1L, cap / 2).Concat(Enumerable.Repeat(2L, cap / 2)).Concat(Enumerable.Repeat(3L, cap / 2)).Append(500L);
        Assert.Equal(2, Application.Simulation.CoreRunReport.RasterStepsShown(steps, 200));
        // Under the cap, every step asked for; one step over the cap alone is still drawn.
        Assert.Equal(200, Application.Simulation.CoreRunReport.RasterStepsShown([1, 5, 200, 201], 200));
        Assert.Equal(1, Application.Simulation.CoreRunReport.RasterStepsShown(Enumerable.Repeat(1L, cap + 1), 200));
        Assert.Equal(7, Application.Simulation.CoreRunReport.RasterStepsShown([], 7));
    }

    [Fact]
    public void The_two_forms_of_simulate_do_not_mix()
    {
        var r = Cli.Run("simulate", "--arch", "a.yaml", "--run", "runs/x");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("not both", r.Err);
        var typo = Cli.Run("simulate", "--arch", "a.yaml", "--snn", "b.yaml", "--steps", "3", "--tmiing", "simple");
        Assert.True(typo.ExitCode == 2, typo.ToString());
        Assert.Contains("does not take --tmiing", typo.Err);
    }
}
