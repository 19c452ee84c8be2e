using Neuromorphic.Tensors;
using static Neuromorphic.Tensors.Tests.Kernels.KernelTestUtil;

namespace Neuromorphic.Tensors.Tests.Kernels;

public class SoftmaxTests
{
    [Fact]
    public void Three_channels_hand_computed()
    {
        var u = FromValues([1, 2, 3], 1, 3, 1, 1);
        var s = new Tensor(1, 3, 1, 1);
        Softmax.OverChannels(u, 1f, s);
        // e^-2, e^-1, 1 normalised
        AssertClose(new double[] { 0.09003057317038046, 0.24472847105479764, 0.6652409557748218 }, s, 1e-6, 1e-7);
        // t = ln 2 turns u = 0, 1, 2 into weights 1, 2, 4.
        Softmax.OverChannels(FromValues([0, 1, 2], 1, 3, 1, 1), MathF.Log(2f), s);
        AssertClose(new double[] { 1.0 / 7, 2.0 / 7, 4.0 / 7 }, s, 1e-6, 1e-7);
    }

    static double[] Naive(Tensor u, double t)
    {
        var (n, c, h, w) = u.Nchw;
        var s = new double[u.Length];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++)
                {
                    double m = double.NegativeInfinity, sum = 0;
                    for (int ch = 0; ch < c; ch++) m = Math.Max(m, t * u[b, ch, i, j]);
                    for (int ch = 0; ch < c; ch++) sum += Math.Exp(t * u[b, ch, i, j] - m);
                    for (int ch = 0; ch < c; ch++) s[((b * c + ch) * h + i) * w + j] = Math.Exp(t * u[b, ch, i, j] - m) / sum;
                }
        return s;
    }

    [Fact]
    public void Random_shapes_match_naive_sum_to_one_and_ignore_a_shift()
    {
        var rng = new Random(31);
        for (int trial = 0; trial < 40; trial++)
        {
            int n = rng.Next(1, 4), c = rng.Next(1, 10), h = rng.Next(1, 7), w = rng.Next(1, 7);
            float t = trial % 3 == 0 ? 25f : (float)(rng.NextDouble() * 4); // large t: exp would overflow without the max
            var u = RandomTensor(rng, n, c, h, w);
            for (int i = 0; i < u.Length; i++) u.Data[i] *= 10;
            var s = new Tensor(n, c, h, w);
            Softmax.OverChannels(u, t, s);
            AssertClose(Naive(u, t), s, 1e-5, 1e-7, $"u{u} t{t}");

            for (int b = 0; b < n; b++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                    {
                        double sum = 0;
                        for (int ch = 0; ch < c; ch++) sum += s[b, ch, i, j];
                        Assert.Equal(1.0, sum, 5);
                    }

            // Adding a constant to every channel leaves the softmax unchanged (up to rounding of the shift).
            var shifted = new Tensor(n, c, h, w);
            for (int i = 0; i < u.Length; i++) shifted.Data[i] = u.Data[i] + 3.5f;
            Softmax.OverChannels(shifted, t, shifted); // in place
            AssertClose(Array.ConvertAll(s.Span.ToArray(), v => (double)v), shifted, 1e-4, 1e-6, "shift");
        }
    }

    [Fact]
    public void Rows_variant_matches_naive()
    {
        var rng = new Random(32);
        for (int trial = 0; trial < 20; trial++)
        {
            int rows = rng.Next(1, 6), cols = rng.Next(1, 40);
            float t = trial == 0 ? -1.5f : (float)(rng.NextDouble() * 3);
            var x = RandomTensor(rng, rows, cols);
            var y = new Tensor(rows, cols);
            Softmax.OverRows(x, t, y);
            var expected = new double[x.Length];
            for (int r = 0; r < rows; r++)
            {
                double m = double.NegativeInfinity, sum = 0;
                for (int c = 0; c < cols; c++) m = Math.Max(m, t * (double)x.Data[r * cols + c]);
                for (int c = 0; c < cols; c++) sum += Math.Exp(t * (double)x.Data[r * cols + c] - m);
                for (int c = 0; c < cols; c++) expected[r * cols + c] = Math.Exp(t * (double)x.Data[r * cols + c] - m) / sum;
            }
            AssertClose(expected, y, 1e-5, 1e-7, $"{rows}x{cols} t{t}");
            Softmax.OverRows(x, t, x); // in place gives the same
            AssertClose(expected, x, 1e-5, 1e-7, "in place");
        }
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => Softmax.OverRows(new Tensor(1, 2, 3), 1, new Tensor(1, 2, 3))).ParamName);
    }

    [Fact]
    public void Huge_logits_stay_finite()
    {
        var u = FromValues([1000, 999, -1000], 1, 3, 1, 1);
        var s = new Tensor(1, 3, 1, 1);
        Softmax.OverChannels(u, 1, s);
        TensorChecks.ThrowIfNotFinite(s, "s");
        Assert.Equal(1 / (1 + Math.Exp(-1)), s.Data[0], 6);
    }
}
