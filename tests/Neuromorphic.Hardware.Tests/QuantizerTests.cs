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
}
