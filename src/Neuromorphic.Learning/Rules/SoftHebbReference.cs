using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>
/// The SoftHebb plasticity rule and its adaptive learning rate (docs/softhebb-spec.md §2), stated once as plain loops in
/// double precision: written to be read next to the spec, not to be fast. It allocates, runs on one thread and visits
/// every patch of every image. The fast code (the <see cref="IWtaRule"/> implementations for spec §2 steps 1–2,
/// <see cref="HebbianPlasticity"/> for steps 3–8 and <see cref="AdaptiveLearningRate"/> for step 8) is tested against it.
/// A linear layer is the same rule on 1x1 images with a 1x1 kernel (spec §5 MNIST), so <see cref="Step"/> covers both.
/// </summary>
public static class SoftHebbReference
{
    /// <summary>
    /// Spec §2 step 8: η = lr · (|‖W_k‖₂ − 1| + 1e-10)^power. The target norm is 1, so a neuron whose filter reaches unit
    /// length stops learning ("freezes").
    /// </summary>
    public static double LearningRate(double norm, double learningRate, double power)
        => learningRate * Math.Pow(Math.Abs(norm - 1) + 1e-10, power);

    /// <summary>‖W_k‖₂ over the flattened filter of one neuron (C_in·k·k values; spec §2 step 8).</summary>
    public static double Norm(ReadOnlySpan<float> row)
    {
        double sum = 0;
        foreach (float v in row) sum += (double)v * v;
        return Math.Sqrt(sum);
    }

    /// <summary>Spec §2 step 8 for a whole layer: the norm and η of every neuron, weights laid out (K, fanIn) row-major.</summary>
    public static AdaptiveRates LearningRates(ReadOnlySpan<float> weights, int neurons, double learningRate, double power)
    {
        if (neurons < 1 || weights.Length % neurons != 0)
            throw new ArgumentException($"'{nameof(weights)}' must hold {neurons} rows of equal length, but it holds {weights.Length} values.", nameof(weights));
        int fanIn = weights.Length / neurons;
        var norms = new double[neurons];
        var rates = new double[neurons];
        for (int k = 0; k < neurons; k++)
        {
            norms[k] = Norm(weights.Slice(k * fanIn, fanIn));
            rates[k] = LearningRate(norms[k], learningRate, power);
        }
        return new AdaptiveRates(norms, rates);
    }

    /// <summary>
    /// Triangle with power 1 over the K channels of one position: max(0, u_k − mean_j u_j). With the pre-triangle flag
    /// (e1, spec §1) the rule sees Triangle(u) instead of u, in the decay term of step 4 too.
    /// </summary>
    public static double[] Triangle(IReadOnlyList<double> u)
    {
        double mean = 0;
        for (int k = 0; k < u.Count; k++) mean += u[k];
        mean /= u.Count;
        var result = new double[u.Count];
        for (int k = 0; k < u.Count; k++) result[k] = Math.Max(0, u[k] - mean);
        return result;
    }

    /// <summary>
    /// Spec §2 steps 1–2 at one position: the post-synaptic factors y of the K neurons from their pre-activations u.
    /// Step 1: s_k = softmax_k(t·u_k). Step 2, by rule: "soft" y = s; "softkrotov" y = +s at the winner
    /// k* = argmax_k u_k and −s elsewhere; "hard" y = 1 at the winner and 0 elsewhere (the temperature plays no part).
    /// Ties go to the lowest index.
    /// </summary>
    public static double[] PostsynapticFactors(IReadOnlyList<double> u, double inverseTemperature, string rule)
    {
        int count = u.Count;
        int winner = 0;
        for (int k = 1; k < count; k++)
            if (u[k] > u[winner]) winner = k;

        // Step 1: the softmax, written as exp(t·u_k − max_j t·u_j) / Σ_j exp(t·u_j − max_j t·u_j) (the same value, no overflow).
        double maxScaled = double.NegativeInfinity;
        for (int k = 0; k < count; k++) maxScaled = Math.Max(maxScaled, inverseTemperature * u[k]);
        var s = new double[count];
        double sum = 0;
        for (int k = 0; k < count; k++) sum += s[k] = Math.Exp(inverseTemperature * u[k] - maxScaled);
        for (int k = 0; k < count; k++) s[k] /= sum;

        // Step 2: the sign (or the hard code) of every neuron.
        var y = new double[count];
        for (int k = 0; k < count; k++)
        {
            y[k] = rule switch
            {
                "soft" => s[k],
                "softkrotov" => k == winner ? s[k] : -s[k],
                "hard" => k == winner ? 1 : 0,
                _ => throw new ArgumentException($"Unknown plasticity rule '{rule}'; expected one of {string.Join(", ", WtaRules.Names)}.", nameof(rule)),
            };
        }
        return y;
    }

    /// <summary>
    /// One plasticity step of a layer on one mini-batch, spec §2 steps 1–8.
    /// <paramref name="paddedInput"/> is the (N, C, H + 2p, W + 2p) block input, already BN-normalised and padded
    /// (spec §1 steps 1–2); <paramref name="weights"/> are (K, C, k, k) row-major. The convolution has stride 1 and
    /// no bias (spec §1 step 3). The rates η_k of the step come from the weights the step starts from.
    /// </summary>
    public static ReferenceStep Step(Tensor paddedInput, ReadOnlySpan<float> weights, int neurons, int kernelSize, string rule,
        double inverseTemperature, bool preTriangle, double learningRate, double power)
    {
        ArgumentNullException.ThrowIfNull(paddedInput);
        var (n, c, hp, wp) = paddedInput.Nchw;
        int k = kernelSize, fanIn = c * k * k, outH = hp - k + 1, outW = wp - k + 1;
        if (weights.Length != neurons * fanIn)
            throw new ArgumentException($"'{nameof(weights)}' must hold {neurons}x{c}x{k}x{k} values, but it holds {weights.Length}.", nameof(weights));
        float[] w = weights.ToArray();
        var before = LearningRates(w, neurons, learningRate, power); // step 8 of the previous step (or the construction)

        var u = new double[(long)n * neurons * outH * outW];
        var delta = new double[neurons * fanIn];
        var decay = new double[neurons];
        var patch = new double[fanIn];
        var uAtPosition = new double[neurons];
        for (int image = 0; image < n; image++)
            for (int h = 0; h < outH; h++)
                for (int x = 0; x < outW; x++)
                {
                    // The input patch under the kernel at (h, x), flattened as (c, a, b).
                    for (int ch = 0; ch < c; ch++)
                        for (int a = 0; a < k; a++)
                            for (int b = 0; b < k; b++)
                                patch[(ch * k + a) * k + b] = paddedInput[image, ch, h + a, x + b];
                    // u_k = <W_k, x_patch> (spec §1 step 3).
                    for (int kk = 0; kk < neurons; kk++)
                    {
                        double dot = 0;
                        for (int i = 0; i < fanIn; i++) dot += w[kk * fanIn + i] * patch[i];
                        uAtPosition[kk] = dot;
                        u[((long)(image * neurons + kk) * outH + h) * outW + x] = dot;
                    }
                    var uRule = preTriangle ? Triangle(uAtPosition) : uAtPosition;
                    var y = PostsynapticFactors(uRule, inverseTemperature, rule); // steps 1–2
                    for (int kk = 0; kk < neurons; kk++)
                    {
                        // Steps 3–5, summed over the batch and every patch: ΔW_k += y_k·x_patch − y_k·u_k·W_k
                        // (the YX term, and the YU term times the weights the step started from).
                        decay[kk] += y[kk] * uRule[kk];
                        for (int i = 0; i < fanIn; i++) delta[kk * fanIn + i] += y[kk] * (patch[i] - uRule[kk] * w[kk * fanIn + i]);
                    }
                }

        // Step 6: one scalar for the whole layer, so every element of ΔW lies in [−1, 1].
        double maxAbs = 0;
        foreach (double d in delta) maxAbs = Math.Max(maxAbs, Math.Abs(d));
        var normalized = new double[delta.Length];
        for (int i = 0; i < delta.Length; i++) normalized[i] = delta[i] / (maxAbs + 1e-30);

        // Step 7: W_k += η_k·ΔW_k, every neuron.
        var after = new float[w.Length];
        for (int i = 0; i < w.Length; i++) after[i] = (float)(w[i] + before.Rates[i / fanIn] * normalized[i]);

        // Step 8: the rates of the next step come from the new weights.
        return new ReferenceStep(u, decay, delta, maxAbs, normalized, before, after, LearningRates(after, neurons, learningRate, power));
    }
}

/// <summary>The norm ‖W_k‖₂ and the rate η_k of every neuron (spec §2 step 8).</summary>
public sealed record AdaptiveRates(double[] Norms, double[] Rates);

/// <summary>What <see cref="SoftHebbReference.Step"/> computed, in the order of spec §2.</summary>
/// <param name="PreActivations">u, (N, K, H', W') row-major.</param>
/// <param name="DecayTerm">YU_k = Σ y_k·u_k over the batch and every position (step 4).</param>
/// <param name="RawDelta">ΔW = YX − YU·W before the normalisation (step 5), (K, fanIn).</param>
/// <param name="MaxAbsDelta">max |ΔW| over the whole layer (step 6).</param>
/// <param name="Delta">ΔW / (max |ΔW| + 1e-30) (step 6).</param>
/// <param name="RatesBefore">Norms and η the step used (step 8 of the previous step).</param>
/// <param name="Weights">W + η·ΔW (step 7).</param>
/// <param name="RatesAfter">Norms and η from the new weights, for the next step (step 8).</param>
public sealed record ReferenceStep(double[] PreActivations, double[] DecayTerm, double[] RawDelta, double MaxAbsDelta, double[] Delta,
    AdaptiveRates RatesBefore, float[] Weights, AdaptiveRates RatesAfter);
