using System.Diagnostics;
using System.Globalization;
using Neuromorphic.Learning;

namespace Neuromorphic.Bench;

/// <summary>
/// The supervised read-out's epoch on synthetic cached features of a preset's shape (no dataset needed): a
/// half-precision <see cref="FeatureCache"/> of the training split (memory-mapped above 1 GiB, as in `train`),
/// one training epoch at the preset's classifier batch and the per-epoch test evaluation, timed over a few epochs.
/// </summary>
public static class ReadoutBenchmark
{
    public static int Run(string[] args)
    {
        var preset = PresetLibrary.Load(GemmBenchmark.Option(args, "--preset", "cifar10"));
        int rows = int.Parse(GemmBenchmark.Option(args, "--rows", "50000"), CultureInfo.InvariantCulture);
        int testRows = int.Parse(GemmBenchmark.Option(args, "--test-rows", "10000"), CultureInfo.InvariantCulture);
        int epochs = int.Parse(GemmBenchmark.Option(args, "--epochs", "3"), CultureInfo.InvariantCulture);
        int features = preset.FeatureLength, classes = 10, batch = preset.Readout.BatchSize;

        using var train = Filled(rows, features, seed: 1);
        using var test = Filled(testRows, features, seed: 2);
        var rng = new Random(3);
        int[] trainLabels = Enumerable.Range(0, rows).Select(_ => rng.Next(classes)).ToArray();
        int[] testLabels = Enumerable.Range(0, testRows).Select(_ => rng.Next(classes)).ToArray();
        var readout = new LinearReadout(features, classes, preset.Readout.Dropout, new Random(4), preset.Readout.LearningRate);
        Console.WriteLine($"preset {preset.Name}: {rows} x {features} training features ({train.SizeBytes / 1e9:F2} GB of halves, " +
                          $"{(train.IsMemoryMapped ? "memory-mapped" : "in memory")}), {testRows} test rows, batch {batch}, dropout {preset.Readout.Dropout}");
        Console.WriteLine($"{"epoch",5} {"train s",8} {"test s",7} {"epoch s",8} {"GB/s read",9}");
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            readout.TrainEpoch(train, trainLabels, batch, new Random(5 + epoch));
            double trainSeconds = clock.Elapsed.TotalSeconds;
            readout.Evaluate(test, testLabels);
            double total = clock.Elapsed.TotalSeconds;
            // Bytes of cached features an epoch has to read at least once: the training split plus the test split.
            double gb = (train.SizeBytes + test.SizeBytes) / 1e9;
            Console.WriteLine($"{epoch + 1,5} {trainSeconds,8:F2} {total - trainSeconds,7:F2} {total,8:F2} {gb / total,9:F1}");
        }
        return 0;
    }

    static FeatureCache Filled(int rows, int features, int seed)
    {
        var cache = new FeatureCache(rows, features);
        var rng = new Random(seed);
        const int Block = 64;
        var values = new float[Block * features];
        for (int first = 0; first < rows; first += Block)
        {
            int n = Math.Min(Block, rows - first);
            // Non-negative and sparse-ish, as pooled Triangle outputs are.
            for (int i = 0; i < n * features; i++) values[i] = Math.Max(0f, rng.NextSingle() - 0.5f);
            cache.SetRows(first, values.AsSpan(0, n * features));
        }
        return cache;
    }
}
