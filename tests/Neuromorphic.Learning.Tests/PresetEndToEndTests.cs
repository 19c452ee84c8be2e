using System.Diagnostics;
using System.Numerics.Tensors;
using Neuromorphic.Datasets;
using Neuromorphic.Engine;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Learning.Tests;

/// <summary>
/// The presets of the datasets that are not on the test machine (CIFAR-100, STL-10, ImageNet) run end to end
/// (Hebbian phase, features, read-out, evaluation, model.ckpt) on tiny synthetic data of the right shapes, and
/// every built-in preset pushes one batch through the engine with all its layers learning.
/// </summary>
public class PresetEndToEndTests(ITestOutputHelper output) : IDisposable
{
    // Width divisors for the two biggest presets (1: the real preset). stl10 runs for real (about 25-30 s in Debug on
    // 2 cores). The real imagenet preset also passes this test, but took 241 s and a 13 GB peak working set on
    // 2 cores (its read-out alone is 1000 x 307,200 weights with Adam state, and every checkpoint is about 6 GB), so
    // the end-to-end test uses a copy with the same structure and every layer width divided by 16
    // (48..12288 -> 3..768 channels). The real imagenet network still runs a learning batch through the engine in
    // Every_built_in_preset_builds_and_one_batch_flows_through_the_engine_with_all_layers_learning.
    const int Stl10WidthDivisor = 1;
    const int ImageNetWidthDivisor = 16;

    readonly string _root = Path.Combine(Path.GetTempPath(), "nm-presets-e2e-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    string Folder(string name)
    {
        string path = Path.Combine(_root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    static NetworkPreset Preset(string name, int widthDivisor) =>
        widthDivisor == 1 ? PresetLibrary.Load(name) : SyntheticDatasets.Narrowed(name, widthDivisor);

    /// <summary>A run of the preset on <paramref name="data"/> into a fresh run directory, with a single read-out epoch.</summary>
    TrainingOptions OneReadoutEpoch(NetworkPreset preset, string data, string run) => new()
    {
        Preset = preset,
        DataDirectory = data,
        RunDirectory = Path.Combine(_root, run),
        ClassifierEpochs = 1,
    };

    static Checkpoint Model(TrainingOptions o) => Checkpoint.Read(Path.Combine(o.RunDirectory, SoftHebbTrainer.ModelFile));

    static bool AllFinite(ReadOnlySpan<float> values) => float.IsFinite(TensorPrimitives.SumOfSquares(values));

    /// <summary>Every layer's state and the read-out have the preset's shapes, and hold finite numbers.</summary>
    static void AssertModelShapes(NetworkPreset preset, int classes, IReadOnlyDictionary<string, float[]> model)
    {
        for (int i = 0; i < preset.Layers.Count; i++)
        {
            var conv = preset.Layers[i].Conv!;
            var weight = model[$"layer{i}.weight"];
            Assert.Equal((long)conv.OutChannels * conv.InChannels * conv.KernelSize * conv.KernelSize, weight.Length);
            Assert.True(AllFinite(weight), $"layer{i}.weight holds a NaN or infinity");
            Assert.Equal(conv.InChannels, model[$"layer{i}.bn.running_mean"].Length);
            Assert.Equal(conv.InChannels, model[$"layer{i}.bn.running_var"].Length);
            Assert.Equal(conv.OutChannels, model[$"layer{i}.rates"].Length);
        }
        Assert.False(model.ContainsKey($"layer{preset.Layers.Count}.weight"));
        Assert.Equal((long)classes * preset.FeatureLength, model["readout.weight"].Length);
        Assert.Equal(classes, model["readout.bias"].Length);
        Assert.True(AllFinite(model["readout.weight"]), "readout.weight holds a NaN or infinity");
    }

    static void AssertSensibleMetrics(TrainingResult result)
    {
        Assert.InRange(result.TestAccuracy, 0.0, 1.0);
        Assert.True(double.IsFinite(result.TestLoss) && result.TestLoss > 0, $"test loss {result.TestLoss}");
        var epoch = Assert.Single(result.ReadoutEpochs);
        Assert.True(double.IsFinite(epoch.TrainLoss), $"train loss {epoch.TrainLoss}");
        Assert.InRange(epoch.TrainAccuracy, 0.0, 1.0);
        Assert.Equal(result.TestAccuracy, epoch.TestAccuracy);
    }

    /// <summary>Mean over (N, H, W) of one channel of an NCHW block, in double as the batch norm computes it.</summary>
    static double ChannelMean(DenseBlock block, int channel)
    {
        int n = block.Shape[0], c = block.Shape[1], plane = block.Shape[2] * block.Shape[3];
        double sum = 0;
        for (int i = 0; i < n; i++)
            foreach (float v in block.Data.AsSpan((i * c + channel) * plane, plane)) sum += v;
        return sum / ((long)n * plane);
    }

    void Report(string what, Stopwatch clock, TrainingResult result) =>
        output.WriteLine($"{what}: {clock.Elapsed.TotalSeconds:F1} s (Hebbian {result.HebbianPasses.Sum(p => p.Seconds):F1} s, " +
            $"features {result.FeatureExtractionSeconds:F1} s, read-out {result.ReadoutSeconds:F1} s), test accuracy {result.TestAccuracy:P0}, " +
            $"peak working set {result.PeakMemoryBytes / (1 << 20)} MiB");

    [Fact]
    public async Task Cifar100_preset_trains_end_to_end_on_a_synthetic_binary_folder()
    {
        var clock = Stopwatch.StartNew();
        string data = Folder("cifar-100-binary");
        SyntheticDatasets.WriteCifar100(data, train: 40, test: 20, seed: 1);
        Assert.Equal(DatasetFormat.Cifar100, DatasetDirectory.Detect(data).Format);
        var preset = PresetLibrary.Load("cifar100");
        var o = OneReadoutEpoch(preset, data, "run-cifar100");
        var progress = new RecordingProgress();

        var result = await new SoftHebbTrainer(progress).RunAsync(o);

        Assert.Equal((40, 20), (result.TrainImages, result.TestImages));
        var pass = Assert.Single(result.HebbianPasses);
        Assert.Equal(40, pass.Images);
        for (int i = 0; i < 3; i++)
            Assert.True(pass.Actors[SoftHebbGraph.LayerName(i)].Work.WeightUpdates > 0, $"layer {i} did not learn");
        var model = Model(o);
        Assert.Equal(TrainingPhase.Done, model.Header.Phase);
        AssertModelShapes(preset, 100, model.Arrays);
        Assert.Equal(1536 * 384 * 3 * 3, model.Arrays["layer2.weight"].Length);
        Assert.Equal(100 * 24576, model.Arrays["readout.weight"].Length);
        AssertSensibleMetrics(result);
        // No augmentation in this preset: the features are extracted once.
        Assert.DoesNotContain(progress.Phases, p => p.Phase.Contains("augmented"));
        Assert.Equal(["features (train)", "features (test)"], progress.Phases.Where(p => p.Phase.StartsWith("features")).Select(p => p.Phase));

        // The run directory reads back as a trained model of the preset (every array restored at its shape).
        File.WriteAllText(Path.Combine(o.RunDirectory, SoftHebbTrainer.PresetFile), PresetLibrary.BuiltInJson("cifar100"));
        var trained = TrainedModel.Load(o.RunDirectory);
        Assert.Equal(100, trained.Readout.Classes);
        Assert.Equal(24576, trained.Readout.Features);
        Assert.True(trained.Network.Layers[2].Weights.Span.SequenceEqual(model.Arrays["layer2.weight"]));
        Report("cifar100", clock, result);
    }

    [Fact]
    public async Task Stl10_preset_learns_from_the_unlabeled_file_and_augments_the_readout()
    {
        const int unlabeled = 3, train = 2, test = 2; // few images: the real network is big (up to 6144 channels)
        var clock = Stopwatch.StartNew();
        string data = Folder("stl10_binary");
        double[] unlabeledMeans = SyntheticDatasets.WriteStl10(data, unlabeled, train, test, seed: 2);
        Assert.Equal(DatasetFormat.Stl10, DatasetDirectory.Detect(data).Format);
        var preset = Preset("stl10", Stl10WidthDivisor);
        Assert.Equal(32, preset.Hebbian.BatchSize); // > unlabeled: the Hebbian phase is one batch
        Assert.Equal(AugmentationKind.CropFlip, preset.Readout.Augmentation.Kind);
        var o = OneReadoutEpoch(preset, data, "run-stl10");
        var progress = new RecordingProgress();

        var result = await new SoftHebbTrainer(progress).RunAsync(o);

        // The Hebbian phase read the unlabeled file: its image count, and the first layer's input statistics.
        var pass = Assert.Single(result.HebbianPasses);
        Assert.Equal(unlabeled, pass.Images);
        Assert.Equal(unlabeled, progress.Phases.Single(p => p.Phase.StartsWith("hebbian")).Total);
        Assert.Equal((train, test), (result.TrainImages, result.TestImages));
        var model = Model(o);
        // One learning batch: running mean = 0.1 x that batch's mean, and only the (bright) unlabeled images give these values.
        Assert.Equal(1f, model.Arrays["layer0.bn.num_batches_tracked"][0]);
        for (int ch = 0; ch < 3; ch++)
            Assert.Equal(0.1 * unlabeledMeans[ch], model.Arrays["layer0.bn.running_mean"][ch], 1e-5);

        // The read-out augments (crop + flip): the train features are recomputed, augmented, for its epoch.
        var augmented = Assert.Single(progress.Phases, p => p.Phase.Contains("augmented"));
        Assert.Equal(("features (train, augmented, epoch 1)", (long)train), (augmented.Phase, augmented.Total));

        Assert.Equal(TrainingPhase.Done, model.Header.Phase);
        AssertModelShapes(preset, 10, model.Arrays);
        var (c, h, w) = preset.FeatureShape;
        Assert.Equal((6144 / Stl10WidthDivisor, 6, 6), (c, h, w));
        Assert.Equal(6144 / Stl10WidthDivisor * 1536 / Stl10WidthDivisor * 3 * 3, model.Arrays["layer3.weight"].Length);
        Assert.Equal(10 * c * h * w, model.Arrays["readout.weight"].Length);
        AssertSensibleMetrics(result);
        Report($"stl10 (widths / {Stl10WidthDivisor})", clock, result);
    }

    [Fact]
    public async Task Imagenet_preset_trains_end_to_end_from_a_jpeg_folder_with_an_augmented_hebbian_phase()
    {
        var clock = Stopwatch.StartNew();
        var preset = Preset("imagenet", ImageNetWidthDivisor);
        Assert.Equal(AugmentationKind.RandomResizedCropFlip, preset.Hebbian.Augmentation.Kind);
        Assert.Equal(AugmentationKind.RandomResizedCropFlip, preset.Readout.Augmentation.Kind);
        Assert.Equal((3, 160, 160, 1000), (preset.Channels, preset.Height, preset.Width, preset.Classes));

        // A JPEG folder in ImageNet's layout: 1000 class folders, of which the run reads 4 training images (one of each
        // of the first classes, as the reader interleaves classes) and 2 validation images, labels 7 and 999.
        string data = Folder("imagenet-jpeg");
        SyntheticDatasets.WriteImageFolder(data, classes: 1000, testClasses: [7, 999], seed: 3);
        Assert.Equal(DatasetFormat.ImageFolder, DatasetDirectory.Detect(data).Format);
        var shape = new ImageShape(3, 160, 160);
        var o = OneReadoutEpoch(preset, data, "run-imagenet") with { LimitTrain = 4, LimitTest = 2 };
        var progress = new RecordingProgress();

        var result = await new SoftHebbTrainer(progress).RunAsync(o);

        Assert.Equal((4, 2), (result.TrainImages, result.TestImages));
        var testSplit = DatasetDirectory.Open(data, DatasetSplit.Test, o.LimitTest, shape);
        Assert.Equal([7, 999], new[] { testSplit.GetLabel(0), testSplit.GetLabel(1) });
        Assert.Equal(1000, testSplit.ClassCount);
        var hebbian = DatasetDirectory.Open(data, DatasetSplit.Train, o.LimitTrain, shape);
        var pass = Assert.Single(result.HebbianPasses);
        Assert.Equal(4, pass.Images);
        var model = Model(o);
        Assert.Equal(TrainingPhase.Done, model.Header.Phase);

        // The Hebbian phase saw the augmented stream: the first layer's BN learnt from exactly one batch, the random
        // resized crops + flips of the shuffled images (reproduced here from the run's seeds), not the raw images.
        var order = BatchStream.Order(hebbian.Count, shuffle: true, o.Seed, "hebbian-order", 0);
        var augmented = (DenseBlock)Assert.Single(BatchStream.Create(hebbian, order, preset.Hebbian.BatchSize, 0,
            preset.Hebbian.Augmentation, Seeds.Derive(o.Seed, "hebbian-augment", 0)));
        var raw = (DenseBlock)Assert.Single(BatchStream.Create(hebbian, order, preset.Hebbian.BatchSize));
        var runningMean = model.Arrays["layer0.bn.running_mean"];
        Assert.Equal(1f, model.Arrays["layer0.bn.num_batches_tracked"][0]);
        for (int ch = 0; ch < 3; ch++)
            Assert.Equal(0.1 * ChannelMean(augmented, ch), runningMean[ch], 1e-6);
        double rawDifference = Enumerable.Range(0, 2).Max(ch => Math.Abs(0.1 * ChannelMean(raw, ch) - runningMean[ch]));
        Assert.True(rawDifference > 1e-3, $"the BN statistics match the un-augmented images (difference {rawDifference})");

        var readoutAugmented = Assert.Single(progress.Phases, p => p.Phase.Contains("augmented"));
        Assert.Equal(4, readoutAugmented.Total);
        AssertModelShapes(preset, 1000, model.Arrays);
        Assert.Equal(1000 * preset.FeatureLength, model.Arrays["readout.weight"].Length);
        Assert.Equal((12288 / ImageNetWidthDivisor, 5, 5), preset.FeatureShape);
        AssertSensibleMetrics(result);
        Report($"imagenet (widths / {ImageNetWidthDivisor})", clock, result);
    }

    public static TheoryData<string> BuiltInPresets
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (string name in PresetLibrary.Names) names.Add(name);
            return names;
        }
    }

    [Theory]
    [MemberData(nameof(BuiltInPresets))]
    public async Task Every_built_in_preset_builds_and_one_batch_flows_through_the_engine_with_all_layers_learning(string name)
    {
        var clock = Stopwatch.StartNew();
        var preset = PresetLibrary.Load(name);
        var net = new HebbianNetwork(preset, seed: 7);
        Assert.Equal(preset.Layers.Count, net.Layers.Count);

        const int batch = 2;
        var rng = new Random(8);
        var input = new float[batch * preset.Channels * preset.Height * preset.Width];
        for (int i = 0; i < input.Length; i++) input[i] = rng.NextSingle();
        var outputs = new List<DenseBlock>();
        var stream = BatchStream.ToAsync([new DenseBlock(input, [batch, preset.Channels, preset.Height, preset.Width], [10, 11])]);
        var built = FloatBlocks.Build(net, stream, net.Layers.Count - 1, _ => true, onData: e => outputs.Add((DenseBlock)e.Payload));
        Assert.Equal(preset.Layers.Count, built.Layers.Count);

        var report = await built.Network.RunAsync(seed: 9);

        var block = Assert.Single(outputs);
        var (c, h, w) = preset.FeatureShape;
        Assert.Equal(new[] { batch, c, h, w }, block.Shape);
        Assert.Equal(new long[] { 10, 11 }, block.SampleIds);
        Assert.True(AllFinite(block.Data), "the features hold a NaN or infinity");
        var shapes = preset.LayerOutputShapes();
        for (int i = 0; i < net.Layers.Count; i++)
        {
            string layer = SoftHebbGraph.LayerName(i);
            Assert.Equal(1, report.Actors[layer].Blocks);
            Assert.True(report.Actors[layer].Work.WeightUpdates > 0, $"{layer} did not learn");
            var step = Assert.Single(built.Layers[i].History);
            Assert.True(step.MaxAbsDelta > 0 && float.IsFinite(step.MeanWeightNorm), $"{layer}: {step}");
            Assert.True(AllFinite(net.Layers[i].Weights.Span), $"{layer} weights hold a NaN or infinity");
            int[] inputShape = i == 0 ? [batch, preset.Channels, preset.Height, preset.Width] : [batch, shapes[i - 1].C, shapes[i - 1].H, shapes[i - 1].W];
            Assert.Equal(new[] { batch, shapes[i].C, shapes[i].H, shapes[i].W }, net.Layers[i].OutputShape(inputShape));
        }
        output.WriteLine($"{name}: {clock.Elapsed.TotalSeconds:F1} s");
    }
}
