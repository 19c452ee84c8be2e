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

        return Measured(weights, bits, scale, levels, values);
    }

    /// <summary>Weights as a chip with typed axons holds them (<see cref="AxonTypeWeights"/>, TrueNorth): each row is one
    /// neuron's weights, and each input reaches the neuron through its positive axon, its negative axon or not at all,
    /// so the row becomes +a, −b or 0 with a and b the neuron's own values (<see cref="AxonTypeWeights.WeightBits"/>-bit
    /// signed integers on one scale per neuron). For each sign, keeping the k largest magnitudes at their mean leaves the
    /// squared error Σw² − S_k²/k (S_k their sum), so the k that maximises S_k²/k is the best such row; the two signs are
    /// independent. <see cref="QuantizedWeights.Levels"/> are −1, 0, +1 (the axon used), <see cref="QuantizedWeights.Scale"/>
    /// the largest value of any neuron.</summary>
    public static QuantizedWeights QuantizeAxonTypes(ReadOnlySpan<float> weights, int rows, AxonTypeWeights axons)
    {
        if (rows < 1 || weights.Length % rows != 0)
            throw new ArgumentException($"{weights.Length} weights do not make {rows} rows.", nameof(rows));
        int width = weights.Length / rows;
        var levels = new int[weights.Length];
        var values = new float[weights.Length];
        long qmax = (1L << (axons.WeightBits - 1)) - 1;
        double largest = 0;
        var magnitudes = new List<(double Magnitude, int Index)>(width);
        for (int r = 0; r < rows; r++)
        {
            var row = weights.Slice(r * width, width);
            double plus = KeepLargest(row, +1, levels.AsSpan(r * width, width), magnitudes);
            double minus = KeepLargest(row, -1, levels.AsSpan(r * width, width), magnitudes);
            // The neuron's two values share its scale: the larger is exact, the other rounds to the nearest step.
            double step = Math.Max(plus, minus) / qmax;
            if (step > 0) (plus, minus) = (Math.Round(plus / step) * step, Math.Round(minus / step) * step);
            largest = Math.Max(largest, Math.Max(plus, minus));
            for (int i = 0; i < width; i++)
            {
                int l = levels[r * width + i];
                values[r * width + i] = (float)(l > 0 ? plus : l < 0 ? -minus : 0);
            }
        }
        return Measured(weights, 1, (float)largest, levels, values);
    }

    /// <summary>Marks the best k weights of one sign in <paramref name="levels"/> and returns their mean magnitude (0: none).</summary>
    static double KeepLargest(ReadOnlySpan<float> row, int sign, Span<int> levels, List<(double Magnitude, int Index)> magnitudes)
    {
        magnitudes.Clear();
        for (int i = 0; i < row.Length; i++)
            if (row[i] * sign > 0) magnitudes.Add((row[i] * (double)sign, i));
        magnitudes.Sort((a, b) => b.Magnitude.CompareTo(a.Magnitude));
        double sum = 0, best = 0;
        int keep = 0;
        for (int k = 1; k <= magnitudes.Count; k++)
        {
            sum += magnitudes[k - 1].Magnitude;
            if (sum * sum / k > best) (best, keep) = (sum * sum / k, k);
        }
        double kept = 0;
        for (int k = 0; k < keep; k++)
        {
            levels[magnitudes[k].Index] = sign;
            kept += magnitudes[k].Magnitude;
        }
        return keep == 0 ? 0 : kept / keep;
    }

    static QuantizedWeights Measured(ReadOnlySpan<float> weights, int bits, float scale, int[] levels, float[] values)
    {
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
