using System.Diagnostics;
using System.Text.Json;

namespace Neuromorphic.Cli.Tests;

/// <summary>
/// One tiny run through the whole tool, made once for the collection: train (300 images, 2 read-out epochs),
/// evaluate, simulate on every shipped chip, run as spikes, plot, report. The tests check what each step left behind.
/// </summary>
public sealed class TinyRun : IDisposable
{
    readonly TempDir _dir = new();

    public string Run => Path.Combine(_dir.Path, "run");
    public CliResult Train { get; }
    public CliResult Evaluate { get; }
    public CliResult Simulate { get; }
    public CliResult Cores { get; }
    public CliResult GradedCores { get; }
    public CliResult Spiking { get; }
    public CliResult TreeCores { get; }
    public CliResult Plot { get; }
    public CliResult Report { get; }
    public TimeSpan Elapsed { get; }

    public TinyRun()
    {
        var clock = Stopwatch.StartNew();
        Train = Cli.Run("train", "--preset", "mnist-small", "--limit-train", "300", "--limit-test", "100",
            "--classifier-epochs", "2", "--out", Run);
        // Each later step runs even when an earlier one failed; the tests say which one it was.
        Evaluate = Cli.Run("evaluate", "--run", Run, "--limit-test", "100");
        Simulate = Cli.Run("simulate", "--run", Run, "--hardware", "all", "--limit-test", "50", "--per-layer");
        Cores = Cli.Run("simulate", "--softhebb", Run, "--hardware", Path.Combine(Cli.RepoRoot, "hardware-models", "loihi.yaml"),
            "--steps", "4,8", "--images", "2");
        GradedCores = Cli.Run("simulate", "--softhebb", Run, "--hardware", Path.Combine(Cli.RepoRoot, "hardware-models", "loihi2.yaml"), "--images", "2");
        TreeCores = Cli.Run("simulate", "--softhebb", Run, "--hardware", Path.Combine(Cli.RepoRoot, "hardware-models", "loihi2.yaml"),
            "--spikes", "binary", "--max-pool", "tree", "--power", "piecewise:2", "--avg-pool", "neurons", "--steps", "4,8", "--images", "2",
            "--out", Path.Combine(Run, "cores-loihi2-tree"));
        Spiking = Cli.Run("spiking", "softhebb", "--run", Run, "--limit-test", "50", "--steps", "4,8", "--raster", "by-rate:50");
        Plot = Cli.Run("plot", "--run", Run);
        Report = Cli.Run("report", "--run", Run);
        Elapsed = clock.Elapsed;
    }

    public string ReportPath => Path.Combine(Run, "report.html");

    public JsonElement ReadJson(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Run, file)));
        return doc.RootElement.Clone();
    }

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TinyRunCollection : ICollectionFixture<TinyRun>
{
    public const string Name = "tiny run";
}

[Collection(TinyRunCollection.Name)]
public class EndToEndTests(TinyRun run)
{
    static void Succeeded(CliResult r, string step)
    {
        Assert.True(r.ExitCode == 0, $"{step} failed: {r}");
        Assert.DoesNotContain("UNHANDLED", r.Err);
    }

    [Fact]
    public void Train_writes_the_model_and_metrics_with_accuracy_above_chance()
    {
        Succeeded(run.Train, "train");
        Assert.Contains("test accuracy", run.Train.Out);
        foreach (var file in new[] { "model.ckpt", "metrics.json", "preset.json", "run.json" })
            Assert.True(File.Exists(Path.Combine(run.Run, file)), $"{file} missing after train");
        var metrics = run.ReadJson("metrics.json");
        double accuracy = metrics.GetProperty("testAccuracy").GetDouble();
        Assert.InRange(accuracy, 0.2, 1.0); // 10 classes: chance is 0.1
        Assert.Equal(100, metrics.GetProperty("testImages").GetInt32());
        Assert.Equal(300, metrics.GetProperty("trainImages").GetInt32());
    }

    [Fact]
    public void Evaluate_prints_the_accuracy_and_writes_evaluation_json()
    {
        Succeeded(run.Evaluate, "evaluate");
        Assert.Contains("accuracy", run.Evaluate.Out);
        Assert.Contains("confusion", run.Evaluate.Out);
        var evaluation = run.ReadJson("evaluation.json");
        Assert.Equal(100, evaluation.GetProperty("samples").GetInt32());
        Assert.InRange(evaluation.GetProperty("accuracy").GetDouble(), 0.2, 1.0);
    }

    [Fact]
    public void Simulate_covers_every_shipped_chip()
    {
        Succeeded(run.Simulate, "simulate");
        var outcomes = run.ReadJson("hardware.json").GetProperty("outcomes").EnumerateArray().ToList();
        int chips = Directory.GetFiles(Path.Combine(Cli.RepoRoot, "hardware-models"), "*.yaml").Length;
        Assert.Equal(chips, outcomes.Count);
        Assert.Contains(outcomes, o => o.GetProperty("energy").ValueKind == JsonValueKind.Object);
        foreach (var o in outcomes.Where(o => o.GetProperty("energy").ValueKind == JsonValueKind.Object))
        {
            Assert.InRange(o.GetProperty("accuracy").GetDouble(), 0.1, 1.0);
            Assert.True(o.GetProperty("energy").GetProperty("totalJ").GetDouble() > 0, o.ToString());
        }
        foreach (var o in outcomes.Where(o => o.GetProperty("energy").ValueKind != JsonValueKind.Object))
            Assert.False(string.IsNullOrWhiteSpace(o.GetProperty("failure").GetString()), o.ToString());

        // --per-layer: each layer alone at the chip's precision; the worst of them is the change the whole network took.
        var results = RunDirectory.Read<HardwareResults>(run.Run, RunDirectory.HardwareFile)!.Outcomes;
        Assert.Null(results.Single(o => o.Chip.StartsWith("fp32", StringComparison.Ordinal)).Layers); // computes with the weights as trained
        foreach (var o in results.Where(o => o.Chip is "Loihi" or "TrueNorth"))
        {
            Assert.Equal(["hebb0", "hebb1", "readout"], o.Layers!.Select(l => l.Layer));
            Assert.Equal(o.QuantizationRelativeRmsError, o.Layers!.Max(l => l.RelativeRmsError));
            Assert.All(o.Layers!, l => Assert.InRange(l.Accuracy, 0.1, 1.0));
        }
        Assert.Contains("accuracy with one layer at the chip's precision", run.Simulate.Out);
        Assert.Contains("Accuracy with one layer at the chip&#39;s precision", File.ReadAllText(run.ReportPath));
        Assert.Matches(@"\| TrueNorth \| [0-9.]+ % \([0-9.]+ %\) \| [0-9.]+ % \([0-9.]+ %\) \| [0-9.]+ % \([0-9.]+ %\) \| [0-9.]+ % \|", run.Simulate.Out);
    }

    [Fact]
    public void Simulate_core_by_core_runs_the_trained_network_on_a_chips_cores()
    {
        Succeeded(run.Cores, "simulate --steps");
        Assert.Contains("accuracy on the chip", run.Cores.Out);
        Assert.Contains("software spiking", run.Cores.Out);
        Assert.Matches(@"on \d+ cores of Loihi", run.Cores.Out);
        Assert.Matches(@"weights quantised to Loihi's precision \(relative RMS change [0-9.]+ %\)", run.Cores.Out);
        // The class is read once the read-out has the software's T steps: input, hebb0, pooling, hebb1, read-out (hebb1's
        // average pooling is folded into the read-out's weights by default).
        Assert.Contains("the class read at step T + 4", run.Cores.Out);
        Assert.Contains("average pooling folded into the read-out's weights, on the chip and in software", run.Cores.Out);
        // One row per read-out time (the chip, the software run with the chip's OR pooling, the exact one), each with a
        // dynamic and a static energy (Loihi's file has a static power).
        Assert.Matches(@"\| 4 \| [0-9.]+ % \| [0-9.]+ % \| [0-9.]+ % \| [0-9.]+ µJ \|.*\| [0-9.]+ µJ \| [0-9.]+ µs \|", run.Cores.Out);
        Assert.Matches(@"\| 8 \| [0-9.]+ % \| [0-9.]+ % \| [0-9.]+ % \| [0-9.]+ µJ \|", run.Cores.Out);
        foreach (var file in new[] { "run_summary.yaml", "perf.csv", "report.html", "plots/core-activity.png" })
            Assert.True(File.Exists(Path.Combine(run.Run, "cores-loihi", file)), $"{file} is missing");
    }

    [Fact]
    public void On_a_graded_spike_chip_the_network_runs_with_graded_spikes_pipelined_and_the_report_says_so()
    {
        Succeeded(run.GradedCores, "simulate --softhebb on Loihi 2");
        Assert.Contains("graded spikes (32-bit payloads)", run.GradedCores.Out);
        Assert.Contains("software, rates in place of spikes", run.GradedCores.Out);
        // One row at T = 5: input, hebb0, its max pooling, hebb1, the read-out (hebb1's average pooling folded into it).
        Assert.Matches(@"\| 5 \| [0-9.]+ % \| [0-9.]+ % \| [0-9.]+ µJ \|.*\| [0-9.]+ µs \|", run.GradedCores.Out);
        var cores = RunDirectory.Read<CoresRunResult>(Path.Combine(run.Run, "cores-loihi2"), CoresRunResult.FileName)!;
        Assert.Equal((CoresRunResult.GradedSpikes, 32), (cores.Spikes, cores.PayloadBits));
        Assert.True(cores.StepS > 0 && cores.ByT.Single().LatencyS > cores.StepS, "an inference takes several pipeline steps");
        Succeeded(run.Report, "report");
        Assert.Contains("graded spikes of 32 bits, images pipelined one a step", File.ReadAllText(run.ReportPath));

        // --steps is for binary spikes; a binary chip has no graded spikes; SANA-FE's files have none to export.
        string loihi2 = Path.Combine(Cli.RepoRoot, "hardware-models", "loihi2.yaml");
        Cli.AssertUserError(Cli.Run("simulate", "--softhebb", run.Run, "--hardware", loihi2, "--steps", "8"), "--spikes binary");
        Cli.AssertUserError(Cli.Run("simulate", "--softhebb", run.Run, "--hardware", loihi2, "--images", "1", "--export"), "graded", "export");
        Cli.AssertUserError(Cli.Run("simulate", "--softhebb", run.Run, "--hardware", Path.Combine(Cli.RepoRoot, "hardware-models", "loihi.yaml"),
            "--spikes", "graded", "--images", "1"), "binary");
        Cli.AssertUserError(Cli.Run("simulate", "--softhebb", run.Run, "--hardware", loihi2, "--spikes", "loud"), "binary or graded");
        // SANA-FE's files have no free-running steps either.
        Cli.AssertUserError(Cli.Run("simulate", "--softhebb", run.Run, "--hardware", loihi2, "--sync", "free", "--export"), "--sync barrier");
    }

    [Fact]
    public void Spiking_writes_accuracy_per_T_a_raster_of_the_chosen_neurons_and_membranes()
    {
        Succeeded(run.Spiking, "spiking softhebb");
        var spiking = run.ReadJson("spiking.json");
        Assert.Equal([4, 8], spiking.GetProperty("steps").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(50, spiking.GetProperty("samples").GetInt32());
        Assert.Equal("Exact", spiking.GetProperty("maxPooling").GetString());
        Cli.AssertUserError(Cli.Run("spiking", "softhebb", "--run", run.Run, "--max-pool", "largest"), "--max-pool must be 'exact' or 'or'");
        var traces = run.ReadJson("spiking-traces.json");
        Assert.Equal(8, traces.GetProperty("steps").GetInt32());
        var rasters = traces.GetProperty("rasters").EnumerateArray().ToList();
        Assert.Equal(["regular", "poisson"], rasters.Select(r => r.GetProperty("encoding").GetString()));
        foreach (var r in rasters)
        {
            int rows = r.GetProperty("neurons").GetArrayLength();
            Assert.InRange(rows, 1, 50);
            Assert.All(r.GetProperty("rows").EnumerateArray(), row => Assert.InRange(row.GetInt32(), 0, rows - 1));
            Assert.All(r.GetProperty("steps").EnumerateArray(), t => Assert.InRange(t.GetInt32(), 1, 8));
        }
        Assert.Equal(rasters[0].GetProperty("neurons").ToString(), rasters[1].GetProperty("neurons").ToString());
        var membranes = traces.GetProperty("membranes").EnumerateArray().ToList();
        Assert.InRange(membranes.Count, 1, 3);
        Assert.All(membranes, m => Assert.Equal(8, m.GetProperty("values").GetArrayLength()));
    }

    [Fact]
    public void Plot_writes_every_kind_as_png_and_svg()
    {
        Succeeded(run.Plot, "plot");
        string plots = Path.Combine(run.Run, "plots");
        foreach (var kind in RunPlots.Kinds)
        {
            string png = Path.Combine(plots, kind + ".png");
            Assert.True(File.Exists(png), $"{png} missing; plot printed:\n{run.Plot.Out}");
            Assert.True(File.Exists(Path.Combine(plots, kind + ".svg")), $"{kind}.svg missing");
            Assert.True(Png.IsPng(File.ReadAllBytes(png)), $"{png} is not a PNG");
        }
    }

    [Fact]
    public void Report_is_one_self_contained_html_file()
    {
        Succeeded(run.Report, "report");
        Assert.True(File.Exists(run.ReportPath));
        Assert.Equal(run.ReportPath, run.Report.Out.Trim());
        string html = File.ReadAllText(run.ReportPath);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Equal(RunPlots.Kinds.Length, CountOf(html, "<img src=\"data:image/png;base64,"));
        // The core-by-core run's figures are inline SVG; their xmlns values are namespace names, never fetched.
        string withoutNamespaces = System.Text.RegularExpressions.Regex.Replace(html, "\\sxmlns(:\\w+)?=\"[^\"]*\"", "");
        Assert.DoesNotContain("http://", withoutNamespaces);
        Assert.DoesNotContain("https://", withoutNamespaces);
        foreach (var text in new[] { "test accuracy", "Hebbian passes", "Read-out epochs", "Chips:", "Loihi" })
            Assert.Contains(text, html);
    }

    [Fact]
    public void Report_includes_the_core_by_core_run_with_its_table_and_figures()
    {
        Succeeded(run.Cores, "simulate --softhebb");
        Succeeded(run.Report, "report");
        var cores = RunDirectory.Read<CoresRunResult>(Path.Combine(run.Run, "cores-loihi"), CoresRunResult.FileName)!;
        Assert.Equal([4, 8], cores.ByT.Select(r => r.T));
        Assert.Equal(2, cores.Images);
        Assert.Equal(RunDirectory.ModelChecksum(run.Run), cores.ModelSha256);
        // The chip's 8-bit weights, as `simulate --run` quantises them for the same chip.
        Succeeded(run.Simulate, "simulate --run");
        var loihi = RunDirectory.Read<HardwareResults>(run.Run, RunDirectory.HardwareFile)!.Outcomes.Single(o => o.Chip == "Loihi");
        Assert.True(cores.WeightError > 0);
        Assert.Equal(loihi.QuantizationRelativeRmsError, cores.WeightError);
        string html = File.ReadAllText(run.ReportPath);
        Assert.Contains("spiking runs with the chip&#39;s weights, relative RMS change", html);
        Assert.Equal(4, cores.ReadoutLag);
        Assert.Contains("the class read at step T + 4", html);
        Assert.True(cores.AveragePoolingFolded);
        Assert.Contains("average pooling folded into the read-out&#39;s weights", html);
        Assert.Contains("software, the chip&#39;s pooling", html);
        Assert.All(cores.ByT, r => Assert.NotNull(r.SoftwareChipPoolingAccuracy));
        Assert.Equal("or", cores.MaxPooling);
        Assert.Contains("max pooling by OR neurons", html);
        // A table written before the lag was counted reads back without it, and the report says its class came at T.
        var old = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(run.Run, "cores-loihi", CoresRunResult.FileName)))!.AsObject();
        Assert.True(old.Remove("readoutLag"));
        Assert.Null(old.Deserialize<CoresRunResult>(RunDirectory.Json)!.ReadoutLag);
        Assert.Contains("On Loihi core by core", html);
        Assert.Contains("Loihi, core by core, test image 0: energy per step", html);
        Assert.Contains("Loihi, core by core, test image 0: activity per core", html);
    }

    [Fact]
    public void Max_pooling_by_comparator_trees_runs_where_the_chip_holds_them_and_says_why_not_elsewhere()
    {
        Succeeded(run.TreeCores, "simulate --softhebb --max-pool tree");
        Assert.Contains("max pooling by comparator trees (--max-pool tree)", run.TreeCores.Out);
        var cores = RunDirectory.Read<CoresRunResult>(Path.Combine(run.Run, "cores-loihi2-tree"), CoresRunResult.FileName)!;
        Assert.Equal("tree", cores.MaxPooling);
        // Input, hebb0, four tree levels and the pooled neurons, the power's knees and the neurons adding them, hebb1, its
        // knees, its average pooling by counting neurons (--avg-pool neurons), the read-out.
        Assert.Equal(12, cores.ReadoutLag);
        Assert.False(cores.AveragePoolingFolded);
        Assert.DoesNotContain("average pooling folded", run.TreeCores.Out);
        // Exact max pooling by the trees, but hebb1's average pooling by counting neurons: the software run with those.
        Assert.All(cores.ByT, r => Assert.NotNull(r.SoftwareChipPoolingAccuracy));
        // On Loihi the trees take more cores than the chip has; graded spikes send the largest value; --snn has no pooling to choose.
        string loihi = Path.Combine(Cli.RepoRoot, "hardware-models", "loihi.yaml"), loihi2 = Path.Combine(Cli.RepoRoot, "hardware-models", "loihi2.yaml");
        Cli.AssertUserError(Cli.Run("simulate", "--softhebb", run.Run, "--hardware", loihi, "--max-pool", "tree", "--steps", "4", "--images", "1"),
            "Loihi has 128 cores", "--max-pool or");
        Cli.AssertUserError(Cli.Run("simulate", "--softhebb", run.Run, "--hardware", loihi2, "--max-pool", "tree"), "graded spikes", "--spikes binary");
        Cli.AssertUserError(Cli.Run("simulate", "--softhebb", run.Run, "--hardware", loihi2, "--max-pool", "largest"), "--max-pool must be or or tree");
        Cli.AssertUserError(Cli.Run("simulate", "--softhebb", run.Run, "--hardware", loihi2, "--avg-pool", "sideways"), "--avg-pool must be neurons or fold");
    }

    [Fact]
    public void Images_run_side_by_side_give_the_figures_they_give_one_at_a_time()
    {
        string loihi = Path.Combine(Cli.RepoRoot, "hardware-models", "loihi.yaml");
        using var tmp = new TempDir();
        var rows = new[] { 1, 3 }.Select(threads =>
        {
            string output = tmp.File($"threads-{threads}");
            Succeeded(Cli.Run("simulate", "--softhebb", run.Run, "--hardware", loihi, "--steps", "4,8", "--images", "5", "--threads", $"{threads}",
                "--out", output), $"simulate --softhebb --threads {threads}");
            return JsonSerializer.Serialize(RunDirectory.Read<CoresRunResult>(output, CoresRunResult.FileName)!.ByT);
        }).ToArray();
        Assert.Equal(rows[0], rows[1]); // every figure, to the last bit: each image's steps are summed in image order
        Cli.AssertUserError(Cli.Run("simulate", "--arch", loihi, "--snn", loihi, "--steps", "4", "--threads", "2"), "--threads goes with --softhebb");
    }

    [Fact]
    public void The_triangles_power_runs_on_the_chip_as_knee_neurons_where_it_fits_and_says_why_not_elsewhere()
    {
        Succeeded(run.TreeCores, "simulate --softhebb --power piecewise:2");
        Assert.Contains("the Triangle's power on the chip as a sum of ReLUs with 2 knees", run.TreeCores.Out);
        var cores = RunDirectory.Read<CoresRunResult>(Path.Combine(run.Run, "cores-loihi2-tree"), CoresRunResult.FileName)!;
        Assert.Equal(2, cores.PowerKnees);
        Assert.InRange(cores.PowerError!.Value, 0.005, 0.05); // r^0.7 and r^1.4 with 2 knees
        // The default takes the power as 1 and says how to compute it.
        Assert.Contains("the Triangle's power taken as 1", run.Cores.Out);
        Assert.Equal(0, RunDirectory.Read<CoresRunResult>(Path.Combine(run.Run, "cores-loihi"), CoresRunResult.FileName)!.PowerKnees);
        // On Loihi the knees take more cores than the chip has; a bad value names the choices.
        string loihi = Path.Combine(Cli.RepoRoot, "hardware-models", "loihi.yaml");
        Cli.AssertUserError(Cli.Run("simulate", "--softhebb", run.Run, "--hardware", loihi, "--power", "piecewise", "--steps", "4", "--images", "1"),
            "Loihi has 128 cores", "--power linear");
        Cli.AssertUserError(Cli.Run("simulate", "--softhebb", run.Run, "--hardware", loihi, "--power", "piecewise:0", "--steps", "4"),
            "--power must be linear, piecewise or piecewise:K");
    }

    [Fact]
    public void Mistakes_on_a_real_run_are_one_line_errors()
    {
        using var tmp = new TempDir();
        string broken = tmp.File("broken.yaml");
        File.WriteAllText(broken, "format: 1\nchip:\n  name: [\n");
        Cli.AssertUserError(Cli.Run("simulate", "--run", run.Run, "--hardware", broken, "--limit-test", "5"), broken + ":");
        Cli.AssertUserError(Cli.Run("simulate", "--run", run.Run, "--hardware", tmp.File("nope.yaml")), "nope.yaml", "does not exist");
        Cli.AssertUserError(Cli.Run("plot", "--run", run.Run, "--kind", "pie-chart"), "pie-chart");
        Cli.AssertUserError(Cli.Run("evaluate", "--run", run.Run, "--data", tmp.File("no-data")), "no-data");
        Cli.AssertUserError(Cli.Run("evaluate", "--run", run.Run, "--limit-test", "-1"), "--limit-test");
        // A CIFAR-10 folder (two 3x32x32 test records) for the MNIST-trained run: named sizes, not an engine failure.
        string cifar = tmp.File("cifar");
        Directory.CreateDirectory(cifar);
        File.WriteAllBytes(Path.Combine(cifar, "test_batch.bin"), new byte[2 * 3073]);
        Cli.AssertUserError(Cli.Run("evaluate", "--run", run.Run, "--data", cifar), "1x28x28", "3x32x32");
        Cli.AssertUserError(Cli.Run("simulate", "--run", run.Run, "--data", cifar, "--hardware", "all"), "1x28x28", "3x32x32");
    }

    [Fact]
    public void Report_refuses_a_core_by_core_run_of_another_model()
    {
        Succeeded(run.Cores, "simulate --softhebb");
        using var tmp = new TempDir();
        string copy = tmp.File("run");
        Directory.CreateDirectory(Path.Combine(copy, "cores-loihi"));
        foreach (var file in new[] { "model.ckpt", "preset.json", "metrics.json", "run.json" })
            File.Copy(Path.Combine(run.Run, file), Path.Combine(copy, file));
        var cores = RunDirectory.Read<CoresRunResult>(Path.Combine(run.Run, "cores-loihi"), CoresRunResult.FileName)!;
        RunDirectory.WriteJson(Path.Combine(copy, "cores-loihi"), CoresRunResult.FileName, cores with { ModelSha256 = new string('0', 64) });

        Cli.AssertUserError(Cli.Run("report", "--run", copy), "core-by-core run on Loihi came from another model");
    }

    [Fact]
    public void Report_shows_why_a_chip_cannot_take_the_network()
    {
        using var tmp = new TempDir();
        string copy = tmp.File("run");
        Directory.CreateDirectory(copy);
        foreach (var file in new[] { "model.ckpt", "preset.json", "metrics.json", "run.json" })
            File.Copy(Path.Combine(run.Run, file), Path.Combine(copy, file));
        string loihi = File.ReadAllText(Path.Combine(Cli.RepoRoot, "hardware-models", "loihi.yaml"));
        string oneCore = loihi.Replace("  count: 128 ", "  count: 1 ", StringComparison.Ordinal).Replace("name: Loihi", "name: Loihi one core", StringComparison.Ordinal);
        Assert.NotEqual(loihi, oneCore);
        File.WriteAllText(tmp.File("one-core.yaml"), oneCore);

        var simulate = Cli.Run("simulate", "--run", copy, "--hardware", tmp.File("one-core.yaml"), "--limit-test", "5");
        Succeeded(simulate, "simulate on a one-core chip");
        Assert.Contains("does not fit", simulate.Out);
        var report = Cli.Run("report", "--run", copy);
        Succeeded(report, "report with a chip that does not fit");
        string html = File.ReadAllText(Path.Combine(copy, "report.html"));
        Assert.Contains("Loihi one core", html);
        Assert.Contains("does not fit", html);
        Assert.Equal(3, CountOf(html, "<img src=\"data:image/png;base64,")); // no energy plots without a chip that fits
    }

    static int CountOf(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
