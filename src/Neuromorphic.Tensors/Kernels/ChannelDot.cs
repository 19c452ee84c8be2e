using System.Numerics.Tensors;

namespace Neuromorphic.Tensors;

/// <summary>
/// Per-channel dot product of two NCHW tensors of one shape:
/// result[c] = sum over n, h, w of a[n, c, h, w] * b[n, c, h, w].
/// In SoftHebb this is the decay term YU[k] = sum y * u of the Oja-like update.
/// </summary>
public static class ChannelDot
{
    /// <summary>Writes the C per-channel dot products into <paramref name="result"/> (length C, or more: only the first C are written).</summary>
    public static void Compute(Tensor a, Tensor b, Span<float> result)
    {
        var (n, c, h, w) = Shapes.Nchw(a, nameof(a));
        Shapes.Exactly(b, nameof(b), n, c, h, w);
        if (result.Length < c)
            throw new ArgumentException($"'{nameof(result)}' must hold at least {c} values (one per channel of {Shapes.Format(a.Shape)}), but it holds {result.Length}.", nameof(result));
        int plane = h * w;
        for (int ch = 0; ch < c; ch++)
        {
            // Each H*W plane is a short vectorised float dot; the N planes are summed in double so a
            // large batch does not lose the small terms. Fixed order: deterministic.
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                int offset = (i * c + ch) * plane;
                sum += TensorPrimitives.Dot(a.Data.AsSpan(offset, plane), b.Data.AsSpan(offset, plane));
            }
            result[ch] = (float)sum;
        }
    }

    /// <summary>Allocating convenience: returns the C per-channel dot products.</summary>
    public static float[] Compute(Tensor a, Tensor b)
    {
        var (_, c, _, _) = Shapes.Nchw(a, nameof(a));
        var result = new float[c];
        Compute(a, b, result);
        return result;
    }
}
