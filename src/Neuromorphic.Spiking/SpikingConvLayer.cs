using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Neuromorphic.Engine;
using Neuromorphic.Tensors;

namespace Neuromorphic.Spiking;

/// <summary>How the spiking network approximates the Triangle's power P (a = ReLU(u − ū)^P).</summary>
public enum PowerApproximation
{
    /// <summary>A rate-threshold neuron: it integrates its input current S_t = Σ I (the membrane of an IF neuron
    /// without reset) and fires at step t when t·g(S_t/t) − n_{t−1} ≥ ½, with g(y) = max(y, 0)^P / Λ and n the spikes
    /// so far, so its count tracks t·g(mean current). For P = 1 this is algebraically the IF neuron with reset by
    /// subtraction (membrane V = S − Λ·n, threshold Λ, started at Λ/2); for P ≠ 1 the count converges to T·a^P/Λ.</summary>
    RateThreshold,

    /// <summary>Plain IF neurons (reset by subtraction) in every layer: the power is ignored (P treated as 1), so the
    /// spiking network computes ReLU(u − ū) where the trained network computes ReLU(u − ū)^P. For measuring P's effect.</summary>
    Linear,
}

/// <summary>Work and activity of one <see cref="SpikingConvLayer.Step"/> (summed over the batch): the engine's
/// <see cref="WorkCounts"/>, which the actor reports as is, plus the counts only a spiking layer has.</summary>
/// <param name="Work">SynapticAccumulates (those of the inhibitory interneurons included), NeuronUpdates, Spikes, and
/// NonZeroActivations = the output events after pooling.</param>
/// <param name="InputEvents">Input events received.</param>
/// <param name="InhibitionAccumulates">The part of the accumulates done by the inhibitory interneurons.</param>
public readonly record struct SpikingStepWork(WorkCounts Work, long InputEvents, long InhibitionAccumulates)
{
    /// <summary>Output events after pooling: what a spiking layer sends is its non-zero output.</summary>
    public long OutputEvents => Work.NonZeroActivations;
}

/// <summary>A SoftHebb conv block converted to a population of rate-coded spiking neurons, for B images at once.
/// <para>Per step and image: the input current of neuron (position p, channel k) is
/// I = b_k + Σ_{input spikes (c, y, x) with value v} v·W'[k, c, tap] (event-driven: each input event touches only its
/// fan-out, k·k·K synapses, through the reflect-padded geometry), with the input BatchNorm folded into
/// W'[k,c,·] = A·W[k,c,·]/σ_c (A: the amplitude one input spike stands for) and b_k = −Σ_c,tap W[k,c,tap]·μ_c/σ_c (a
/// constant bias current; exact with reflect padding, where a constant input pads to a constant). The Triangle's
/// channel-mean subtraction is a subtractive lateral inhibition: one graded inhibitory interneuron per position
/// integrates the same input events through the channel-mean weights W̄[c, tap] = mean_k W'[k,c,tap] (one accumulate
/// per event per tap) plus the mean bias, and subtracts its potential from all K neurons at its position. The neurons
/// then fire per <see cref="PowerApproximation"/> (at most one spike per step). Pooling works on spike counts:
/// max pooling emits a spike whenever the highest count in its window grows (so the pooled count is exactly the
/// maximum of the counts), or, as a binary-spike chip's OR neuron does, whenever any neuron of its window fired in the
/// step (<see cref="SpikeMaxPooling.AnySpike"/>); average pooling emits each spike with weight 1/k² to every window
/// holding it, or, as a binary-spike chip's counting neuron does, whole spikes of the window's rounded mean
/// (<see cref="SpikeAveragePooling.Counting"/>).</para>
/// <para>Layouts: input and output are channels-first (C, H, W) per image, like the rate-based tensors; the internal
/// neuron state is channels-last (position, K), so an input event adds one contiguous K-vector per tap.</para></summary>
public sealed class SpikingConvLayer
{
    private readonly float[] weights;      // [(c·k + ky)·k + kx][K], BN and input amplitude folded in
    private readonly float[] meanWeights;  // [(c·k + ky)·k + kx]: the interneuron's weights (mean over K)
    private readonly float[] bias;         // [K]
    private readonly float meanBias;
    private readonly (int Out, int Tap)[][] rowTaps;
    private readonly (int Out, int Tap)[][] colTaps;
    private readonly (int From, int To)[] poolRows;
    private readonly (int From, int To)[] poolCols;
    private readonly int neurons, positions, outLength, inLength;
    private readonly float[] integrated;   // S per neuron [B][positions·K]
    private readonly float[] counts;       // n per neuron [B][positions·K]
    private readonly float[] current;      // scratch [B][positions·K]
    private readonly float[] inhibition;   // scratch [B][positions]
    private int[] watched = [];
    private float[] watchedMembranes = [];
    private readonly float[] pooledCounts; // max pooling: the pooled count [B][outLength]
    private readonly float[] windowCounters; // counting average pooling: each window's counting neuron [B][outLength]
    private readonly long[] imageWork;     // per image: 5 counters
    private int step;

    /// <param name="weights">(K, C, k, k) as trained.</param>
    /// <param name="runningMean">BN running mean per input channel.</param>
    /// <param name="runningVar">BN running variance per input channel.</param>
    /// <param name="inputAmplitude">The activation one input event of value 1 stands for (1 for pixels, the previous layer's Λ).</param>
    /// <param name="scale">Λ: the activation (after the power) that makes a neuron fire every step.</param>
    /// <param name="foldInhibition">Fold the channel-mean subtraction into the weights (W' − W̄, b − b̄) instead of
    /// running the inhibitory interneurons: the same currents, without the inhibition's accumulates.</param>
    public SpikingConvLayer(ReadOnlySpan<float> weights, int outChannels, int inChannels, int kernel, int inHeight, int inWidth,
        int padding, PaddingMode paddingMode, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, float eps,
        float power, PoolSpec? pool, float inputAmplitude, float scale, int maxBatch,
        PowerApproximation approximation = PowerApproximation.RateThreshold, bool foldInhibition = false,
        SpikeMaxPooling maxPooling = SpikeMaxPooling.Exact, SpikeAveragePooling averagePooling = SpikeAveragePooling.Exact)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if (weights.Length != outChannels * inChannels * kernel * kernel) throw new ArgumentException($"{weights.Length} weights for ({outChannels}, {inChannels}, {kernel}, {kernel}).", nameof(weights));
        if (runningMean.Length != inChannels || runningVar.Length != inChannels) throw new ArgumentException("BN statistics need one value per input channel.");
        if (!(scale > 0) || !float.IsFinite(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "Λ must be finite and > 0.");
        if (!(inputAmplitude > 0) || !float.IsFinite(inputAmplitude)) throw new ArgumentOutOfRangeException(nameof(inputAmplitude), inputAmplitude, "The input amplitude must be finite and > 0.");
        if (!(power > 0) || !float.IsFinite(power)) throw new ArgumentOutOfRangeException(nameof(power), power, "P must be finite and > 0.");
        if (paddingMode != PaddingMode.Reflect && padding > 0)
            throw new NotSupportedException("Only reflect padding converts exactly (the BN shift becomes a constant bias current); zero padding is not supported.");
        if (paddingMode == PaddingMode.Reflect && padding > 0 && (padding >= inHeight || padding >= inWidth))
            throw new ArgumentException($"Reflect padding {padding} needs an input larger than {padding} (it is {inHeight}x{inWidth}).", nameof(padding));
        K = outChannels;
        InChannels = inChannels;
        Kernel = kernel;
        InHeight = inHeight;
        InWidth = inWidth;
        ConvHeight = inHeight + 2 * padding - kernel + 1;
        ConvWidth = inWidth + 2 * padding - kernel + 1;
        if (ConvHeight < 1 || ConvWidth < 1) throw new ArgumentException("The kernel is larger than the padded input.", nameof(kernel));
        Pool = pool;
        OutHeight = pool is { } p ? p.OutputSize(ConvHeight) : ConvHeight;
        OutWidth = pool is { } q ? q.OutputSize(ConvWidth) : ConvWidth;
        Power = approximation == PowerApproximation.Linear ? 1f : power;
        TrainedPower = power;
        MaxPooling = maxPooling;
        AveragePooling = averagePooling;
        Approximation = approximation;
        Scale = scale;
        InputAmplitude = inputAmplitude;
        MaxBatch = maxBatch;
        FoldInhibition = foldInhibition;
        positions = ConvHeight * ConvWidth;
        neurons = positions * K;
        outLength = K * OutHeight * OutWidth;
        inLength = inChannels * inHeight * inWidth;

        int taps = inChannels * kernel * kernel;
        this.weights = new float[taps * K];
        meanWeights = new float[taps];
        bias = new float[K];
        for (int k = 0; k < K; k++)
        {
            double b = 0;
            for (int c = 0; c < inChannels; c++)
            {
                double sigma = Math.Sqrt(runningVar[c] + (double)eps);
                for (int t = 0; t < kernel * kernel; t++)
                {
                    double w = weights[(k * inChannels + c) * kernel * kernel + t];
                    this.weights[(c * kernel * kernel + t) * K + k] = (float)(w * inputAmplitude / sigma);
                    b -= w * runningMean[c] / sigma;
                }
            }
            bias[k] = (float)b;
        }
        for (int t = 0; t < taps; t++)
        {
            double m = 0;
            for (int k = 0; k < K; k++) m += this.weights[t * K + k];
            meanWeights[t] = (float)(m / K);
        }
        double mb = 0;
        foreach (float b in bias) mb += b;
        meanBias = (float)(mb / K);
        if (foldInhibition)
        {
            for (int t = 0; t < taps; t++)
                for (int k = 0; k < K; k++) this.weights[t * K + k] -= meanWeights[t];
            for (int k = 0; k < K; k++) bias[k] -= meanBias;
        }

        rowTaps = Taps(inHeight, ConvHeight, kernel, padding, paddingMode);
        colTaps = Taps(inWidth, ConvWidth, kernel, padding, paddingMode);
        if (pool is { } ps)
        {
            poolRows = PoolRanges(ConvHeight, OutHeight, ps);
            poolCols = PoolRanges(ConvWidth, OutWidth, ps);
        }
        else
        {
            poolRows = [];
            poolCols = [];
        }
        integrated = new float[maxBatch * neurons];
        counts = new float[maxBatch * neurons];
        current = new float[maxBatch * neurons];
        inhibition = new float[maxBatch * positions];
        pooledCounts = pool is { Type: PoolType.Max } ? new float[maxBatch * outLength] : [];
        windowCounters = pool is { Type: PoolType.Avg } && averagePooling == SpikeAveragePooling.Counting ? new float[maxBatch * outLength] : [];
        windowCounters.AsSpan().Fill(CounterStart);
        imageWork = new long[maxBatch * 5];
    }

    // A counting neuron starts at half a spike, so its count rounds the window's mean, and fires at the chip's threshold
    // (a whole spike less 1/64 of the chip's 1/64 unit: SoftHebbOnCores' counters).
    private const float CounterStart = 0.5f, CounterThreshold = 1f - 1f / 4096;

    // The same neurons without pooling (WithoutPooling): the folded weights copied, the state new.
    private SpikingConvLayer(SpikingConvLayer pooled)
    {
        weights = (float[])pooled.weights.Clone();
        meanWeights = pooled.meanWeights;
        bias = (float[])pooled.bias.Clone();
        meanBias = pooled.meanBias;
        rowTaps = pooled.rowTaps;
        colTaps = pooled.colTaps;
        poolRows = [];
        poolCols = [];
        (K, InChannels, Kernel, InHeight, InWidth) = (pooled.K, pooled.InChannels, pooled.Kernel, pooled.InHeight, pooled.InWidth);
        (ConvHeight, ConvWidth, OutHeight, OutWidth) = (pooled.ConvHeight, pooled.ConvWidth, pooled.ConvHeight, pooled.ConvWidth);
        (Power, TrainedPower, MaxPooling, AveragePooling, Approximation) = (pooled.Power, pooled.TrainedPower, pooled.MaxPooling, pooled.AveragePooling, pooled.Approximation);
        (Scale, InputAmplitude, MaxBatch, FoldInhibition) = (pooled.Scale, pooled.InputAmplitude, pooled.MaxBatch, pooled.FoldInhibition);
        (positions, neurons, outLength, inLength) = (pooled.positions, pooled.neurons, pooled.neurons, pooled.inLength);
        integrated = new float[MaxBatch * neurons];
        counts = new float[MaxBatch * neurons];
        current = new float[MaxBatch * neurons];
        inhibition = new float[MaxBatch * positions];
        pooledCounts = [];
        windowCounters = [];
        imageWork = new long[MaxBatch * 5];
    }

    /// <summary>The same neurons (their weights as they are now, <see cref="SetChannel"/> included) sending their own
    /// spikes, without the pooling; for folding an average pooling into what reads the layer (<see cref="SpreadOverWindows"/>).</summary>
    internal SpikingConvLayer WithoutPooling() => new(this);

    /// <summary>The transpose of the average pooling: for a weight per pooled output (channels-first, OutputLength of
    /// them), each conv neuron's sum of the weights of the windows that hold it, × 1/k² (padding counts in k², as in
    /// <see cref="Rates"/>). Weighing the conv neurons by it gives what weighing the pooled outputs gives.</summary>
    public float[] SpreadOverWindows(ReadOnlySpan<float> perWindow)
    {
        if (Pool is not { Type: PoolType.Avg } pool) throw new InvalidOperationException("Only an average pooling spreads its windows' weights.");
        if (perWindow.Length != outLength) throw new ArgumentException($"{perWindow.Length} weights for {outLength} pooled outputs.", nameof(perWindow));
        var spread = new float[neurons];
        int plane = OutHeight * OutWidth;
        float share = 1f / (pool.Kernel * pool.Kernel);
        for (int k = 0; k < K; k++)
            for (int y = 0; y < ConvHeight; y++)
                for (int x = 0; x < ConvWidth; x++)
                {
                    float sum = 0;
                    for (int py = poolRows[y].From; py <= poolRows[y].To; py++)
                        for (int px = poolCols[x].From; px <= poolCols[x].To; px++) sum += perWindow[k * plane + py * OutWidth + px];
                    spread[k * positions + y * ConvWidth + x] = share * sum;
                }
        return spread;
    }

    public int K { get; }
    public int InChannels { get; }
    public int Kernel { get; }
    public int InHeight { get; }
    public int InWidth { get; }
    public int ConvHeight { get; }
    public int ConvWidth { get; }
    public int OutHeight { get; }
    public int OutWidth { get; }
    public PoolSpec? Pool { get; }
    public SpikeMaxPooling MaxPooling { get; }
    public SpikeAveragePooling AveragePooling { get; }
    /// <summary>The power the neurons realise (1 under <see cref="PowerApproximation.Linear"/>).</summary>
    public float Power { get; }
    public float TrainedPower { get; }
    public PowerApproximation Approximation { get; }
    /// <summary>Λ: a neuron whose (powered) activation is Λ fires every step; one output event stands for Λ.</summary>
    public float Scale { get; }
    public float InputAmplitude { get; }
    public int MaxBatch { get; }
    public bool FoldInhibition { get; }
    /// <summary>Neurons per image (conv positions × K).</summary>
    public int Neurons => neurons;
    public int InputLength => inLength;
    /// <summary>Output values per image: K × OutHeight × OutWidth (pooled).</summary>
    public int OutputLength => outLength;
    /// <summary>Synapses per input event (k·k·K, fewer at the borders).</summary>
    public int FanOut => Kernel * Kernel * K;
    /// <summary>Steps since the last <see cref="Reset"/>.</summary>
    public int StepCount => step;
    /// <summary>When set, the channels-first indices (k·H·W + y·W + x) of the neurons of image 0 that spiked in the
    /// last step are collected in <see cref="FirstImageSpikes"/>.</summary>
    public bool RecordFirstImage { get; set; }
    public List<int> FirstImageSpikes { get; } = [];

    /// <summary>Channels-first indices of image 0's neurons whose membrane is kept in <see cref="WatchedMembranes"/>
    /// at each step (empty: none).</summary>
    public int[] WatchedNeurons
    {
        get => watched;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            foreach (int neuron in value)
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)neuron, (uint)neurons, nameof(value));
            watched = value;
            watchedMembranes = new float[value.Length];
        }
    }

    /// <summary>The membrane of each watched neuron of image 0 in the last step, before it fired: the distance of its
    /// target count from its spike count, t·g(S/t)/Λ − n, so it fires when the value reaches ½ (for P = 1 this is the
    /// integrate-and-fire membrane S/Λ − n in units of the threshold, reset by subtraction).</summary>
    public ReadOnlySpan<float> WatchedMembranes => watchedMembranes;

    /// <summary>The bias current of channel <paramref name="k"/> per step (the input BatchNorm's shift folded in, and
    /// the inhibition's mean when <see cref="FoldInhibition"/>).</summary>
    public float BiasCurrent(int k) => bias[k];

    /// <summary>Zero-padding rows and columns on each side of the input (reflect padding: the only kind that converts).</summary>
    public int Padding => (ConvHeight - InHeight + Kernel - 1) / 2;

    /// <summary>Channel <paramref name="k"/>'s weight per input tap ((c·k + ky)·k + kx), as <see cref="Synapses"/> gives them.</summary>
    public float[] ChannelWeights(int k)
    {
        var row = new float[InChannels * Kernel * Kernel];
        for (int t = 0; t < row.Length; t++) row[t] = weights[t * K + k];
        return row;
    }

    /// <summary>Puts the values a chip holds in place of channel <paramref name="k"/>'s weights per tap and bias current
    /// (a chip with typed axons holds few values per neuron). Only with the inhibition folded: otherwise the interneurons'
    /// channel mean would be that of other weights.</summary>
    public void SetChannel(int k, ReadOnlySpan<float> row, float biasCurrent)
    {
        if (!FoldInhibition) throw new InvalidOperationException("A channel's weights are replaced only with the inhibition folded into them.");
        if (row.Length != InChannels * Kernel * Kernel) throw new ArgumentException($"{row.Length} weights for {InChannels * Kernel * Kernel} taps.", nameof(row));
        for (int t = 0; t < row.Length; t++) weights[t * K + k] = row[t];
        bias[k] = biasCurrent;
    }

    /// <summary>Every synapse as a chip would hold it: input (c, y, x) and conv neuron (k, oy, ox), both channels-first
    /// indices, with the weight its events add (BatchNorm and the input amplitude folded in, and the inhibition's channel
    /// mean when <see cref="FoldInhibition"/>). Reflect padding can join one input to one neuron twice; both are listed.</summary>
    public IEnumerable<(int Input, int Neuron, float Weight)> Synapses()
    {
        for (int c = 0; c < InChannels; c++)
            for (int y = 0; y < InHeight; y++)
                for (int x = 0; x < InWidth; x++)
                {
                    int input = (c * InHeight + y) * InWidth + x;
                    foreach (var (oy, ty) in rowTaps[y])
                        foreach (var (ox, tx) in colTaps[x])
                        {
                            int tap = (c * Kernel + ty) * Kernel + tx;
                            for (int k = 0; k < K; k++)
                                yield return (input, (k * ConvHeight + oy) * ConvWidth + ox, weights[tap * K + k]);
                        }
                }
    }

    /// <summary>Spike count so far of neuron (k, y, x) of image b.</summary>
    public float SpikeCount(int b, int k, int y, int x) => counts[b * neurons + (y * ConvWidth + x) * K + k];

    /// <summary>Integrated current so far (the membrane without reset) of neuron (k, y, x) of image b.</summary>
    public float IntegratedCurrent(int b, int k, int y, int x) => integrated[b * neurons + (y * ConvWidth + x) * K + k];

    /// <summary>Clears every neuron's state: the start of a new sample.</summary>
    public void Reset()
    {
        Array.Clear(integrated);
        Array.Clear(counts);
        Array.Clear(pooledCounts);
        windowCounters.AsSpan().Fill(CounterStart);
        step = 0;
    }

    /// <summary>The input current of one image for one step (channels-first (K, H, W), after the lateral inhibition),
    /// without touching the neurons; for tests and inspection.</summary>
    public void InputCurrent(ReadOnlySpan<float> input, Span<float> destination)
    {
        if (input.Length != inLength) throw new ArgumentException($"Input holds {input.Length} values, the layer takes {inLength}.", nameof(input));
        if (destination.Length != neurons) throw new ArgumentException($"Destination holds {destination.Length} values, the layer has {neurons} neurons.", nameof(destination));
        var cur = new float[neurons];
        var inh = new float[positions];
        var w = new long[5];
        Currents(input, cur, inh, w);
        for (int p = 0; p < positions; p++)
            for (int k = 0; k < K; k++) destination[k * positions + p] = cur[p * K + k];
    }

    /// <summary>The layer with rates in place of spikes, for one image: each neuron's rate g(current)/Λ (the rate its
    /// spikes approach as T grows; g = ReLU(·)^P), pooled exactly (the window's largest, or its sum × 1/k²), as
    /// OutputLength values channels-first. A chip whose spikes carry a value computes this in one step per layer.</summary>
    public float[] Rates(ReadOnlySpan<float> input)
    {
        var cur = new float[neurons];
        InputCurrent(input, cur);
        for (int i = 0; i < cur.Length; i++) cur[i] = MathF.Pow(Math.Max(cur[i], 0f), Power) / Scale;
        if (Pool is not { } pool) return cur;
        var pooled = new float[outLength];
        int plane = OutHeight * OutWidth;
        float share = 1f / (pool.Kernel * pool.Kernel);
        for (int k = 0; k < K; k++)
            for (int y = 0; y < ConvHeight; y++)
                for (int x = 0; x < ConvWidth; x++)
                {
                    float r = cur[k * positions + y * ConvWidth + x];
                    for (int py = poolRows[y].From; py <= poolRows[y].To; py++)
                        for (int px = poolCols[x].From; px <= poolCols[x].To; px++)
                        {
                            ref float o = ref pooled[k * plane + py * OutWidth + px];
                            o = pool.Type == PoolType.Max ? Math.Max(o, r) : o + share * r;
                        }
                }
        return pooled;
    }

    /// <summary>One time step for <paramref name="batch"/> images: <paramref name="input"/> holds batch × InputLength
    /// event values (spikes, or fractional events from average pooling), <paramref name="output"/> receives batch ×
    /// OutputLength output events and must be zero on entry.</summary>
    public SpikingStepWork Step(ReadOnlySpan<float> input, int batch, Span<float> output)
    {
        BeginStep(input.Length, batch, output.Length);
        for (int b = 0; b < batch; b++) StepImage(b, input.Slice(b * inLength, inLength), output.Slice(b * outLength, outLength));
        return StepWork(batch);
    }

    /// <summary>As <see cref="Step(ReadOnlySpan{float}, int, Span{float})"/>, with the images of the batch processed
    /// in parallel (each image's state is its own, so the result does not depend on the parallelism).</summary>
    public SpikingStepWork Step(float[] input, int batch, float[] output, int maxParallelism)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (maxParallelism <= 1 || batch <= 1) return Step(input.AsSpan(), batch, output.AsSpan());
        BeginStep(input.Length, batch, output.Length);
        Parallel.For(0, batch, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism },
            b => StepImage(b, input.AsSpan(b * inLength, inLength), output.AsSpan(b * outLength, outLength)));
        return StepWork(batch);
    }

    void BeginStep(int inputLength, int batch, int outputLength)
    {
        if ((uint)batch > (uint)MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"The layer holds state for at most {MaxBatch} images.");
        if (inputLength != batch * inLength) throw new ArgumentException($"Input holds {inputLength} values, expected {batch} × {inLength}.", "input");
        if (outputLength != batch * outLength) throw new ArgumentException($"Output holds {outputLength} values, expected {batch} × {outLength}.", "output");
        FirstImageSpikes.Clear();
        step++;
        Array.Clear(imageWork);
    }

    /// <summary>The step's work, summed over the batch's images in image order (so it does not depend on the parallelism).</summary>
    SpikingStepWork StepWork(int batch)
    {
        long ev = 0, syn = 0, inh = 0, spk = 0, outEv = 0;
        for (int b = 0; b < batch; b++)
        {
            ev += imageWork[b * 5];
            syn += imageWork[b * 5 + 1];
            inh += imageWork[b * 5 + 2];
            spk += imageWork[b * 5 + 3];
            outEv += imageWork[b * 5 + 4];
        }
        return new SpikingStepWork(
            new WorkCounts(SynapticAccumulates: syn + inh, NeuronUpdates: (long)batch * neurons, Spikes: spk, NonZeroActivations: outEv),
            InputEvents: ev, InhibitionAccumulates: inh);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StepImage(int b, ReadOnlySpan<float> input, Span<float> output)
    {
        var cur = current.AsSpan(b * neurons, neurons);
        var inh = inhibition.AsSpan(b * positions, positions);
        var work = imageWork.AsSpan(b * 5, 5);
        Currents(input, cur, inh, work);

        // Neuron update: S += I; target t·g(S/t); fire when target − n ≥ ½.
        var s = integrated.AsSpan(b * neurons, neurons);
        var n = counts.AsSpan(b * neurons, neurons);
        TensorPrimitives.Add(s, cur, s);
        var target = cur; // reuse the scratch
        float t = step;
        if (Power == 1f)
        {
            TensorPrimitives.Multiply(s, 1f / Scale, target);
        }
        else
        {
            // t·(max(S,0)/t)^P/Λ = exp(P·ln(max(S,tiny)/t) + ln(t/Λ)), vectorised (Log and Exp are SIMD in
            // TensorPrimitives); S ≤ 0 gives (1e-30/t)^P ≈ 0, far below the ½ that a spike needs.
            TensorPrimitives.Max(s, 1e-30f, target);
            TensorPrimitives.Multiply(target, 1f / t, target);
            TensorPrimitives.Log(target, target);
            TensorPrimitives.Multiply(target, Power, target);
            TensorPrimitives.Add(target, MathF.Log(t / Scale), target);
            TensorPrimitives.Exp(target, target);
        }
        TensorPrimitives.Subtract(target, n, target);

        long spikes = 0, outEvents = 0;
        int i = 0;
        ref float rt = ref MemoryMarshal.GetReference(target);
        if (Vector256.IsHardwareAccelerated)
        {
            var half = Vector256.Create(0.5f);
            for (; i <= neurons - 8; i += 8)
            {
                uint bits = Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref rt, (nuint)i), half).ExtractMostSignificantBits();
                while (bits != 0)
                {
                    int idx = i + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    Fire(b, idx, n, output, ref outEvents);
                    spikes++;
                }
            }
        }
        for (; i < neurons; i++)
            if (target[i] >= 0.5f)
            {
                Fire(b, i, n, output, ref outEvents);
                spikes++;
            }
        if (b == 0)
            for (int w = 0; w < watched.Length; w++)
            {
                int c = watched[w], k = c / positions;
                watchedMembranes[w] = target[(c - k * positions) * K + k];
            }
        if (windowCounters.Length > 0) outEvents = CountWindows(output, windowCounters.AsSpan(b * outLength, outLength));
        work[3] += spikes;
        work[4] += outEvents;
    }

    /// <summary>Counting average pooling: each window's counting neuron takes the step's spikes × 1/k² gathered in
    /// <paramref name="output"/> and fires on a whole spike; returns the pooled spikes sent.</summary>
    private static long CountWindows(Span<float> output, Span<float> counters)
    {
        long sent = 0;
        for (int o = 0; o < output.Length; o++)
        {
            float c = counters[o] + output[o];
            bool fires = c >= CounterThreshold;
            counters[o] = fires ? c - CounterThreshold : c; // a soft reset takes the threshold off, as the chip's
            output[o] = fires ? 1f : 0f;
            sent += fires ? 1 : 0;
        }
        return sent;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Fire(int b, int idx, Span<float> n, Span<float> output, ref long outEvents)
    {
        float count = ++n[idx];
        int pos = idx / K, k = idx - pos * K;
        int y = pos / ConvWidth, x = pos - y * ConvWidth;
        if (b == 0 && RecordFirstImage) FirstImageSpikes.Add(k * positions + pos);
        if (Pool is not { } pool)
        {
            output[k * positions + pos] = 1f;
            outEvents++;
            return;
        }
        int plane = OutHeight * OutWidth;
        var (r0, r1) = poolRows[y];
        var (c0, c1) = poolCols[x];
        if (pool.Type == PoolType.Max)
        {
            var pooled = pooledCounts.AsSpan(b * outLength, outLength);
            for (int py = r0; py <= r1; py++)
                for (int px = c0; px <= c1; px++)
                {
                    int o = k * plane + py * OutWidth + px;
                    // The window's highest count grew (or, as a chip's OR neuron, any of its neurons fired): the pooled unit
                    // fires, at most once per step.
                    if (MaxPooling == SpikeMaxPooling.AnySpike ? output[o] == 0 : count > pooled[o])
                    {
                        pooled[o] = count;
                        output[o] = 1f;
                        outEvents++;
                    }
                }
        }
        else
        {
            float share = 1f / (pool.Kernel * pool.Kernel);
            for (int py = r0; py <= r1; py++)
                for (int px = c0; px <= c1; px++)
                {
                    int o = k * plane + py * OutWidth + px;
                    if (output[o] == 0) outEvents++;
                    output[o] += share;
                }
        }
    }

    /// <summary>Input current of one image: bias, event-driven scatter, lateral inhibition. work[0] += input events,
    /// work[1] += synaptic accumulates, work[2] += inhibition accumulates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Currents(ReadOnlySpan<float> input, Span<float> cur, Span<float> inh, Span<long> work)
    {
        int k = K, plane = InHeight * InWidth;
        for (int p = 0; p < positions; p++) bias.CopyTo(cur.Slice(p * k, k));
        bool lateral = !FoldInhibition;
        if (lateral) inh.Fill(meanBias);
        long events = 0, taps = 0;
        ref float rc = ref MemoryMarshal.GetReference(cur);
        ref float rw = ref MemoryMarshal.GetArrayDataReference(weights);
        for (int c = 0; c < InChannels; c++)
        {
            var inPlane = input.Slice(c * plane, plane);
            for (int y = 0; y < InHeight; y++)
            {
                var row = inPlane.Slice(y * InWidth, InWidth);
                var rTaps = rowTaps[y];
                for (int x = 0; x < InWidth; x++)
                {
                    float v = row[x];
                    if (v == 0) continue;
                    events++;
                    var cTaps = colTaps[x];
                    foreach (var (oy, ky) in rTaps)
                    {
                        int tapRow = (c * Kernel + ky) * Kernel;
                        foreach (var (ox, kx) in cTaps)
                        {
                            int pos = oy * ConvWidth + ox;
                            int tap = tapRow + kx;
                            AddScaled(ref Unsafe.Add(ref rc, pos * k), ref Unsafe.Add(ref rw, tap * k), k, v);
                            if (lateral) inh[pos] += v * meanWeights[tap];
                            taps++;
                        }
                    }
                }
            }
        }
        if (lateral)
            for (int p = 0; p < positions; p++)
            {
                var slice = cur.Slice(p * k, k);
                TensorPrimitives.Subtract(slice, inh[p], slice);
            }
        work[0] += events;
        work[1] += taps * k;
        // The interneuron: one accumulate per event per tap in, K graded synapses out per position.
        if (lateral) work[2] += taps + (long)positions * k;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled(ref float dst, ref float src, int n, float v)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            if (v == 1f)
            {
                for (; i <= n - 8; i += 8)
                    (Vector256.LoadUnsafe(ref dst, (nuint)i) + Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
            }
            else
            {
                var vv = Vector256.Create(v);
                for (; i <= n - 8; i += 8)
                    (Vector256.LoadUnsafe(ref dst, (nuint)i) + vv * Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref dst, i) += v * Unsafe.Add(ref src, i);
    }

    /// <summary>For each input row y: the (conv output row, kernel row) pairs it reaches through the padded input.</summary>
    private static (int Out, int Tap)[][] Taps(int size, int outSize, int kernel, int padding, PaddingMode mode)
    {
        var result = new List<(int, int)>[size];
        for (int y = 0; y < size; y++) result[y] = [];
        int padded = size + 2 * padding;
        for (int r = 0; r < padded; r++)
        {
            int i = r - padding, src;
            if (i >= 0 && i < size) src = i;
            else if (mode == PaddingMode.Reflect) src = i < 0 ? -i : 2 * (size - 1) - i;
            else continue; // zero padding (no padding at all here: the constructor rejects zero padding > 0)
            for (int ky = 0; ky < kernel; ky++)
            {
                int o = r - ky;
                if (o >= 0 && o < outSize) result[src].Add((o, ky));
            }
        }
        return result.Select(l => l.ToArray()).ToArray();
    }

    private static (int From, int To)[] PoolRanges(int size, int outSize, PoolSpec pool)
    {
        var result = new (int, int)[size];
        for (int y = 0; y < size; y++)
        {
            // Windows [o·s − pad, o·s − pad + kernel) that contain y.
            int from = Math.Max(0, (int)Math.Ceiling((y + pool.Padding - pool.Kernel + 1) / (double)pool.Stride));
            int to = Math.Min(outSize - 1, (y + pool.Padding) / pool.Stride);
            result[y] = (from, to);
        }
        return result;
    }
}
