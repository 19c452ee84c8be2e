using Neuromorphic.Hardware;

namespace Neuromorphic.Hardware.Tests;

public class QuantizerTests
{
    [Fact]
    public void Known_values_at_3_bits()
    {
        // qmax = 3, scale = 1.5 / 3 = 0.5: 1.5 -> 3, -0.74 -> -1 (−1.48 rounds to −1), 0.25 -> 1 (0.5 ties away), 0 -> 0.
        var q = WeightQuantizer.Quantize([1.5f, -0.74f, 0.25f, 0f], 3);
        Assert.Equal(0.5f, q.Scale);
        Assert.Equal([3, -1, 1, 0], q.Levels);
        Assert.Equal([1.5f, -0.5f, 0.5f, 0f], q.Values);
        Assert.Equal(0.25, q.MaxAbsError, 6);
    }

    [Fact]
    public void Error_never_exceeds_half_a_step()
    {
        var rng = new Random(7);
        var w = Enumerable.Range(0, 5000).Select(_ => (float)(rng.NextDouble() * 2 - 1) * 0.3f).ToArray();
        foreach (int bits in new[] { 2, 4, 8, 16 })
        {
            var q = WeightQuantizer.Quantize(w, bits);
            Assert.True(q.MaxAbsError <= q.Scale / 2 * (1 + 1e-5), $"{bits} bits: {q.MaxAbsError} > {q.Scale / 2}");
            Assert.All(q.Levels, l => Assert.InRange(l, -((1 << (bits - 1)) - 1), (1 << (bits - 1)) - 1));
        }
        Assert.True(WeightQuantizer.Quantize(w, 8).RmsError < WeightQuantizer.Quantize(w, 4).RmsError);
    }

    [Fact]
    public void Eight_bits_keeps_the_extremes_exactly()
    {
        var q = WeightQuantizer.Quantize([-2f, 2f, 0.5f], 8);
        Assert.Equal([-127, 127, 32], q.Levels); // 0.5 / (2/127) = 31.75 -> 32
        Assert.Equal(-2f, q.Values[0]);
        Assert.Equal(2f, q.Values[1]);
    }

    [Fact]
    public void One_bit_is_sign_times_mean_magnitude()
    {
        var q = WeightQuantizer.Quantize([0.5f, -1.5f, 0f, 1f], 1);
        Assert.Equal(0.75f, q.Scale); // mean |w| = 3 / 4
        Assert.Equal([1, -1, 1, 1], q.Levels);
        Assert.Equal([0.75f, -0.75f, 0.75f, 0.75f], q.Values);
    }

    [Fact]
    public void Edge_cases()
    {
        var zero = WeightQuantizer.Quantize([0f, 0f], 4);
        Assert.Equal((0f, 0.0), (zero.Scale, zero.MaxAbsError));
        Assert.Empty(WeightQuantizer.Quantize([], 8).Values);
        Assert.Throws<ArgumentOutOfRangeException>(() => WeightQuantizer.Quantize([1f], 0));
        Assert.Throws<ArgumentException>(() => WeightQuantizer.Quantize([float.NaN], 8));
    }

    [Fact]
    public void Typed_axons_give_each_neuron_its_own_plus_a_minus_b_or_zero()
    {
        // Row 0: positives 3, 1, 0.1 keep k = 1 (S²/k = 9, then 16/2 = 8, 16.81/3 = 5.6): a = 3; negatives: b = 2, which the
        // 9-bit scale 3/255 holds exactly (170 steps). Row 1: k = 3 (9/3 = 3 beats 1 and 4/2): a = 1; b = 0.5 is 127.5 steps
        // of 1/255, rounded to 128 (to even).
        var q = WeightQuantizer.QuantizeAxonTypes([3f, 1f, -2f, 0.1f, 1f, 1f, 1f, -0.5f], rows: 2, new AxonTypeWeights(4, 9));
        Assert.Equal([1, 0, -1, 0, 1, 1, 1, -1], q.Levels);
        Assert.Equal([3f, 0f, -2f, 0f, 1f, 1f, 1f, -(float)(128.0 / 255)], q.Values);
        Assert.Equal(3f, q.Scale);
    }

    [Fact]
    public void Typed_axons_find_the_best_plus_minus_zero_row_that_brute_force_finds()
    {
        // Every one of the 3^8 ways to send 8 inputs through the + axon, the - axon or none, each with the best a and b
        // for it (the means of the kept magnitudes): the smallest squared error must be the quantiser's.
        var rng = new Random(11);
        for (int trial = 0; trial < 20; trial++)
        {
            var w = Enumerable.Range(0, 8).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            double best = double.MaxValue;
            for (int code = 0; code < 6561; code++)
            {
                var use = new int[8];
                for (int i = 0, c = code; i < 8; i++, c /= 3) use[i] = c % 3 - 1;
                double Mean(int sign) => use.Select((u, i) => (u, m: (double)w[i] * sign)).Where(p => p.u == sign).Select(p => p.m).DefaultIfEmpty(0).Average();
                double a = Mean(+1), b = Mean(-1);
                best = Math.Min(best, w.Select((x, i) => Math.Pow(x - (use[i] > 0 ? a : use[i] < 0 ? -b : 0), 2)).Sum());
            }
            var q = WeightQuantizer.QuantizeAxonTypes(w, rows: 1, new AxonTypeWeights(4, 32)); // 32-bit values: no rounding to speak of
            Assert.Equal(best, q.RmsError * q.RmsError * 8, 6);
        }
    }

    [Fact]
    public void Typed_axons_given_correlated_inputs_take_the_row_whose_responses_are_nearest()
    {
        // Three inputs that always carry the same value z (E[z²] = 1, so every second moment is 1): w = (1, 0.2, −0.9)
        // responds 0.3·z. The nearest weights (a = 1 alone, b = 0.9 alone) respond 0.1·z, an error of 0.2² = 0.04 a
        // sample; a = 0.3 on the first input alone responds exactly.
        float[] w = [1f, 0.2f, -0.9f];
        var moments = Enumerable.Repeat(1.0, 9).ToArray();
        var axons = new AxonTypeWeights(4, 32);

        var nearest = WeightQuantizer.QuantizeAxonTypes(w, rows: 1, axons);
        var responses = WeightQuantizer.QuantizeAxonTypes(w, rows: 1, axons, moments);

        Assert.Equal([1, 0, -1], nearest.Levels);
        Assert.Equal(0.04, Math.Pow(0.3 - nearest.Values.Sum(), 2), 6);
        Assert.Equal([1, 0, 0], responses.Levels);
        Assert.Equal(0.3, responses.Values[0], 6);
        Assert.Equal(0.0, Math.Pow(0.3 - responses.Values.Sum(), 2), 9);
    }

    [Fact]
    public void Typed_axons_never_answer_samples_worse_than_the_nearest_weights_do_and_keep_them_on_uncorrelated_inputs()
    {
        var rng = new Random(5);
        const int width = 12, samples = 400;
        for (int trial = 0; trial < 10; trial++)
        {
            // Inputs mixed from a few sources, so they are correlated, and their second moments.
            var mix = Enumerable.Range(0, width * 3).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            var x = new double[samples][];
            for (int s = 0; s < samples; s++)
            {
                var z = Enumerable.Range(0, 3).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
                x[s] = Enumerable.Range(0, width).Select(i => mix[i * 3] * z[0] + mix[i * 3 + 1] * z[1] + mix[i * 3 + 2] * z[2] + 0.05 * (rng.NextDouble() - 0.5)).ToArray();
            }
            var moments = new double[width * width];
            foreach (var v in x)
                for (int i = 0; i < width; i++)
                    for (int j = 0; j < width; j++) moments[i * width + j] += v[i] * v[j] / samples;
            var w = Enumerable.Range(0, width).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            double Error(float[] q) => x.Average(v => Math.Pow(Enumerable.Range(0, width).Sum(i => (w[i] - q[i]) * v[i]), 2));

            double nearest = Error(WeightQuantizer.QuantizeAxonTypes(w, rows: 1, new AxonTypeWeights(4, 32)).Values);
            double responses = Error(WeightQuantizer.QuantizeAxonTypes(w, rows: 1, new AxonTypeWeights(4, 32), moments).Values);

            Assert.True(responses <= nearest * (1 + 1e-9), $"trial {trial}: {responses} against {nearest}");
        }
        // Uncorrelated inputs of equal power: the nearest weights are the nearest responses, and stay.
        var row = Enumerable.Range(0, width).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var identity = Enumerable.Range(0, width * width).Select(k => k / width == k % width ? 1.0 : 0.0).ToArray();
        Assert.Equal(WeightQuantizer.QuantizeAxonTypes(row, 1, new AxonTypeWeights(4, 9)).Values,
            WeightQuantizer.QuantizeAxonTypes(row, 1, new AxonTypeWeights(4, 9), identity).Values);
    }
}
