using Neuromorphic.Tensors;

namespace Neuromorphic.Tensors.Tests.Kernels;

/// <summary>Random tensors, plain double-precision references and tolerant comparisons for the kernel tests.</summary>
static class KernelTestUtil
{
    public static Tensor RandomTensor(Random rng, params int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Length; i++) t.Data[i] = (float)(rng.NextDouble() * 2 - 1);
        return t;
    }

    public static Tensor FromValues(float[] values, params int[] shape) => new((float[])values.Clone(), shape);

    /// <summary>|actual - expected| &lt;= atol + rtol * |expected| element-wise, reporting the first failure.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double rtol = 1e-5, double atol = 1e-5, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (!(Math.Abs(a - e) <= atol + rtol * Math.Abs(e)))
                Assert.Fail($"{what} element {i}: expected {e}, got {a} (diff {a - e}).");
        }
    }

    public static void AssertClose(double[] expected, Tensor actual, double rtol = 1e-5, double atol = 1e-5, string what = "")
        => AssertClose(expected, actual.Span, rtol, atol, what);

    public static void AssertClose(float[] expected, Tensor actual, double rtol = 1e-6, double atol = 1e-6, string what = "")
        => AssertClose(Array.ConvertAll(expected, v => (double)v), actual.Span, rtol, atol, what);

    /// <summary>Reads the padded image the textbook way: explicit reflect/zero rule per coordinate.</summary>
    public static double PaddedAt(Tensor x, int n, int c, int i, int j, int p, PaddingMode mode)
    {
        var (_, _, h, w) = x.Nchw;
        int ii = i - p, jj = j - p;
        if (mode == PaddingMode.Zeros)
            return ii < 0 || ii >= h || jj < 0 || jj >= w ? 0 : x[n, c, ii, jj];
        if (ii < 0) ii = -ii; else if (ii >= h) ii = 2 * h - 2 - ii;
        if (jj < 0) jj = -jj; else if (jj >= w) jj = 2 * w - 2 - jj;
        return x[n, c, ii, jj];
    }

    public static double[] NaiveConv(Tensor x, Tensor wt, int s, int p, PaddingMode mode)
    {
        var (n, c, h, w) = x.Nchw;
        var (k, _, kh, kw) = wt.Nchw;
        int oh = (h + 2 * p - kh) / s + 1, ow = (w + 2 * p - kw) / s + 1;
        var y = new double[n * k * oh * ow];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < k; o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double sum = 0;
                        for (int ch = 0; ch < c; ch++)
                            for (int a = 0; a < kh; a++)
                                for (int bb = 0; bb < kw; bb++)
                                    sum += (double)wt[o, ch, a, bb] * PaddedAt(x, b, ch, i * s + a, j * s + bb, p, mode);
                        y[((b * k + o) * oh + i) * ow + j] = sum;
                    }
        return y;
    }

    /// <summary>dW[k,c,a,b] = sum_{n,h,w} y[n,k,h,w] * xpad[n,c,h*s+a,w*s+b], term by term.</summary>
    public static double[] NaiveCorrelation(Tensor x, Tensor y, int kh, int kw, int s, int p, PaddingMode mode)
    {
        var (n, c, _, _) = x.Nchw;
        var (_, k, oh, ow) = y.Nchw;
        var dw = new double[k * c * kh * kw];
        for (int o = 0; o < k; o++)
            for (int ch = 0; ch < c; ch++)
                for (int a = 0; a < kh; a++)
                    for (int b = 0; b < kw; b++)
                    {
                        double sum = 0;
                        for (int i = 0; i < n; i++)
                            for (int r = 0; r < oh; r++)
                                for (int q = 0; q < ow; q++)
                                    sum += (double)y[i, o, r, q] * PaddedAt(x, i, ch, r * s + a, q * s + b, p, mode);
                        dw[((o * c + ch) * kh + a) * kw + b] = sum;
                    }
        return dw;
    }
}
