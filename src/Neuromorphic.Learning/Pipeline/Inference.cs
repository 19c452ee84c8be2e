using Neuromorphic.Datasets;
using Neuromorphic.Engine;

namespace Neuromorphic.Learning.Pipeline;

/// <summary>Classification of a dataset split by the whole trained network, read-out included, run through the engine.</summary>
public static class Inference
{
    public const int BatchSize = 50;

    public static async Task<InferenceResult> EvaluateAsync(TrainedModel model, IImageSource data, ICostModel? costModel = null,
        IRunProgress? progress = null, TraceRecorder? trace = null, CancellationToken ct = default)
    {
        progress ??= SilentProgress.Instance;
        int classes = model.Readout.Classes;
        var confusion = new long[classes, classes];
        long done = 0, correct = 0;
        var stream = BatchStream.ToAsync(BatchStream.Create(data, BatchStream.Order(data.Count, shuffle: false, 0, "", 0), BatchSize));
        var pass = FloatBlocks.Build(model.Network, stream, model.Network.Layers.Count - 1, _ => false, readout: model.Readout,
            costModel: costModel, trace: trace, onData: e =>
            {
                var block = (DenseBlock)e.Payload;
                for (int i = 0; i < block.BatchSize; i++)
                {
                    var scores = block.Sample(i);
                    int predicted = 0;
                    for (int c = 1; c < classes; c++) if (scores[c] > scores[predicted]) predicted = c;
                    int label = data.GetLabel((int)block.SampleIds[i]);
                    if (label >= 0)
                    {
                        confusion[label, predicted]++;
                        if (label == predicted) correct++;
                    }
                }
                progress.Advance(done += block.BatchSize);
            });
        progress.Begin($"inference on {data.Name}", data.Count, "images");
        var report = await pass.Network.RunAsync(model.Header.Seed, ct);
        progress.End($"{data.Count} images, accuracy {100.0 * correct / Math.Max(1, data.Count):F2} %");
        return new InferenceResult(data.Count, (double)correct / Math.Max(1, data.Count), confusion, report);
    }
}

/// <summary>Accuracy, confusion matrix (rows: true class) and the engine's report of the pass (counters for the hardware model).</summary>
public sealed record InferenceResult(int Samples, double Accuracy, long[,] Confusion, RunReport Report)
{
    /// <summary>Exact 95 % confidence interval of the accuracy over this many test samples.</summary>
    public AccuracyInterval Interval => AccuracyInterval.OfAccuracy(Accuracy, Math.Max(1, Samples));
}
