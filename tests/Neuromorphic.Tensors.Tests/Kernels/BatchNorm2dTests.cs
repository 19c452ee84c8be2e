using Neuromorphic.Tensors;
using static Neuromorphic.Tensors.Tests.Kernels.KernelTestUtil;

namespace Neuromorphic.Tensors.Tests.Kernels;

public class BatchNorm2dTests
{
    [Fact]
    public void Training_step_then_eval_hand_computed()
    {
        // Channel 0 holds 1, 2 (image 0) and 3, 6 (image 1): mean 3, biased var 3.5, unbiased 14/3.
        // Channel 1 holds 5, 5, 5, 5: mean 5, var 0.
        var x = FromValues([1, 2, 5, 5, 3, 6, 5, 5], 2, 2, 1, 2);
        var bn = new BatchNorm2d(2);
        Assert.Equal((1e-5f, 0.1f), (bn.Eps, bn.Momentum));
        Assert.Equal(new float[] { 0, 0 }, bn.RunningMean);
        Assert.Equal(new float[] { 1, 1 }, bn.RunningVar);

        var y = new Tensor(2, 2, 1, 2);
        bn.Forward(x, y, training: true);
        double inv = 1 / Math.Sqrt(3.5 + 1e-5);
        AssertClose(new[] { -2 * inv, -1 * inv, 0, 0, 0, 3 * inv, 0, 0 }, y, 1e-6, 1e-7);
        Assert.Equal(0.3f, bn.RunningMean[0], 6);
        Assert.Equal(0.5f, bn.RunningMean[1], 6);
        Assert.Equal(0.9 + 0.1 * 14.0 / 3, bn.RunningVar[0], 6);
        Assert.Equal(0.9f, bn.RunningVar[1], 6);
        Assert.Equal(1, bn.NumBatchesTracked);

        bn.Forward(x, y, training: false);
        double inv0 = 1 / Math.Sqrt(0.9 + 0.1 * 14.0 / 3 + 1e-5), inv1 = 1 / Math.Sqrt(0.9 + 1e-5);
        AssertClose(new[] { (1 - 0.3) * inv0, (2 - 0.3) * inv0, 4.5 * inv1, 4.5 * inv1, (3 - 0.3) * inv0, (6 - 0.3) * inv0, 4.5 * inv1, 4.5 * inv1 }, y, 1e-6, 1e-7);
        Assert.Equal(1, bn.NumBatchesTracked); // eval does not count
    }

    [Fact]
    public void Random_batches_match_naive_including_in_place()
    {
        var rng = new Random(51);
        for (int trial = 0; trial < 12; trial++)
        {
            int n = rng.Next(1, 5), c = rng.Next(1, 5), h = rng.Next(1, 9), w = rng.Next(2, 9);
            var bn = new BatchNorm2d(c, momentum: trial % 2 == 0 ? 0.1f : 0.3f);
            var rm = new double[c];
            var rv = Enumerable.Repeat(1.0, c).ToArray();
            for (int step = 0; step < 3; step++)
            {
                var x = RandomTensor(rng, n, c, h, w);
                for (int i = 0; i < x.Length; i++) x.Data[i] = x.Data[i] * 3 + 0.7f;
                var expected = new double[x.Length];
                int count = n * h * w;
                for (int ch = 0; ch < c; ch++)
                {
                    double mean = 0, sq = 0;
                    for (int b = 0; b < n; b++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) mean += x[b, ch, i, j];
                    mean /= count;
                    for (int b = 0; b < n; b++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) sq += Math.Pow(x[b, ch, i, j] - mean, 2);
                    for (int b = 0; b < n; b++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++)
                        expected[((b * c + ch) * h + i) * w + j] = (x[b, ch, i, j] - mean) / Math.Sqrt(sq / count + 1e-5);
                    rm[ch] = (1 - bn.Momentum) * rm[ch] + bn.Momentum * mean;
                    rv[ch] = (1 - bn.Momentum) * rv[ch] + bn.Momentum * sq / (count - 1);
                }
                var copy = FromValues(x.Span.ToArray(), x.Shape);
                bn.Forward(x, x, training: true); // in place
                AssertClose(expected, x, 1e-5, 1e-5, $"train x{x} step {step}");
                AssertClose(rm, bn.RunningMean, 1e-5, 1e-6, "running mean");
                AssertClose(rv, bn.RunningVar, 1e-5, 1e-6, "running var");

                var y = new Tensor(copy.Shape);
                bn.Forward(copy, y, training: false);
                for (int ch = 0; ch < c; ch++)
                    for (int b = 0; b < n; b++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++)
                        expected[((b * c + ch) * h + i) * w + j] = (copy[b, ch, i, j] - (double)bn.RunningMean[ch]) / Math.Sqrt(bn.RunningVar[ch] + 1e-5);
                AssertClose(expected, y, 1e-5, 1e-5, "eval");
            }
            Assert.Equal(3, bn.NumBatchesTracked);
        }
    }

    [Fact]
    public void Bad_inputs_throw()
    {
        var bn = new BatchNorm2d(3);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => bn.Forward(new Tensor(2, 4, 2, 2), new Tensor(2, 4, 2, 2), true)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => bn.Forward(new Tensor(2, 3, 2, 2), new Tensor(2, 3, 2, 1), true)).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => bn.Forward(new Tensor(1, 3, 1, 1), new Tensor(1, 3, 1, 1), true)).ParamName);
        bn.Forward(new Tensor(1, 3, 1, 1), new Tensor(1, 3, 1, 1), false); // one value is fine in eval
    }
}
