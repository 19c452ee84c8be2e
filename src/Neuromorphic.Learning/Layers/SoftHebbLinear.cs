using Neuromorphic.Engine;
using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>
/// A fully connected SoftHebb layer (the MNIST MLP preset, spec §5 MNIST): no input BN,
/// W ~ U[0, r) with r = √(3R²/fan_in) (spec §3, blocks without BN), rule "soft" by default,
/// output = softmax over the neurons with its own inverse temperature ("softmax_5"), or u itself
/// when <see cref="OutputInverseTemperature"/> is null.
/// </summary>
public sealed record SoftHebbLinearConfig(
    int InFeatures,
    int OutFeatures,
    float InverseTemperature,
    float LearningRate,
    float LearningRatePower = 0.2f,
    string Rule = "soft",
    float InitRadius = 35f,
    float? OutputInverseTemperature = 5f)
{
    public void Validate()
    {
        if (InFeatures < 1) throw new ArgumentException($"'{nameof(InFeatures)}' must be >= 1, but it is {InFeatures}.", nameof(InFeatures));
        if (OutFeatures < 1) throw new ArgumentException($"'{nameof(OutFeatures)}' must be >= 1, but it is {OutFeatures}.", nameof(OutFeatures));
        if (!float.IsFinite(InverseTemperature)) throw new ArgumentException($"'{nameof(InverseTemperature)}' must be finite.", nameof(InverseTemperature));
        if (!(LearningRate >= 0) || !float.IsFinite(LearningRate)) throw new ArgumentException($"'{nameof(LearningRate)}' must be a finite number >= 0, but it is {LearningRate}.", nameof(LearningRate));
        if (!float.IsFinite(LearningRatePower)) throw new ArgumentException($"'{nameof(LearningRatePower)}' must be finite.", nameof(LearningRatePower));
        if (!(InitRadius > 0) || !float.IsFinite(InitRadius)) throw new ArgumentException($"'{nameof(InitRadius)}' must be a finite number > 0, but it is {InitRadius}.", nameof(InitRadius));
        if (!WtaRules.Names.Contains(Rule)) throw new ArgumentException($"'{nameof(Rule)}' must be one of {string.Join(", ", WtaRules.Names)}, but it is '{Rule}'.", nameof(Rule));
        if (OutputInverseTemperature is { } t && !float.IsFinite(t)) throw new ArgumentException($"'{nameof(OutputInverseTemperature)}' must be finite.", nameof(OutputInverseTemperature));
    }
}

/// <summary>
/// The linear SoftHebb layer as a process model. It runs as a 1x1 convolution on 1x1 images, so the
/// forward product, the YX correlation and the update are exactly the convolutional code
/// (<see cref="HebbianPlasticity"/>), not a copy of it. Input: any (N, ...) tensor with InFeatures values per row.
/// Output: (N, OutFeatures, 1, 1), the layer's own buffer.
/// </summary>
public sealed class SoftHebbLinear : IHebbianLayer
{
    readonly Conv2dWorkspace _workspace = new();
    float[] _u = [], _output = [];
    Tensor? _uT, _outputT, _xView;

    public SoftHebbLinear(SoftHebbLinearConfig config, Random rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        config.Validate();
        Config = config;
        Weights = new Tensor(config.OutFeatures, config.InFeatures, 1, 1);
        WeightInit.Uniform(Weights.Span, 0, WeightInit.UniformRange(config.InitRadius, config.InFeatures), rng);
        Rates = new AdaptiveLearningRate(config.OutFeatures, config.InFeatures, config.LearningRate, config.LearningRatePower);
        Rates.Recompute(Weights.Span);
        Plasticity = new HebbianPlasticity(WtaRules.Create(config.Rule), config.InverseTemperature, preTriangle: false, Rates, Weights.Shape);
    }

    public SoftHebbLinearConfig Config { get; }
    public string Kind => "linear";
    /// <summary>(K, F, 1, 1): row k is neuron k's weight vector.</summary>
    public Tensor Weights { get; }
    public AdaptiveLearningRate Rates { get; }
    public HebbianPlasticity Plasticity { get; }
    public HebbianUpdateStats LastUpdateStats { get; private set; }
    public WorkCounts LastWork { get; private set; }
    public StageTimes Stages { get; } = new();
    /// <summary>u = W x of the last call, (N, K, 1, 1).</summary>
    public Tensor? PreActivation => _uT;

    public int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        if (inputShape.Length is not (3 or 4))
            throw new ArgumentException($"Expected an input shape (C, H, W) or (N, C, H, W), got [{string.Join(", ", inputShape.ToArray())}].", nameof(inputShape));
        int o = inputShape.Length - 3;
        long features = (long)inputShape[o] * inputShape[o + 1] * inputShape[o + 2];
        if (features != Config.InFeatures)
            throw new ArgumentException($"The linear layer expects {Config.InFeatures} input features but receives {features} ({string.Join("x", inputShape[o..].ToArray())}).", nameof(inputShape));
        return o == 0 ? [Config.OutFeatures, 1, 1] : [inputShape[0], Config.OutFeatures, 1, 1];
    }

    public Tensor Forward(Tensor x, bool learn)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 1 || x.Shape[0] < 1 || x.Length / x.Shape[0] != Config.InFeatures || x.Length % x.Shape[0] != 0)
            throw new ArgumentException($"'{nameof(x)}' must be (N, ...) with {Config.InFeatures} values per row, but it is {x}.", nameof(x));
        int n = x.Shape[0], k = Config.OutFeatures;
        var view = _xView = _xView is not null && ReferenceEquals(_xView.Data, x.Data) && _xView.Shape[0] == n
            ? _xView
            : new Tensor(x.Data, n, Config.InFeatures, 1, 1);

        long clock = StageTimes.Start();
        var u = _uT = HebbianPlasticity.View(ref _u, _uT, n, k, 1, 1);
        Conv2d.Forward(view, Weights, 1, 0, PaddingMode.Zeros, u, _workspace);
        clock = Stages.Lap(LayerStage.Conv, clock);
        if (learn)
        {
            LastUpdateStats = Plasticity.Step(view, u, Weights, 0, PaddingMode.Zeros, _workspace, Stages);
            clock = StageTimes.Start();
        }

        var output = _outputT = HebbianPlasticity.View(ref _output, _outputT, n, k, 1, 1);
        if (Config.OutputInverseTemperature is { } t)
            Softmax.OverRows(u.Data.AsSpan(0, u.Length), n, k, t, output.Data.AsSpan(0, output.Length));
        else
            u.Span.CopyTo(output.Span);
        Stages.Lap(LayerStage.Activation, clock);

        long positions = (long)n * k, fanIn = Config.InFeatures, weights = k * fanIn;
        long forwardMacs = positions * fanIn;
        long updateMacs = learn ? positions * fanIn + positions + 3 * weights : 0;
        LastWork = new WorkCounts(DenseMacs: forwardMacs + updateMacs, NeuronUpdates: positions,
            WeightUpdates: learn ? weights : 0, NonZeroActivations: LayerState.CountNonZero(output.Span), LearningMacs: updateMacs);
        return output;
    }

    public void SaveState(IDictionary<string, float[]> state, string prefix)
    {
        state[prefix + "weight"] = Weights.Span.ToArray();
        state[prefix + "rates"] = Rates.Rates.ToArray();
    }

    public void LoadState(IReadOnlyDictionary<string, float[]> state, string prefix)
    {
        LayerState.Restore(state, prefix + "weight", Weights.Span);
        Rates.Recompute(Weights.Span);
    }
}
