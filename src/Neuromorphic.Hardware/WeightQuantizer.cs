namespace Neuromorphic.Hardware;

/// <summary>Weights quantised to a chip's precision. <see cref="Levels"/> are the stored signed integers,
/// <see cref="Values"/> = Levels × <see cref="Scale"/> are what the chip computes with.</summary>
public sealed record QuantizedWeights(
    int Bits,
    float Scale,
    int[] Levels,
    float[] Values,
    double MaxAbsError,
    double RmsError,
    double RelativeRmsError);

/// <summary>Symmetric per-layer quantisation with one scale per weight array.</summary>
public static class WeightQuantizer
{
    /// <summary>Quantises <paramref name="weights"/> to <paramref name="bits"/> signed bits.
    /// For bits ≥ 2 the scale is max|w| / (2^(bits−1) − 1) and each weight rounds to the nearest level (ties away
    /// from zero), so no weight moves by more than Scale / 2. One bit has no zero level: each weight becomes ±Scale
    /// with Scale = mean|w|, the scale that minimises the squared error of sign quantisation (Rastegari et al.,
    /// XNOR-Net, 2016); max|w| would push every weight to the extremes. Zero maps to +Scale in that case.</summary>
    public static QuantizedWeights Quantize(ReadOnlySpan<float> weights, int bits)
    {
        if (bits is < 1 or > 31) throw new ArgumentOutOfRangeException(nameof(bits), bits, "Weight precision must be 1..31 bits.");
        double maxAbs = 0, sumAbs = 0;
        foreach (float w in weights)
        {
            if (!float.IsFinite(w)) throw new ArgumentException("Weights must be finite numbers.", nameof(weights));
            double a = Math.Abs((double)w);
            sumAbs += a;
            if (a > maxAbs) maxAbs = a;
        }
        var levels = new int[weights.Length];
        var values = new float[weights.Length];
        float scale;
        if (maxAbs == 0)
        {
            scale = 0;
        }
        else if (bits == 1)
        {
            scale = (float)(sumAbs / weights.Length);
            for (int i = 0; i < weights.Length; i++)
            {
                levels[i] = weights[i] < 0 ? -1 : 1;
                values[i] = levels[i] * scale;
            }
        }
        else
        {
            long qmax = (1L << (bits - 1)) - 1;
            double s = maxAbs / qmax;
            scale = (float)s;
            for (int i = 0; i < weights.Length; i++)
            {
                long q = (long)Math.Round(weights[i] / s, MidpointRounding.AwayFromZero);
                q = Math.Clamp(q, -qmax, qmax);
                levels[i] = (int)q;
                values[i] = (float)(q * s);
            }
        }

        double maxErr = 0, sq = 0, sqRef = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double e = (double)weights[i] - values[i];
            maxErr = Math.Max(maxErr, Math.Abs(e));
            sq += e * e;
            sqRef += (double)weights[i] * weights[i];
        }
        double rms = weights.Length == 0 ? 0 : Math.Sqrt(sq / weights.Length);
        double rel = sqRef == 0 ? 0 : Math.Sqrt(sq / sqRef);
        return new QuantizedWeights(bits, scale, levels, values, maxErr, rms, rel);
    }
}
