using System.Text.Json;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Plotting;
using OxyPlot;

namespace Neuromorphic.Cli;

/// <summary>
/// The plots of a run directory, made from its files (model.ckpt, metrics.json, hardware.json), so
/// `plot` works on any finished run, also one trained elsewhere.
/// </summary>
public static class RunPlots
{
    public static readonly string[] Kinds = ["receptive-fields", "weight-norms", "learning-curves", "energy-breakdown", "accuracy-energy"];

    /// <summary>Makes the plots of the given kinds that the run's files allow; returns (kind, caption, model).</summary>
    public static List<(string Kind, string Caption, PlotModel Model)> Make(string run, IEnumerable<string> kinds)
    {
        var plots = new List<(string, string, PlotModel)>();
        var model = TrainedModel.Load(run);
        using var metrics = ReadJson(run, RunDirectory.MetricsFile);
        using var hardware = ReadJson(run, RunDirectory.HardwareFile);
        foreach (var kind in kinds)
        {
            switch (kind)
            {
                case "receptive-fields" when model.Preset.Layers.Count > 0 && model.Preset.Layers[0].Conv is { } conv:
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
                    var series = new List<(string, double[], double[])>();
                    foreach (var pass in metrics.RootElement.GetProperty("hebbianPasses").EnumerateArray())
                        foreach (var layer in pass.GetProperty("layerHistory").EnumerateObject())
                        {
                            var points = layer.Value.EnumerateArray().ToArray();
                            if (points.Length == 0) continue;
                            series.Add((layer.Name, points.Select(p => p.GetProperty("step").GetDouble()).ToArray(),
                                points.Select(p => p.GetProperty("meanWeightNorm").GetDouble()).ToArray()));
                        }
                    if (series.Count > 0)
                        plots.Add((kind, "Mean weight norm per layer during the Hebbian phase (SoftHebb drives norms to 1)",
                            Plots.WeightNormConvergence(series, logY: true, stepTitle: "Hebbian step (batches)")));
                    break;
                }
                case "learning-curves" when metrics is not null:
                {
                    var epochs = metrics.RootElement.GetProperty("readoutEpochs").EnumerateArray().ToArray();
                    if (epochs.Length == 0) break;
                    plots.Add((kind, "Read-out learning curves",
                        Plots.LearningCurves(epochs.Select(e => e.GetProperty("epoch").GetInt32()).ToArray(),
                            epochs.Select(e => 100 * e.GetProperty("trainAccuracy").GetDouble()).ToArray(),
                            epochs.Select(e => 100 * e.GetProperty("testAccuracy").GetDouble()).ToArray(),
                            epochs.Select(e => e.GetProperty("trainLoss").GetDouble()).ToArray())));
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
                    if (chips.Count > 0) plots.Add((kind, "Accuracy after quantisation versus modeled energy per inference", Plots.AccuracyVersusEnergy(chips)));
                    break;
                }
                case var k when !Kinds.Contains(k):
                    throw new Commands.UserErrorException($"unknown plot kind '{k}'; kinds: {string.Join(", ", Kinds)}.");
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

    sealed record ChipEnergy(string Chip, double? Accuracy, double Total, Dictionary<string, double> Breakdown);

    static IEnumerable<ChipEnergy> Chips(JsonDocument hardware)
    {
        foreach (var o in hardware.RootElement.GetProperty("outcomes").EnumerateArray())
        {
            if (o.GetProperty("energy").ValueKind != JsonValueKind.Object) continue;
            var e = o.GetProperty("energy");
            var parts = new Dictionary<string, double>
            {
                ["synaptic"] = e.GetProperty("synapticJ").GetDouble(),
                ["neuron"] = e.GetProperty("neuronJ").GetDouble(),
                ["routing"] = e.GetProperty("routingJ").GetDouble(),
                ["memory"] = e.GetProperty("memoryJ").GetDouble(),
                ["static"] = e.GetProperty("staticJ").GetDouble(),
            };
            if (e.GetProperty("learningJ").ValueKind == JsonValueKind.Number) parts["learning"] = e.GetProperty("learningJ").GetDouble();
            double? accuracy = o.GetProperty("accuracy").ValueKind == JsonValueKind.Number ? o.GetProperty("accuracy").GetDouble() : null;
            yield return new ChipEnergy(o.GetProperty("chip").GetString()!, accuracy, e.GetProperty("totalJ").GetDouble(), parts);
        }
    }

    static JsonDocument? ReadJson(string run, string file)
    {
        string path = Path.Combine(run, file);
        return File.Exists(path) ? JsonDocument.Parse(File.ReadAllText(path)) : null;
    }
}
