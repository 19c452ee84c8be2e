using Neuromorphic.Datasets;
using Neuromorphic.Engine;
using Neuromorphic.Hardware;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Neuromorphic.Application.Simulation;

/// <summary>
/// A trained network on a chip: its layers described in the chip's terms, mapped onto cores, its weights
/// quantised to the chip's precision, and the test set run through the engine with the chip as cost model,
/// so the energy and latency come from the work the engine counted on real data.
/// </summary>
public static class ChipSimulation
{
    /// <summary>The network's processes as the mapper sees them (its description's layers and read-out); names are the
    /// engine actors' names.</summary>
    public static IReadOnlyList<LayerDescription> Describe(TrainedModel model)
    {
        var preset = model.Preset;
        var description = SoftHebbGraph.Describe(model.Network.Layers, [preset.Channels, preset.Height, preset.Width], model.Readout.Classes);
        var layers = new List<LayerDescription>();
        string? source = null;
        // Neurons are the convolution's output units; a pooling after them is their output stage, so its outputs are
        // what the layer sends, and what its NonZeroActivations count.
        LayerDescription Layer(HebbianLayerProcess p, int[]? pooled, string? from)
        {
            var sent = pooled ?? p.OutputShape;
            var (conv, _, hi, wi) = preset.Layers[p.Index].AsConvolution(p.InputShape[0], p.InputShape[1], p.InputShape[2]);
            long zeros = CountZeros(model.Network.Layers[p.Index].Weights.Span);
            var (k, ch, cw) = (p.OutputShape[0], p.OutputShape[1], p.OutputShape[2]);
            // With one output position every neuron sees the whole input: a dense layer, no kernel to share.
            return ch * cw == 1 && pooled is null
                ? LayerDescription.Dense(p.Name, k, conv.FanIn, from) with { ZeroWeights = zeros }
                : LayerDescription.Conv(p.Name, k, ch, cw, conv.FanIn, from) with
                {
                    ZeroWeights = zeros, PooledOutputs = sent[0] * sent[1] * sent[2],
                    Geometry = new ConvGeometry(conv.InChannels, hi, wi, conv.KernelSize, 1, conv.Padding, k, sent[1], sent[2]),
                };
        }
        HebbianLayerProcess? last = null;
        foreach (var process in description.Processes)
        {
            switch (process)
            {
                case HebbianLayerProcess p:
                    layers.Add(Layer(last = p, null, source));
                    break;
                case PoolingProcess p: // the layer before it sends the pooled outputs
                    layers[^1] = Layer(last!, p.OutputShape, layers[^1].Source);
                    continue;
                case ReadoutProcess p:
                    layers.Add(LayerDescription.Dense(p.Name, p.Classes, model.Readout.Features, source) with { ZeroWeights = CountZeros(model.Readout.Weights) });
                    break;
                default: continue; // the input and the output hold no neurons
            }
            source = process.Name;
        }
        return layers;
    }

    /// <summary>Per Hebbian layer, the tiles <paramref name="chip"/>'s mapper places it by: null for a layer it does not
    /// place by tiles, or whose fan-in it splits (the core-by-core path runs whole neurons, not their compartments);
    /// null when the network does not fit the chip. On a chip whose neuron reaches one axon (TrueNorth) a split layer
    /// keeps the tiles of its slices, whole neurons on each core where a slice's core holds their parts: filled in order
    /// instead, each input would be read by every channel's cores, and the splitter neurons that copy it there (see
    /// <see cref="SplitterNeurons"/>) would take more cores than the chip has.</summary>
    public static IReadOnlyList<ConvTiles?>? TilesOn(ChipModel chip, TrainedModel model)
    {
        Mapping mapping;
        try { mapping = Mapper.Map(chip, Describe(model)); }
        catch (MappingException) { return null; }
        return Enumerable.Range(0, model.Preset.Layers.Count)
            .Select(i => mapping.Find(SoftHebbGraph.LayerName(i))?.Tiles is { } t && (t.Slices == 1 || chip.Limits.NeuronReachesOneAxon) ? t : null).ToArray();
    }

    /// <summary>Quantises every weight array in place to the chip's precision: <see cref="CoreLimits.WeightBits"/> per
    /// weight (32: left as float), or per neuron through typed axons (<see cref="CoreLimits.AxonTypes"/>); returns the
    /// largest relative RMS error.</summary>
    /// <param name="inputs">The layers' inputs on calibration images (<see cref="MeasureCalibrationInputs"/>), or null: on a chip
    /// with typed axons each conv neuron's +a, −b or 0 are then chosen for its responses rather than its weights, and what
    /// the read-out's quantisation moved in each class's mean response goes back into its bias.</param>
    public static double Quantize(TrainedModel model, CoreLimits limits, CalibrationInputs? inputs = null) =>
        Enumerable.Range(0, model.Network.Layers.Count + 1).Max(i => QuantizeLayer(model, limits, i, inputs));

    /// <summary>Quantises one weight array in place, as <see cref="Quantize"/> does: Hebbian layer <paramref name="index"/>,
    /// or the read-out at index <c>Layers.Count</c>; returns its relative RMS error.</summary>
    public static double QuantizeLayer(TrainedModel model, CoreLimits limits, int index, CalibrationInputs? inputs = null)
    {
        if (!Quantizes(limits)) return 0;
        var layers = model.Network.Layers;
        return index == layers.Count
            ? QuantizeReadout(model.Readout, limits, inputs?.FeatureMeans)
            : QuantizeInPlace(layers[index].Weights.Span, layers[index].Weights.Shape[0], limits, inputs?.LayerMoments[index]);
    }

    /// <summary>On a chip with typed axons, the features a core of <paramref name="axonsPerCore"/> input axons takes (one axon
    /// per sign): a read-out with more is split into slices of them, each class a partial neuron per slice (<see cref="SoftHebbOnCores"/>).</summary>
    public static int ReadoutSlice(int axonsPerCore) => Math.Max(1, axonsPerCore / AxonTypeWeights.AxonsPerInput);

    /// <summary>Quantises the read-out's weights in place; on a chip with typed axons each class is a neuron per slice of
    /// <see cref="ReadoutSlice"/> features, so each slice of a class's row takes its own +a, −b or 0. Returns the
    /// relative RMS error.</summary>
    /// <param name="featureMeans">On a chip with typed axons, the features' means on calibration images, or null: each
    /// class's bias then takes back the mean response its row's quantisation moved, Σ (w − q)·E[x].</param>
    public static double QuantizeReadout(LinearReadout readout, CoreLimits limits, double[]? featureMeans = null)
    {
        if (!Quantizes(limits)) return 0;
        if (limits.AxonTypes is not { } axons) return QuantizeInPlace(readout.Weights, readout.Classes, limits, null);
        int features = readout.Features, slice = ReadoutSlice(limits.FanIn);
        double changed = 0, total = 0;
        for (int c = 0; c < readout.Classes; c++)
            for (int first = 0; first < features; first += slice)
            {
                var part = readout.Weights.AsSpan(c * features + first, Math.Min(slice, features - first));
                var q = WeightQuantizer.QuantizeAxonTypes(part, 1, axons).Values;
                double shift = 0;
                for (int i = 0; i < part.Length; i++)
                {
                    changed += Math.Pow(part[i] - q[i], 2);
                    total += (double)part[i] * part[i];
                    if (featureMeans is not null) shift += (part[i] - q[i]) * featureMeans[first + i];
                }
                q.CopyTo(part);
                readout.Bias[c] += (float)shift;
            }
        return total == 0 ? 0 : Math.Sqrt(changed / total);
    }

    /// <summary>False for a float32 machine, which computes with the weights as trained.</summary>
    static bool Quantizes(CoreLimits limits) => limits.AxonTypes is not null || limits.WeightBits < 32;

    /// <param name="rows">Neurons: each row of the array is one neuron's weights.</param>
    static double QuantizeInPlace(Span<float> weights, int rows, CoreLimits limits, double[]? inputMoments)
    {
        var q = limits.AxonTypes is { } axons
            ? WeightQuantizer.QuantizeAxonTypes(weights, rows, axons, inputMoments)
            : WeightQuantizer.Quantize(weights, limits.WeightBits);
        q.Values.CopyTo(weights);
        return q.RelativeRmsError;
    }

    /// <summary>Training images that calibrate a conversion: the layer inputs that choose typed axons' weights here,
    /// the spiking layers' thresholds in <see cref="SoftHebbOnCoresRun"/>.</summary>
    public const int CalibrationImages = 100;

    /// <summary>The longest input patch whose second moments are taken: the matrix holds its square, and choosing a
    /// neuron's axons by its responses costs about that many operations a neuron and pass.</summary>
    public const int MaxMomentsWidth = 1024;

    /// <summary>Per Hebbian layer, E[x·xᵀ] over <paramref name="calibration"/>'s images of the input patches its neurons
    /// weigh (the layer's input BatchNorm applied, k × k patches with its padding, the float layers before it as
    /// trained); null for a layer that is not a convolution or whose patch is longer than <see cref="MaxMomentsWidth"/>.
    /// The read-out's are left out (its 10 × thousands of inputs would need millions of times more): its features' means
    /// are kept instead.</summary>
    public static CalibrationInputs MeasureCalibrationInputs(TrainedModel model, IImageSource calibration)
    {
        var preset = model.Preset;
        int n = calibration.Count;
        var pixels = new float[(long)n * preset.Channels * preset.Height * preset.Width];
        calibration.CopyBatch(Enumerable.Range(0, n).ToArray(), pixels);
        var x = new Tensor(pixels, n, preset.Channels, preset.Height, preset.Width);
        var moments = new List<double[]?>();
        foreach (var layer in model.Network.Layers)
        {
            moments.Add(layer is SoftHebbConv2d conv && conv.Config.FanIn <= MaxMomentsWidth ? PatchMoments(conv, x) : null);
            var output = layer.Forward(x, learn: false); // the layer's buffer, overwritten by its next call
            x = new Tensor(output.Span.ToArray(), output.Shape);
        }
        int features = x.Length / n;
        var means = new double[features];
        for (int i = 0; i < n; i++)
            for (int f = 0; f < features; f++) means[f] += x.Data[i * features + f];
        for (int f = 0; f < features; f++) means[f] /= n;
        return new CalibrationInputs(moments, means);
    }

    static double[] PatchMoments(SoftHebbConv2d conv, Tensor x)
    {
        var normalised = new Tensor(x.Shape);
        conv.Norm.Forward(x, normalised, training: false);
        var cfg = conv.Config;
        var workspace = new Conv2dWorkspace();
        Im2Col.Fill(normalised, cfg.KernelSize, cfg.KernelSize, 1, cfg.Padding, cfg.PaddingMode, workspace);
        return SecondMoments(workspace.Columns, workspace.ColumnRows, workspace.ColumnCount);
    }

    /// <summary>E[x·xᵀ] (width × width, row-major) of <paramref name="count"/> samples of a width-long input, given
    /// input by input: <paramref name="samples"/> holds input i's values at [i·count, (i + 1)·count).</summary>
    internal static double[] SecondMoments(ReadOnlySpan<float> samples, int width, int count)
    {
        var m = new double[width * width];
        for (int i = 0; i < width; i++)
            for (int j = i; j < width; j++)
                m[i * width + j] = m[j * width + i] = (double)TensorPrimitives.Dot(samples.Slice(i * count, count), samples.Slice(j * count, count)) / count;
        return m;
    }

    static long CountZeros(ReadOnlySpan<float> values)
    {
        long zeros = 0;
        foreach (float v in values) if (v == 0) zeros++;
        return zeros;
    }

    /// <summary>The Hebbian phase on the chip, one image at a time: the Hebbian layers alone are mapped (the read-out is
    /// trained off-chip), and the engine's counters of <see cref="OnlineLearning"/> are costed per training image.</summary>
    static async Task<EnergyReport> TrainingCostAsync(TrainedModel model, ChipModel chip, IReadOnlyList<LayerDescription> layers,
        IImageSource train, CostOptions costs, IRunProgress progress, CancellationToken ct)
    {
        var hebbian = Mapper.Map(chip, [.. layers.Where(l => l.Name != SoftHebbGraph.ReadoutName)]);
        var report = await OnlineLearning.RunAsync(model, train, new ChipCostModel(hebbian, costs), progress, ct);
        var energy = EnergyReport.FromRun(hebbian, report, train.Count, costs);
        return energy with { Notes = [.. energy.Notes, TrainingNote(hebbian)] };
    }

    /// <summary>The first layer's input density: the fraction of the images' pixels that are not zero. An event-driven chip
    /// takes an event per non-zero pixel (BatchNorm's shift is a constant bias current, as the spiking conversion runs it),
    /// so the layer's synaptic work is its dense MACs at that density, where taken as 1 every zero pixel was charged.</summary>
    internal static CostOptions PixelCosts(IReadOnlyList<LayerDescription> layers, IImageSource images)
    {
        const int Batch = 256;
        int pixels = images.Shape.PixelsPerImage;
        var buffer = new float[Batch * pixels];
        long nonZero = 0;
        for (int first = 0; first < images.Count; first += Batch)
        {
            int n = Math.Min(Batch, images.Count - first);
            images.CopyBatch(Enumerable.Range(first, n).ToArray(), buffer);
            var values = buffer.AsSpan(0, n * pixels);
            nonZero += values.Length - values.Count(0f);
        }
        double density = images.Count == 0 ? 1 : (double)nonZero / ((long)images.Count * pixels);
        return new CostOptions { InputDensity = new Dictionary<string, double>(StringComparer.Ordinal) { [layers[0].Name] = density } };
    }

    /// <summary>What a training image's figures hold, and where an unrolled convolution multiplies the writes.</summary>
    static string TrainingNote(Mapping hebbian)
    {
        var unrolled = hebbian.Placements.Where(p => p.UnrolledConvolution)
            .Select(p => $"{p.Layer.Name} {p.CopiesPerWeight:0.#}x").ToList();
        return EnergyReport.TrainingPrefix + "per image of the Hebbian phase, learnt one at a time (batch 1) with every Hebbian layer learning; the read-out " +
               "is trained off-chip" + (unrolled.Count == 0 ? "." : $"; kernels stored unrolled are written in every copy ({string.Join(", ", unrolled)} the kernel's weights).");
    }

    /// <summary>Runs the model on every chip; chips the network does not fit get a row saying why. The model is loaded
    /// once: each chip quantises the trained weights afresh, restored from a copy taken here.</summary>
    /// <param name="train">Training images to cost the Hebbian phase on chips with on-chip learning (<see cref="OnlineLearning"/>),
    /// or null for inference alone.</param>
    /// <param name="calibration">Training images whose layer inputs choose the weights of chips with typed axons
    /// (<see cref="MeasureCalibrationInputs"/>), or null to choose them by the weights alone.</param>
    /// <param name="perLayer">Also test the network with one layer at a time at each chip's precision (one more pass of the
    /// test split per layer, shared by chips of the same precision), to tell which layer the precision costs.</param>
    public static async Task<IReadOnlyList<ChipOutcome>> RunAsync(TrainedModel model, IEnumerable<ChipModel> chips, IImageSource test,
        IRunProgress progress, CancellationToken ct, IImageSource? train = null, IImageSource? calibration = null, bool perLayer = false)
    {
        var outcomes = new List<ChipOutcome>();
        var layers = Describe(model);
        chips = chips.ToList();
        var moments = calibration is not null && chips.Any(c => c.Limits.AxonTypes is not null) ? MeasureCalibrationInputs(model, calibration) : null;
        var costs = PixelCosts(layers, test);
        var trainCosts = train is not null && chips.Any(c => c.Limits.LearningSupported) ? PixelCosts(layers, train) : null;
        var trained = model.Network.Layers.Select(l => l.Weights.Span.ToArray()).Append(model.Readout.Weights.ToArray()).ToList();
        var trainedBias = model.Readout.Bias.ToArray();
        void Restore()
        {
            for (int i = 0; i < model.Network.Layers.Count; i++) trained[i].CopyTo(model.Network.Layers[i].Weights.Span);
            trained[^1].CopyTo(model.Readout.Weights, 0);
            trainedBias.CopyTo(model.Readout.Bias, 0);
        }
        // What QuantizeLayer reads of a chip: its weight bits, its typed axons and, with those, the read-out's slices.
        var byPrecision = new Dictionary<(int, AxonTypeWeights?, int), LayerPrecision[]>();
        async Task<LayerPrecision[]> PerLayerAsync(CoreLimits limits)
        {
            var precision = (limits.WeightBits, limits.AxonTypes, limits.AxonTypes is null ? 0 : ReadoutSlice(limits.FanIn));
            if (byPrecision.TryGetValue(precision, out var known)) return known;
            var names = layers.Select(l => l.Name).ToArray(); // the Hebbian layers in order, then the read-out
            var rows = new LayerPrecision[names.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                Restore();
                double error = QuantizeLayer(model, limits, i, moments);
                rows[i] = new LayerPrecision(names[i], error, (await Inference.EvaluateAsync(model, test, progress: progress, ct: ct)).Accuracy);
            }
            return byPrecision[precision] = rows;
        }
        foreach (var chip in chips)
        {
            Mapping mapping;
            try { mapping = Mapper.Map(chip, layers); }
            catch (MappingException e)
            {
                outcomes.Add(new ChipOutcome(chip.Name, null, null, null, e.Message, null));
                continue;
            }
            Restore();
            double error = Quantize(model, chip.Limits, moments);
            var inference = await Inference.EvaluateAsync(model, test, new ChipCostModel(mapping, costs), progress, ct: ct);
            var energy = EnergyReport.FromRun(mapping, inference.Report, inference.Samples, costs);
            var training = train is not null && chip.Limits.LearningSupported ? await TrainingCostAsync(model, chip, layers, train, trainCosts!, progress, ct) : null;
            var perLayerRows = perLayer && Quantizes(chip.Limits) ? await PerLayerAsync(chip.Limits) : null;
            outcomes.Add(new ChipOutcome(chip.Name, inference.Accuracy, error, energy, null, mapping.Describe(), training) { Layers = perLayerRows });
        }
        return outcomes;
    }
}

/// <summary>One chip's result: accuracy after quantisation (null when it does not fit), its energy report per inference,
/// or the reason it does not fit; <see cref="Training"/>: its energy report per training image of the Hebbian phase, where
/// the chip learns on chip and training images were given.</summary>
public sealed record ChipOutcome(string Chip, double? Accuracy, double? QuantizationRelativeRmsError, EnergyReport? Energy, string? Failure, string? Mapping,
    EnergyReport? Training = null)
{
    /// <summary>With `--per-layer`: the accuracy with each layer alone at the chip's precision; null for a float32 machine.</summary>
    public IReadOnlyList<LayerPrecision>? Layers { get; init; }

    public HardwareResult ToRow() => new(Chip, Accuracy is { } a ? $"{100 * a:F2} %" : "-", Energy, Failure, Training);
}

/// <summary>One layer alone at a chip's precision, the others as trained: its weights' relative RMS change and the accuracy.</summary>
public sealed record LayerPrecision(string Layer, double RelativeRmsError, double Accuracy);

/// <summary>What calibration images give the quantisation for typed axons: per Hebbian layer E[x·xᵀ] of its input patches
/// (null where not taken), and the read-out's features' means.</summary>
public sealed record CalibrationInputs(IReadOnlyList<double[]?> LayerMoments, double[] FeatureMeans);
