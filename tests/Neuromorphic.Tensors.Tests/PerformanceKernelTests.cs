using Neuromorphic.Tensors.Gemm;

namespace Neuromorphic.Tensors.Tests;

/// <summary>The vectorised kernels and the GEMM threading policy added for throughput.</summary>
public class PerformanceKernelTests
{
    static float[] Random(Random rng, int count) => Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

    [Theory]
    [InlineData(0.7f)]
    [InlineData(1.4f)]
    [InlineData(2.5f)]
    [InlineData(0.25f)]
    public void VectorisedPowMatchesScalarPow(float power)
    {
        var rng = new Random(3);
        var x = new float[4099];
        for (int i = 0; i < x.Length; i++)
            x[i] = i % 7 == 0 ? 0f : (float)Math.Exp(rng.NextDouble() * 20 - 10); // 4.5e-5 .. 2.2e4, and zeros
        var y = (float[])x.Clone();
        Triangle.PowNonNegative(y, power);
        for (int i = 0; i < x.Length; i++)
        {
            float expected = MathF.Pow(x[i], power);
            Assert.True(MathF.Abs(y[i] - expected) <= 1e-5f * expected, $"{x[i]}^{power}: {y[i]} vs {expected}");
        }
        var special = new[] { float.PositiveInfinity, float.NaN, 0f };
        Triangle.PowNonNegative(special, power);
        Assert.Equal(float.PositiveInfinity, special[0]);
        Assert.True(float.IsNaN(special[1]));
        Assert.Equal(0f, special[2]);
    }

    [Fact]
    public void TriangleWithPowerMatchesTheScalarDefinition()
    {
        var rng = new Random(5);
        int n = 2, c = 7, h = 5, w = 6;
        var u = new Tensor(Random(rng, n * c * h * w).Select(v => v * 30).ToArray(), n, c, h, w);
        var a = new Tensor(n, c, h, w);
        Triangle.Forward(u, 1.4f, a);
        for (int i = 0; i < n; i++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    double mean = 0;
                    for (int ch = 0; ch < c; ch++) mean += u[i, ch, y, x];
                    mean /= c;
                    for (int ch = 0; ch < c; ch++)
                    {
                        float expected = MathF.Pow(MathF.Max((float)(u[i, ch, y, x] - mean), 0f), 1.4f);
                        Assert.True(MathF.Abs(a[i, ch, y, x] - expected) <= 1e-5f * expected + 1e-6f, $"{a[i, ch, y, x]} vs {expected}");
                    }
                }
    }

    [Fact]
    public void SoftmaxFlushesSubnormalOutputsToZero()
    {
        int c = 40, h = 4, w = 4;
        var rng = new Random(9);
        var u = new Tensor(Random(rng, c * h * w).Select(v => v * 500).ToArray(), 1, c, h, w);
        var s = new Tensor(1, c, h, w);
        Softmax.OverChannels(u, 1f, s);
        foreach (float v in s.Span) Assert.True(v == 0 || v >= 1.17549435e-38f, $"subnormal or negative {v}");
        for (int p = 0; p < h * w; p++)
        {
            double sum = 0;
            for (int ch = 0; ch < c; ch++) sum += s.Data[ch * h * w + p];
            Assert.Equal(1.0, sum, 5);
        }
    }

    [Theory]
    [InlineData("managed")]
    [InlineData("openblas")]
    public void PanelGemmGivesTheSameBitsWhateverTheThreads(string backend)
    {
        if (backend == "openblas") GemmTests.OpenBlas(1);
        var gemm = Sgemm.Create(backend, 2);
        Assert.IsType<PanelGemm>(gemm);
        var rng = new Random(11);
        foreach (var (ta, tb, m, n, k) in new[] { (false, false, 200, 700, 300), (false, true, 384, 300, 640), (true, false, 130, 90, 4000), (false, false, 700, 150, 260) })
        {
            var a = Random(rng, m * k); var b = Random(rng, k * n);
            int lda = ta ? m : k, ldb = tb ? k : n;
            var expected = new float[m * n];
            new ReferenceGemm().Multiply(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, expected, n);
            var shared = new float[m * n];
            gemm.Multiply(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, shared, n);
            var alone = new float[m * n];
            using (Sgemm.UseThreads(1)) gemm.Multiply(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, alone, n);
            Assert.Equal(alone, shared); // bit for bit
            for (int i = 0; i < expected.Length; i++)
                Assert.True(MathF.Abs(shared[i] - expected[i]) <= 1e-3f * (1 + MathF.Abs(expected[i])), $"{m}x{n}x{k} [{i}]: {shared[i]} vs {expected[i]}");
            Assert.True(((PanelGemm)gemm).Plan(m, n, k).Panels > 1, "these shapes are large enough to be split");
        }
    }

    [Fact]
    public void ConcurrentCallersShareTheBudgetAndGetIdenticalResults()
    {
        // A budget of its own: the process-wide one of 2 threads also serves the other test classes, running meanwhile.
        var shared = (PanelGemm)Sgemm.Create("managed", 2);
        var gemm = new PanelGemm(shared.Inner, GemmThreadBudget.Unshared(2), shared.MaxPanels);
        var rng = new Random(13);
        int m = 256, n = 512, k = 384;
        var a = Random(rng, m * k); var b = Random(rng, k * n);
        var first = new float[m * n];
        gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, first, n);
        var results = new float[6][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 3 }, i =>
        {
            var c = new float[m * n];
            for (int rep = 0; rep < 3; rep++) gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
            results[i] = c;
        });
        foreach (var r in results) Assert.Equal(first, r);
        Assert.Equal(0, gemm.Budget.Busy);
        // A caller that returns has its helpers' slots back too: checked right after each of many calls (before the
        // fix, under load, a helper still held its slot after about 1 call in 300).
        var again = new float[m * n];
        for (int rep = 0; rep < 300; rep++)
        {
            gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, again, n);
            Assert.Equal(0, gemm.Budget.Busy);
        }
        Assert.True(gemm.Budget.HelperPanels > 0, "no helper ever took a panel: the check says nothing");
    }

    [Fact]
    public void UseThreadsScopeNestsAndRestores()
    {
        Assert.Null(Sgemm.AmbientThreadLimit);
        using (Sgemm.UseThreads(1))
        {
            Assert.Equal(1, Sgemm.AmbientThreadLimit);
            using (Sgemm.UseThreads(2)) Assert.Equal(2, Sgemm.AmbientThreadLimit);
            Assert.Equal(1, Sgemm.AmbientThreadLimit);
        }
        Assert.Null(Sgemm.AmbientThreadLimit);
        Assert.Throws<ArgumentException>(() => Sgemm.UseThreads(0));
    }
}
