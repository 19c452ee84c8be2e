namespace Neuromorphic.Tensors.Gemm;

static class GemmEdges
{
    /// <summary>C = beta * C; beta = 0 clears C even where it held NaN, as BLAS does.</summary>
    public static void ScaleC(int m, int n, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = c.Slice(i * ldc, n);
            if (beta == 0) row.Clear();
            else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }
}
