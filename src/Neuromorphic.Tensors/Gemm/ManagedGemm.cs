namespace Neuromorphic.Tensors.Gemm;

/// <summary>Managed SIMD SGEMM (work in progress: placeholder delegates to the reference).</summary>
public sealed class ManagedGemm(int threads) : IGemm
{
    readonly ReferenceGemm _ref = new();
    public int Threads { get; } = Math.Max(1, threads);
    public string Name => $"managed x{Threads}";
    public void Multiply(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
        => _ref.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
