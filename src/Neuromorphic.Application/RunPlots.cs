using System.Text.Json;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Plotting;
using Neuromorphic.Spiking;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;

namespace Neuromorphic.Application;

/// <summary>
/// The plots of a run directory, made from its files (model.ckpt, metrics.json, hardware.json), so
/// `plot` works on any finished run, also one trained elsewhere.
/// </summary>
public static class RunPlots
{
    /// <summary>The plots of `spiking softhebb`, made from spiking.json and spiking-traces.json.</summary>
    public static readonly string[] SpikingKinds = ["spiking-accuracy", "spike-raster", "spike-raster-poisson", "membrane-traces"];

    // After SpikingKinds: static fields are initialised in the order they are written.
    public static readonly string[] Kinds =
    [
        "receptive-fields", "weight-norms", "learning-curves", "energy-breakdown", "accuracy-energy",
        .. SpikingKinds,
    ];

    public const string SpikingFile = "spiking.json";
    public const string SpikingTracesFile = "spiking-traces.json";

    /// <summary>Makes the plots of the given kinds that the run's files allow; returns (kind, caption, model).</summary>
    /// <param name="model">The run's model when the caller has loaded it already; otherwise it is loaded only if a plot
    /// needs its weights.</param>
    /// <param name="layOutLabels">Move overlapping point labels apart, which draws the plot once (false: the models
    /// alone, as a check of the run's files needs).</param>
    public static List<(string Kind, string Caption, PlotModel Model)> Make(string run, IEnumerable<string> kinds, TrainedModel? model = null,
        bool layOutLabels = true) =>
        RunDirectory.Reading(run, "the plots", () =>
        {
            RunDirectory.CheckDerived(run);
            return MakePlots(run, kinds, model, layOutLabels);
        });

    static List<(string Kind, string Caption, PlotModel Model)> MakePlots(string run, IEnumerable<string> kinds, TrainedModel? loaded, bool layOutLabels)
    {
        var plots = new List<(string, string, PlotModel)>();
        var trained = new Lazy<TrainedModel>(() => loaded ?? TrainedModel.Load(run)); // only the receptive fields need the weights
        var metrics = RunDirectory.ReadMetrics(run);
        var hardware = RunDirectory.Read<HardwareResults>(run, RunDirectory.HardwareFile);
        var spiking = RunDirectory.Read<SpikingRunResult>(run, SpikingFile);
        var traces = RunDirectory.Read<SpikingTraces>(run, SpikingTracesFile);
        foreach (var kind in kinds)
        {
            switch (kind)
            {
                case "receptive-fields" when trained.Value is var model && model.Preset.Layers.Count > 0 && model.Preset.Layers[0].Conv is { } conv:
                {
                    var w = model.Network.Layers[0].Weights;
                    int columns = (int)Math.Ceiling(Math.Sqrt(conv.OutChannels));
                    plots.Add((kind, "First-layer receptive fields (each filter min-max scaled)",
                        Plots.ReceptiveFields(w.Span.ToArray(), conv.OutChannels, conv.InChannels, conv.KernelSize, conv.KernelSize, columns,
                            $"{model.Preset.Name}: layer 1 receptive fields")));
                    break;
                }
                case "weight-norms" when metrics is not null:
                {
                    var series = metrics.HebbianPasses.SelectMany(pass => pass.LayerHistory)
                        .Where(layer => layer.Value.Length > 0)
                        .Select(layer => (layer.Key, layer.Value.Select(p => (double)p.Step).ToArray(), layer.Value.Select(p => (double)p.MeanWeightNorm).ToArray()))
                        .ToList();
                    if (series.Count > 0)
                        plots.Add((kind, "Mean weight norm per layer during the Hebbian phase (SoftHebb drives norms to 1)",
                            Plots.WeightNormConvergence(series, logY: true, stepTitle: "Hebbian step (batches)")));
                    break;
                }
                case "learning-curves" when metrics is { ReadoutEpochs.Count: > 0 }:
                {
                    var epochs = metrics.ReadoutEpochs;
                    var curves = Plots.LearningCurves(epochs.Select(e => e.Epoch).ToArray(), epochs.Select(e => 100 * e.TrainAccuracy).ToArray(),
                        epochs.Select(e => 100 * e.TestAccuracy).ToArray(), epochs.Select(e => e.TrainLoss).ToArray());
                    // Epochs are whole numbers: no ticks at 1.1, 1.2, ... when there are only a few.
                    foreach (var axis in curves.Axes.Where(a => a.Position == AxisPosition.Bottom))
                        (axis.MinimumMajorStep, axis.MinimumMinorStep) = (1, 1);
                    plots.Add((kind, "Read-out learning curves", curves));
                    break;
                }
                case "energy-breakdown" when hardware is not null:
                {
                    var chips = Chips(hardware).Select(c => (c.Chip, (IReadOnlyDictionary<string, double>)c.Breakdown)).ToList();
                    if (chips.Count > 0) plots.Add((kind, "Modeled energy per inference by category", Plots.EnergyBreakdown(chips)));
                    break;
                }
                case "accuracy-energy" when hardware is not null:
                {
                    var chips = Chips(hardware).Where(c => c.Accuracy is not null).Select(c => (c.Chip, c.Total, 100 * c.Accuracy!.Value)).ToList();
                    if (chips.Count > 0)
                        plots.Add((kind, "Accuracy after quantisation versus modeled energy per inference",
                            layOutLabels ? SpreadLabels(Plots.AccuracyVersusEnergy(chips)) : Plots.AccuracyVersusEnergy(chips)));
                    break;
                }
                case "spiking-accuracy" when spiking is not null:
                    plots.Add((kind, $"Spiking SoftHebb accuracy versus time steps on {spiking.Samples:N0} test images (dashed: the rate-based network)",
                        Plots.AccuracyVersusTimeSteps(spiking.Steps, spiking.Accuracy.Select(a => 100 * a).ToArray(), 100 * spiking.RateAccuracy,
                            $"Spiking SoftHebb ({spiking.Encoder.ToLowerInvariant()} input) versus time steps")));
                    break;
                case "spike-raster" or "spike-raster-poisson" when traces is not null:
                {
                    string encoding = kind == "spike-raster" ? "regular" : "poisson";
                    if (traces.Rasters.FirstOrDefault(r => r.Encoding == encoding) is not { } raster) break;
                    var spikes = raster.Steps.Zip(raster.Rows, (step, row) => ((double)step, row)).ToList();
                    plots.Add((kind, $"Layer-{traces.Layer + 1} spikes of test image {traces.TestImage} (label {traces.Label}), {encoding}-coded input: " +
                                     $"{raster.RowsDescription}; population rate below",
                        Plots.SpikeRaster(spikes, $"Layer {traces.Layer + 1}, {encoding} input coding", markerSize: 2,
                            time: RasterTime.Steps, populationSize: Math.Max(1, raster.Neurons.Length))));
                    break;
                }
                case "membrane-traces" when traces is { Membranes.Count: > 0 }:
                {
                    var steps = Enumerable.Range(1, traces.Steps).Select(t => (double)t).ToArray();
                    var series = traces.Membranes.Select(m => ($"map {m.FeatureMap} at ({m.Y}, {m.X}): {m.SpikeSteps.Length} spikes",
                        steps, m.Values.Select(v => (double)v).ToArray())).ToList();
                    var membranes = Plots.ActivityTraces(series, "Time step", "Membrane (fires at ½)",
                        $"Layer {traces.Layer + 1} membranes, test image {traces.TestImage}");
                    membranes.Annotations.Add(new LineAnnotation
                    {
                        Type = LineAnnotationType.Horizontal, Y = 0.5, Color = OxyColors.Gray, LineStyle = LineStyle.Dash, Text = "threshold",
                    });
                    plots.Add((kind, $"Membranes of {series.Count} neurons of the raster, from sparse to busy (regular input; the value drops by 1 at each spike)", membranes));
                    break;
                }
                case var k when !Kinds.Contains(k):
                    throw new UserErrorException($"unknown plot kind '{k}'; kinds: {string.Join(", ", Kinds)}.");
            }
        }
        return plots;
    }

    public static IReadOnlyList<string> Save(string run, IEnumerable<(string Kind, string Caption, PlotModel Model)> plots)
    {
        string dir = Path.Combine(run, "plots");
        Directory.CreateDirectory(dir);
        return plots.SelectMany(p => PlotExport.Save(p.Model, Path.Combine(dir, p.Kind))).ToList();
    }

    /// <summary>
    /// Moves the point labels of a scatter plot apart. Chips often share an accuracy (quantisation to 8 or 9 bits
    /// rarely changes a prediction) and lie close in energy, and the labels, centred above their points, then print
    /// over each other. Each label takes the nearest free place above or below its point, stacked a line at a
    /// time, inside the plot area. The model is laid out once at the size it is exported at (<see cref="PlotExport"/>
    /// and the report both use 900 x 600) to map the points to pixels.
    /// </summary>
    public static PlotModel SpreadLabels(PlotModel model, int width = 900, int height = 600)
    {
        var labels = model.Annotations.OfType<TextAnnotation>().ToList();
        if (labels.Count < 2) return model;
        PlotExport.ToPng(model, width, height);
        if (model.DefaultXAxis is not { } xAxis || model.DefaultYAxis is not { } yAxis) return model;
        var area = model.PlotArea;
        ScreenPoint Pixel(DataPoint p) => new(xAxis.Transform(p.X), yAxis.Transform(p.Y));
        const double gap = 10, lineHeight = 18, boxHeight = 16;
        const double marker = 8; // the points' radius plus their white rim
        var taken = labels.Select(l => Pixel(l.TextPosition)).Select(p => new OxyRect(p.X - marker, p.Y - marker, 2 * marker, 2 * marker)).ToList();
        foreach (var label in labels)
        {
            var p = Pixel(label.TextPosition);
            double w = Math.Min(area.Width, 7.2 * (label.Text ?? "").Length * (label.FontSize is > 0 and var f ? f / 12 : 1) + 6);
            // Keep the label inside the plot area horizontally (annotations are clipped at its edges).
            double left = Math.Clamp(p.X - w / 2, area.Left, Math.Max(area.Left, area.Right - w));
            for (int level = 0; level <= labels.Count; level++)
            {
                bool placed = false;
                foreach (bool above in new[] { true, false })
                {
                    double offset = gap + level * lineHeight;
                    double top = above ? p.Y - offset - boxHeight : p.Y + offset;
                    var box = new OxyRect(left, top, w, boxHeight);
                    if (box.Top < area.Top || box.Bottom > area.Bottom || taken.Any(t => Overlap(t, box))) continue;
                    label.Offset = new ScreenVector(left + w / 2 - p.X, above ? -offset : offset);
                    label.TextVerticalAlignment = above ? VerticalAlignment.Bottom : VerticalAlignment.Top;
                    taken.Add(box);
                    placed = true;
                    break;
                }
                if (placed) break;
            }
        }
        return model;

        static bool Overlap(OxyRect a, OxyRect b) => a.Left < b.Right && b.Left < a.Right && a.Top < b.Bottom && b.Top < a.Bottom;
    }

    sealed record ChipEnergy(string Chip, double? Accuracy, double Total, Dictionary<string, double> Breakdown);

    static IEnumerable<ChipEnergy> Chips(HardwareResults hardware)
    {
        foreach (var o in hardware.Outcomes)
        {
            if (o.Energy is not { } e) continue;
            var parts = new Dictionary<string, double>
            {
                ["synaptic"] = e.SynapticJ, ["neuron"] = e.NeuronJ, ["routing"] = e.RoutingJ, ["memory"] = e.MemoryJ, ["static"] = e.StaticJ,
            };
            if (e.LearningJ is { } learning) parts["learning"] = learning;
            yield return new ChipEnergy(o.Chip, o.Accuracy, e.TotalJ, parts);
        }
    }
}
