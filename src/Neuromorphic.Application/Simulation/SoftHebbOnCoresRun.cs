using System.Numerics.Tensors;
using Neuromorphic.Datasets;
using Neuromorphic.Hardware.Cores;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Spiking;

namespace Neuromorphic.Application.Simulation;

/// <summary>`simulate --softhebb RUN_DIR --arch|--hardware FILE --steps T`: a trained SoftHebb network run on a chip core by
/// core, one test image after another (each from rest, the image held at the input), with the accuracy that execution
/// gives beside the same converted network run in software (with exact pooling, and with the chip's: OR and counting
/// neurons) and the rate-based network as trained.
/// On the chip each group passes its spikes on a step later, so the class is read at step T + the read-out's lag
/// (<see cref="SoftHebbOnCores.ReadoutLag"/>), after the same T steps of evidence as the software run's at step T;
/// energy and latency count every one of those steps. A chip file of
/// hardware-models/ gives its weight precision, and the weights are quantised to it before conversion (both spiking
/// runs then use the chip's weights; on a chip with typed axons the converted network's folded conv weights are then
/// forced to each channel's values per axon type, <see cref="ForcedChannels"/>, in both runs), and its mapper's tiles for the convolutions it stores unrolled; a SANA-FE
/// architecture gives neither, and the weights stay as trained.
/// On a chip whose spikes carry a value (Loihi 2) the network can run with graded spikes instead: each neuron sends its
/// value once a step, the image is held at the input, and the read-out has the answer after one step per group
/// (<see cref="SoftHebbOnCores.Depth"/>). A stream of images runs through the layers as a pipeline, one image a step, so
/// an inference costs one step of the full pipeline (the last step of the run, when every layer works on the image)
/// and takes Depth steps from its arrival to its class. Its software reference is the same network with rates in
/// place of spikes (<see cref="SpikingSoftHebbNetwork.RatePotentials"/>).</summary>
public static class SoftHebbOnCoresRun
{
    /// <param name="steps">The time steps at which to read the class, ascending; each image runs to the last. Empty with <paramref name="graded"/>.</param>
    /// <param name="chip">The chip file <paramref name="arch"/> was made from (its weight precision and mapping), or null for a SANA-FE architecture.</param>
    /// <param name="graded">Run with graded spikes (a chip whose spikes carry a value), one row at T = the network's depth.</param>
    /// <param name="maxPool">With binary spikes, how the chip computes max pooling (<see cref="MaxPoolCircuit"/>).</param>
    /// <param name="threads">Images run side by side, each on its own copy of the compiled chip (fewer where memory or
    /// the images run out); the results do not depend on it.</param>
    /// <param name="powerKnees">0: the Triangle's power taken as 1 on the chip and in software; N: the network converted
    /// with its powers, which the chip computes as sums of ReLUs with N knees (<see cref="PiecewisePower"/>) and the
    /// software runs exactly (rate-threshold neurons).</param>
    /// <param name="foldAveragePooling">The last layer's average pooling folded into the read-out's weights
    /// (<see cref="SpikingSoftHebbNetwork.FoldLastAveragePooling"/>), on the chip and in software; on a chip with typed axons
    /// the folded read-out is the one quantised. Null: folded where the last layer is average pooled.</param>
    /// <returns>The record also written to <paramref name="output"/>/<see cref="CoresRunResult.FileName"/>.</returns>
    public static async Task<CoresRunResult> RunAsync(string run, ChipArchitecture arch, Hardware.ChipModel? chip, int[] steps, TimingModel timing,
        int images, string data, string output, int seed, bool export, IRunProgress? progress, CancellationToken ct, bool graded = false,
        MaxPoolCircuit maxPool = MaxPoolCircuit.Or, int powerKnees = 0, int threads = 1, bool? foldAveragePooling = null)
    {
        if (graded && export)
            throw new UserErrorException("SANA-FE's files have no graded spikes, so a graded run cannot be exported; export the binary run (--spikes binary).");
        if (graded != (steps.Length == 0))
            throw new ArgumentException(graded ? "A graded run takes no read-out times: the class is read after one step per group." : "Give the read-out times.", nameof(steps));
        progress ??= SilentProgress.Instance;
        var model = Evaluation.LoadModel(run);
        var test = Evaluation.OpenTest(data, images, model.Preset);
        var rate = await Inference.EvaluateAsync(model, test, ct: ct);
        var train = DatasetDirectory.Open(data, DatasetSplit.Train, ChipSimulation.CalibrationImages, model.Preset.InputShape);
        var inputs = chip?.Limits.AxonTypes is not null ? ChipSimulation.MeasureCalibrationInputs(model, train) : null;
        // The Hebbian layers first; the read-out once the converted network gives its features (below).
        double? weightError = chip is null ? null
            : Enumerable.Range(0, model.Network.Layers.Count).Max(i => ChipSimulation.QuantizeLayer(model, chip.Limits, i, inputs));
        var conversion = new SpikingConversionOptions
        {
            Power = powerKnees == 0 ? PowerApproximation.Linear : PowerApproximation.RateThreshold, FoldInhibition = true, BatchSize = 1,
        };
        SpikingSoftHebbNetwork network;
        try { network = SpikingSoftHebbNetwork.Convert(model, train, conversion); }
        catch (NotSupportedException e) { throw new UserErrorException(e.Message, e); }
        // The read-out the chip and the software run: the trained one, or the one that takes the last average pooling in.
        var readout = model.Readout;
        bool fold = foldAveragePooling ?? network.CanFoldLastPooling;
        if (fold)
        {
            try { (network, readout) = network.FoldLastAveragePooling(readout); }
            catch (NotSupportedException e) { throw new UserErrorException(e.Message + " (--avg-pool fold)", e); }
        }
        SoftHebbOnCores.CheckMemory(network, readout, arch, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, powerKnees);
        var calibration = chip?.Limits.AxonTypes is null ? null : Enumerable.Range(0, train.Count).Select(i =>
        {
            var pixels = new float[network.InputLength];
            train.CopyBatch([i], pixels);
            return pixels;
        }).ToList();
        // With typed axons the folded conv weights are forced once, here, so that the software run is the chip's network.
        double? forcedError = calibration is null ? null : ForcedChannels.Apply(network, calibration, chip!.Limits.AxonTypes!);
        if (chip is not null)
        {
            // With typed axons each class's bias takes back the mean response the quantisation moved, on the features this
            // network sends (its power as converted, which the float network's features need not share).
            var means = calibration is null ? null : network.FeatureMeans(calibration);
            weightError = Math.Max(weightError!.Value, ChipSimulation.QuantizeReadout(readout, chip.Limits, means));
            network = network.WithReadout(readout);
        }
        var tiles = chip is null ? null : ChipSimulation.TilesOn(chip, model);
        var chipNetwork = SoftHebbOnCores.Build(network, readout, arch, tiles: tiles, graded: graded, axonTypes: chip?.Limits.AxonTypes, maxPool: maxPool,
            powerKnees: powerKnees);
        if (graded) steps = [chipNetwork.Depth];

        Directory.CreateDirectory(output);
        using var runLock = RunLock.Acquire(output);
        int lag = graded ? 0 : chipNetwork.ReadoutLag;
        var readAt = steps.Select(t => t + lag).ToArray(); // the step at which each T's class is read
        int length = readAt[^1];
        progress.Begin($"SoftHebb on {arch.Name}, {length} steps an image{(graded ? ", graded spikes" : "")}", test.Count, "images");
        // Each image changes only the input neurons' biases, and a run only the neurons' state: the chip is compiled once,
        // and each further worker running images beside the first shares its tables with its own neurons' state. Each
        // image's steps are kept and summed in image order below, so the figures are the same for any number of workers.
        var pixels0 = new float[chipNetwork.InputNeurons];
        test.CopyBatch([0], pixels0);
        var spec0 = chipNetwork.ForImage(pixels0);
        var runs = new ImageRun[test.Count];
        int done = 0, neurons = spec0.NeuronCount, synapses = spec0.Connections.Count;
        var gate = new object(); // the test images, the network's per-image specs and the software's rates are not shared safely
        string? doesNotFit = null;
        double staticPowerW = 0; // of the chips the network uses: the same for every image
        var first = CompiledChip.Build(arch, spec0, seed);
        async Task RunImageAsync(CompiledChip compiled, int i, float[] pixels)
        {
            ct.ThrowIfCancellationRequested();
            SpikingNetworkSpec spec;
            int label;
            bool softwareRight = false;
            lock (gate)
            {
                test.CopyBatch([i], pixels);
                label = test.GetLabel(i);
                spec = chipNetwork.ForImage(pixels);
                if (graded) softwareRight = TensorPrimitives.IndexOfMax<float>(network.RatePotentials(pixels)) == label;
            }
            var result = await compiled.RunAsync(spec, new CoreSimulationOptions(length, timing, seed), ct).ConfigureAwait(false);
            runs[i] = new ImageRun(readAt.Select(t => chipNetwork.Classify(result, t) == label).ToArray(), result.Steps, softwareRight,
                result.Cores.Count);
            if (i == 0)
            {
                doesNotFit = AxonLimit.Exceeded(arch, spec, result.Cores);
                staticPowerW = result.StaticPowerW;
                if (export) SanafeExport.Write(output, arch, spec);
                string commit = RunDirectory.GitCommit();
                SanafeOutputWriter.Write(output, result, spec, commit);
                CoreRunReport.Write(output, arch, spec, result, timing.ToString().ToLowerInvariant(), commit);
            }
            lock (gate) progress.Advance(++done);
        }
        // Image 0 runs alone first: the memory its run takes at its peak, beyond the compiled chip the runs beside it
        // share, sizes how many run side by side. A run's messages in flight and their garbage grow with the network: 3.5 GB
        // over the chip for the paper's 3-layer CIFAR-10 network on Nahuku 32 at T = 32, 0.7 GB for the 2-layer one.
        long chipBytes = GC.GetTotalMemory(forceFullCollection: true);
        await RunImageAsync(first, 0, new float[chipNetwork.InputNeurons]).ConfigureAwait(false);
        long peak;
        using (var process = System.Diagnostics.Process.GetCurrentProcess()) peak = process.PeakWorkingSet64;
        long runBytes = Math.Max(peak - chipBytes, neurons * SoftHebbOnCores.BytesPerNeuronRun);
        int workers = Math.Clamp(Math.Min(threads, test.Count - 1), 1,
            SoftHebbOnCores.RunsThatFit(runBytes, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes - chipBytes));
        var chips = new CompiledChip[workers];
        chips[0] = first;
        for (int w = 1; w < workers; w++) chips[w] = chips[0].WithOwnNeurons(seed);
        int next = 0; // image 0 is done
        async Task WorkAsync(CompiledChip compiled)
        {
            var pixels = new float[chipNetwork.InputNeurons];
            for (int i; (i = Interlocked.Increment(ref next)) < test.Count;) await RunImageAsync(compiled, i, pixels).ConfigureAwait(false);
        }
        await Task.WhenAll(chips.Select(chip => Task.Run(() => WorkAsync(chip), ct))).ConfigureAwait(false);

        // Per read-out time T: correct answers, and the run's steps up to T's read-out summed over the images.
        var correct = new int[steps.Length];
        var totals = readAt.Select(t => StepPerf.Zero(t)).ToArray();
        double gradedLatency = 0; // graded: the steps from an image's arrival to its class, summed over the images
        int softwareCorrect = runs.Count(r => r.SoftwareRight), cores = runs[0].Cores;
        foreach (var image in runs)
            for (int k = 0; k < steps.Length; k++)
            {
                if (image.Right[k]) correct[k]++;
                if (graded)
                {
                    totals[k] += image.Steps[steps[k] - 1]; // the pipeline's full step: every layer on this image
                    gradedLatency += image.Steps.Take(steps[k]).Sum(s => s.Latency);
                }
                else foreach (var step in image.Steps.Take(readAt[k])) totals[k] += step;
            }
        progress.End($"{test.Count} images{(workers > 1 ? $", {workers} at a time" : "")}");

        int n = test.Count;
        var softwareAccuracy = graded ? [(double)softwareCorrect / n]
            : (await SpikingSoftHebb.EvaluateAsync(network, test, steps, SpikeInputEncoding.Regular, seed, cancellationToken: ct)).Accuracy;
        // With binary spikes the chip pools as its neurons can: max pooling by OR neurons (unless comparator trees), and an
        // average pooling that is not folded into the read-out by counting neurons that send whole spikes. The software
        // run with that pooling tells its loss apart from the chip's other differences.
        bool maxPooling = !graded && network.Layers.Any(l => l.Pool is { Type: Tensors.PoolType.Max });
        bool orPooling = maxPooling && maxPool == MaxPoolCircuit.Or;
        bool counting = !graded && network.Layers.Any(l => l.Pool is { Type: Tensors.PoolType.Avg });
        double[]? chipPoolingAccuracy = null;
        if (orPooling || counting)
        {
            var chipPooling = SpikingSoftHebbNetwork.Build(model, network.Layers.Select(l => l.Scale).ToArray(), conversion with
            {
                MaxPooling = orPooling ? SpikeMaxPooling.AnySpike : SpikeMaxPooling.Exact,
                AveragePooling = counting ? SpikeAveragePooling.Counting : SpikeAveragePooling.Exact,
            }); // the same Λ: calibration does not pool spikes
            if (fold) chipPooling = chipPooling.FoldLastAveragePooling(model.Readout).Network;
            if (calibration is not null) ForcedChannels.Copy(network, chipPooling);
            chipPooling = chipPooling.WithReadout(readout);
            chipPoolingAccuracy = (await SpikingSoftHebb.EvaluateAsync(chipPooling, test, steps, SpikeInputEncoding.Regular, seed, cancellationToken: ct)).Accuracy;
        }
        // Static energy over the time an inference holds the chip: its steps, or with graded spikes one pipeline step.
        var record = new CoresRunResult(arch.Name, timing.ToString().ToLowerInvariant(), data, n, neurons, synapses, cores, rate.Accuracy,
            RunDirectory.ModelChecksum(run), steps.Select((t, k) => new CoresRunRow(t, (double)correct[k] / n, softwareAccuracy[k],
                totals[k].TotalEnergy / n, totals[k].SynapseEnergy / n, totals[k].SomaEnergy / n, totals[k].NetworkEnergy / n,
                staticPowerW * totals[k].Latency / n, (graded ? gradedLatency : totals[k].Latency) / n, (double)totals[k].SynapticEvents / n,
                (double)totals[k].Fired / n, chipPoolingAccuracy?[k])).ToArray(), weightError)
        {
            Spikes = graded ? CoresRunResult.GradedSpikes : CoresRunResult.BinarySpikes,
            PayloadBits = graded ? arch.GradedPayloadBits : 0,
            StepS = graded ? totals[0].Latency / n : null,
            ForcedWeightError = forcedError is { } f ? Math.Max(f, chipNetwork.ForcedWeightError ?? 0) : chipNetwork.ForcedWeightError,
            DoesNotFit = doesNotFit,
            ReadoutLag = lag,
            MaxPooling = maxPooling ? maxPool.ToString().ToLowerInvariant() : null,
            PowerKnees = powerKnees,
            PowerError = powerKnees == 0 ? null : chipNetwork.PowerError ?? 0,
            AveragePoolingFolded = fold,
        };
        RunDirectory.WriteJson(output, CoresRunResult.FileName, record);
        return record;
    }

    /// <summary>One image on the chip: whether each T's class was right, the run's steps, the software's answer (graded),
    /// and the cores the run used.</summary>
    sealed record ImageRun(bool[] Right, IReadOnlyList<StepPerf> Steps, bool SoftwareRight, int Cores);
}
