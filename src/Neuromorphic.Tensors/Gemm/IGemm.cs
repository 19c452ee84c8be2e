namespace Neuromorphic.Tensors.Gemm;

/// <summary>
/// Single-precision matrix multiply on row-major matrices:
/// C = alpha * op(A) * op(B) + beta * C, where op(A) is m x k and op(B) is k x n.
/// With <c>transA</c>, A is stored k x m (lda >= m); without it m x k (lda >= k). Likewise for B.
/// </summary>
public interface IGemm
{
    /// <summary>A short name for logs and benchmark tables (e.g. "managed-avx512 x2").</summary>
    string Name { get; }

    void Multiply(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc);
}
