using Neuromorphic.Engine;
using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>
/// A SoftHebb convolutional block as a process model (spec §1–§3). Per batch:
/// BN (batch statistics and running-stat update only while learning, else running statistics) →
/// u = conv(reflect-pad(x̂), W) → [learn: plasticity step on u, reusing the conv's im2col columns] →
/// a = Triangle^P(u) → pool. The block's output is the pooled activation.
/// All buffers are grow-only, so a fixed batch size allocates only on the first batch.
/// </summary>
public sealed class SoftHebbConv2d : IHebbianLayer
{
    readonly PoolSpec? _pool;
    readonly Conv2dWorkspace _workspace = new();
    float[] _xNorm = [], _u = [], _activation = [], _output = [];
    Tensor? _xNormT, _uT, _activationT, _outputT;

    /// <summary>Creates the block with W ~ N(0, σ²), σ = InitRadius/√fan_in, drawn from <paramref name="rng"/> (spec §3).</summary>
    public SoftHebbConv2d(SoftHebbConv2dConfig config, Random rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        config.Validate();
        Config = config;
        _pool = config.PoolSpec;
        Weights = new Tensor(config.OutChannels, config.InChannels, config.KernelSize, config.KernelSize);
        WeightInit.Normal(Weights.Span, WeightInit.NormalSigma(config.InitRadius, config.FanIn), rng);
        Norm = new BatchNorm2d(config.InChannels);
        Rates = new AdaptiveLearningRate(config.OutChannels, config.FanIn, config.LearningRate, config.LearningRatePower);
        Rates.Recompute(Weights.Span); // η at construction comes from the initial weights (spec §2 step 8)
        Plasticity = new HebbianPlasticity(WtaRules.Create(config.Rule), config.InverseTemperature, config.PreTriangle, Rates, Weights.Shape);
    }

    public SoftHebbConv2dConfig Config { get; }
    public string Kind => "conv";
    /// <summary>(K, C, k, k).</summary>
    public Tensor Weights { get; }
    /// <summary>The non-affine input BatchNorm (eps 1e-5, momentum 0.1).</summary>
    public BatchNorm2d Norm { get; }
    public AdaptiveLearningRate Rates { get; }
    public HebbianPlasticity Plasticity { get; }
    public HebbianUpdateStats LastUpdateStats { get; private set; }
    public WorkCounts LastWork { get; private set; }
    public StageTimes Stages { get; } = new();
    /// <summary>The BN-normalised input of the last call.</summary>
    public Tensor? NormalizedInput => _xNormT;
    /// <summary>The conv output u of the last call (before the Triangle).</summary>
    public Tensor? PreActivation => _uT;

    public int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        if (inputShape.Length is not (3 or 4))
            throw new ArgumentException($"Expected an input shape (C, H, W) or (N, C, H, W), got [{string.Join(", ", inputShape.ToArray())}].", nameof(inputShape));
        int o = inputShape.Length - 3;
        var (c, h, w) = Config.OutputShape(inputShape[o], inputShape[o + 1], inputShape[o + 2]);
        return o == 0 ? [c, h, w] : [inputShape[0], c, h, w];
    }

    public Tensor Forward(Tensor x, bool learn)
    {
        var (n, c, h, w) = x.Nchw;
        var (k, oh, ow) = Config.OutputShape(c, h, w);
        int convH = Conv2d.OutputSize(h, Config.KernelSize, 1, Config.Padding);
        int convW = Conv2d.OutputSize(w, Config.KernelSize, 1, Config.Padding);

        var stages = Stages;
        long clock = StageTimes.Start();
        // 1. Input BN: train mode only while this block learns (spec §1 step 1).
        var xNorm = _xNormT = HebbianPlasticity.View(ref _xNorm, _xNormT, n, c, h, w);
        Norm.Forward(x, xNorm, training: learn);
        clock = stages.Lap(LayerStage.BatchNorm, clock);

        // 2–3. Reflect pad + conv; a learning layer keeps the columns for the update (a frozen one may take Winograd).
        var u = _uT = HebbianPlasticity.View(ref _u, _uT, n, k, convH, convW);
        Conv2d.Forward(xNorm, Weights, 1, Config.Padding, Config.PaddingMode, u, _workspace, keepColumns: learn);
        clock = stages.Lap(LayerStage.Conv, clock);

        // Plasticity on u (spec §2); the activation below still sees the pre-update u, as in the official forward.
        if (learn)
        {
            LastUpdateStats = Plasticity.Step(xNorm, u, Weights, Config.Padding, Config.PaddingMode, _workspace, stages);
            clock = StageTimes.Start();
        }

        // 4. Triangle^P, 6. pooling. x ↦ x^P is increasing on x >= 0, so it commutes with max pooling: with a max
        // pool (or none) the power is taken after pooling, on a quarter of the values (pow is the costly part).
        bool powerAfterPool = _pool is not { Type: PoolType.Avg } && Config.TrianglePower != 1f;
        var a = _activationT = HebbianPlasticity.View(ref _activation, _activationT, n, k, convH, convW);
        Triangle.Forward(u, powerAfterPool ? 1f : Config.TrianglePower, a);
        clock = stages.Lap(LayerStage.Activation, clock);
        Tensor output = a;
        if (_pool is { } pool)
        {
            output = _outputT = HebbianPlasticity.View(ref _output, _outputT, n, k, oh, ow);
            pool.Apply(a, output);
            clock = stages.Lap(LayerStage.Pool, clock);
        }
        if (powerAfterPool)
        {
            Triangle.Power(output, Config.TrianglePower);
            stages.Lap(LayerStage.Activation, clock);
        }

        long positions = (long)n * k * convH * convW;
        long fanIn = Config.FanIn;
        long weights = k * fanIn;
        long forwardMacs = positions * fanIn;
        long updateMacs = learn ? positions * fanIn + positions + 3 * weights : 0;
        LastWork = new WorkCounts(
            DenseMacs: forwardMacs + updateMacs,
            NeuronUpdates: positions,
            WeightUpdates: learn ? weights : 0,
            NonZeroActivations: LayerState.CountNonZero(output.Span),
            LearningMacs: updateMacs);
        return output;
    }

    public void SaveState(IDictionary<string, float[]> state, string prefix)
    {
        state[prefix + "weight"] = Weights.Span.ToArray();
        state[prefix + "bn.running_mean"] = (float[])Norm.RunningMean.Clone();
        state[prefix + "bn.running_var"] = (float[])Norm.RunningVar.Clone();
        state[prefix + "bn.num_batches_tracked"] = [Norm.NumBatchesTracked];
        state[prefix + "rates"] = Rates.Rates.ToArray();
    }

    public void LoadState(IReadOnlyDictionary<string, float[]> state, string prefix)
    {
        LayerState.Restore(state, prefix + "weight", Weights.Span);
        LayerState.Restore(state, prefix + "bn.running_mean", Norm.RunningMean);
        LayerState.Restore(state, prefix + "bn.running_var", Norm.RunningVar);
        float[] tracked = new float[1];
        LayerState.Restore(state, prefix + "bn.num_batches_tracked", tracked);
        Norm.NumBatchesTracked = (long)tracked[0];
        // Rates are a function of the weights; recomputing gives the saved values bit for bit.
        Rates.Recompute(Weights.Span);
    }
}
