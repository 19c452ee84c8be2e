using System.Diagnostics;
using Neuromorphic.Datasets;
using Xunit.Abstractions;
using Tensor = Neuromorphic.Tensors.Tensor;

namespace Neuromorphic.Learning.Tests;

/// <summary>The whole recipe with the library types alone (no engine), on 1,000 MNIST sample images.</summary>
public class MnistLearningRunTests(ITestOutputHelper output)
{
    sealed record RunResult(double TestAccuracy, float[][] HebbianWeights, float[] ReadoutWeights, double HebbianImagesPerSecond, string Timing);

    static RunResult Run(IImageSource train, IImageSource test, int seed)
    {
        var preset = PresetLibrary.Load("mnist-small");
        var net = new HebbianNetwork(preset, seed);
        var order = new Random(seed + 1);
        int batch = preset.Hebbian.BatchSize, pixels = train.Shape.PixelsPerImage;
        var x = new Tensor(batch, preset.Channels, preset.Height, preset.Width);
        var indices = Enumerable.Range(0, train.Count).ToArray();

        // Hebbian phase: layer by layer, one epoch each, shuffled, no labels (spec §4).
        var clock = Stopwatch.StartNew();
        long images = 0;
        for (int layer = 0; layer < net.Layers.Count; layer++)
            for (int epoch = 0; epoch < preset.Hebbian.Epochs; epoch++)
            {
                order.Shuffle(indices);
                for (int start = 0; start + batch <= indices.Length; start += batch)
                {
                    train.CopyBatch(indices.AsSpan(start, batch), x.Data);
                    net.TrainBatch(x, layer);
                    images += batch;
                }
            }
        double rate = images / clock.Elapsed.TotalSeconds;

        // Frozen features, computed once.
        double hebbianSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        using var trainFeatures = Extract(net, train);
        using var testFeatures = Extract(net, test);
        int[] trainLabels = Enumerable.Range(0, train.Count).Select(train.GetLabel).ToArray();
        int[] testLabels = Enumerable.Range(0, test.Count).Select(test.GetLabel).ToArray();

        double featureSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var readout = new LinearReadout(net.FeatureLength, train.ClassCount, preset.Readout.Dropout, new Random(seed + 2), preset.Readout.LearningRate);
        var schedule = new StepHalvingSchedule(preset.Readout.LearningRate, preset.Readout.Epochs);
        for (int epoch = 0; epoch < preset.Readout.Epochs; epoch++)
        {
            readout.LearningRate = schedule.RateForEpoch(epoch);
            readout.TrainEpoch(trainFeatures, trainLabels, preset.Readout.BatchSize, order);
        }
        var result = readout.Evaluate(testFeatures, testLabels);
        string timing = $"Hebbian {hebbianSeconds:F2} s, features {featureSeconds:F2} s, read-out {clock.Elapsed.TotalSeconds:F2} s";
        return new RunResult(result.Accuracy, net.Layers.Select(l => l.Weights.Span.ToArray()).ToArray(), readout.Weights, rate, timing);
    }

    static FeatureCache Extract(HebbianNetwork net, IImageSource source)
    {
        const int batch = 100;
        var cache = new FeatureCache(source.Count, net.FeatureLength);
        var x = new Tensor(batch, source.Shape.Channels, source.Shape.Height, source.Shape.Width);
        var indices = new int[batch];
        for (int start = 0; start < source.Count; start += batch)
        {
            int n = Math.Min(batch, source.Count - start);
            for (int i = 0; i < n; i++) indices[i] = start + i;
            var xb = n == batch ? x : new Tensor(x.Data, n, x.Shape[1], x.Shape[2], x.Shape[3]);
            source.CopyBatch(indices.AsSpan(0, n), xb.Data);
            var features = net.Features(xb);
            cache.SetRows(start, features.Span);
        }
        return cache;
    }

    [Fact]
    public void Mnist_small_learns_well_above_chance_and_is_deterministic()
    {
        string dir = Path.Combine(TestUtil.RepositoryRoot(), "datasets", "mnist-sample");
        var train = DatasetDirectory.Open(dir, DatasetSplit.Train, limit: 1000);
        var test = DatasetDirectory.Open(dir, DatasetSplit.Test, limit: 1000);

        var first = Run(train, test, seed: 0);
        var second = Run(train, test, seed: 0);
        output.WriteLine($"test accuracy {first.TestAccuracy:P1}; Hebbian pass {first.HebbianImagesPerSecond:F0} images/s (both layers' passes counted); {first.Timing}");

        Assert.True(first.TestAccuracy > 0.8, $"test accuracy {first.TestAccuracy}");
        for (int l = 0; l < first.HebbianWeights.Length; l++) Assert.Equal(first.HebbianWeights[l], second.HebbianWeights[l]);
        Assert.Equal(first.ReadoutWeights, second.ReadoutWeights);
        Assert.Equal(first.TestAccuracy, second.TestAccuracy);
    }
}
