using Neuromorphic.Tensors;

namespace Neuromorphic.Tensors.Tests.Kernels;

public class NarrowProductsTests
{
    [Theory]
    // Odd rows and classes exercise the repeated-member tiles; lengths off a multiple of 16/32 exercise the tails.
    [InlineData(1, 1, 1, 1)]
    [InlineData(5, 37, 10, 40)]
    [InlineData(64, 512, 10, 24576)]
    [InlineData(3, 70, 7, 70)]
    public void Scores_and_gradient_equal_the_explicit_sums(int rows, int length, int classes, int ldw)
    {
        var rng = new Random(rows * 1000 + length);
        float[] x = Random(rng, rows * length), w = Random(rng, (classes - 1) * ldw + length), s = Random(rng, rows * classes);
        var scores = (float[])s.Clone();
        NarrowProducts.AddScores(x, rows, length, w, classes, ldw, scores);
        var g = Enumerable.Repeat(float.NaN, classes * ldw).ToArray();
        NarrowProducts.Gradient(s, x, rows, length, classes, g, ldw);
        for (int i = 0; i < rows; i++)
            for (int c = 0; c < classes; c++)
            {
                double expected = s[i * classes + c];
                for (int j = 0; j < length; j++) expected += (double)x[i * length + j] * w[c * ldw + j];
                Assert.Equal(expected, scores[i * classes + c], 1e-4 * Math.Sqrt(length));
            }
        for (int c = 0; c < classes; c++)
            for (int j = 0; j < ldw; j++)
            {
                if (j >= length) { Assert.True(float.IsNaN(g[c * ldw + j]), "columns past the length stay untouched"); continue; }
                double expected = 0;
                for (int i = 0; i < rows; i++) expected += (double)s[i * classes + c] * x[i * length + j];
                Assert.Equal(expected, g[c * ldw + j], 1e-4 * Math.Sqrt(rows));
            }
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_refused()
    {
        var x = new float[20];
        Assert.Throws<ArgumentException>(() => NarrowProducts.AddScores(x, 3, 8, new float[40], 2, 16, new float[6]));   // x too short
        Assert.Throws<ArgumentException>(() => NarrowProducts.AddScores(x, 2, 8, new float[20], 2, 16, new float[4]));   // W too short
        Assert.Throws<ArgumentException>(() => NarrowProducts.Gradient(new float[3], x, 2, 8, 2, new float[32], 16));    // too few scores
    }

    [Fact]
    public void Half_conversion_is_exact_for_every_half()
    {
        var halves = Enumerable.Range(0, 65536).Select(i => BitConverter.UInt16BitsToHalf((ushort)i)).ToArray();
        var converted = new float[halves.Length + 3];
        HalfConversion.ToSingle(halves, converted);
        for (int i = 0; i < halves.Length; i++)
        {
            float expected = (float)halves[i];
            if (float.IsNaN(expected)) Assert.True(float.IsNaN(converted[i]), $"half 0x{i:X4} is NaN");
            else Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(converted[i]));
        }
        Assert.Throws<ArgumentException>(() => HalfConversion.ToSingle(halves, new float[10]));
    }

    static float[] Random(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
}
