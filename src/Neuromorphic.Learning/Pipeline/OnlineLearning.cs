using Neuromorphic.Datasets;
using Neuromorphic.Engine;

namespace Neuromorphic.Learning.Pipeline;

/// <summary>
/// The Hebbian phase as a chip with on-chip learning would run it: images one at a time (batch 1), every Hebbian
/// layer learning (the concurrent schedule), no read-out (it is trained off-chip, supervised). The engine's counters
/// of this pass are what a chip's training energy and time per image are costed from. The model is left as it was.
/// </summary>
public static class OnlineLearning
{
    public static async Task<RunReport> RunAsync(TrainedModel model, IImageSource data, ICostModel costModel,
        IRunProgress? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        progress ??= SilentProgress.Instance;
        var net = model.Network;
        // Learning changes the weights and the adaptive rates; the chip's inference figures are taken from the model as trained.
        var before = new Dictionary<string, float[]>(StringComparer.Ordinal);
        net.SaveState(before); // copies
        try
        {
            long done = 0;
            var stream = BatchStream.ToAsync(BatchStream.Create(data, BatchStream.Order(data.Count, shuffle: false, 0, "", 0), batchSize: 1));
            var pass = FloatBlocks.Build(net, stream, net.Layers.Count - 1, _ => true, costModel: costModel,
                onData: e => progress.Advance(done += ((DenseBlock)e.Payload).BatchSize));
            progress.Begin($"online learning on {data.Name}", data.Count, "images");
            var report = await pass.Network.RunAsync(model.Header.Seed, ct);
            progress.End($"{data.Count} images learnt one at a time");
            return report;
        }
        finally
        {
            net.LoadState(before);
        }
    }
}
