using System.Diagnostics;
using Neuromorphic.Datasets;
using Neuromorphic.Engine;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Tensors;

namespace Neuromorphic.Spiking;

/// <summary>How pixels become input spikes.</summary>
public enum SpikeInputEncoding
{
    /// <summary>Deterministic integrate-and-fire input: pixel x is a constant current x into an IF neuron with
    /// threshold 1, started at ½, reset by subtraction; after t steps it has fired round(t·x) times (the count error is
    /// at most ½ at every t, the fastest convergence there is).</summary>
    Regular,

    /// <summary>Bernoulli/Poisson: pixel x fires in each step with probability x, independently (a counter-based
    /// random stream keyed by seed, sample id, pixel and step, so the spikes do not depend on batching).</summary>
    Poisson,
}

/// <summary>Settings of the conversion of a trained SoftHebb network to a spiking one.</summary>
public sealed record SpikingConversionOptions
{
    public PowerApproximation Power { get; init; } = PowerApproximation.RateThreshold;
    /// <summary>Λ of each layer is this percentile of the positive (powered) activations on the calibration images
    /// (data-based normalisation, Rueckauer et al. 2017): activations above Λ saturate at one spike per step.</summary>
    public double Percentile { get; init; } = 99.9;
    /// <summary>Calibration images, taken from the training split.</summary>
    public int CalibrationImages { get; init; } = 100;
    /// <summary>Fold the channel-mean subtraction into the weights instead of running it as lateral inhibition.</summary>
    public bool FoldInhibition { get; init; }
    /// <summary>Images simulated together (one engine message per layer per step carries the spikes of all of them).</summary>
    public int BatchSize { get; init; } = 50;
    /// <summary>How max pooling turns spike counts into pooled spikes.</summary>
    public SpikeMaxPooling MaxPooling { get; init; } = SpikeMaxPooling.Exact;
    /// <summary>How average pooling passes its windows' spikes on.</summary>
    public SpikeAveragePooling AveragePooling { get; init; } = SpikeAveragePooling.Exact;
}

/// <summary>Average pooling of spikes: <see cref="Exact"/>, each spike sent on with weight 1/k² to every window holding
/// it (fractional events: the exact mean); <see cref="Counting"/>, one counting neuron per window that takes 1/k² per
/// spike, started at half a spike, and fires on each whole one (soft reset, at most once a step), which is what a
/// binary-spike chip runs: its pooled count is the window's mean rounded to whole spikes.</summary>
public enum SpikeAveragePooling
{
    Exact,
    Counting,
}

/// <summary>Max pooling of spikes: <see cref="Exact"/>, a pooled spike whenever the window's highest count grows (the
/// pooled count is the maximum); <see cref="AnySpike"/>, a pooled spike whenever any neuron of the window fired in the
/// step, which is what an integrate-and-fire OR neuron computes on a binary-spike chip (more spikes than the maximum).</summary>
public enum SpikeMaxPooling
{
    Exact,
    AnySpike,
}

/// <summary>The non-spiking read-out: it accumulates, per image, bias + Σ events·Λ·W_r over the steps; the class is the
/// argmax of the accumulated potentials (= T × the rate-based logits in the limit).</summary>
public sealed class SpikingReadout
{
    private readonly float[] weightsT; // [F][classes], Λ folded in
    private readonly float[] bias;
    private readonly float[] potentials;

    public SpikingReadout(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int classes, int features, float inputAmplitude, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        if (weights.Length != classes * features) throw new ArgumentException($"{weights.Length} weights for ({classes}, {features}).", nameof(weights));
        if (bias.Length != classes) throw new ArgumentException($"{bias.Length} biases for {classes} classes.", nameof(bias));
        Classes = classes;
        Features = features;
        MaxBatch = maxBatch;
        weightsT = new float[features * classes];
        for (int c = 0; c < classes; c++)
            for (int f = 0; f < features; f++) weightsT[f * classes + c] = weights[c * features + f] * inputAmplitude;
        this.bias = bias.ToArray();
        potentials = new float[maxBatch * classes];
    }

    public int Classes { get; }
    public int Features { get; }
    public int MaxBatch { get; }
    /// <summary>Accumulated potentials [image][class].</summary>
    public ReadOnlySpan<float> Potentials => potentials;

    public void Reset() => Array.Clear(potentials);

    /// <summary>Adds one step's input events; returns the synaptic accumulates (events × classes).</summary>
    public long Step(ReadOnlySpan<float> input, int batch)
    {
        if ((uint)batch > (uint)MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch));
        if (input.Length != batch * Features) throw new ArgumentException($"Input holds {input.Length} values, expected {batch} × {Features}.", nameof(input));
        long events = 0;
        for (int b = 0; b < batch; b++)
        {
            var acc = potentials.AsSpan(b * Classes, Classes);
            System.Numerics.Tensors.TensorPrimitives.Add(acc, bias, acc);
            var x = input.Slice(b * Features, Features);
            for (int f = 0; f < x.Length; f++)
            {
                float v = x[f];
                if (v == 0) continue;
                var w = weightsT.AsSpan(f * Classes, Classes);
                for (int c = 0; c < Classes; c++) acc[c] += v * w[c];
                events++;
            }
        }
        return events * Classes;
    }
}

/// <summary>A trained SoftHebb network converted to rate-coded spiking layers plus the accumulating read-out.</summary>
public sealed class SpikingSoftHebbNetwork(int channels, int height, int width, IReadOnlyList<SpikingConvLayer> layers,
    SpikingReadout readout, SpikingConversionOptions options)
{
    public int Channels { get; } = channels;
    public int Height { get; } = height;
    public int Width { get; } = width;
    public int InputLength => Channels * Height * Width;
    public IReadOnlyList<SpikingConvLayer> Layers { get; } = layers ?? throw new ArgumentNullException(nameof(layers));
    public SpikingReadout Readout { get; } = readout ?? throw new ArgumentNullException(nameof(readout));
    public SpikingConversionOptions Options { get; } = options;

    /// <summary>The network it was converted from, as every run describes it: its layers run here as spiking ones.</summary>
    public ProcessGraph Description { get; } = SoftHebbGraph.Describe([channels, height, width],
        layers.Select(l => new LayerShape([l.K, l.ConvHeight, l.ConvWidth], l.Pool)).ToList(), readout.Classes);

    /// <summary>Converts a trained run; calibration images come from <paramref name="calibration"/> (use the training split).</summary>
    public static SpikingSoftHebbNetwork Convert(TrainedModel model, IImageSource calibration, SpikingConversionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Convert(ConvLayers(model), model.Readout, model.Preset.Channels, model.Preset.Height, model.Preset.Width, calibration, options);
    }

    /// <summary>A trained network's spiking form with given Λ per layer (another network's <see cref="SpikingConvLayer.Scale"/>s:
    /// the same conversion with other options, without calibrating again).</summary>
    public static SpikingSoftHebbNetwork Build(TrainedModel model, IReadOnlyList<float> scales, SpikingConversionOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Build(ConvLayers(model), model.Readout, model.Preset.Channels, model.Preset.Height, model.Preset.Width, scales, options);
    }

    static List<SoftHebbConv2d> ConvLayers(TrainedModel model) => model.Network.Layers.Select(layer => layer as SoftHebbConv2d
        ?? throw new NotSupportedException($"Only conv SoftHebb layers convert to spiking layers; this network has a '{layer.Kind}' layer.")).ToList();

    /// <summary>Converts conv blocks and a read-out. Λ of each layer comes from the rate-based activations of the
    /// calibration images (see <see cref="SpikingConversionOptions.Percentile"/>).</summary>
    public static SpikingSoftHebbNetwork Convert(IReadOnlyList<SoftHebbConv2d> convs, LinearReadout readout, int channels, int height, int width,
        IImageSource calibration, SpikingConversionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(convs);
        ArgumentNullException.ThrowIfNull(readout);
        ArgumentNullException.ThrowIfNull(calibration);
        var o = options ?? new SpikingConversionOptions();
        int n = Math.Min(Math.Max(1, o.CalibrationImages), calibration.Count);
        var x = new Tensor(n, channels, height, width);
        calibration.CopyBatch(Enumerable.Range(0, n).ToArray(), x.Span);
        var scales = Calibrate(convs, x, o);
        return Build(convs, readout, channels, height, width, scales, o);
    }

    /// <summary>Builds the spiking network with given Λ per layer.</summary>
    public static SpikingSoftHebbNetwork Build(IReadOnlyList<SoftHebbConv2d> convs, LinearReadout readout, int channels, int height, int width,
        IReadOnlyList<float> scales, SpikingConversionOptions options)
    {
        ArgumentNullException.ThrowIfNull(convs);
        ArgumentNullException.ThrowIfNull(readout);
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentNullException.ThrowIfNull(options);
        if (scales.Count != convs.Count) throw new ArgumentException($"{scales.Count} scales for {convs.Count} layers.", nameof(scales));
        var layers = new List<SpikingConvLayer>();
        float amplitude = 1f;
        int c = channels, h = height, w = width;
        for (int l = 0; l < convs.Count; l++)
        {
            var cfg = convs[l].Config;
            var layer = new SpikingConvLayer(convs[l].Weights.Span, cfg.OutChannels, cfg.InChannels, cfg.KernelSize, h, w, cfg.Padding, cfg.PaddingMode,
                convs[l].Norm.RunningMean, convs[l].Norm.RunningVar, convs[l].Norm.Eps, cfg.TrianglePower, cfg.PoolSpec, amplitude, scales[l],
                options.BatchSize, options.Power, options.FoldInhibition, options.MaxPooling, options.AveragePooling);
            layers.Add(layer);
            amplitude = scales[l];
            (c, h, w) = (layer.K, layer.OutHeight, layer.OutWidth);
        }
        if (c * h * w != readout.Features) throw new ArgumentException($"The last layer gives {c * h * w} features, the read-out takes {readout.Features}.", nameof(readout));
        var spikingReadout = new SpikingReadout(readout.Weights, readout.Bias, readout.Classes, readout.Features, amplitude, options.BatchSize);
        return new SpikingSoftHebbNetwork(channels, height, width, layers, spikingReadout, options);
    }

    /// <summary>Λ per layer: the percentile of the positive activations ReLU(u − ū)^P (P = 1 under
    /// <see cref="PowerApproximation.Linear"/>) of the rate-based network on <paramref name="x"/>.</summary>
    public static float[] Calibrate(IReadOnlyList<SoftHebbConv2d> convs, Tensor x, SpikingConversionOptions options)
    {
        ArgumentNullException.ThrowIfNull(convs);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(options);
        var scales = new float[convs.Count];
        var input = x;
        for (int l = 0; l < convs.Count; l++)
        {
            var output = convs[l].Forward(input, learn: false);
            var u = convs[l].PreActivation ?? throw new InvalidOperationException("The layer kept no pre-activation.");
            var (n, k, h, w) = u.Nchw;
            int plane = h * w;
            float p = options.Power == PowerApproximation.Linear ? 1f : convs[l].Config.TrianglePower;
            var values = new List<float>();
            var ud = u.Data;
            for (int i = 0; i < n; i++)
                for (int pos = 0; pos < plane; pos++)
                {
                    double mean = 0;
                    for (int c = 0; c < k; c++) mean += ud[(i * k + c) * plane + pos];
                    mean /= k;
                    for (int c = 0; c < k; c++)
                    {
                        double a = ud[(i * k + c) * plane + pos] - mean;
                        if (a > 0) values.Add((float)Math.Pow(a, p));
                    }
                }
            values.Sort();
            float scale = values.Count == 0 ? 1f : values[Math.Clamp((int)Math.Ceiling(options.Percentile / 100 * values.Count) - 1, 0, values.Count - 1)];
            scales[l] = scale > 0 && float.IsFinite(scale) ? scale : 1f;
            // The next layer calibrates on the true rate-based input (a copy: Forward reuses its buffers).
            input = new Tensor(output.Span.ToArray(), output.Shape.ToArray());
        }
        return scales;
    }

    /// <summary>Clears all neurons and read-out potentials.</summary>
    public void Reset()
    {
        foreach (var l in Layers) l.Reset();
        Readout.Reset();
    }

    /// <summary>What the read-out weighs for one image (pixels in 0..1): the last layer's rates, each layer taking the one
    /// before's rates (<see cref="SpikingConvLayer.Rates"/>).</summary>
    float[] Features(ReadOnlySpan<float> pixels)
    {
        if (pixels.Length != InputLength) throw new ArgumentException($"{pixels.Length} pixels for {InputLength} inputs.", nameof(pixels));
        float[] x = pixels.ToArray();
        foreach (var layer in Layers) x = layer.Rates(x);
        return x;
    }

    /// <summary>The same layers with another read-out (its weights and bias, e.g. quantised to a chip's precision).</summary>
    public SpikingSoftHebbNetwork WithReadout(LinearReadout readout)
    {
        ArgumentNullException.ThrowIfNull(readout);
        if (readout.Features != Readout.Features || readout.Classes != Readout.Classes)
            throw new ArgumentException($"a read-out of {readout.Classes} x {readout.Features} for one of {Readout.Classes} x {Readout.Features}.", nameof(readout));
        var spiking = new SpikingReadout(readout.Weights, readout.Bias, readout.Classes, readout.Features, Layers[^1].Scale, Readout.MaxBatch);
        return new SpikingSoftHebbNetwork(Channels, Height, Width, Layers, spiking, Options);
    }

    /// <summary>Whether the last layer is average pooled, which <see cref="FoldLastAveragePooling"/> folds.</summary>
    public bool CanFoldLastPooling => Layers[^1].Pool is { Type: PoolType.Avg };

    /// <summary>The last layer's average pooling folded into <paramref name="readout"/> (the read-out this network's
    /// pooled features feed): the same layers, the last one unpooled, and a read-out that weighs each of its neurons by the
    /// sum over the windows holding it of W[c, window] / k². Average pooling is linear, so the read-out's potentials are
    /// the same, with no pooled values between: a chip then needs no neurons to pool, and rounds no window's mean to
    /// whole spikes. The layers before the last are shared with this network (as in <see cref="WithReadout"/>): run one of
    /// the two at a time, and a change to those layers' weights changes both.</summary>
    public (SpikingSoftHebbNetwork Network, LinearReadout Readout) FoldLastAveragePooling(LinearReadout readout)
    {
        ArgumentNullException.ThrowIfNull(readout);
        var last = Layers[^1];
        if (!CanFoldLastPooling)
            throw new NotSupportedException($"The last layer's pooling is {(last.Pool is { } p ? p.Type.ToString().ToLowerInvariant() : "none")}; only an average pooling folds into the read-out.");
        if (readout.Features != last.OutputLength || readout.Classes != Readout.Classes)
            throw new ArgumentException($"a read-out of {readout.Classes} x {readout.Features} for one of {Readout.Classes} x {last.OutputLength}.", nameof(readout));
        var folded = new LinearReadout(last.Neurons, readout.Classes, readout.Dropout, new Random(0));
        for (int c = 0; c < readout.Classes; c++)
            last.SpreadOverWindows(readout.Weights.AsSpan(c * readout.Features, readout.Features)).CopyTo(folded.Weights.AsSpan(c * last.Neurons));
        readout.Bias.CopyTo(folded.Bias, 0);
        var unpooled = new SpikingConvLayer[Layers.Count];
        for (int l = 0; l < unpooled.Length; l++) unpooled[l] = l == unpooled.Length - 1 ? last.WithoutPooling() : Layers[l];
        var spiking = new SpikingReadout(folded.Weights, folded.Bias, folded.Classes, folded.Features, last.Scale, Readout.MaxBatch);
        return (new SpikingSoftHebbNetwork(Channels, Height, Width, unpooled, spiking, Options), folded);
    }

    /// <summary>The mean over <paramref name="images"/> (pixels in 0..1) of each feature the read-out weighs, in the units
    /// its weights take: the last layer's rates (<see cref="SpikingConvLayer.Rates"/>) times its Λ.</summary>
    public double[] FeatureMeans(IReadOnlyList<float[]> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var means = new double[Readout.Features];
        foreach (var pixels in images)
        {
            var x = Features(pixels);
            for (int f = 0; f < means.Length; f++) means[f] += x[f];
        }
        for (int f = 0; f < means.Length; f++) means[f] *= Layers[^1].Scale / (double)Math.Max(1, images.Count);
        return means;
    }

    /// <summary>The read-out's potentials for one image (pixels in 0..1) with every layer's rates in place of its spikes
    /// (<see cref="SpikingConvLayer.Rates"/>): bias + Σ W·Λ·rate, what a chip with graded spikes computes once the
    /// image has passed every layer. Clears the read-out.</summary>
    public float[] RatePotentials(ReadOnlySpan<float> pixels)
    {
        var x = Features(pixels);
        Readout.Reset();
        Readout.Step(x, 1);
        var potentials = Readout.Potentials[..Readout.Classes].ToArray();
        Readout.Reset();
        return potentials;
    }
}

/// <summary>Counter-based uniform random numbers (SplitMix64 of a key): the same (seed, sample, pixel, step) always
/// gives the same number, whatever the batching or thread.</summary>
internal static class CounterRandom
{
    public static double Uniform(long seed, long sample, int pixel, int step)
    {
        ulong z = (ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)sample * 0xC2B2AE3D27D4EB4FUL ^ (ulong)pixel * 0x165667B19E3779F9UL ^ (ulong)step * 0xD6E8FEB86659FD93UL;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}

/// <summary>Spike streams of image batches: one <see cref="DenseBlock"/> [B, C, H, W] of input events per step
/// (1 = spike), <paramref name="steps"/> steps per batch, then a <see cref="ControlKind.Flush"/> (the next batch starts
/// from rest).</summary>
public static class SpikingInput
{
    /// <summary>One step of the integrate-and-fire input encoder: membrane += pixel; a membrane ≥ 1 spikes (writes 1
    /// into <paramref name="spikes"/>) and loses 1. Start the membranes at ½ so that after t steps a pixel x has fired
    /// round(t·x) times.</summary>
    public static int RegularStep(ReadOnlySpan<float> pixels, Span<float> membrane, Span<float> spikes)
    {
        if (membrane.Length != pixels.Length || spikes.Length != pixels.Length) throw new ArgumentException("Pixels, membranes and spikes must have the same length.");
        int count = 0;
        for (int i = 0; i < pixels.Length; i++)
        {
            float v = membrane[i] + pixels[i];
            if (v >= 1f)
            {
                spikes[i] = 1f;
                v -= 1f;
                count++;
            }
            else spikes[i] = 0f;
            membrane[i] = v;
        }
        return count;
    }

    public static IEnumerable<Payload> Encode(IImageSource source, int batchSize, int steps, SpikeInputEncoding encoding, long seed)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        var shape = source.Shape;
        int len = shape.PixelsPerImage;
        for (int start = 0; start < source.Count; start += batchSize)
        {
            int nb = Math.Min(batchSize, source.Count - start);
            var indices = Enumerable.Range(start, nb).ToArray();
            var pixels = new float[nb * len];
            source.CopyBatch(indices, pixels);
            var ids = indices.Select(i => (long)i).ToArray();
            var membrane = new float[nb * len];
            Array.Fill(membrane, 0.5f);
            for (int t = 0; t < steps; t++)
            {
                var block = new float[nb * len];
                if (encoding == SpikeInputEncoding.Regular) RegularStep(pixels, membrane, block);
                else
                {
                    for (int b = 0; b < nb; b++)
                        for (int j = 0; j < len; j++)
                        {
                            float x = pixels[b * len + j];
                            if (x > 0 && CounterRandom.Uniform(seed, ids[b], j, t) < x) block[b * len + j] = 1f;
                        }
                }
                yield return new DenseBlock(block, [nb, shape.Channels, shape.Height, shape.Width], ids);
            }
            yield return new Control(ControlKind.Flush);
        }
    }
}

/// <summary>A <see cref="SpikingConvLayer"/> as an engine actor: input "spikes" (a DenseBlock [B, C, H, W] of input
/// events per step), output "spikes" (a DenseBlock [B, K, OH, OW] of pooled output events per step). A Flush resets
/// the neurons (the next batch starts from rest). Work per step: SynapticAccumulates (conv scatter and lateral
/// inhibition), NeuronUpdates (B × neurons), Spikes (neuron spikes, before pooling). When traced, the spikes of image 0
/// of each block are recorded (Sequence = the block's sequence, neuron = channels-first index k·H·W + y·W + x), and
/// when the trace names its neurons, their membranes too (activation records, before firing; see
/// <see cref="SpikingConvLayer.WatchedMembranes"/>).</summary>
public sealed class SpikingConvActor : Actor
{
    private readonly int parallelism;
    private readonly List<long> spikesPerStep = [];
    private readonly List<long> accumulatesPerStep = [];

    public SpikingConvActor(string name, SpikingConvLayer layer, int maxParallelism = 1, int mailboxCapacity = 4)
        : base(name, [new PortSpec("spikes")], [new PortSpec("spikes")], mailboxCapacity)
    {
        Layer = layer ?? throw new ArgumentNullException(nameof(layer));
        parallelism = Math.Max(1, maxParallelism);
    }

    public SpikingConvLayer Layer { get; }
    /// <summary>Neuron spikes summed over all images, by step within the sample (index t = step t + 1).</summary>
    public IReadOnlyList<long> SpikesPerStep => spikesPerStep;
    /// <summary>Synaptic accumulates summed over all images, by step within the sample.</summary>
    public IReadOnlyList<long> AccumulatesPerStep => accumulatesPerStep;
    /// <summary>Output events (after pooling) over the run.</summary>
    public long OutputEvents { get; private set; }
    public long InhibitionAccumulates { get; private set; }

    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
    {
        if (joined[0].Payload is not DenseBlock block)
            throw new InvalidOperationException($"Spiking layer '{Name}' expects DenseBlocks of spike events, got {joined[0].Payload.GetType().Name}.");
        int nb = block.BatchSize;
        var output = new float[nb * Layer.OutputLength];
        Layer.RecordFirstImage = ctx.Trace is not null;
        // A trace that names its neurons also records their membranes (of image 0), for membrane-trace plots.
        if (ctx.Trace?.Selection.Neurons is { } watched && !ReferenceEquals(Layer.WatchedNeurons, watched)) Layer.WatchedNeurons = watched;
        var work = Layer.Step(block.Data, nb, output, parallelism);
        int t = Layer.StepCount - 1;
        while (spikesPerStep.Count <= t)
        {
            spikesPerStep.Add(0);
            accumulatesPerStep.Add(0);
        }
        spikesPerStep[t] += work.Work.Spikes;
        accumulatesPerStep[t] += work.Work.SynapticAccumulates;
        OutputEvents += work.OutputEvents;
        InhibitionAccumulates += work.InhibitionAccumulates;
        ctx.Count(work.Work);
        ctx.Emit(0, new DenseBlock(output, [nb, Layer.K, Layer.OutHeight, Layer.OutWidth], block.SampleIds, block.Sequence));
        if (ctx.Trace is { } trace)
        {
            foreach (int neuron in Layer.FirstImageSpikes) trace.RecordSpike(block.Sequence, ctx.StartNs, neuron);
            var membranes = Layer.WatchedMembranes;
            for (int w = 0; w < membranes.Length; w++)
                trace.RecordActivation(block.Sequence, block.SampleIds[0], Layer.WatchedNeurons[w], membranes[w]);
        }
    }

    protected override void OnControl(ControlKind kind, ActorContext ctx)
    {
        if (kind == ControlKind.Flush) Layer.Reset();
    }
}

/// <summary>The read-out accumulator as an actor: input a DenseBlock of the last layer's events per step, output the
/// accumulated potentials [B, classes] after every step. A Flush resets the potentials.</summary>
public sealed class SpikingReadoutActor : Actor
{
    public SpikingReadoutActor(string name, SpikingReadout readout, int mailboxCapacity = 4)
        : base(name, [new PortSpec("spikes")], [new PortSpec("potentials")], mailboxCapacity)
    {
        Readout = readout ?? throw new ArgumentNullException(nameof(readout));
    }

    public SpikingReadout Readout { get; }

    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
    {
        if (joined[0].Payload is not DenseBlock block)
            throw new InvalidOperationException($"Read-out '{Name}' expects DenseBlocks, got {joined[0].Payload.GetType().Name}.");
        int nb = block.BatchSize;
        long acc = Readout.Step(block.Data, nb);
        ctx.Count(new WorkCounts(SynapticAccumulates: acc, NeuronUpdates: (long)nb * Readout.Classes));
        var potentials = Readout.Potentials[..(nb * Readout.Classes)].ToArray();
        ctx.Emit(0, new DenseBlock(potentials, [nb, Readout.Classes], block.SampleIds, block.Sequence));
    }

    protected override void OnControl(ControlKind kind, ActorContext ctx)
    {
        if (kind == ControlKind.Flush) Readout.Reset();
    }
}

/// <summary>Activity of one spiking layer over a run.</summary>
public sealed record SpikingLayerStats(string Name, int Neurons, float Scale, float Power, long Spikes, long SynapticAccumulates,
    long InhibitionAccumulates, long OutputEvents, long[] SpikesPerStep, long[] AccumulatesPerStep)
{
    /// <summary>Spikes per image up to step <paramref name="t"/>.</summary>
    public double SpikesPerImage(int t, int images) => SpikesPerStep.Take(t).Sum() / (double)Math.Max(1, images);
    public double AccumulatesPerImage(int t, int images) => AccumulatesPerStep.Take(t).Sum() / (double)Math.Max(1, images);
}

/// <summary>Accuracy at each checkpoint T (read from one run of max T steps: the dynamics are causal and nothing
/// depends on T, so the potentials at step T are those of a run of exactly T steps).</summary>
public sealed record SpikingEvaluation(int Samples, int[] Steps, double[] Accuracy, SpikeInputEncoding Encoding,
    IReadOnlyList<SpikingLayerStats> Layers, long ReadoutAccumulates, long InputSpikes, RunReport Report, TimeSpan Wall, int[] Predictions);

/// <summary>Spiking inference of a converted SoftHebb network through the engine, its description
/// (<see cref="SpikingSoftHebbNetwork.Description"/>) run by spiking models: input encoder (SourceActor) → one
/// <see cref="SpikingConvActor"/> per layer → <see cref="SpikingReadoutActor"/> → a sink that takes the argmax of the
/// potentials at each checkpoint T.</summary>
public static class SpikingSoftHebb
{
    public static async Task<SpikingEvaluation> EvaluateAsync(SpikingSoftHebbNetwork network, IImageSource data, IReadOnlyList<int> steps,
        SpikeInputEncoding encoding = SpikeInputEncoding.Regular, long seed = 1, int maxParallelism = 1, TraceRecorder? trace = null,
        ICostModel? costModel = null, Action<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0 || steps.Any(s => s <= 0)) throw new ArgumentException("Time-step counts must be positive.", nameof(steps));
        if (data.Shape.PixelsPerImage != network.InputLength) throw new ArgumentException($"Images have {data.Shape.PixelsPerImage} pixels, the network takes {network.InputLength}.", nameof(data));
        var checkpoints = steps.Distinct().Order().ToArray();
        int tMax = checkpoints[^1];
        int classes = network.Readout.Classes;
        network.Reset();

        var correct = new long[checkpoints.Length];
        var predictions = new int[data.Count];
        int t = 0, done = 0;
        long inputSpikes = 0;
        var items = SpikingInput.Encode(data, network.Options.BatchSize, tMax, encoding, seed).Select(p =>
        {
            if (p is DenseBlock b) foreach (float v in b.Data) if (v != 0) inputSpikes++;
            return p;
        });
        var net = network.Description.Build(process => process switch
        {
            InputProcess p => new SourceActor(p.Name, items),
            HebbianLayerProcess p => new SpikingConvActor(p.Name, network.Layers[p.Index], maxParallelism),
            PoolingProcess => null, // the spiking layer pools its own spikes
            ReadoutProcess p => new SpikingReadoutActor(p.Name, network.Readout),
            OutputProcess p => new SinkActor(p.Name, ev => Predict((DenseBlock)ev.Payload), kind =>
            {
                if (kind == ControlKind.Flush) t = 0;
            }),
            _ => throw new NotSupportedException($"{process} has no spiking model."),
        }, costModel, trace);
        var actors = net.Actors.OfType<SpikingConvActor>().ToList();

        void Predict(DenseBlock block)
        {
            t++;
            int ci = Array.IndexOf(checkpoints, t);
            if (ci < 0) return;
            for (int b = 0; b < block.BatchSize; b++)
            {
                var p = block.Sample(b);
                int best = 0;
                for (int c = 1; c < classes; c++) if (p[c] > p[best]) best = c;
                int id = (int)block.SampleIds[b];
                if (best == data.GetLabel(id)) correct[ci]++;
                if (t == tMax) predictions[id] = best;
            }
            if (t == tMax) progress?.Invoke(done += block.BatchSize);
        }

        long start = Stopwatch.GetTimestamp();
        var report = await net.RunAsync(seed, cancellationToken).ConfigureAwait(false);
        var wall = Stopwatch.GetElapsedTime(start);
        var stats = new List<SpikingLayerStats>();
        for (int l = 0; l < actors.Count; l++)
        {
            var c = report.Actors[actors[l].Name];
            stats.Add(new SpikingLayerStats(actors[l].Name, network.Layers[l].Neurons, network.Layers[l].Scale, network.Layers[l].Power,
                c.Work.Spikes, c.Work.SynapticAccumulates, actors[l].InhibitionAccumulates, actors[l].OutputEvents,
                actors[l].SpikesPerStep.ToArray(), actors[l].AccumulatesPerStep.ToArray()));
        }
        int n = Math.Max(1, data.Count);
        return new SpikingEvaluation(data.Count, checkpoints, correct.Select(c => (double)c / n).ToArray(), encoding, stats,
            report.Actors[SoftHebbGraph.ReadoutName].Work.SynapticAccumulates, inputSpikes, report, wall, predictions);
    }

    public static SpikingEvaluation Evaluate(SpikingSoftHebbNetwork network, IImageSource data, IReadOnlyList<int> steps,
        SpikeInputEncoding encoding = SpikeInputEncoding.Regular, long seed = 1, int maxParallelism = 1) =>
        EvaluateAsync(network, data, steps, encoding, seed, maxParallelism).GetAwaiter().GetResult();
}
