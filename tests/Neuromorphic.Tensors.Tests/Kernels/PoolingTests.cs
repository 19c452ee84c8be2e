using Neuromorphic.Tensors;
using static Neuromorphic.Tensors.Tests.Kernels.KernelTestUtil;

namespace Neuromorphic.Tensors.Tests.Kernels;

public class PoolingTests
{
    static Tensor OneToSixteen(float sign = 1)
    {
        var x = new Tensor(1, 1, 4, 4);
        for (int i = 0; i < 16; i++) x.Data[i] = sign * (i + 1);
        return x;
    }

    [Fact]
    public void Avg_4_2_1_at_the_border_divides_by_the_padded_window()
    {
        // Each 4x4 window starting at -1 covers 3x3 real pixels and 7 padding zeros.
        var x = OneToSixteen();
        var include = new Tensor(1, 1, 2, 2);
        Pooling.AvgPool2d(x, 4, 2, 1, countIncludePad: true, include);
        // window sums: rows 0-2/cols 0-2 = 54, rows 0-2/cols 1-3 = 63, rows 1-3/cols 0-2 = 90, rows 1-3/cols 1-3 = 99
        AssertClose(new float[] { 54f / 16, 63f / 16, 90f / 16, 99f / 16 }, include);
        var exclude = new Tensor(1, 1, 2, 2);
        Pooling.AvgPool2d(x, 4, 2, 1, countIncludePad: false, exclude);
        AssertClose(new float[] { 6, 7, 10, 11 }, exclude);
    }

    [Fact]
    public void Avg_3_2_1_divisor_is_clipped_only_by_the_padded_bound()
    {
        // 5x5 of ones, k3 s2 p1: outputs at starts -1, 1, 3. The last window [3, 6) ends exactly at H+p = 6,
        // so with ceil_mode = false the divisor stays 9 everywhere (PyTorch's hend clip never bites).
        var x = new Tensor(1, 1, 5, 5);
        x.Span.Fill(1f);
        var y = new Tensor(1, 1, 3, 3);
        Pooling.AvgPool2d(x, 3, 2, 1, countIncludePad: true, y);
        AssertClose(new float[] { 4f / 9, 6f / 9, 4f / 9, 6f / 9, 1, 6f / 9, 4f / 9, 6f / 9, 4f / 9 }, y);
    }

    [Fact]
    public void Max_4_2_1_treats_padding_as_minus_infinity()
    {
        var y = new Tensor(1, 1, 2, 2);
        Pooling.MaxPool2d(OneToSixteen(), 4, 2, 1, y);
        AssertClose(new float[] { 11, 12, 15, 16 }, y);
        Pooling.MaxPool2d(OneToSixteen(-1), 4, 2, 1, y); // all negative: a zero pad must not win
        AssertClose(new float[] { -1, -2, -5, -6 }, y);
    }

    [Fact]
    public void Max_pool_propagates_NaN()
    {
        var x = OneToSixteen();
        x.Data[5] = float.NaN; // (1,1): inside every window of max_4_2_1
        var y = new Tensor(1, 1, 2, 2);
        Pooling.MaxPool2d(x, 4, 2, 1, y);
        Assert.All(y.Span.ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    static double[] NaivePool(Tensor x, int k, int s, int p, bool max, bool includePad)
    {
        var (n, c, h, w) = x.Nchw;
        int oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
        var y = new double[n * c * oh * ow];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        // PyTorch's CPU kernel, spelt out.
                        int hs = i * s - p, ws = j * s - p;
                        int he = Math.Min(hs + k, h + p), we = Math.Min(ws + k, w + p);
                        int poolSize = (he - hs) * (we - ws);
                        hs = Math.Max(hs, 0); ws = Math.Max(ws, 0);
                        he = Math.Min(he, h); we = Math.Min(we, w);
                        double acc = max ? double.NegativeInfinity : 0;
                        for (int r = hs; r < he; r++)
                            for (int q = ws; q < we; q++)
                                acc = max ? Math.Max(acc, x[b, ch, r, q]) : acc + x[b, ch, r, q];
                        if (!max) acc /= includePad ? poolSize : (he - hs) * (we - ws);
                        y[((b * c + ch) * oh + i) * ow + j] = acc;
                    }
        return y;
    }

    [Fact]
    public void Random_shapes_match_the_pytorch_formula()
    {
        var rng = new Random(21);
        int done = 0;
        while (done < 120)
        {
            int n = rng.Next(1, 4), c = rng.Next(1, 4), h = rng.Next(1, 12), w = rng.Next(1, 12);
            int k = rng.Next(1, 6), s = rng.Next(1, 4), p = rng.Next(0, 3);
            if (p > k / 2 || h + 2 * p < k || w + 2 * p < k) continue;
            done++;
            var x = RandomTensor(rng, n, c, h, w);
            var y = new Tensor(n, c, Pooling.OutputSize(h, k, s, p), Pooling.OutputSize(w, k, s, p));
            string what = $"x{x} k{k} s{s} p{p}";
            Pooling.MaxPool2d(x, k, s, p, y);
            AssertClose(NaivePool(x, k, s, p, true, true), y, 0, 0, "max " + what);
            Pooling.AvgPool2d(x, k, s, p, true, y);
            AssertClose(NaivePool(x, k, s, p, false, true), y, 1e-5, 1e-6, "avg incl " + what);
            Pooling.AvgPool2d(x, k, s, p, false, y);
            AssertClose(NaivePool(x, k, s, p, false, false), y, 1e-5, 1e-6, "avg excl " + what);
        }
    }

    [Fact]
    public void Spec_strings_parse_and_apply()
    {
        var max = PoolSpec.Parse("max_4_2_1");
        Assert.Equal(new PoolSpec(PoolType.Max, 4, 2, 1), max);
        Assert.Equal("max_4_2_1", max.ToString());
        var avg = PoolSpec.Parse("avg_2_2_0");
        Assert.Equal((PoolType.Avg, 2, 2, 0), (avg.Type, avg.Kernel, avg.Stride, avg.Padding));
        Assert.Equal(16, max.OutputSize(32));
        Assert.Equal(4, avg.OutputSize(8));

        var y = Pooling.Apply(PoolSpec.Parse("avg_4_2_1"), OneToSixteen());
        AssertClose(new float[] { 54f / 16, 63f / 16, 90f / 16, 99f / 16 }, y);

        foreach (var bad in new[] { "max_4_2", "mean_2_2_0", "max_4_x_1", "max_4_2_-1", "max_0_2_0", "avg_2_0_0" })
            Assert.ThrowsAny<ArgumentException>(() => PoolSpec.Parse(bad));
        Assert.Equal("spec", Assert.Throws<ArgumentException>(() => PoolSpec.Parse("max_4_x_1")).ParamName);
        Assert.Equal("padding", Assert.Throws<ArgumentException>(() => PoolSpec.Parse("max_4_2_3")).ParamName);
    }

    [Fact]
    public void Padding_over_half_the_kernel_and_bad_shapes_throw()
    {
        var x = new Tensor(1, 2, 6, 6);
        Assert.Equal("padding", Assert.Throws<ArgumentException>(() => Pooling.MaxPool2d(x, 3, 1, 2, new Tensor(1, 2, 8, 8))).ParamName);
        Assert.Equal("padding", Assert.Throws<ArgumentException>(() => Pooling.AvgPool2d(x, 1, 1, 1, true, new Tensor(1, 2, 8, 8))).ParamName);
        var ex = Assert.Throws<ArgumentException>(() => Pooling.MaxPool2d(x, 2, 2, 0, new Tensor(1, 2, 3, 4)));
        Assert.Equal("y", ex.ParamName);
        Assert.Contains("[1, 2, 3, 3]", ex.Message);
        Assert.Equal("kernel", Assert.Throws<ArgumentException>(() => Pooling.MaxPool2d(new Tensor(1, 1, 2, 2), 4, 1, 0, new Tensor(1, 1, 1, 1))).ParamName);
    }
}
