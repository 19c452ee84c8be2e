using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Neuromorphic.Learning;

/// <summary>
/// SoftHebb's norm-dependent per-neuron learning rate (spec §2 step 8):
/// η_k = lr · (|‖W_k‖₂ − 1| + 1e-10)^power. The target norm is hard-coded to 1, so a neuron
/// "freezes" as its filter approaches unit length. Recompute after every update (and at
/// construction): the step for batch t uses the norms left by step t−1.
/// </summary>
public sealed class AdaptiveLearningRate
{
    readonly float[] _rates;
    readonly float[] _norms;

    public AdaptiveLearningRate(int neurons, int fanIn, float learningRate, float power)
    {
        if (neurons < 1) throw new ArgumentException($"'{nameof(neurons)}' must be >= 1, but it is {neurons}.", nameof(neurons));
        if (fanIn < 1) throw new ArgumentException($"'{nameof(fanIn)}' must be >= 1, but it is {fanIn}.", nameof(fanIn));
        if (!(learningRate >= 0) || !float.IsFinite(learningRate))
            throw new ArgumentException($"'{nameof(learningRate)}' must be a finite number >= 0, but it is {learningRate}.", nameof(learningRate));
        if (!float.IsFinite(power))
            throw new ArgumentException($"'{nameof(power)}' must be finite, but it is {power}.", nameof(power));
        (Neurons, FanIn, LearningRate, Power) = (neurons, fanIn, learningRate, power);
        _rates = new float[neurons];
        _norms = new float[neurons];
    }

    public int Neurons { get; }
    public int FanIn { get; }
    public float LearningRate { get; }
    public float Power { get; }

    /// <summary>η_k for every neuron, as of the last <see cref="Recompute"/>.</summary>
    public ReadOnlySpan<float> Rates => _rates;
    /// <summary>‖W_k‖₂ of every neuron, as of the last <see cref="Recompute"/>.</summary>
    public ReadOnlySpan<float> Norms => _norms;

    /// <summary>The formula for one norm.</summary>
    public static float RateFor(float norm, float learningRate, float power)
        => (float)(learningRate * Math.Pow(Math.Abs(norm - 1.0) + 1e-10, power));

    /// <summary>Recomputes norms and rates from weights laid out (Neurons, FanIn) row-major.</summary>
    public void Recompute(ReadOnlySpan<float> weights)
    {
        if (weights.Length < Neurons * FanIn)
            throw new ArgumentException($"'{nameof(weights)}' must hold {Neurons}x{FanIn} values, but it holds {weights.Length}.", nameof(weights));
        for (int k = 0; k < Neurons; k++) Recompute(k, weights.Slice(k * FanIn, FanIn));
    }

    /// <summary>Recomputes neuron <paramref name="neuron"/>'s norm and rate from its weight row. Neurons are
    /// independent, so different neurons may be recomputed from different threads.</summary>
    public void Recompute(int neuron, ReadOnlySpan<float> row)
    {
        float norm = (float)Math.Sqrt(SumOfSquares(row));
        _norms[neuron] = norm;
        _rates[neuron] = RateFor(norm, LearningRate, Power);
    }

    /// <summary>Σ v² accumulated in double (vectorised: 16 double lanes, then a fixed-order reduction, so deterministic).</summary>
    internal static double SumOfSquares(ReadOnlySpan<float> row)
    {
        int i = 0;
        double sum = 0;
        if (Vector512.IsHardwareAccelerated && row.Length >= 16)
        {
            var acc0 = Vector512<double>.Zero;
            var acc1 = Vector512<double>.Zero;
            ref float p = ref MemoryMarshal.GetReference(row);
            for (; i <= row.Length - 16; i += 16)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref p, (nuint)i));
                acc0 = Vector512.FusedMultiplyAdd(lo, lo, acc0);
                acc1 = Vector512.FusedMultiplyAdd(hi, hi, acc1);
            }
            sum = Vector512.Sum(acc0 + acc1);
        }
        for (; i < row.Length; i++) sum += (double)row[i] * row[i];
        return sum;
    }

    public float MeanRate() => Mean(_rates);
    public float MeanNorm() => Mean(_norms);

    static float Mean(float[] values)
    {
        double s = 0;
        foreach (float v in values) s += v;
        return (float)(s / values.Length);
    }
}
