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
}
