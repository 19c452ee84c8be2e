using System.Buffers;
using System.Numerics.Tensors;

namespace Neuromorphic.Tensors;

/// <summary>
/// SoftHebb's "Triangle" activation: at every (n, h, w), a_c = ReLU(u_c - mean over channels of u)^P.
/// The centring makes channels compete (the weakest ones are always cut to zero); P sharpens (P &gt; 1)
/// or flattens (P &lt; 1) the surviving responses. In-place use (u == a) is allowed.
/// </summary>
public static class Triangle
{
    public static void Forward(Tensor u, float power, Tensor a)
    {
        var (n, c, h, w) = Shapes.NchwInOut(u, nameof(u), a, nameof(a));
        CheckPower(power);
        if (c == 0) return;
        int plane = h * w;
        // Images are independent and each writes its own output: parallel and still deterministic.
        KernelParallel.For(n, (long)n * c * plane, i =>
        {
            float[] scratch = ArrayPool<float>.Shared.Rent(plane);
            var mean = scratch.AsSpan(0, plane);
            int baseOffset = i * c * plane;
            // Channel mean of each pixel, one whole plane at a time (channels are HW apart).
            u.Data.AsSpan(baseOffset, plane).CopyTo(mean);
            for (int ch = 1; ch < c; ch++) TensorPrimitives.Add(mean, u.Data.AsSpan(baseOffset + ch * plane, plane), mean);
            TensorPrimitives.Divide(mean, c, mean);
            for (int ch = 0; ch < c; ch++)
            {
                var dst = a.Data.AsSpan(baseOffset + ch * plane, plane);
                TensorPrimitives.Subtract(u.Data.AsSpan(baseOffset + ch * plane, plane), mean, dst);
                TensorPrimitives.Max(dst, 0f, dst);
                // P = 1 skips pow entirely, so the result is exactly the centred ReLU.
                if (power != 1f) PowNonNegative(dst, power);
            }
            ArrayPool<float>.Shared.Return(scratch);
        });
    }

    /// <summary>a = a^P in place for a tensor of Triangle outputs (all >= 0), parallel over its images.</summary>
    public static void Power(Tensor a, float power)
    {
        Shapes.NotNull(a, nameof(a));
        CheckPower(power);
        if (power == 1f || a.Length == 0) return;
        int n = a.Shape[0], per = a.Length / n;
        KernelParallel.For(n, a.Length, i => PowNonNegative(a.Data.AsSpan(i * per, per), power));
    }

    static void CheckPower(float power)
    {
        if (!(power > 0) || !float.IsFinite(power))
            throw new ArgumentException($"'{nameof(power)}' must be a finite number > 0, but it is {power}.", nameof(power));
    }

    /// <summary>
    /// x = x^P in place for x &gt;= 0 (or NaN) and P &gt; 0, vectorised as exp(P·ln x): TensorPrimitives.Pow runs a
    /// scalar pow per element. ln 0 = −∞ gives exp(−∞) = 0 = 0^P, +∞ stays +∞ and NaN stays NaN, so no special
    /// cases are needed. Agrees with MathF.Pow to a few 1e-7 relative (ln and exp are each within an ulp or two;
    /// the argument's error grows with |P·ln x|, about 1e-6 relative at x = 1e6).
    /// </summary>
    public static void PowNonNegative(Span<float> x, float power)
    {
        TensorPrimitives.Log(x, x);
        TensorPrimitives.Multiply(x, power, x);
        TensorPrimitives.Exp(x, x);
    }
}
