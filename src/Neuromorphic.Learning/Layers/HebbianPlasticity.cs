using System.Numerics.Tensors;
using Neuromorphic.Tensors;
using Neuromorphic.Tensors.Gemm;

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
    readonly float[] _panelMax = new float[UpdatePanels];
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

    /// <summary>The last ΔW: raw after <see cref="Correlate"/>, normalised (max |ΔW| = 1) after <see cref="ApplyUpdate"/>.</summary>
    public Tensor Delta => _delta;
    /// <summary>The post-synaptic factors y of the last step (valid until the next call).</summary>
    public Tensor? Factors => _yTensor;
    /// <summary>YU of the last step, one value per neuron.</summary>
    public ReadOnlySpan<float> DecayTerm => _yu;

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
    /// padded input patches, into ΔW. Reuses the workspace's columns when they are x's.</summary>
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

    /// <summary>One full plasticity step: y, YX, then <see cref="ApplyUpdate"/> (spec §2 steps 1–8). With
    /// <paramref name="stages"/>, the time of each of the three is added to the rule, correlation and update stages.</summary>
    public HebbianUpdateStats Step(Tensor x, Tensor u, Tensor weights, int padding, PaddingMode mode, Conv2dWorkspace workspace,
        StageTimes? stages = null)
    {
        long clock = StageTimes.Start();
        var uRule = ComputeFactors(u);
        clock = stages?.Lap(LayerStage.Rule, clock) ?? clock;
        Correlate(x, weights, padding, mode, workspace);
        clock = stages?.Lap(LayerStage.Correlation, clock) ?? clock;
        var result = ApplyUpdate(uRule, weights);
        stages?.Lap(LayerStage.Update, clock);
        return result;
    }

    /// <summary>
    /// Stages 3–4 (spec §2 steps 4–8), neuron row by neuron row, in two passes over the weights instead of one per step:
    /// pass 1: YU[k] = Σ y_k·u_k, ΔW[k] = YX[k] − YU[k]·W[k], and max |ΔW| of the row while it is in cache;
    /// pass 2: ΔW[k] /= max |ΔW| + 1e-30 (one scalar for the whole layer, so no weight moves by more than η_k per
    /// batch), W[k] += η_k·ΔW[k], and the new η_k from the row just written.
    /// Each pass is cut into fixed row panels that run on the shared thread budget (see <see cref="Sgemm.RunPanels"/>).
    /// </summary>
    public HebbianUpdateStats ApplyUpdate(Tensor uRule, Tensor weights)
    {
        var y = _yTensor ?? throw new InvalidOperationException($"Call {nameof(ComputeFactors)} first.");
        int k = uRule.Shape[1];
        ChannelDot.Compute(y, uRule, _yu);
        int fanIn = weights.Length / k;
        int panels = Math.Min(k, Math.Max(1, (int)Math.Min(UpdatePanels, (long)k * fanIn / MinPanelWeights)));
        var panelMax = _panelMax;
        var w = weights.Data;
        var d = _delta.Data;
        var yu = _yu;
        Sgemm.RunPanels(panels, p =>
        {
            float max = 0;
            for (int kk = k * p / panels; kk < k * (p + 1) / panels; kk++)
            {
                var row = d.AsSpan(kk * fanIn, fanIn);
                TensorPrimitives.MultiplyAdd(w.AsSpan(kk * fanIn, fanIn), -yu[kk], row, row);
                max = MathF.Max(max, MathF.Abs(TensorPrimitives.MaxMagnitude(row))); // MathF.Max keeps a NaN
            }
            panelMax[p] = max;
        });
        float maxAbs = 0;
        for (int p = 0; p < panels; p++) maxAbs = MathF.Max(maxAbs, panelMax[p]);

        float divisor = maxAbs + 1e-30f;
        var rates = Rates;
        Sgemm.RunPanels(panels, p =>
        {
            for (int kk = k * p / panels; kk < k * (p + 1) / panels; kk++)
            {
                var row = d.AsSpan(kk * fanIn, fanIn);
                var wRow = w.AsSpan(kk * fanIn, fanIn);
                TensorPrimitives.Divide(row, divisor, row);
                TensorPrimitives.MultiplyAdd(row, rates.Rates[kk], wRow, wRow);
                rates.Recompute(kk, wRow); // the rates for the next batch come from the new weights (step 8)
            }
        });
        return new HebbianUpdateStats(maxAbs, Rates.MeanRate(), Rates.MeanNorm());
    }

    /// <summary>Row panels of the update: fixed by the shape (never by the thread count), so results are too.</summary>
    const int UpdatePanels = 8;
    /// <summary>Below this many weights per panel, splitting costs more than it saves.</summary>
    const long MinPanelWeights = 1 << 16;

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
