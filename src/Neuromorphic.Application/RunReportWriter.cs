using System.Globalization;
using System.Text.Json;
using Neuromorphic.Hardware;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Plotting;

namespace Neuromorphic.Application;

/// <summary>One self-contained HTML page for a run: its configuration, measured figures, chip table and plots.</summary>
public static class RunReportWriter
{
    public const string ReportFile = "report.html";

    /// <param name="model">The run's model when the caller has loaded it already.</param>
    public static string Write(string run, TrainedModel? model = null) => RunDirectory.Reading(run, "the report", () =>
    {
        var (title, summary, tables) = Tables(run);
        var figures = RunPlots.Make(run, RunPlots.Kinds, model).Select(p => ReportFigure.FromPlot(p.Caption, p.Model)).ToList();
        figures.AddRange(CoreRuns(run).SelectMany(c => CoreFigures(c.Folder, c.Result)));
        return HtmlReport.Save(new ReportContent(title, summary, tables, figures), Path.Combine(run, ReportFile));
    });

    /// <summary>The report's title, summary and tables, read from the run's files (no plots are drawn).</summary>
    public static (string Title, List<KeyValuePair<string, string>> Summary, List<ReportTable> Tables) Tables(string run) =>
        RunDirectory.Reading(run, "the report", () => ReadTables(run));

    static (string, List<KeyValuePair<string, string>>, List<ReportTable>) ReadTables(string run)
    {
        var summary = new List<KeyValuePair<string, string>>();
        var tables = new List<ReportTable>();
        var info = RunDirectory.Read<RunInfo>(run, RunDirectory.RunInfoFile);
        var metrics = RunDirectory.ReadMetrics(run);
        var hardware = RunDirectory.Read<HardwareResults>(run, RunDirectory.HardwareFile);
        string model = RunDirectory.CheckDerived(run);
        if (info is not null)
            summary.AddRange([new("command", info.Command), new("seed", info.Seed.ToString(CultureInfo.InvariantCulture)), new("commit", info.Commit),
                new("started (UTC)", info.StartedUtc.ToString("O", CultureInfo.InvariantCulture)), new("machine", info.Machine),
                new("runtime", info.Runtime), new("GEMM back-end", info.Gemm)]);
        summary.Add(new("model sha256", model));
        if (metrics is not null)
        {
            summary.AddRange([new("preset", metrics.Preset), new("schedule", metrics.Schedule),
                new("training images", metrics.TrainImages.ToString(CultureInfo.InvariantCulture)),
                new("test images", metrics.TestImages.ToString(CultureInfo.InvariantCulture))]);
            summary.Add(new("test accuracy", Pct(metrics.TestAccuracy)));
            summary.Add(new("wall time", $"{F(metrics.WallSeconds, 1)} s"));
            summary.Add(new("peak memory", $"{F(metrics.PeakMemoryBytes / (1024.0 * 1024), 0)} MiB"));
            summary.Add(new("feature extraction", $"{F(metrics.FeatureImagesPerSecond, 0)} images/s"));
            tables.Add(new ReportTable("Hebbian passes (every pass runs through the engine)",
                ["phase", "images", "seconds", "images/s", "engine overhead"],
                metrics.HebbianPasses.Select(p => (IReadOnlyList<string>)
                [
                    p.Phase, p.Images.ToString(CultureInfo.InvariantCulture), F(p.Seconds, 1), F(p.ImagesPerSecond, 1), Pct(p.EngineOverhead),
                ]).ToList()));
            tables.Add(new ReportTable("Read-out epochs", ["epoch", "learning rate", "train loss", "train accuracy", "test accuracy"],
                metrics.ReadoutEpochs.Select(e => (IReadOnlyList<string>)
                [
                    e.Epoch.ToString(CultureInfo.InvariantCulture), e.LearningRate.ToString("G3", CultureInfo.InvariantCulture),
                    F(e.TrainLoss, 4), Pct(e.TrainAccuracy), Pct(e.TestAccuracy),
                ]).ToList()));
        }
        if (hardware is not null) tables.AddRange(ChipTables(hardware.Outcomes));
        if (RunDirectory.Read<SpikingRunResult>(run, RunPlots.SpikingFile) is { } spiking) tables.Add(SpikingTable(spiking));
        foreach (var (_, cores) in CoreRuns(run))
        {
            if (cores.ModelSha256 != model)
                throw new UserErrorException($"{run}: the core-by-core run on {cores.Chip} came from another model (sha256 {cores.ModelSha256[..12]}…); " +
                    "run 'simulate --softhebb' again or remove its folder.");
            tables.Add(CoresTable(cores));
        }

        string title = metrics is not null ? $"Neuromorphic run: {metrics.Preset}" : "Neuromorphic run";
        return (title, summary, tables);
    }

    /// <summary>The core-by-core runs of this model (`simulate --softhebb`), in the run's cores-* folders.</summary>
    static IEnumerable<(string Folder, CoresRunResult Result)> CoreRuns(string run) =>
        Directory.EnumerateDirectories(run, "cores-*").Order(StringComparer.Ordinal)
            .Select(d => (d, RunDirectory.Read<CoresRunResult>(d, CoresRunResult.FileName)))
            .Where(p => p.Item2 is not null).Select(p => (p.d, p.Item2!));

    static ReportTable CoresTable(CoresRunResult c)
    {
        bool graded = c.Graded;
        return new(
        $"On {c.Chip} core by core ({c.Neurons:N0} neurons, {c.Synapses:N0} synapses on {c.Cores} cores, {c.Timing} timing; " +
        $"{c.Images} test images, rate-based accuracy {Pct(c.RateAccuracy)} with the weights as trained; " +
        (c.WeightError is { } e ? $"spiking runs with the chip's weights, relative RMS change {Pct(e)}" : "spiking runs with the weights as trained") +
        (c.ForcedWeightError is { } f ? $"; the converted synapses forced to each neuron's values per axon type in both, relative RMS change {Pct(f)} (the most-changed layer)" : "") +
        (c.DoesNotFit is { } fit ? "; " + fit : "") +
        (graded ? $"; graded spikes of {c.PayloadBits} bits, images pipelined one a step ({SiUnits.Format(c.StepS ?? 0, "s")} a step): " +
                  "an inference costs one step of the full pipeline and takes T steps"
            : c.ReadoutLag is { } lag
                ? $"; the image held at the input and the class read at step T + {lag} (the steps from the input to the read-out), " +
                  "after the T steps of evidence the software run has at step T"
                : "; the class read at step T (a table from before the read-out's lag was counted)") +
        (c.MaxPooling switch
        {
            "tree" => "; max pooling by comparator trees, whose pooled count follows the window's highest",
            "or" => "; max pooling by OR neurons, a pooled spike whenever any neuron of the window fired",
            _ => "",
        }) +
        (c.AveragePoolingFolded ? "; the last layer's average pooling folded into the read-out's weights" : "") +
        (c.PowerKnees > 0 ? $"; the Triangle's power on the chip as a sum of ReLUs with {c.PowerKnees} knees (largest error {c.PowerError:0.0000} of a spike " +
            "a step), in software exactly" : "; the Triangle's power taken as 1, on the chip and in software") +
        "); costs per inference",
        [
            "T", "accuracy on the chip", .. (graded ? (string[])[] : ["software, the chip's pooling"]),
            graded ? "software, rates in place of spikes" : "software spiking (exact pooling)", "energy", "synapse", "soma", "network", "static",
            "latency", "synaptic events", graded ? "values sent" : "spikes",
        ],
        c.ByT.Select(r => (IReadOnlyList<string>)
        [
            r.T.ToString(CultureInfo.InvariantCulture), Pct(r.ChipAccuracy),
            .. (graded ? (string[])[] : [r.SoftwareChipPoolingAccuracy is { } any ? Pct(any) : "-"]),
            Pct(r.SoftwareAccuracy), SiUnits.Format(r.EnergyJ, "J"),
            SiUnits.Format(r.SynapseJ, "J"), SiUnits.Format(r.SomaJ, "J"), SiUnits.Format(r.NetworkJ, "J"),
            r.StaticJ > 0 ? SiUnits.Format(r.StaticJ, "J") : "-", SiUnits.Format(r.LatencyS, "s"), F(r.SynapticEvents, 0), F(r.Spikes, 0),
        ]).ToList());
    }

    /// <summary>The core run's figures of image 0, as that run drew them (per-step energy and latency, per-core activity).</summary>
    static IEnumerable<ReportFigure> CoreFigures(string folder, CoresRunResult c)
    {
        foreach (var (file, what) in new[] { ("energy-per-step", "energy per step"), ("latency-per-step", "latency per step"), ("core-activity", "activity per core") })
        {
            // The SVG the core run wrote: vector figures, and the run's own figures stay the report's PNGs.
            string path = Path.Combine(folder, "plots", file + ".svg");
            if (File.Exists(path)) yield return ReportFigure.FromSvg($"{c.Chip}, core by core, test image 0: {what}", File.ReadAllText(path));
        }
    }

    /// <summary>Spiking inference: accuracy and spikes per image at each number of time steps.</summary>
    static ReportTable SpikingTable(SpikingRunResult s)
    {
        var columns = new List<string> { "time steps", "spiking accuracy", "rate-based accuracy" };
        columns.AddRange(s.Layers.Select(l => $"{l.Name} spikes/image"));
        return new ReportTable($"Spiking inference on {s.Samples:N0} test images ({s.Encoder.ToLowerInvariant()} input coding)", columns,
            s.ByT.Select(t => (IReadOnlyList<string>)
            [
                t.T.ToString(CultureInfo.InvariantCulture), Pct(t.Accuracy), Pct(s.RateAccuracy), .. t.Layers.Select(l => F(l.SpikesPerImage, 0)),
            ]).ToList());
    }

    /// <summary>
    /// The chips in two tables that each fit the page: accuracy, energy and speed per chip (with the reason where the
    /// network does not fit), then the energy split by category, whose parts add up to the total: memory traffic is a
    /// column of its own (von Neumann chips spend much of their energy there), learning only when a chip spent any.
    /// </summary>
    static IEnumerable<ReportTable> ChipTables(IReadOnlyList<Simulation.ChipOutcome> outcomes)
    {
        bool notes = outcomes.Any(o => o.Energy is null || o.Energy.Caveats.Any());
        bool learning = outcomes.Any(o => o.Energy?.LearningJ > 0);

        var columns = new List<string> { "chip", "accuracy", "weight error", "energy", "latency", "inferences/s", "cores" };
        if (notes) columns.Add("note");
        var rows = new List<IReadOnlyList<string>>();
        foreach (var o in outcomes)
        {
            if (o.Energy is not { } e)
            {
                rows.Add([o.Chip, "-", "", "does not fit", "", "", "", o.Failure ?? ""]);
                continue;
            }
            var row = new List<string>
            {
                o.Chip, o.Accuracy is { } a ? Pct(a) : "-", o.QuantizationRelativeRmsError is { } q ? Pct(q) : "-",
                Si(e.TotalJ, "J"), Si(e.LatencyS, "s"), e.ThroughputPerS.ToString("N0", CultureInfo.InvariantCulture),
                e.CoresUsed.ToString(CultureInfo.InvariantCulture),
            };
            if (notes) row.Add(string.Join(" ", e.Caveats));
            rows.Add(row);
        }
        yield return new ReportTable("Chips: accuracy after quantisation beside modeled energy and latency per inference " +
            "(weight error is the relative RMS change that quantising to the chip's precision makes to the weights)", columns, rows);

        var parts = new List<string> { "chip", "synaptic", "neuron", "routing", "memory" };
        if (learning) parts.Add("learning");
        parts.AddRange(["static", "total"]);
        var split = new List<IReadOnlyList<string>>();
        foreach (var o in outcomes)
        {
            if (o.Energy is not { } e) continue;
            var row = new List<string> { o.Chip, Si(e.SynapticJ, "J"), Si(e.NeuronJ, "J"), Si(e.RoutingJ, "J"), Si(e.MemoryJ, "J") };
            if (learning) row.Add(e.LearningJ is { } l ? Si(l, "J") : "not supported");
            row.AddRange([Si(e.StaticJ, "J"), Si(e.TotalJ, "J")]);
            split.Add(row);
        }
        if (split.Count > 0)
            yield return new ReportTable("Modeled energy per inference by category (the parts add up to the total)", parts, split);

        // simulate --per-layer: which layer a chip's precision costs.
        var perLayer = outcomes.Where(o => o.Layers is not null).ToList();
        if (perLayer.Count > 0)
            yield return new ReportTable("Accuracy with one layer at the chip's precision, the others as trained (in brackets the relative RMS " +
                "change of that layer's weights; simulate --per-layer)",
                ["chip", .. perLayer[0].Layers!.Select(l => l.Layer), "all layers"],
                perLayer.Select(o => (IReadOnlyList<string>)[o.Chip, .. o.Layers!.Select(l => $"{Pct(l.Accuracy)} ({Pct(l.RelativeRmsError)})"),
                    o.Accuracy is { } a ? Pct(a) : "-"]).ToList());

        if (!outcomes.Any(o => o.Training is not null)) yield break;
        var training = new List<IReadOnlyList<string>>();
        foreach (var o in outcomes.Where(o => o.Energy is not null))
            training.Add(o.Training is { } t
                ? [o.Chip, Si(t.TotalJ, "J"), Si(t.LearningJ ?? 0, "J"), Si(t.LatencyS, "s"), t.ThroughputPerS.ToString("N0", CultureInfo.InvariantCulture),
                    t.TrainingNote?[EnergyReport.TrainingPrefix.Length..] ?? ""]
                : [o.Chip, o.Energy!.LearningSupported ? "-" : "not supported", "", "", "", ""]);
        yield return new ReportTable("Training on chip: the Hebbian phase's energy and time per training image, on chips that learn on chip",
            ["chip", "energy / image", "of which weight updates", "time / image", "images/s", "how"], training);
    }

    // Number and unit are joined by a no-break space, so a narrow table column never splits "66.5" from "µJ".
    const char NoBreak = '\u00A0';
    static string Pct(double fraction) => (100 * fraction).ToString("F2", CultureInfo.InvariantCulture) + NoBreak + "%";
    static string Si(double value, string unit) => SiUnits.Format(value, unit).Replace(' ', NoBreak);
    static string F(double v, int digits) => v.ToString("F" + digits, CultureInfo.InvariantCulture);
}
