using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Neuromorphic.Tensors;

/// <summary>
/// Products of a block of rows X (rows x length, contiguous) with a handful of "class" rows of a wide matrix W
/// (classes rows, row stride ldw): the read-out's scores S += X·Wᵀ and its weight gradient G = Sᵀ·X. With 10 classes
/// a general GEMM spends its time packing and padding; these keep 8 independent FMA chains in registers
/// (2 rows x 4 classes for the scores, 4 classes x 32 columns for the gradient), so they run at the FMA rate.
/// Class and row groups that do not divide evenly repeat their last member and drop its results.
/// </summary>
public static class NarrowProducts
{
    /// <summary>scores[i·classes + c] += Σ_j x[i·length + j]·w[c·ldw + j] for i &lt; rows, c &lt; classes.</summary>
    public static void AddScores(ReadOnlySpan<float> x, int rows, int length, ReadOnlySpan<float> w, int classes, int ldw, Span<float> scores)
    {
        Check(x.Length, rows, length, w.Length, classes, ldw);
        if (scores.Length < rows * classes) throw new ArgumentException($"'{nameof(scores)}' must hold {rows}x{classes} values, but it holds {scores.Length}.", nameof(scores));
        if (!Vector512.IsHardwareAccelerated)
        {
            for (int i = 0; i < rows; i++)
                for (int c = 0; c < classes; c++)
                {
                    float sum = 0;
                    for (int j = 0; j < length; j++) sum += x[i * length + j] * w[c * ldw + j];
                    scores[i * classes + c] += sum;
                }
            return;
        }
        Span<float> tile = stackalloc float[8];
        for (int i = 0; i < rows; i += 2)
        {
            int i1 = Math.Min(i + 1, rows - 1);
            ref float x0 = ref Unsafe.AsRef(in x[i * length]);
            ref float x1 = ref Unsafe.AsRef(in x[i1 * length]);
            for (int c = 0; c < classes; c += 4)
            {
                ref float w0 = ref Unsafe.AsRef(in w[c * ldw]);
                ref float w1 = ref Unsafe.AsRef(in w[Math.Min(c + 1, classes - 1) * ldw]);
                ref float w2 = ref Unsafe.AsRef(in w[Math.Min(c + 2, classes - 1) * ldw]);
                ref float w3 = ref Unsafe.AsRef(in w[Math.Min(c + 3, classes - 1) * ldw]);
                Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
                Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
                int j = 0;
                for (; j <= length - 16; j += 16)
                {
                    var u = Vector512.LoadUnsafe(ref x0, (nuint)j);
                    var v = Vector512.LoadUnsafe(ref x1, (nuint)j);
                    var b0 = Vector512.LoadUnsafe(ref w0, (nuint)j);
                    a00 = Vector512.FusedMultiplyAdd(u, b0, a00); a10 = Vector512.FusedMultiplyAdd(v, b0, a10);
                    var b1 = Vector512.LoadUnsafe(ref w1, (nuint)j);
                    a01 = Vector512.FusedMultiplyAdd(u, b1, a01); a11 = Vector512.FusedMultiplyAdd(v, b1, a11);
                    var b2 = Vector512.LoadUnsafe(ref w2, (nuint)j);
                    a02 = Vector512.FusedMultiplyAdd(u, b2, a02); a12 = Vector512.FusedMultiplyAdd(v, b2, a12);
                    var b3 = Vector512.LoadUnsafe(ref w3, (nuint)j);
                    a03 = Vector512.FusedMultiplyAdd(u, b3, a03); a13 = Vector512.FusedMultiplyAdd(v, b3, a13);
                }
                tile[0] = Vector512.Sum(a00); tile[1] = Vector512.Sum(a01); tile[2] = Vector512.Sum(a02); tile[3] = Vector512.Sum(a03);
                tile[4] = Vector512.Sum(a10); tile[5] = Vector512.Sum(a11); tile[6] = Vector512.Sum(a12); tile[7] = Vector512.Sum(a13);
                for (; j < length; j++)
                {
                    float u = Unsafe.Add(ref x0, j), v = Unsafe.Add(ref x1, j);
                    float b0 = Unsafe.Add(ref w0, j), b1 = Unsafe.Add(ref w1, j), b2 = Unsafe.Add(ref w2, j), b3 = Unsafe.Add(ref w3, j);
                    tile[0] += u * b0; tile[1] += u * b1; tile[2] += u * b2; tile[3] += u * b3;
                    tile[4] += v * b0; tile[5] += v * b1; tile[6] += v * b2; tile[7] += v * b3;
                }
                for (int r = 0; r < 2 && i + r < rows; r++)
                    for (int k = 0; k < 4 && c + k < classes; k++) scores[(i + r) * classes + c + k] += tile[r * 4 + k];
            }
        }
    }

    /// <summary>g[c·ldg + j] = Σ_i scores[i·classes + c]·x[i·length + j] for c &lt; classes, j &lt; length (overwrites).</summary>
    public static void Gradient(ReadOnlySpan<float> scores, ReadOnlySpan<float> x, int rows, int length, int classes, Span<float> g, int ldg)
    {
        Check(x.Length, rows, length, g.Length, classes, ldg);
        if (scores.Length < rows * classes) throw new ArgumentException($"'{nameof(scores)}' must hold {rows}x{classes} values, but it holds {scores.Length}.", nameof(scores));
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref float s = ref Unsafe.AsRef(in scores[0]);
            ref float xs = ref Unsafe.AsRef(in x[0]);
            for (; j <= length - 32; j += 32)
                for (int c = 0; c < classes; c += 4)
                {
                    int c1 = Math.Min(c + 1, classes - 1), c2 = Math.Min(c + 2, classes - 1), c3 = Math.Min(c + 3, classes - 1);
                    Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
                    for (int i = 0; i < rows; i++)
                    {
                        ref float xi = ref Unsafe.Add(ref xs, i * length + j);
                        var u = Vector512.LoadUnsafe(ref xi);
                        var v = Vector512.LoadUnsafe(ref xi, 16);
                        int row = i * classes;
                        var s0 = Vector512.Create(Unsafe.Add(ref s, row + c));
                        a0 = Vector512.FusedMultiplyAdd(u, s0, a0); b0 = Vector512.FusedMultiplyAdd(v, s0, b0);
                        var s1 = Vector512.Create(Unsafe.Add(ref s, row + c1));
                        a1 = Vector512.FusedMultiplyAdd(u, s1, a1); b1 = Vector512.FusedMultiplyAdd(v, s1, b1);
                        var s2 = Vector512.Create(Unsafe.Add(ref s, row + c2));
                        a2 = Vector512.FusedMultiplyAdd(u, s2, a2); b2 = Vector512.FusedMultiplyAdd(v, s2, b2);
                        var s3 = Vector512.Create(Unsafe.Add(ref s, row + c3));
                        a3 = Vector512.FusedMultiplyAdd(u, s3, a3); b3 = Vector512.FusedMultiplyAdd(v, s3, b3);
                    }
                    // Stored last to first so a repeated class (c3 = c2 ...) ends with its own, identical, value.
                    a3.CopyTo(g.Slice(c3 * ldg + j)); b3.CopyTo(g.Slice(c3 * ldg + j + 16));
                    a2.CopyTo(g.Slice(c2 * ldg + j)); b2.CopyTo(g.Slice(c2 * ldg + j + 16));
                    a1.CopyTo(g.Slice(c1 * ldg + j)); b1.CopyTo(g.Slice(c1 * ldg + j + 16));
                    a0.CopyTo(g.Slice(c * ldg + j)); b0.CopyTo(g.Slice(c * ldg + j + 16));
                }
        }
        for (int c = 0; c < classes; c++)
            for (int jj = j; jj < length; jj++)
            {
                float sum = 0;
                for (int i = 0; i < rows; i++) sum += scores[i * classes + c] * x[i * length + jj];
                g[c * ldg + jj] = sum;
            }
    }

    static void Check(int xLength, int rows, int length, int wLength, int classes, int ldw)
    {
        if (rows < 1 || length < 1 || classes < 1)
            throw new ArgumentException($"Rows ({rows}), length ({length}) and classes ({classes}) must all be >= 1.");
        if (xLength < (long)rows * length) throw new ArgumentException($"{rows} rows of {length} need {(long)rows * length} values, but x holds {xLength}.");
        if (ldw < length || (long)(classes - 1) * ldw + length > wLength)
            throw new ArgumentException($"{classes} class rows of {length} at stride {ldw} do not fit in {wLength} values.");
    }
}
