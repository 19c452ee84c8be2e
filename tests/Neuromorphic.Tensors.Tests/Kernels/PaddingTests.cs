using Neuromorphic.Tensors;
using static Neuromorphic.Tensors.Tests.Kernels.KernelTestUtil;

namespace Neuromorphic.Tensors.Tests.Kernels;

public class PaddingTests
{
    static readonly float[] OneToNine = [1, 2, 3, 4, 5, 6, 7, 8, 9];

    [Fact]
    public void Reflect_3x3_by_1_mirrors_without_repeating_the_edge()
    {
        var y = Padding.Pad2d(FromValues(OneToNine, 1, 1, 3, 3), 1, PaddingMode.Reflect);
        Assert.Equal([1, 1, 5, 5], y.Shape);
        AssertClose(new float[]
        {
            5, 4, 5, 6, 5,
            2, 1, 2, 3, 2,
            5, 4, 5, 6, 5,
            8, 7, 8, 9, 8,
            5, 4, 5, 6, 5,
        }, y);
    }

    [Fact]
    public void Reflect_3x3_by_2_gives_3_2_1_2_3_2_1()
    {
        var y = Padding.Pad2d(FromValues(OneToNine, 1, 1, 3, 3), 2, PaddingMode.Reflect);
        // Row 2 of the padded image is source row 0; row 0 is source row 2; row 6 is source row 0.
        float[] Row(int r) => y.Data.AsSpan(r * 7, 7).ToArray();
        Assert.Equal([3, 2, 1, 2, 3, 2, 1], Row(2));
        Assert.Equal([9, 8, 7, 8, 9, 8, 7], Row(0));
        Assert.Equal([6, 5, 4, 5, 6, 5, 4], Row(1));
        Assert.Equal([3, 2, 1, 2, 3, 2, 1], Row(6));
    }

    [Fact]
    public void Zeros_3x3_by_1()
    {
        var y = Padding.Pad2d(FromValues(OneToNine, 1, 1, 3, 3), 1, PaddingMode.Zeros);
        AssertClose(new float[]
        {
            0, 0, 0, 0, 0,
            0, 1, 2, 3, 0,
            0, 4, 5, 6, 0,
            0, 7, 8, 9, 0,
            0, 0, 0, 0, 0,
        }, y);
    }

    [Fact]
    public void Random_shapes_match_the_naive_rule()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 60; trial++)
        {
            int n = rng.Next(1, 3), c = rng.Next(1, 4), h = rng.Next(1, 8), w = rng.Next(1, 8), p = rng.Next(0, 3);
            var mode = trial % 2 == 0 ? PaddingMode.Zeros : PaddingMode.Reflect;
            if (mode == PaddingMode.Reflect && (p >= h || p >= w)) continue;
            var x = RandomTensor(rng, n, c, h, w);
            var y = Padding.Pad2d(x, p, mode);
            var expected = new double[y.Length];
            int ph = h + 2 * p, pw = w + 2 * p;
            for (int b = 0; b < n; b++)
                for (int ch = 0; ch < c; ch++)
                    for (int i = 0; i < ph; i++)
                        for (int j = 0; j < pw; j++)
                            expected[((b * c + ch) * ph + i) * pw + j] = PaddedAt(x, b, ch, i, j, p, mode);
            AssertClose(expected, y, 0, 0, $"n{n} c{c} {h}x{w} p{p} {mode}");
        }
    }

    [Fact]
    public void Reflect_padding_not_smaller_than_the_image_throws()
    {
        var x = new Tensor(1, 1, 3, 5);
        var ex = Assert.Throws<ArgumentException>(() => Padding.Pad2d(x, 3, PaddingMode.Reflect));
        Assert.Equal("padding", ex.ParamName);
        Padding.Pad2d(x, 3, PaddingMode.Zeros); // zeros has no such limit
    }

    [Fact]
    public void Wrong_output_shape_names_the_argument()
    {
        var ex = Assert.Throws<ArgumentException>(() => Padding.Pad2d(new Tensor(1, 2, 3, 3), 1, PaddingMode.Zeros, new Tensor(1, 2, 5, 4)));
        Assert.Equal("y", ex.ParamName);
        Assert.Contains("[1, 2, 5, 5]", ex.Message);
        Assert.Contains("[1, 2, 5, 4]", ex.Message);
    }
}
