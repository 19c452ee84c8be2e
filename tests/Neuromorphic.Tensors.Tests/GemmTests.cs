using Neuromorphic.Tensors.Gemm;

namespace Neuromorphic.Tensors.Tests;

public class GemmTests
{
    public static TheoryData<string> Backends()
    {
        return new TheoryData<string> { "managed-1", "managed-2", "managed-v256-1", "managed-v256-2", "openblas-1", "openblas-2" };
    }

    static IGemm Make(string name) => name switch
    {
        "managed-1" => new ManagedGemm(1),
        "managed-2" => new ManagedGemm(2),
        "managed-v256-1" => new ManagedGemm(1, allowAvx512: false),
        "managed-v256-2" => new ManagedGemm(2, allowAvx512: false),
        "openblas-1" => OpenBlas(1),
        "openblas-2" => OpenBlas(2),
        _ => throw new ArgumentException(name),
    };

    /// <summary>The OpenBLAS back-end; the test is skipped (failed under CI) when libopenblas is not installed.</summary>
    internal static IGemm OpenBlas(int threads)
    {
        var blas = OpenBlasGemm.TryCreate(threads);
        Requires.That(blas is not null, "OpenBLAS (libopenblas.so.0) is not installed, so the second GEMM back-end is not checked",
            "install it with 'apt-get install libopenblas0-pthread' (.ci/run does)");
        return blas!;
    }

    static float[] Random(Random rng, int count) => Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

    [Theory]
    [MemberData(nameof(Backends))]
    public void MatchesReferenceOnRandomShapes(string backend)
    {
        var gemm = Make(backend);
        var reference = new ReferenceGemm();
        var rng = new Random(1234);
        // Odd sizes straddle every tile and block edge (MR 6/8, NR 16/32, KC 256, MC 128).
        int[][] shapes = [[1, 1, 1], [7, 5, 3], [8, 32, 1], [9, 33, 17], [130, 70, 300], [33, 1030, 257], [200, 9, 600], [5, 4100, 2]];
        foreach (var s in shapes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                {
                    int m = s[0], n = s[1], k = s[2];
                    int lda = (ta ? m : k) + rng.Next(3), ldb = (tb ? k : n) + rng.Next(3), ldc = n + rng.Next(3);
                    var a = Random(rng, (ta ? k : m) * lda);
                    var b = Random(rng, (tb ? n : k) * ldb);
                    var c0 = Random(rng, m * ldc);
                    float alpha = 0.75f, beta = rng.Next(3) switch { 0 => 0f, 1 => 1f, _ => -0.5f };
                    var expected = (float[])c0.Clone();
                    var actual = (float[])c0.Clone();
                    reference.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc);
                    gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, actual, ldc);
                    float tol = 1e-5f * MathF.Sqrt(k) * 4;
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++)
                        {
                            float e = expected[i * ldc + j], g = actual[i * ldc + j];
                            Assert.True(MathF.Abs(e - g) <= tol * (1 + MathF.Abs(e)),
                                $"{gemm.Name} m={m} n={n} k={k} tA={ta} tB={tb} beta={beta}: C[{i},{j}] = {g}, expected {e}");
                        }
                    // Padding between rows (ldc > n) must be left untouched.
                    for (int i = 0; i < m; i++)
                        for (int j = n; j < ldc; j++)
                            Assert.Equal(c0[i * ldc + j], actual[i * ldc + j]);
                }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void BetaZeroClearsNaNAndKZeroScales(string backend)
    {
        var gemm = Make(backend);
        var c = new[] { float.NaN, 2f, 3f, 4f };
        gemm.Multiply(false, false, 2, 2, 1, 1f, new[] { 1f, 2f }, 1, new[] { 3f, 4f }, 2, 0f, c, 2);
        Assert.Equal(new[] { 3f, 4f, 6f, 8f }, c);
        var d = new[] { 1f, 2f, 3f, 4f };
        gemm.Multiply(false, false, 2, 2, 0, 1f, Array.Empty<float>(), 1, Array.Empty<float>(), 2, 0.5f, d, 2);
        Assert.Equal(new[] { 0.5f, 1f, 1.5f, 2f }, d);
    }

    [Fact]
    public void HandComputedProduct()
    {
        // [1 2 3; 4 5 6] * [7 8; 9 10; 11 12] = [58 64; 139 154]
        var c = new float[4];
        new ManagedGemm(1).Multiply(false, false, 2, 2, 3, 1f, new float[] { 1, 2, 3, 4, 5, 6 }, 3, new float[] { 7, 8, 9, 10, 11, 12 }, 2, 0f, c, 2);
        Assert.Equal(new float[] { 58, 64, 139, 154 }, c);
    }

    [Fact]
    public void ManagedAndOpenBlasAgreeOnAConvSizedProduct()
    {
        var blas = OpenBlas(2);
        var rng = new Random(7);
        int m = 96, k = 75, n = 4096;
        var a = Random(rng, m * k); var b = Random(rng, k * n);
        var c1 = new float[m * n]; var c2 = new float[m * n];
        new ManagedGemm(2).Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c1, n);
        blas.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c2, n);
        for (int i = 0; i < c1.Length; i++) Assert.True(MathF.Abs(c1[i] - c2[i]) <= 1e-4f * (1 + MathF.Abs(c2[i])), $"element {i}: {c1[i]} vs {c2[i]}");
    }

    [Fact]
    public void BadSizesAreExplained()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            new ManagedGemm(1).Multiply(false, false, 2, 2, 3, 1f, new float[5], 3, new float[6], 2, 0f, new float[4], 2));
        Assert.Contains("matrix A", ex.Message);
        Assert.Contains("needs 6", ex.Message);
    }

    [Fact]
    public void BackendSelectionByName()
    {
        Assert.StartsWith("managed", Sgemm.Create("managed", 1).Name);
        Assert.Equal("reference", Sgemm.Create("reference", 1).Name);
        Assert.Throws<ArgumentException>(() => Sgemm.Create("cuda", 1));
    }
}
