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
    /// the largest value of any neuron.
    /// With <paramref name="inputMoments"/>, E[x·xᵀ] of the rows' inputs (width × width, row-major), each row then moves
    /// to the one whose responses w·x are nearest on those inputs: coordinate descent on (w − q)ᵀ·M·(w − q) from the row
    /// above, each input's axon in turn, then the best a, b ≥ 0 for those axons, until no axon changes; no step raises
    /// the error. Nearest weights are not nearest responses: on the first layer of CIFAR-10's cifar10-1layer, whose
    /// 5 × 5 × 3 patches are strongly correlated, they miss the responses by 93 % (RMS, relative), these by 40 %.</summary>
    public static QuantizedWeights QuantizeAxonTypes(ReadOnlySpan<float> weights, int rows, AxonTypeWeights axons, double[]? inputMoments = null)
    {
        if (rows < 1 || weights.Length % rows != 0)
            throw new ArgumentException($"{weights.Length} weights do not make {rows} rows.", nameof(rows));
        int width = weights.Length / rows;
        if (inputMoments is not null && inputMoments.Length != (long)width * width)
            throw new ArgumentException($"The input moments hold {inputMoments.Length} values; rows of {width} weights need {width} x {width}.", nameof(inputMoments));
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
            if (inputMoments is not null) (plus, minus) = NearestResponses(row, levels.AsSpan(r * width, width), plus, minus, inputMoments);
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

    /// <summary>Refines one row's axons (<paramref name="levels"/>) and values a, b to lower (w − q)ᵀ·M·(w − q), the mean
    /// squared error of its responses on inputs whose second moments are <paramref name="m"/>. Returns the new a, b.</summary>
    static (double Plus, double Minus) NearestResponses(ReadOnlySpan<float> w, Span<int> levels, double plus, double minus, double[] m)
    {
        int n = w.Length;
        var q = new double[n];
        var r = new double[n]; // M·(w − q)
        const int MaxSweeps = 20; // a sweep costs n² (each moved axon updates the residual); most rows settle in a few
        Residual(w, levels, plus, minus, m, q, r);
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            bool moved = false;
            for (int i = 0; i < n; i++)
            {
                // Moving q_i by d changes the error by −2·d·r_i + d²·M_ii.
                int best = levels[i];
                double bestChange = 0;
                for (int level = -1; level <= 1; level++)
                {
                    double d = (level > 0 ? plus : level < 0 ? -minus : 0) - q[i];
                    double change = -2 * d * r[i] + d * d * m[i * n + i];
                    if (change < bestChange - 1e-12 * Math.Abs(bestChange)) (bestChange, best) = (change, level);
                }
                if (best == levels[i]) continue;
                double step = (best > 0 ? plus : best < 0 ? -minus : 0) - q[i];
                for (int k = 0; k < n; k++) r[k] -= step * m[k * n + i];
                q[i] += step;
                levels[i] = best;
                moved = true;
            }
            (plus, minus) = BestValues(w, levels, m, plus, minus);
            Residual(w, levels, plus, minus, m, q, r);
            if (!moved) break;
        }
        // An axon whose value came out 0 holds no synapse.
        for (int i = 0; i < n; i++)
            if ((levels[i] > 0 && plus == 0) || (levels[i] < 0 && minus == 0)) levels[i] = 0;
        return (plus, minus);
    }

    // The row's values q and its residual r = M·(w − q).
    static void Residual(ReadOnlySpan<float> w, ReadOnlySpan<int> levels, double plus, double minus, double[] m, double[] q, double[] r)
    {
        int n = w.Length;
        for (int i = 0; i < n; i++) q[i] = levels[i] > 0 ? plus : levels[i] < 0 ? -minus : 0;
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < n; j++) sum += m[i * n + j] * (w[j] - q[j]);
            r[i] = sum;
        }
    }

    // The a, b ≥ 0 that minimise the response error for these axons: the 2 x 2 normal equations, or where they give a
    // negative value the best on that edge; the current pair is kept if none of these does better.
    static (double Plus, double Minus) BestValues(ReadOnlySpan<float> w, ReadOnlySpan<int> levels, double[] m, double plus, double minus)
    {
        int n = w.Length;
        double pp = 0, mm = 0, pm = 0, pw = 0, mw = 0; // P·M·P, N·M·N, P·M·N, P·M·w, N·M·w (P, N: the + and − axons' indicators)
        for (int i = 0; i < n; i++)
        {
            if (levels[i] == 0) continue;
            double mwi = 0, mp = 0, mn = 0;
            for (int j = 0; j < n; j++)
            {
                double v = m[i * n + j];
                mwi += v * w[j];
                if (levels[j] > 0) mp += v; else if (levels[j] < 0) mn += v;
            }
            if (levels[i] > 0) (pp, pm, pw) = (pp + mp, pm + mn, pw + mwi);
            else (mm, mw) = (mm + mn, mw + mwi);
        }
        // Error up to a constant: −2a·pw + 2b·mw + a²·pp − 2ab·pm + b²·mm.
        double Error(double a, double b) => -2 * a * pw + 2 * b * mw + a * a * pp - 2 * a * b * pm + b * b * mm;
        var candidates = new List<(double, double)> { (plus, minus) };
        double det = pp * mm - pm * pm;
        if (det > 0) candidates.Add(((pw * mm - pm * mw) / det, (pm * pw - pp * mw) / det));
        candidates.Add((pp > 0 ? pw / pp : 0, 0));
        candidates.Add((0, mm > 0 ? -mw / mm : 0));
        var best = (plus, minus);
        double lowest = Error(plus, minus);
        foreach (var (a, b) in candidates)
            if (a >= 0 && b >= 0 && double.IsFinite(a) && double.IsFinite(b) && Error(a, b) < lowest) (best, lowest) = ((a, b), Error(a, b));
        return best;
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
