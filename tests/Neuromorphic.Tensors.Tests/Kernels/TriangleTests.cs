using Neuromorphic.Tensors;
using static Neuromorphic.Tensors.Tests.Kernels.KernelTestUtil;

namespace Neuromorphic.Tensors.Tests.Kernels;

public class TriangleTests
{
    [Theory]
    [InlineData(1.0f, 0, 0, 3)]
    [InlineData(1.4f, 0, 0, 4.655536721746079)] // 3^1.4
    [InlineData(0.7f, 0, 0, 2.157669279974593)] // 3^0.7
    public void Three_channels_hand_computed(float power, double a0, double a1, double a2)
    {
        // u = 1, 2, 6: mean 3, centred -2, -1, 3
        var u = FromValues([1, 2, 6], 1, 3, 1, 1);
        var a = new Tensor(1, 3, 1, 1);
        Triangle.Forward(u, power, a);
        AssertClose(new[] { a0, a1, a2 }, a, 1e-6, 0);
    }

    [Fact]
    public void Random_shapes_match_naive_and_keep_the_properties()
    {
        var rng = new Random(41);
        float[] powers = [1f, 0.7f, 1.4f];
        for (int trial = 0; trial < 45; trial++)
        {
            int n = rng.Next(1, 4), c = rng.Next(2, 10), h = rng.Next(1, 7), w = rng.Next(1, 7);
            float power = powers[trial % 3];
            var u = RandomTensor(rng, n, c, h, w);
            var a = new Tensor(n, c, h, w);
            Triangle.Forward(u, power, a);

            var expected = new double[u.Length];
            for (int b = 0; b < n; b++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                    {
                        double mean = 0;
                        for (int ch = 0; ch < c; ch++) mean += u[b, ch, i, j];
                        mean /= c;
                        bool someZero = false;
                        for (int ch = 0; ch < c; ch++)
                        {
                            double r = Math.Max(u[b, ch, i, j] - mean, 0);
                            expected[((b * c + ch) * h + i) * w + j] = power == 1 ? r : Math.Pow(r, power);
                            Assert.True(a[b, ch, i, j] >= 0);
                            someZero |= a[b, ch, i, j] == 0;
                        }
                        Assert.True(someZero, "at least the smallest channel must be cut to zero");
                    }
            AssertClose(expected, a, 1e-5, 1e-6, $"u{u} P{power}");

            if (power == 1)
            {
                // P = 1 is exactly ReLU of the float-centred values (no pow rounding).
                var mean = new float[h * w];
                for (int b = 0; b < n; b++)
                {
                    Array.Clear(mean);
                    for (int ch = 0; ch < c; ch++)
                        for (int q = 0; q < h * w; q++) mean[q] += u.Data[(b * c + ch) * h * w + q];
                    for (int q = 0; q < h * w; q++) mean[q] /= c;
                    for (int ch = 0; ch < c; ch++)
                        for (int q = 0; q < h * w; q++)
                            Assert.Equal(MathF.Max(u.Data[(b * c + ch) * h * w + q] - mean[q], 0f), a.Data[(b * c + ch) * h * w + q]);
                }
            }

            Triangle.Forward(u, power, u); // in place gives the same
            Assert.Equal(a.Span.ToArray(), u.Span.ToArray());
        }
    }

    [Fact]
    public void Bad_power_throws()
    {
        var u = new Tensor(1, 2, 1, 1);
        Assert.Equal("power", Assert.Throws<ArgumentException>(() => Triangle.Forward(u, 0, u)).ParamName);
        Assert.Equal("power", Assert.Throws<ArgumentException>(() => Triangle.Forward(u, float.NaN, u)).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => Triangle.Forward(u, 1, new Tensor(1, 3, 1, 1))).ParamName);
    }
}
