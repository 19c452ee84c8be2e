using System.Numerics;
using System.Numerics.Tensors;

namespace Neuromorphic.Tensors;

/// <summary>
/// Non-affine 2-D batch normalisation with PyTorch's semantics (nn.BatchNorm2d(affine=False),
/// track_running_stats=True). Training normalises with the batch mean and biased variance over
/// (N, H, W) and moves the running stats toward the batch's mean and unbiased variance; eval uses
/// the running stats. Statistics are accumulated in double. In-place use (x == y) is allowed.
/// </summary>
public sealed class BatchNorm2d
{
    public int NumFeatures { get; }
    public float Eps { get; }
    public float Momentum { get; }
    /// <summary>Per-channel running mean, initially 0.</summary>
    public float[] RunningMean { get; }
    /// <summary>Per-channel running (unbiased) variance, initially 1.</summary>
    public float[] RunningVar { get; }
    public long NumBatchesTracked { get; set; }

    public BatchNorm2d(int numFeatures, float eps = 1e-5f, float momentum = 0.1f)
    {
        Shapes.Positive(numFeatures, nameof(numFeatures));
        if (!(eps >= 0) || !float.IsFinite(eps))
            throw new ArgumentException($"'{nameof(eps)}' must be a finite number >= 0, but it is {eps}.", nameof(eps));
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentException($"'{nameof(momentum)}' must lie in [0, 1], but it is {momentum}.", nameof(momentum));
        (NumFeatures, Eps, Momentum) = (numFeatures, eps, momentum);
        RunningMean = new float[numFeatures];
        RunningVar = new float[numFeatures];
        ResetRunningStats();
    }

    public void ResetRunningStats()
    {
        Array.Clear(RunningMean);
        Array.Fill(RunningVar, 1f);
        NumBatchesTracked = 0;
    }

    /// <summary>y = (x - mean) / sqrt(var + eps) per channel; x and y are (N, NumFeatures, H, W).</summary>
    public void Forward(Tensor x, Tensor y, bool training)
    {
        var (n, c, h, w) = Shapes.Nchw(x, nameof(x));
        if (c != NumFeatures)
            throw new ArgumentException($"'{nameof(x)}' must have {NumFeatures} channels, but its shape is {Shapes.Format(x.Shape)}.", nameof(x));
        Shapes.Exactly(y, nameof(y), n, c, h, w);
        Shapes.SameOrDisjoint(x, nameof(x), y, nameof(y));
        int plane = h * w;
        long count = (long)n * plane;
        if (training && count <= 1)
            throw new ArgumentException($"Batch norm training needs more than 1 value per channel (as in PyTorch), but '{nameof(x)}' has shape {Shapes.Format(x.Shape)}.", nameof(x));
        if (count == 0) return;

        for (int ch = 0; ch < c; ch++)
        {
            double mean, variance;
            if (training)
            {
                // Two passes in double: the mean, then squared deviations from it (no cancellation).
                double sum = 0;
                for (int i = 0; i < n; i++) sum += SumDouble(Plane(x, i, ch, plane));
                mean = sum / count;
                double squares = 0;
                for (int i = 0; i < n; i++) squares += SquaredDeviationsDouble(Plane(x, i, ch, plane), mean);
                variance = squares / count; // biased: used to normalise
                double unbiased = squares / (count - 1);
                double m = Momentum;
                RunningMean[ch] = (float)((1 - m) * RunningMean[ch] + m * mean);
                RunningVar[ch] = (float)((1 - m) * RunningVar[ch] + m * unbiased);
            }
            else
            {
                mean = RunningMean[ch];
                variance = RunningVar[ch];
            }
            float meanF = (float)mean;
            float invStd = (float)(1.0 / Math.Sqrt(variance + Eps));
            for (int i = 0; i < n; i++)
            {
                var dst = y.Data.AsSpan((i * c + ch) * plane, plane);
                TensorPrimitives.Subtract(Plane(x, i, ch, plane), meanF, dst);
                TensorPrimitives.Multiply(dst, invStd, dst);
            }
        }
        if (training) NumBatchesTracked++;
    }

    static ReadOnlySpan<float> Plane(Tensor t, int n, int ch, int plane) => t.Data.AsSpan((n * t.Shape[1] + ch) * plane, plane);

    /// <summary>Sum of floats accumulated in double lanes (fixed lane order: deterministic).</summary>
    static double SumDouble(ReadOnlySpan<float> values)
    {
        int i = 0;
        var acc = Vector<double>.Zero;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector.Widen(new Vector<float>(values.Slice(i)), out var lo, out var hi);
            acc += lo + hi;
        }
        double sum = Vector.Sum(acc);
        for (; i < values.Length; i++) sum += values[i];
        return sum;
    }

    static double SquaredDeviationsDouble(ReadOnlySpan<float> values, double mean)
    {
        int i = 0;
        var acc = Vector<double>.Zero;
        var m = new Vector<double>(mean);
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector.Widen(new Vector<float>(values.Slice(i)), out var lo, out var hi);
            lo -= m; hi -= m;
            acc += lo * lo + hi * hi;
        }
        double sum = Vector.Sum(acc);
        for (; i < values.Length; i++) { double d = values[i] - mean; sum += d * d; }
        return sum;
    }
}
