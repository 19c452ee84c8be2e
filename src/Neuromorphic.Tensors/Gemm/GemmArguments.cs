namespace Neuromorphic.Tensors.Gemm;

/// <summary>Checks a GEMM call's sizes once, so every back-end fails the same clear way.</summary>
public static class GemmArguments
{
    public static void Validate(bool transA, bool transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentException($"GEMM sizes must be non-negative, got m={m}, n={n}, k={k}.");
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        Check("A", aRows, aCols, aLength, lda);
        Check("B", bRows, bCols, bLength, ldb);
        Check("C", m, n, cLength, ldc);
    }

    static void Check(string name, int rows, int cols, int length, int ld)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols)
            throw new ArgumentException($"GEMM matrix {name} is {rows}x{cols} but its leading dimension is {ld} (must be >= {cols}).");
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException($"GEMM matrix {name} ({rows}x{cols}, ld {ld}) needs {needed} floats but the buffer holds {length}.");
    }
}
