using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;

namespace Neuromorphic.Tensors;

/// <summary>
/// Softmax with inverse temperature t: s_c = exp(t*u_c - m) / sum_j exp(t*u_j - m), m = max_j t*u_j.
/// Subtracting the maximum keeps exp in range (the largest term is exactly 1). Pure kernel: NaN in
/// gives NaN out; use <see cref="TensorChecks.ThrowIfNotFinite"/> where that must be caught.
/// In-place use (u == s) is allowed.
/// </summary>
public static class Softmax
{
    /// <summary>Softmax over the channel axis of an NCHW tensor, independently at every (n, h, w).</summary>
    public static void OverChannels(Tensor u, float inverseTemperature, Tensor s)
    {
        var (n, c, h, w) = Shapes.NchwInOut(u, nameof(u), s, nameof(s));
        if (c == 0) return;
        int plane = h * w;
        float t = inverseTemperature;
        // Channels are HW apart, so work a whole plane at a time: every step is a contiguous vector op.
        // Images are independent and each writes its own output: parallel and still deterministic.
        KernelParallel.For(n, (long)n * c * plane, i =>
        {
            float[] scratch = ArrayPool<float>.Shared.Rent(2 * plane);
            var negMax = scratch.AsSpan(0, plane);
            var sum = scratch.AsSpan(plane, plane);
            int baseOffset = i * c * plane;
            ReadOnlySpan<float> U(int ch) => u.Data.AsSpan(baseOffset + ch * plane, plane);
            Span<float> S(int ch) => s.Data.AsSpan(baseOffset + ch * plane, plane);

            // max_c (t*u_c), kept negated so the exponent is one fused t*u_c + (-max).
            TensorPrimitives.Multiply(U(0), t, negMax);
            for (int ch = 1; ch < c; ch++)
            {
                TensorPrimitives.Multiply(U(ch), t, sum); // sum is free scratch until it is cleared
                TensorPrimitives.Max(negMax, sum, negMax);
            }
            TensorPrimitives.Negate(negMax, negMax);

            sum.Clear();
            for (int ch = 0; ch < c; ch++)
            {
                var sc = S(ch);
                TensorPrimitives.MultiplyAdd(U(ch), t, negMax, sc);
                // Below −87, exp lands in the subnormal range (slow to compute and to add, and flushed to 0 below):
                // clamp so every term stays normal. Against a sum >= 1 such terms are below float resolution anyway.
                TensorPrimitives.Max(sc, MinExponent, sc);
                TensorPrimitives.Exp(sc, sc);
                TensorPrimitives.Add(sum, sc, sum);
            }
            for (int ch = 0; ch < c; ch++) DivideFlushingSubnormals(S(ch), sum);
            ArrayPool<float>.Shared.Return(scratch);
        });
    }

    /// <summary>
    /// s /= sum, then every result below float's smallest normal (1.2e-38), and every term whose exponent was
    /// clamped, becomes 0. Softmax outputs that small
    /// (an exponent under −87) are numerically nothing, but as subnormals they cost the GEMMs that later multiply
    /// them (the Hebbian correlation) a microcode assist per operation: 10–50× slower on this hardware.
    /// </summary>
    const float SmallestNormal = 1.17549435e-38f;
    const float MinExponent = -87f;          // exp(−87) = 1.65e-38, the smallest term kept normal
    const float ClampedTerm = 1.7e-38f;      // terms at or below this were clamped: their output is 0

    internal static void DivideFlushingSubnormals(Span<float> s, ReadOnlySpan<float> sum)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var min = Vector512.Create(SmallestNormal);
            var clamped = Vector512.Create(ClampedTerm);
            ref float ps = ref MemoryMarshal.GetReference(s);
            ref float pm = ref MemoryMarshal.GetReference(sum);
            for (; i <= s.Length - 16; i += 16)
            {
                var e = Vector512.LoadUnsafe(ref ps, (nuint)i);
                var total = Vector512.LoadUnsafe(ref pm, (nuint)i);
                // Decide before dividing: a division whose result is subnormal is itself slow (a microcode assist).
                // e / sum < min  <=>  e < sum * min, and sum >= 1 keeps that product normal. NaN fails both tests.
                var tiny = Vector512.LessThan(Vector512.Abs(e), total * min) | Vector512.LessThanOrEqual(e, clamped);
                (Vector512.AndNot(e, tiny) / total).StoreUnsafe(ref ps, (nuint)i);
            }
        }
        for (; i < s.Length; i++)
        {
            float e = s[i];
            s[i] = MathF.Abs(e) < sum[i] * SmallestNormal || e <= ClampedTerm ? 0f : e / sum[i];
        }
    }

    /// <summary>Softmax along each row of a 2-D (rows x cols) tensor.</summary>
    public static void OverRows(Tensor x, float inverseTemperature, Tensor y)
    {
        Shapes.NotNull(x, nameof(x));
        if (x.Rank != 2)
            throw new ArgumentException($"'{nameof(x)}' must be a 2-D (rows x cols) tensor, but its shape is {Shapes.Format(x.Shape)}.", nameof(x));
        Shapes.Exactly(y, nameof(y), x.Shape[0], x.Shape[1]);
        Shapes.SameOrDisjoint(x, nameof(x), y, nameof(y));
        OverRows(x.Data.AsSpan(0, x.Length), x.Shape[0], x.Shape[1], inverseTemperature, y.Data.AsSpan(0, y.Length));
    }

    /// <summary>Softmax along each row of a row-major rows x cols matrix held in spans (x and y may be the same memory).</summary>
    public static void OverRows(ReadOnlySpan<float> x, int rows, int cols, float inverseTemperature, Span<float> y)
    {
        Shapes.NonNegative(rows, nameof(rows));
        Shapes.NonNegative(cols, nameof(cols));
        long needed = (long)rows * cols;
        if (x.Length < needed)
            throw new ArgumentException($"'{nameof(x)}' must hold {rows}x{cols} = {needed} floats, but it holds {x.Length}.", nameof(x));
        if (y.Length < needed)
            throw new ArgumentException($"'{nameof(y)}' must hold {rows}x{cols} = {needed} floats, but it holds {y.Length}.", nameof(y));
        if (cols == 0) return;
        float t = inverseTemperature;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * cols, cols);
            var yr = y.Slice(r * cols, cols);
            // max of t*x is t*max(x) for t >= 0 and t*min(x) otherwise.
            float m = t * (t >= 0 ? TensorPrimitives.Max(xr) : TensorPrimitives.Min(xr));
            TensorPrimitives.Multiply(xr, t, yr);
            TensorPrimitives.Subtract(yr, m, yr);
            TensorPrimitives.Exp(yr, yr);
            float total = TensorPrimitives.Sum(yr);
            TensorPrimitives.Divide(yr, total, yr);
        }
    }
}
