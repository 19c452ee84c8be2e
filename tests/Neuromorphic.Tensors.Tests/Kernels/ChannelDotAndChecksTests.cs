using Neuromorphic.Tensors;
using static Neuromorphic.Tensors.Tests.Kernels.KernelTestUtil;

namespace Neuromorphic.Tensors.Tests.Kernels;

public class ChannelDotAndChecksTests
{
    [Fact]
    public void Channel_dot_hand_computed()
    {
        // Two images, two channels, 1x2 pixels.
        var y = FromValues([1, 2, 3, 4, 5, 6, 7, 8], 2, 2, 1, 2);
        var u = FromValues([1, 1, 2, 0, -1, 1, 1, 1], 2, 2, 1, 2);
        // channel 0: 1*1 + 2*1 + 5*-1 + 6*1 = 4; channel 1: 3*2 + 4*0 + 7*1 + 8*1 = 21
        Assert.Equal(new float[] { 4, 21 }, ChannelDot.Compute(y, u));
    }

    [Fact]
    public void Channel_dot_matches_naive()
    {
        var rng = new Random(61);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = rng.Next(1, 5), c = rng.Next(1, 6), h = rng.Next(1, 12), w = rng.Next(1, 12);
            var a = RandomTensor(rng, n, c, h, w);
            var b = RandomTensor(rng, n, c, h, w);
            var expected = new double[c];
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < n; i++) for (int r = 0; r < h; r++) for (int q = 0; q < w; q++)
                    expected[ch] += (double)a[i, ch, r, q] * b[i, ch, r, q];
            var result = new float[c + 2];
            result[c] = 99;
            ChannelDot.Compute(a, b, result);
            AssertClose(expected, result.AsSpan(0, c), 1e-5, 1e-5);
            Assert.Equal(99, result[c]);
        }
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => ChannelDot.Compute(new Tensor(1, 2, 3, 3), new Tensor(1, 2, 3, 4))).ParamName);
        Assert.Equal("result", Assert.Throws<ArgumentException>(() => ChannelDot.Compute(new Tensor(1, 2, 3, 3), new Tensor(1, 2, 3, 3), new float[1])).ParamName);
    }

    [Fact]
    public void Not_finite_check_names_the_first_bad_index()
    {
        var t = new Tensor(2, 3, 4, 5);
        TensorChecks.ThrowIfNotFinite(t, "u");
        t[1, 2, 0, 3] = float.PositiveInfinity;
        t[1, 2, 3, 4] = float.NaN;
        var ex = Assert.Throws<ArgumentException>(() => TensorChecks.ThrowIfNotFinite(t, "u"));
        Assert.Equal("u", ex.ParamName);
        Assert.Contains("[1, 2, 0, 3]", ex.Message);
        var copy = t.Span.ToArray();
        copy[103] = 0; // [1, 2, 0, 3]
        Assert.Equal(119, TensorChecks.IndexOfNonFinite(copy)); // [1, 2, 3, 4], the last element
        for (int len = 0; len < 40; len++)
        {
            var v = new float[len];
            Assert.Equal(-1, TensorChecks.IndexOfNonFinite(v));
            if (len > 0) { v[len - 1] = float.NegativeInfinity; Assert.Equal(len - 1, TensorChecks.IndexOfNonFinite(v)); }
        }
    }
}
