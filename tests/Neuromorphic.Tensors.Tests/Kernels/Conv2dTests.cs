using Neuromorphic.Tensors;
using static Neuromorphic.Tensors.Tests.Kernels.KernelTestUtil;

namespace Neuromorphic.Tensors.Tests.Kernels;

public class Conv2dTests
{
    static readonly float[] OneToNine = [1, 2, 3, 4, 5, 6, 7, 8, 9];

    [Fact]
    public void Hand_computed_2x2_kernel_on_3x3()
    {
        var x = FromValues(OneToNine, 1, 1, 3, 3);
        var w = FromValues([1, 2, 3, 4], 1, 1, 2, 2);
        var y = Conv2d.Forward(x, w, 1, 0, PaddingMode.Zeros, new Conv2dWorkspace());
        // 1*1+2*2+4*3+5*4 = 37, 2+6+15+24 = 47, 4+10+21+32 = 67, 5+12+24+36 = 77
        AssertClose(new float[] { 37, 47, 67, 77 }, y);
    }

    [Fact]
    public void Hand_computed_stride_2_zero_padding_1()
    {
        var x = FromValues(OneToNine, 1, 1, 3, 3);
        var w = FromValues([1, 2, 3, 4], 1, 1, 2, 2);
        var y = Conv2d.Forward(x, w, 2, 1, PaddingMode.Zeros, new Conv2dWorkspace());
        Assert.Equal([1, 1, 2, 2], y.Shape);
        // top-left window sees only x[0,0] under w[1,1]: 4; top-right: 2*3+3*4 = 18; bottom-left: 4*2+7*4 = 36; bottom-right: 77
        AssertClose(new float[] { 4, 18, 36, 77 }, y);
    }

    [Fact]
    public void Hand_computed_reflect_padding_1_with_a_1_hot_kernel()
    {
        // A 3x3 kernel with a single 1 at its top-left reads xpad[h, w]: the top-left 3x3 of the reflect pad.
        var x = FromValues(OneToNine, 1, 1, 3, 3);
        var w = FromValues([1, 0, 0, 0, 0, 0, 0, 0, 0], 1, 1, 3, 3);
        var y = Conv2d.Forward(x, w, 1, 1, PaddingMode.Reflect, new Conv2dWorkspace());
        AssertClose(new float[] { 5, 4, 5, 2, 1, 2, 5, 4, 5 }, y);
    }

    [Fact]
    public void Hand_computed_weight_correlation()
    {
        var x = FromValues(OneToNine, 1, 1, 3, 3);
        var y = FromValues([1, 0, 0, 2], 1, 1, 2, 2);
        var ws = new Conv2dWorkspace();
        Im2Col.Fill(x, 2, 2, 1, 0, PaddingMode.Zeros, ws);
        var dw = new Tensor(1, 1, 2, 2);
        Conv2d.WeightCorrelation(y, ws, dw, accumulate: false);
        // dW[a,b] = 1*x[a,b] + 2*x[1+a,1+b]
        AssertClose(new float[] { 11, 14, 20, 23 }, dw);
        Conv2d.WeightCorrelation(y, ws, dw, accumulate: true);
        AssertClose(new float[] { 22, 28, 40, 46 }, dw);
    }

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 4).Select(i => new object[] { i });

    /// <summary>Random shapes, odd sizes, kernels 1-5, strides 1-3, paddings 0-2, both modes, batch 1 and more.</summary>
    static IEnumerable<(Tensor x, Tensor w, int s, int p, PaddingMode mode)> Cases(int seed, int count)
    {
        var rng = new Random(1000 + seed);
        int made = 0;
        while (made < count)
        {
            int n = rng.Next(3) == 0 ? 1 : rng.Next(2, 4);
            int c = rng.Next(1, 4), k = rng.Next(1, 5), h = rng.Next(1, 10), wd = rng.Next(1, 10);
            int kh = rng.Next(1, 6), kw = rng.Next(1, 6), s = rng.Next(1, 4), p = rng.Next(0, 3);
            var mode = made % 2 == 0 ? PaddingMode.Zeros : PaddingMode.Reflect;
            if (mode == PaddingMode.Reflect && (p >= h || p >= wd)) continue;
            if (h + 2 * p < kh || wd + 2 * p < kw) continue;
            made++;
            yield return (RandomTensor(rng, n, c, h, wd), RandomTensor(rng, k, c, kh, kw), s, p, mode);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Forward_matches_naive_on_random_shapes(int seed)
    {
        var ws = new Conv2dWorkspace(); // one workspace reused across shapes, as a training loop would
        foreach (var (x, w, s, p, mode) in Cases(seed, 25))
        {
            var expected = NaiveConv(x, w, s, p, mode);
            var y = Conv2d.Forward(x, w, s, p, mode, ws);
            Assert.Equal([x.Shape[0], w.Shape[0], Conv2d.OutputSize(x.Shape[2], w.Shape[2], s, p), Conv2d.OutputSize(x.Shape[3], w.Shape[3], s, p)], y.Shape);
            AssertClose(expected, y, 1e-5, 1e-5, $"x{x} w{w} s{s} p{p} {mode}");
            Assert.True(ws.HoldsWholeBatch);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Weight_correlation_equals_the_explicit_sum_over_patches(int seed)
    {
        var rng = new Random(2000 + seed);
        var ws = new Conv2dWorkspace();
        foreach (var (x, w, s, p, mode) in Cases(seed, 25))
        {
            var y = Conv2d.Forward(x, w, s, p, mode, ws);
            for (int i = 0; i < y.Length; i++) y.Data[i] = (float)(rng.NextDouble() * 2 - 1); // any y
            var expected = NaiveCorrelation(x, y, w.Shape[2], w.Shape[3], s, p, mode);
            var dw = RandomTensor(rng, w.Shape); // garbage that beta = 0 must overwrite
            Conv2d.WeightCorrelation(y, ws, dw, accumulate: false);
            AssertClose(expected, dw, 1e-5, 1e-5, $"reuse x{x} w{w} s{s} p{p} {mode}");

            // The recomputing overload, in chunks of one image, gives the same numbers.
            var chunked = new Conv2dWorkspace { MaxColumnFloats = 1 };
            var dw2 = new Tensor(w.Shape);
            Conv2d.WeightCorrelation(x, y, s, p, mode, chunked, dw2, accumulate: false);
            AssertClose(expected, dw2, 1e-5, 1e-5, $"chunked x{x} w{w} s{s} p{p} {mode}");
        }
    }

    [Theory]
    // Even and odd output sizes (a last tile half outside), reflect and zero padding, padding 0–2, batch 1 and 3.
    [InlineData(1, 16, 16, 8, 8, 1, PaddingMode.Reflect)]
    [InlineData(3, 17, 20, 7, 5, 1, PaddingMode.Reflect)]
    [InlineData(2, 16, 18, 6, 9, 0, PaddingMode.Zeros)]
    [InlineData(2, 24, 16, 5, 4, 2, PaddingMode.Zeros)]
    [InlineData(1, 20, 16, 3, 3, 2, PaddingMode.Reflect)]
    public void Winograd_path_equals_the_direct_convolution(int n, int c, int k, int h, int w, int p, PaddingMode mode)
    {
        var rng = new Random(n * 100 + c + h * 7 + w);
        var x = RandomTensor(rng, n, c, h, w);
        var weight = RandomTensor(rng, k, c, 3, 3);
        var ws = new Conv2dWorkspace();
        Assert.True(Conv2d.UsesWinograd(new Conv2dGeometry(n, c, h, w, 3, 3, 1, p, mode), k));
        var y = new Tensor(n, k, h + 2 * p - 2, w + 2 * p - 2);
        Conv2d.Forward(x, weight, 1, p, mode, y, ws, keepColumns: false);
        // Sums of 9c products of values in ±1: the transforms' extra roundings stay within a few 1e-6 of them.
        AssertClose(NaiveConv(x, weight, 1, p, mode), y, 1e-4, 1e-4, $"n{n} c{c} k{k} {h}x{w} p{p} {mode}");
        Assert.Null(ws.Geometry);
        // The update then recomputes the columns it needs.
        var dw = new Tensor(weight.Shape);
        Conv2d.WeightCorrelation(x, y, 1, p, mode, ws, dw, accumulate: false);
        AssertClose(NaiveCorrelation(x, y, 3, 3, 1, p, mode), dw, 1e-4, 1e-4);
        // The workspace keeps the weights' transform for the next call; a changed weight must not reuse it.
        weight.Data[weight.Length / 2] += 0.5f;
        Conv2d.Forward(x, weight, 1, p, mode, y, ws, keepColumns: false);
        AssertClose(NaiveConv(x, weight, 1, p, mode), y, 1e-4, 1e-4, "after a weight change");
        // Asked to keep the columns, the same call takes im2col.
        var direct = new Tensor(y.Shape);
        Conv2d.Forward(x, weight, 1, p, mode, direct, ws);
        Assert.True(ws.HoldsWholeBatch);
        AssertClose(NaiveConv(x, weight, 1, p, mode), direct, 1e-5, 1e-5);
        Assert.False(Conv2d.UsesWinograd(new Conv2dGeometry(n, 15, h, w, 3, 3, 1, p, mode), k));
        Assert.False(Conv2d.UsesWinograd(new Conv2dGeometry(n, c, h, w, 3, 3, 2, p, mode), k));
        Assert.False(Conv2d.UsesWinograd(new Conv2dGeometry(n, c, h, w, 5, 5, 1, 2, mode), k));
    }

    [Fact]
    public void Chunked_forward_equals_one_big_gemm_and_then_refuses_reuse()
    {
        var rng = new Random(5);
        var x = RandomTensor(rng, 5, 3, 7, 6);
        var w = RandomTensor(rng, 4, 3, 3, 3);
        var whole = Conv2d.Forward(x, w, 1, 1, PaddingMode.Reflect, new Conv2dWorkspace());
        var small = new Conv2dWorkspace { MaxColumnFloats = 27 * 42 * 2 }; // two images per chunk
        Assert.Equal(2, small.ImagesPerChunk(new Conv2dGeometry(5, 3, 7, 6, 3, 3, 1, 1, PaddingMode.Reflect)));
        var chunked = Conv2d.Forward(x, w, 1, 1, PaddingMode.Reflect, small);
        AssertClose(Array.ConvertAll(whole.Span.ToArray(), v => (double)v), chunked, 1e-6, 1e-6);
        Assert.False(small.HoldsWholeBatch);
        Assert.Throws<InvalidOperationException>(() => Conv2d.WeightCorrelation(chunked, small, new Tensor(4, 3, 3, 3), false));
    }

    [Fact]
    public void Workspace_exposes_the_column_matrix()
    {
        var x = FromValues(OneToNine, 1, 1, 3, 3);
        var ws = new Conv2dWorkspace();
        var g = Im2Col.Fill(x, 2, 2, 1, 0, PaddingMode.Zeros, ws);
        Assert.Equal(4, ws.ColumnRows);
        Assert.Equal(4, ws.ColumnCount);
        Assert.Equal(4, g.PatchSize);
        // Row (a,b) lists x[h+a, w+b] over the output positions (h,w).
        Assert.Equal(new float[] { 1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9 }, ws.Columns.ToArray());
    }

    [Fact]
    public void Conv_is_linear_in_the_weight()
    {
        var rng = new Random(7);
        var x = RandomTensor(rng, 2, 3, 9, 7);
        var w1 = RandomTensor(rng, 5, 3, 3, 3);
        var w2 = RandomTensor(rng, 5, 3, 3, 3);
        const float a = 0.75f, b = -2.5f;
        var wc = new Tensor(5, 3, 3, 3);
        for (int i = 0; i < wc.Length; i++) wc.Data[i] = a * w1.Data[i] + b * w2.Data[i];
        var ws = new Conv2dWorkspace();
        var y1 = Conv2d.Forward(x, w1, 2, 1, PaddingMode.Reflect, ws);
        var y2 = Conv2d.Forward(x, w2, 2, 1, PaddingMode.Reflect, ws);
        var yc = Conv2d.Forward(x, wc, 2, 1, PaddingMode.Reflect, ws);
        var expected = new double[yc.Length];
        for (int i = 0; i < expected.Length; i++) expected[i] = a * (double)y1.Data[i] + b * (double)y2.Data[i];
        AssertClose(expected, yc, 1e-5, 1e-5);
    }

    [Fact]
    public void Shape_errors_name_the_argument()
    {
        var ws = new Conv2dWorkspace();
        var x = new Tensor(2, 3, 8, 8);
        var ex = Assert.Throws<ArgumentException>(() => Conv2d.Forward(x, new Tensor(4, 2, 3, 3), 1, 1, PaddingMode.Zeros, ws));
        Assert.Equal("weight", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => Conv2d.Forward(x, new Tensor(4, 3, 3, 3), 1, 1, PaddingMode.Zeros, new Tensor(2, 4, 8, 7), ws));
        Assert.Equal("output", ex.ParamName);
        Assert.Contains("[2, 4, 8, 8]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Conv2d.Forward(x, new Tensor(4, 3, 3, 3), 0, 1, PaddingMode.Zeros, ws));
        Assert.Equal("stride", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => Conv2d.Forward(new Tensor(1, 3, 2, 8), new Tensor(4, 3, 3, 3), 1, 2, PaddingMode.Reflect, ws));
        Assert.Equal("padding", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => Conv2d.Forward(x, new Tensor(3, 3, 3), 1, 1, PaddingMode.Zeros, ws));
        Assert.Equal("weight", ex.ParamName);

        Conv2d.Forward(x, new Tensor(4, 3, 3, 3), 1, 1, PaddingMode.Zeros, ws);
        ex = Assert.Throws<ArgumentException>(() => Conv2d.WeightCorrelation(new Tensor(2, 4, 8, 7), ws, new Tensor(4, 3, 3, 3), false));
        Assert.Equal("y", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => Conv2d.WeightCorrelation(new Tensor(2, 4, 8, 8), ws, new Tensor(4, 3, 5, 5), false));
        Assert.Equal("dW", ex.ParamName);
    }
}
