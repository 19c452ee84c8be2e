using System.Numerics.Tensors;
using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>
/// The SoftHebb weight update for one mini-batch, shared by the convolutional and the linear layer
/// (a linear layer is a 1x1 convolution on 1x1 images). Spec §2:
/// y = rule(u); YX = Σ y·x_patch; YU[k] = Σ y_k·u_k; ΔW = YX − YU[k]·W[k];
/// ΔW /= (max|ΔW| + 1e-30) (one scalar for the whole layer); W[k] += η_k·ΔW[k]; η recomputed.
/// Holds its buffers (grow-only), so a fixed batch size allocates only on the first call.
/// </summary>
public sealed class HebbianPlasticity
{
    readonly Tensor _delta;
    readonly float[] _yu;
    float[] _y = [];
    float[] _uTriangle = [];
    Tensor? _yTensor, _uTriangleTensor;

    public HebbianPlasticity(IWtaRule rule, float inverseTemperature, bool preTriangle, AdaptiveLearningRate rates, int[] weightShape)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(rates);
        if (!float.IsFinite(inverseTemperature))
            throw new ArgumentException($"'{nameof(inverseTemperature)}' must be finite, but it is {inverseTemperature}.", nameof(inverseTemperature));
        (Rule, InverseTemperature, PreTriangle, Rates) = (rule, inverseTemperature, preTriangle, rates);
        _delta = new Tensor(weightShape);
        _yu = new float[weightShape[0]];
    }

    public IWtaRule Rule { get; }
    public float InverseTemperature { get; }
    /// <summary>Apply Triangle (power 1) to u before the WTA (flag e1, spec §1). The triangled u then
    /// stands for u throughout the rule, in the decay term YU as well.</summary>
    public bool PreTriangle { get; }
    public AdaptiveLearningRate Rates { get; }

    /// <summary>The last ΔW: raw after <see cref="ComputeDelta"/>, normalised after <see cref="Step"/>.</summary>
    public Tensor Delta => _delta;
    /// <summary>The post-synaptic factors y of the last step (valid until the next call).</summary>
    public Tensor? Factors => _yTensor;
    /// <summary>YU of the last step, one value per neuron.</summary>
    public ReadOnlySpan<float> DecayTerm => _yu;

    /// <summary>
    /// Raw ΔW = YX − YU·W into <see cref="Delta"/>. <paramref name="x"/> is the unpadded input that
    /// produced <paramref name="u"/> with <paramref name="padding"/>; when <paramref name="workspace"/> still
    /// holds that input's columns (the forward just ran on it) they are reused, otherwise recomputed.
    /// </summary>
    public void ComputeDelta(Tensor x, Tensor u, Tensor weights, int padding, PaddingMode mode, Conv2dWorkspace workspace)
    {
        var uRule = ComputeFactors(u);
        Correlate(x, weights, padding, mode, workspace);
        ApplyDecay(uRule, weights);
    }

    /// <summary>Stage 1 (spec §2 steps 1–2): y = rule(u) into <see cref="Factors"/>. Returns the u the rule saw
    /// (u itself, or Triangle(u) with <see cref="PreTriangle"/>), which the decay term must use too.</summary>
    public Tensor ComputeFactors(Tensor u)
    {
        var (n, k, h, w) = u.Nchw;
        Tensor uRule = u;
        if (PreTriangle)
        {
            uRule = _uTriangleTensor = View(ref _uTriangle, _uTriangleTensor, n, k, h, w);
            Triangle.Forward(u, 1f, uRule);
        }
        var y = _yTensor = View(ref _y, _yTensor, n, k, h, w);
        Rule.PostsynapticFactors(uRule, InverseTemperature, y);
        return uRule;
    }

    /// <summary>Stage 2 (spec §2 step 3): YX, the conv weight-gradient correlation of the last factors y with the
    /// padded input patches, into <see cref="Delta"/>. Reuses the workspace's columns when they are x's.</summary>
    public void Correlate(Tensor x, Tensor weights, int padding, PaddingMode mode, Conv2dWorkspace workspace)
    {
        var y = _yTensor ?? throw new InvalidOperationException($"Call {nameof(ComputeFactors)} first.");
        var (xn, xc, xh, xw) = x.Nchw;
        var (_, _, kh, kw) = weights.Nchw;
        var geometry = new Conv2dGeometry(xn, xc, xh, xw, kh, kw, 1, padding, mode);
        if (workspace.HoldsWholeBatch && workspace.Geometry == geometry)
            Conv2d.WeightCorrelation(y, workspace, _delta, accumulate: false);
        else
            Conv2d.WeightCorrelation(x, y, 1, padding, mode, workspace, _delta, accumulate: false);
    }

    /// <summary>Stage 3 (spec §2 steps 4–5): YU[k] = Σ y_k·u_k and the Oja-like decay ΔW[k] = YX[k] − YU[k]·W[k].</summary>
    public void ApplyDecay(Tensor uRule, Tensor weights)
    {
        var y = _yTensor ?? throw new InvalidOperationException($"Call {nameof(ComputeFactors)} first.");
        int k = uRule.Shape[1];
        ChannelDot.Compute(y, uRule, _yu);
        int fanIn = weights.Length / k;
        for (int kk = 0; kk < k; kk++)
        {
            var d = _delta.Data.AsSpan(kk * fanIn, fanIn);
            TensorPrimitives.MultiplyAdd(weights.Data.AsSpan(kk * fanIn, fanIn), -_yu[kk], d, d);
        }
    }

    /// <summary>One full plasticity step: ΔW, global max-normalisation, W += η_k·ΔW, new η (spec §2 steps 1–8).</summary>
    public HebbianUpdateStats Step(Tensor x, Tensor u, Tensor weights, int padding, PaddingMode mode, Conv2dWorkspace workspace)
    {
        ComputeDelta(x, u, weights, padding, mode, workspace);
        return ApplyDelta(weights);
    }

    /// <summary>Stage 4 (spec §2 steps 6–8): ΔW /= max|ΔW| + 1e-30, W[k] += η_k·ΔW[k], η recomputed from the new weights.</summary>
    public HebbianUpdateStats ApplyDelta(Tensor weights)
    {
        var delta = _delta.Span;
        float maxAbs = delta.Length == 0 ? 0f : MathF.Abs(TensorPrimitives.MaxMagnitude(delta));
        // One scalar for the whole layer, so no weight moves by more than η_k per batch (step 6).
        TensorPrimitives.Divide(delta, maxAbs + 1e-30f, delta);
        int k = Rates.Neurons, fanIn = Rates.FanIn;
        var rates = Rates.Rates;
        for (int kk = 0; kk < k; kk++)
        {
            var wRow = weights.Data.AsSpan(kk * fanIn, fanIn);
            TensorPrimitives.MultiplyAdd(delta.Slice(kk * fanIn, fanIn), rates[kk], wRow, wRow);
        }
        // The rates for the next batch come from the new weights (step 8).
        Rates.Recompute(weights.Span);
        return new HebbianUpdateStats(maxAbs, Rates.MeanRate(), Rates.MeanNorm());
    }

    /// <summary>A (n, c, h, w) tensor over a grow-only array; the wrapper is rebuilt only when the shape changes
    /// (no allocation on the steady per-batch path).</summary>
    internal static Tensor View(ref float[] buffer, Tensor? current, int n, int c, int h, int w)
    {
        if (current is not null && ReferenceEquals(current.Data, buffer) && current.Shape.Length == 4
            && current.Shape[0] == n && current.Shape[1] == c && current.Shape[2] == h && current.Shape[3] == w)
            return current;
        long length = (long)n * c * h * w;
        if (buffer.Length < length) buffer = new float[length];
        return new Tensor(buffer, n, c, h, w);
    }
}
