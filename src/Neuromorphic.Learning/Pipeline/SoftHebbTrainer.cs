using System.Diagnostics;
using Neuromorphic.Datasets;
using Neuromorphic.Engine;

namespace Neuromorphic.Learning.Pipeline;

/// <summary>
/// A whole SoftHebb training run, every pass through the engine: the Hebbian phase (successive or concurrent),
/// feature extraction by the frozen network (computed once, cached as half precision), the supervised
/// read-out, and evaluation. Consistent checkpoints are written atomically while it runs; a killed run
/// resumes from the last one and ends with the same weights as an uninterrupted run. A cancelled run
/// writes one more where it stops (the Hebbian phase at the next batch, the read-out at the epoch it was in).
/// </summary>
public sealed class SoftHebbTrainer(IRunProgress? progress = null)
{
    public const string CheckpointFile = "checkpoint.ckpt";
    public const string ModelFile = "model.ckpt";
    public const string PresetFile = "preset.json";

    readonly IRunProgress _progress = progress ?? SilentProgress.Instance;

    /// <summary>Trains on the dataset folder <see cref="TrainingOptions.DataDirectory"/> (STL-10: the Hebbian phase uses the unlabeled split).</summary>
    public async Task<TrainingResult> RunAsync(TrainingOptions o, CancellationToken ct = default)
    {
        var detected = DatasetDirectory.Detect(o.DataDirectory);
        var hebbSplit = detected.Format == DatasetFormat.Stl10 ? DatasetSplit.Unlabeled : DatasetSplit.Train;
        var opened = new List<IImageSource>();
        try
        {
            // Each split is kept as soon as it is open, so a failure opening the next one still closes it.
            IImageSource Open(DatasetSplit split, int? limit)
            {
                var s = DatasetDirectory.Open(o.DataDirectory, split, limit, o.Preset.InputShape);
                opened.Add(s);
                return s;
            }
            var hebbData = Open(hebbSplit, o.LimitTrain);
            var train = hebbSplit == DatasetSplit.Train ? hebbData : Open(DatasetSplit.Train, o.LimitTrain);
            var test = Open(DatasetSplit.Test, o.LimitTest);
            return await RunAsync(o, new TrainingData(hebbData, train, test), ct);
        }
        finally
        {
            foreach (var source in opened) (source as IDisposable)?.Dispose();
        }
    }

    /// <summary>Trains on the given image sources (their limits already applied).</summary>
    public async Task<TrainingResult> RunAsync(TrainingOptions o, TrainingData data, CancellationToken ct = default)
    {
        var preset = o.Preset;
        var (hebbData, train, test) = data;
        Directory.CreateDirectory(o.RunDirectory);
        CheckShapes(preset, hebbData, labelled: false);
        CheckShapes(preset, train, labelled: true);
        CheckShapes(preset, test, labelled: true);
        // Memory is planned before any of it is spent: a run that cannot fit is refused with the breakdown.
        var sources = new[] { hebbData, train, test }.Distinct().ToList();
        PresetFootprint.Check(
            PresetFootprint.Estimate(preset, train.Count, test.Count, ReferenceEquals(hebbData, train) ? 0 : hebbData.Count, o.ClassifierEpochs,
                residentImages: sources.OfType<InMemoryImageSource>().Sum(s => (long)s.Count)),
            o.MaxMemoryBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        hebbData = HebbianImages(preset, hebbData, o.Seed);
        var net = new HebbianNetwork(preset, o.Seed);
        var readout = NewReadout(preset, train.ClassCount, o.Seed);
        var result = new TrainingResult { Preset = preset.Name, Seed = o.Seed, Schedule = o.Schedule.ToString().ToLowerInvariant(),
            TrainImages = train.Count, TestImages = test.Count };
        var clock = Stopwatch.StartNew();

        var id = Identify(o, data);
        var start = o.Resume ? Restore(o, id, net, readout) : Header(o, id, TrainingPhase.Hebbian, 0, 0, 0);

        if (start.Phase == TrainingPhase.Hebbian)
            await HebbianPhaseAsync(o, id, net, readout, hebbData, start, result, ct);

        // The frozen network's features, computed once and cached: the training set as it is, or K augmented
        // copies of it one after another. A read-out that augments without cached copies recomputes them every epoch.
        var extractClock = Stopwatch.StartNew();
        var readoutSpec = preset.Readout;
        int views = CachedViews(o);
        using var trainFeatures = new FeatureCache(checked(train.Count * Math.Max(views, 1)), net.FeatureLength);
        using var testFeatures = new FeatureCache(test.Count, net.FeatureLength);
        if (readoutSpec.Augmentation.Kind == AugmentationKind.None)
            await ExtractAsync(net, train, trainFeatures, 0, "features (train)", null, ct);
        for (int v = 0; v < views; v++)
            await ExtractAsync(net, train, trainFeatures, v * train.Count, $"features (train, augmented copy {v + 1}/{views})",
                (readoutSpec.Augmentation, Seeds.Derive(o.Seed, "readout-augment", v)), ct);
        await ExtractAsync(net, test, testFeatures, 0, "features (test)", null, ct);
        result.FeatureExtractionSeconds = extractClock.Elapsed.TotalSeconds;
        result.FeatureImagesPerSecond = (train.Count + test.Count) / extractClock.Elapsed.TotalSeconds;

        var readoutClock = Stopwatch.StartNew();
        int firstEpoch = start.Phase == TrainingPhase.Readout ? start.Epoch : 0;
        var testLabels = Labels(test);
        await TrainReadoutAsync(o, id, net, readout, train, trainFeatures, views, testFeatures, testLabels, firstEpoch, result, ct);
        result.ReadoutSeconds = readoutClock.Elapsed.TotalSeconds;

        var final = readout.Evaluate(testFeatures, testLabels);
        result.TestAccuracy = final.Accuracy;
        result.TestAccuracyInterval = AccuracyInterval.OfAccuracy(final.Accuracy, final.Count);
        result.TestLoss = final.MeanLoss;
        result.WallSeconds = clock.Elapsed.TotalSeconds;
        result.PeakMemoryBytes = Process.GetCurrentProcess().PeakWorkingSet64;
        SaveCheckpoint(o, net, readout, Header(o, id, TrainingPhase.Done, -1, 0, 0), ModelFile);
        return result;
    }

    async Task HebbianPhaseAsync(TrainingOptions o, RunIdentity id, HebbianNetwork net, LinearReadout readout, IImageSource data,
        CheckpointHeader start, TrainingResult result, CancellationToken ct)
    {
        var preset = o.Preset;
        int layers = net.Layers.Count;
        int passes = o.Schedule == HebbianSchedule.Successive ? layers : 1;
        int batchSize = preset.Hebbian.BatchSize;
        for (int pass = start.Layer; pass < passes; pass++)
            for (int epoch = pass == start.Layer ? start.Epoch : 0; epoch < preset.Hebbian.Epochs; epoch++)
            {
                int startBatch = pass == start.Layer && epoch == start.Epoch ? (int)(start.Position / batchSize) : 0;
                int lastLayer = o.Schedule == HebbianSchedule.Successive ? pass : layers - 1;
                Func<int, bool> learns = o.Schedule == HebbianSchedule.Successive ? i => i == pass : _ => true;
                int orderEpoch = pass * preset.Hebbian.Epochs + epoch;
                var order = BatchStream.Order(data.Count, shuffle: true, o.Seed, "hebbian-order", orderEpoch);
                var batches = BatchStream.Create(data, order, batchSize, startBatch, preset.Hebbian.Augmentation,
                    Seeds.Derive(o.Seed, "hebbian-augment", orderEpoch), o.CheckpointEveryBatches);
                // Lock-step: the next batch enters only when the previous one has left the last layer (no pipelining).
                using var inFlight = o.Lockstep ? new SemaphoreSlim(1) : null;
                batches = BatchStream.StopWhen(batches, ct);
                var stream = inFlight is null ? BatchStream.ToAsync(batches) : BatchStream.Throttle(batches, inFlight);

                string phase = o.Schedule == HebbianSchedule.Successive
                    ? $"hebbian layer {pass + 1}/{layers}, epoch {epoch + 1}/{preset.Hebbian.Epochs}"
                    : $"hebbian all {layers} layers, epoch {epoch + 1}/{preset.Hebbian.Epochs}";
                _progress.Begin(phase, data.Count, "images");
                long images = (long)startBatch * batchSize;
                var snapshots = new SnapshotCollector();
                FloatBlocks.Pass? built = null;
                built = FloatBlocks.Build(net, stream, lastLayer, learns,
                    onData: e =>
                    {
                        _progress.Advance(images += ((DenseBlock)e.Payload).BatchSize);
                        inFlight?.Release();
                    },
                    onControl: kind =>
                    {
                        if (kind != ControlKind.Flush) return;
                        // Every layer has passed the marker: their copies describe the same stream position.
                        var state = snapshots.Take(built!.Layers.Select(l => l.Name).ToArray());
                        for (int i = lastLayer + 1; i < layers; i++) net.Layers[i].SaveState(state, HebbianNetwork.StatePrefix(i));
                        readout.SaveState(state, "readout.");
                        new Checkpoint(Header(o, id, TrainingPhase.Hebbian, pass, epoch, images), state)
                            .Write(Path.Combine(o.RunDirectory, CheckpointFile));
                    },
                    snapshots: snapshots);
                ResetStages(net);
                var clock = Stopwatch.StartNew();
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                // Not cancelled through ct: a cancelled run stops its stream after a Flush instead (BatchStream.StopWhen),
                // so the layers drain the few batches in flight and the checkpoint at that Flush is consistent.
                var report = await built.Network.RunAsync(o.Seed, CancellationToken.None);
                double seconds = clock.Elapsed.TotalSeconds;
                double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / Math.Max(seconds, 1e-9);
                long done = images - (long)startBatch * batchSize;
                var summary = new HebbianPassSummary(phase, done, seconds, done / Math.Max(seconds, 1e-9),
                    report.EngineOverheadFraction, cpu, report.MakespanNs,
                    report.Actors.ToDictionary(a => a.Key, a => ActorSummary.From(a.Value)),
                    built.Layers.ToDictionary(l => l.Name, l => l.History.ToArray()), StageSeconds(net, lastLayer));
                result.HebbianPasses.Add(summary);
                _progress.End($"{done} images in {seconds:F1} s ({summary.ImagesPerSecond:F1} images/s, CPU {100 * cpu:F0} %, engine overhead {100 * summary.EngineOverhead:F1} %)");
                LogStages(summary.LayerStageSeconds);
                // Stopped before the end of the pass: the last Flush wrote where it stopped.
                if (images < data.Count) throw new OperationCanceledException(ct);

                // Next position: the start of the following epoch or pass.
                var next = epoch + 1 < preset.Hebbian.Epochs
                    ? Header(o, id, TrainingPhase.Hebbian, pass, epoch + 1, 0)
                    : pass + 1 < passes
                        ? Header(o, id, TrainingPhase.Hebbian, pass + 1, 0, 0)
                        : Header(o, id, TrainingPhase.Readout, -1, 0, 0);
                SaveCheckpoint(o, net, readout, next, CheckpointFile);
                ct.ThrowIfCancellationRequested();
            }
    }

    /// <summary>Runs a dataset split through the frozen network (in dataset order, augmented if asked) into the cache,
    /// from row <paramref name="firstRow"/> on.</summary>
    async Task ExtractAsync(HebbianNetwork net, IImageSource data, FeatureCache cache, int firstRow, string phase,
        (AugmentationSpec Spec, int Seed)? augmentation, CancellationToken ct)
    {
        var order = BatchStream.Order(data.Count, shuffle: false, 0, "", 0);
        var stream = BatchStream.ToAsync(BatchStream.Create(data, order, ExtractionBatch, 0, augmentation?.Spec, augmentation?.Seed ?? 0));
        _progress.Begin(phase, data.Count, "images");
        long done = 0;
        var writer = new FeatureCacheWriter(cache);
        var built = FloatBlocks.Build(net, stream, net.Layers.Count - 1, _ => false, onData: e =>
        {
            var block = (DenseBlock)e.Payload;
            // Identity order: sample ids are consecutive, so a batch is a run of rows.
            writer.Post(firstRow + (int)block.SampleIds[0], block.Data);
            _progress.Advance(done += block.BatchSize);
        });
        ResetStages(net);
        var clock = Stopwatch.StartNew();
        try
        {
            await built.Network.RunAsync(0, ct);
        }
        catch
        {
            // The run's own error is the one to report; the writer only has to stop.
            try { await writer.CompleteAsync(); } catch { }
            throw;
        }
        await writer.CompleteAsync();
        _progress.End($"{data.Count} images in {clock.Elapsed.TotalSeconds:F1} s ({data.Count / clock.Elapsed.TotalSeconds:F0} images/s)");
        LogStages(StageSeconds(net, net.Layers.Count - 1));
    }

    static void ResetStages(HebbianNetwork net)
    {
        foreach (var layer in net.Layers) layer.Stages.Reset();
    }

    /// <summary>Seconds per stage of each layer that ran, keyed by the layer's name (hebb0, hebb1, ...).</summary>
    static Dictionary<string, IReadOnlyDictionary<string, double>> StageSeconds(HebbianNetwork net, int lastLayer)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, double>>();
        for (int i = 0; i <= lastLayer; i++) result[SoftHebbGraph.LayerName(i)] = net.Layers[i].Stages.Seconds();
        return result;
    }

    /// <summary>One log line per layer: where its time went.</summary>
    void LogStages(IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> stages)
    {
        foreach (var (layer, seconds) in stages)
            _progress.Log($"  {layer} time: {string.Join(", ", seconds.Select(s => $"{s.Key} {s.Value:F1} s"))} (total {seconds.Values.Sum():F1} s)");
    }

    /// <summary>Batch of the frozen forward pass: large enough for efficient GEMMs, small enough to pipeline.</summary>
    public const int ExtractionBatch = 50;

    /// <summary>The read-out's epochs; <paramref name="views"/> augmented copies of the training features are cached in
    /// <paramref name="trainFeatures"/> (0: none, so an augmenting read-out recomputes them every epoch).</summary>
    async Task TrainReadoutAsync(TrainingOptions o, RunIdentity id, HebbianNetwork net, LinearReadout readout, IImageSource train, FeatureCache trainFeatures,
        int views, IFeatureSource testFeatures, int[] testLabels, int firstEpoch, TrainingResult result, CancellationToken ct)
    {
        var spec = o.Preset.Readout;
        int epochs = o.ClassifierEpochs ?? spec.Epochs;
        var trainLabels = Labels(train);
        bool recompute = spec.Augmentation.Kind != AugmentationKind.None && views == 0;
        var schedule = new StepHalvingSchedule(spec.LearningRate, epochs);
        _progress.Begin("read-out", epochs, "epochs");
        var sinceCheckpoint = Stopwatch.StartNew();
        for (int epoch = firstEpoch; epoch < epochs; epoch++)
        {
            try
            {
                ct.ThrowIfCancellationRequested();
                // Augmented inputs give new features every epoch: recompute them through the frozen network.
                // (Copy e of the cached ones is drawn with the seed epoch e would use, so K = epochs cached copies
                // train exactly as recomputing does.)
                if (recompute)
                    await ExtractAsync(net, train, trainFeatures, 0, $"features (train, augmented, epoch {epoch + 1})",
                        (spec.Augmentation, Seeds.Derive(o.Seed, "readout-augment", epoch)), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Nothing of this epoch has touched the read-out yet: it stands exactly after `epoch` epochs.
                SaveCheckpoint(o, net, readout, Header(o, id, TrainingPhase.Readout, -1, epoch, 0), CheckpointFile);
                throw;
            }
            IFeatureSource epochFeatures = views == 0 ? trainFeatures
                : new FeatureRowRange(trainFeatures, epoch % views * train.Count, train.Count);
            readout.LearningRate = schedule.RateForEpoch(epoch);
            var trainResult = readout.TrainEpoch(epochFeatures, trainLabels, spec.BatchSize, new Random(Seeds.Derive(o.Seed, "readout-epoch", epoch)));
            var testResult = readout.Evaluate(testFeatures, testLabels);
            result.ReadoutEpochs.Add(new ReadoutEpoch(epoch + 1, readout.LearningRate, trainResult.MeanLoss, trainResult.Accuracy, testResult.MeanLoss, testResult.Accuracy));
            _progress.Advance(epoch + 1);
            _progress.Log($"epoch {epoch + 1}/{epochs}: lr {readout.LearningRate:G3}, train loss {trainResult.MeanLoss:F4} acc {100 * trainResult.Accuracy:F2} %, test acc {100 * testResult.Accuracy:F2} %");
            if (sinceCheckpoint.Elapsed.TotalSeconds >= o.ReadoutCheckpointSeconds)
            {
                SaveCheckpoint(o, net, readout, Header(o, id, TrainingPhase.Readout, -1, epoch + 1, 0), CheckpointFile);
                sinceCheckpoint.Restart();
            }
        }
        _progress.End($"read-out trained for {epochs} epochs");
    }

    /// <summary>How many augmented copies of the training features are cached (0: none, features of the plain set or
    /// recomputed), never more than the read-out has epochs to use.</summary>
    static int CachedViews(TrainingOptions o)
    {
        var spec = o.Preset.Readout;
        return spec.Augmentation.Kind == AugmentationKind.None ? 0 : Math.Min(spec.AugmentedViews ?? 0, o.ClassifierEpochs ?? spec.Epochs);
    }

    static CheckpointHeader Header(TrainingOptions o, RunIdentity id, TrainingPhase phase, int layer, int epoch, long position) =>
        new(o.Preset.Name, o.Seed, phase, layer, epoch, position, id);

    /// <summary>What the run's result depends on besides the seed (not --limit-test, --checkpoint-every or --lockstep:
    /// they change no weight).</summary>
    static RunIdentity Identify(TrainingOptions o, TrainingData data)
    {
        ulong labels = 14695981039346656037UL; // FNV-1a over the training labels: tells MNIST from Fashion-MNIST
        for (int i = 0; i < data.Train.Count; i++) labels = (labels ^ (uint)data.Train.GetLabel(i)) * 1099511628211UL;
        string dataText = $"{data.Hebbian.Count} Hebbian / {data.Train.Count} training images of {data.Train.Shape}, " +
                          $"{data.Train.ClassCount} classes, labels {labels:x16}";
        return new RunIdentity(PresetSha256(o.Preset),
            o.Schedule.ToString().ToLowerInvariant(), o.LimitTrain, o.ClassifierEpochs ?? o.Preset.Readout.Epochs, dataText);
    }

    /// <summary>The preset's identity in a checkpoint. Name and description change nothing learnt; the rest of the preset
    /// is hashed as parsed, so layout does not count.</summary>
    internal static string PresetSha256(NetworkPreset preset) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(preset with { Name = "", Description = "" })));

    CheckpointHeader Restore(TrainingOptions o, RunIdentity id, HebbianNetwork net, LinearReadout readout)
    {
        string path = Path.Combine(o.RunDirectory, CheckpointFile);
        if (!File.Exists(path))
            throw new ResumeMismatchException($"--resume: there is no checkpoint to resume from ({path} does not exist); start the run without --resume.");
        Checkpoint checkpoint;
        try { checkpoint = Checkpoint.Read(path); }
        catch (CheckpointFormatException e) { throw new ResumeMismatchException($"--resume: the checkpoint cannot be read ({e.Message}); start a new run."); }
        var h = checkpoint.Header;
        if (h.Run is not { } was)
            throw new ResumeMismatchException($"--resume: {path} was written by an older version that did not record the run's arguments, so a resume cannot be checked; start a new run.");
        static string Limit(int? n) => n is { } v ? v.ToString() : "all";
        void Same<T>(string option, T before, T now, Func<T, string>? show = null)
        {
            if (EqualityComparer<T>.Default.Equals(before, now)) return;
            show ??= v => $"{v}";
            throw new ResumeMismatchException($"--resume: the checkpoint was made with {option} {show(before)}, this run asks for {show(now)}; rerun with the same value or start a new run.");
        }
        Same("--preset", was.PresetSha256, id.PresetSha256, v => $"content sha256:{v[..12]}");
        Same("--seed", h.Seed, o.Seed);
        Same("--schedule", was.Schedule, id.Schedule);
        Same("--limit-train", was.LimitTrain, id.LimitTrain, Limit);
        Same("--classifier-epochs", was.ClassifierEpochs, id.ClassifierEpochs);
        Same("--data", was.Data, id.Data, v => $"({v})");
        net.LoadState(checkpoint.Arrays);
        readout.LoadState(checkpoint.Arrays, "readout.");
        _progress.Log($"resuming from {path}: phase {h.Phase.ToString().ToLowerInvariant()}, layer {h.Layer}, epoch {h.Epoch}, position {h.Position}");
        return h;
    }

    static void SaveCheckpoint(TrainingOptions o, HebbianNetwork net, LinearReadout readout, CheckpointHeader header, string file)
    {
        var state = new Dictionary<string, float[]>();
        net.SaveState(state);
        readout.SaveState(state, "readout.");
        new Checkpoint(header, state).Write(Path.Combine(o.RunDirectory, file));
    }

    public static LinearReadout NewReadout(NetworkPreset preset, int classes, int seed) =>
        new(preset.FeatureLength, classes, preset.Readout.Dropout, new Random(Seeds.Derive(seed, "readout-init", 0)), preset.Readout.LearningRate);

    /// <summary>The images the Hebbian phase sees: all of them, or the preset's seeded random subset (ImageNet: 10 %).</summary>
    public static IImageSource HebbianImages(NetworkPreset preset, IImageSource data, int seed)
    {
        if (preset.Hebbian.Images is not { } n || n >= data.Count) return data;
        int[] chosen = BatchStream.Order(data.Count, shuffle: true, seed, "hebbian-subset", 0)[..n];
        Array.Sort(chosen); // the subset is a set: the Hebbian phase draws its own order over it every epoch
        return new SubsetImageSource(data, chosen);
    }

    /// <summary>Throws <see cref="DatasetMismatchException"/> unless the images have the preset's input size and, when
    /// <paramref name="labelled"/>, its number of classes.</summary>
    public static void CheckShapes(NetworkPreset preset, IImageSource data, bool labelled)
    {
        var s = data.Shape;
        if (s.Channels != preset.Channels || s.Height != preset.Height || s.Width != preset.Width)
            throw new DatasetMismatchException($"Preset '{preset.Name}' expects {preset.Channels}x{preset.Height}x{preset.Width} images but dataset '{data.Name}' holds {s}.");
        if (labelled && data.ClassCount != preset.Classes)
            throw new DatasetMismatchException($"Preset '{preset.Name}' has {preset.Classes} classes but dataset '{data.Name}' has {data.ClassCount}.");
    }

    public static int[] Labels(IImageSource data)
    {
        var labels = new int[data.Count];
        for (int i = 0; i < labels.Length; i++) labels[i] = data.GetLabel(i);
        return labels;
    }
}

/// <summary>A resume that cannot continue the run in its directory: no checkpoint, an unreadable one, or one made with
/// other arguments (the message names the argument and both values).</summary>
public sealed class ResumeMismatchException(string message) : Exception(message);

/// <summary>A dataset that does not fit the preset (image size, class count): the user's choice of --data or --preset.</summary>
public sealed class DatasetMismatchException(string message) : ArgumentException(message);
