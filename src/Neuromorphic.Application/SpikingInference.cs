using Neuromorphic.Datasets;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Plotting;
using Neuromorphic.Spiking;

namespace Neuromorphic.Application;

/// <summary>The settings of spiking SoftHebb inference (`spiking softhebb`, and the demo's spiking step).</summary>
public sealed record SoftHebbSpikingOptions
{
    public required string Data { get; init; }
    public required int[] Steps { get; init; }
    public required SpikeInputEncoding Encoding { get; init; }
    public required PowerApproximation Power { get; init; }
    public required double Percentile { get; init; }
    public required bool FoldInhibition { get; init; }
    /// <summary>How max pooling turns spike counts into pooled spikes.</summary>
    public SpikeMaxPooling MaxPooling { get; init; } = SpikeMaxPooling.Exact;
    public required int? LimitTest { get; init; }
    public required int Batch { get; init; }
    public required int Threads { get; init; }
    public required int Seed { get; init; }
    public required RasterNeurons Raster { get; init; }
    public required int TraceImage { get; init; }
}

/// <summary>Spiking inference of a trained SoftHebb run.</summary>
public static class SpikingInference
{
    /// <summary>`spiking softhebb` (also the demo's spiking step): the trained network converted to spikes, its accuracy
    /// at each T on the test split, and the raster and membranes of one test image's first layer under regular and
    /// Poisson input coding. Writes spiking.json, spiking-traces.json and their plots into the run directory.</summary>
    public static async Task<(SpikingRunResult Result, IReadOnlyList<string> Written)> RunAsync(string run, SoftHebbSpikingOptions o,
        IRunProgress? progress, CancellationToken ct)
    {
        progress ??= SilentProgress.Instance;
        using var runLock = RunLock.Acquire(run, create: false);
        var model = Evaluation.LoadModel(run);
        var test = Evaluation.OpenTest(o.Data, o.LimitTest, model.Preset);
        if (o.TraceImage >= test.Count) throw new UserErrorException($"--trace-image {o.TraceImage} is past the {test.Count} test images.");
        var train = DatasetDirectory.Open(o.Data, DatasetSplit.Train, 100, model.Preset.InputShape);
        var conversion = new SpikingConversionOptions { Power = o.Power, Percentile = o.Percentile, FoldInhibition = o.FoldInhibition, BatchSize = o.Batch,
            MaxPooling = o.MaxPooling };
        SpikingSoftHebbNetwork network;
        try { network = SpikingSoftHebbNetwork.Convert(model, train, conversion); }
        catch (NotSupportedException e) { throw new UserErrorException(e.Message, e); }

        var rate = await Inference.EvaluateAsync(model, test, progress: progress, ct: ct);

        int[] steps = o.Steps;
        progress.Begin($"spiking inference ({o.Encoding}, T up to {steps[^1]})", test.Count, "images");
        var result = await SpikingSoftHebb.EvaluateAsync(network, test, steps, o.Encoding, o.Seed, o.Threads, progress: d => progress.Advance(d), cancellationToken: ct);
        progress.End($"{test.Count} images in {result.Wall.TotalSeconds:F1} s");

        var rows = new List<SpikingAtT>();
        int tMax = steps[^1];
        for (int i = 0; i < steps.Length; i++)
        {
            int t = steps[i];
            var perLayer = result.Layers.Select(l => new SpikingLayerAtT(l.Name, l.SpikesPerImage(t, result.Samples), l.AccumulatesPerImage(t, result.Samples))).ToArray();
            rows.Add(new SpikingAtT(t, result.Accuracy[i], perLayer));
        }

        var record = new SpikingRunResult(o.Data, result.Samples, o.Encoding.ToString(), o.Power.ToString(),
            o.Percentile, o.FoldInhibition, rate.Accuracy, result.Steps, result.Accuracy, [.. rows],
            [.. result.Layers.Select(l => new SpikingLayerSummary(l.Name, l.Neurons, l.Scale, l.Power, l.Spikes, l.SynapticAccumulates, l.InhibitionAccumulates, l.OutputEvents))],
            result.InputSpikes, result.ReadoutAccumulates, result.Wall.TotalSeconds) { MaxPooling = o.MaxPooling.ToString() };
        RunDirectory.WriteDerived(run, RunPlots.SpikingFile, record);

        // One image's first layer, as a reader can see it: a chosen subset of neurons under both input codings
        // (regular coding fires populations in lock-step; Poisson coding shows the same rates without the comb).
        SpikingTraces traces;
        try
        {
            traces = await SpikingTraces.RecordAsync(network, test, o.TraceImage, layer: 0, steps: tMax,
                [o.Encoding, o.Encoding == SpikeInputEncoding.Regular ? SpikeInputEncoding.Poisson : SpikeInputEncoding.Regular],
                o.Raster, membranes: 3, o.Seed, ct);
        }
        catch (ArgumentOutOfRangeException e) when (o.Raster.Kind == RasterNeuronsKind.FeatureMap)
        {
            throw new UserErrorException("--raster: " + e.Message.Split(Environment.NewLine)[0], e);
        }
        RunDirectory.WriteDerived(run, RunPlots.SpikingTracesFile, traces);
        var written = RunPlots.Save(run, RunPlots.Make(run, RunPlots.SpikingKinds));
        return (record, written);
    }
}
