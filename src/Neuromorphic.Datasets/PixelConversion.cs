using System.Numerics;

namespace Neuromorphic.Datasets;

/// <summary>
/// Byte to float conversion for pixel batches. Sources keep bytes (4x less memory) and convert
/// per batch, so this sits on the training hot path and is vectorised.
/// </summary>
public static class PixelConversion
{
    /// <summary>
    /// destination[i] = source[i] / 255f for every i. The vector path divides (rather than
    /// multiplying by 1/255) so its results are bit-identical to the scalar formula.
    /// </summary>
    public static void ToUnitFloat(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException(
                $"Destination holds {destination.Length} floats but {source.Length} are needed.", nameof(destination));
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated && source.Length >= Vector<byte>.Count)
        {
            int step = Vector<byte>.Count;
            int lanes = Vector<float>.Count;
            var divisor = new Vector<float>(255f);
            for (; i <= source.Length - step; i += step)
            {
                var bytes = new Vector<byte>(source.Slice(i, step));
                Vector.Widen(bytes, out Vector<ushort> low, out Vector<ushort> high);
                Vector.Widen(low, out Vector<uint> a, out Vector<uint> b);
                Vector.Widen(high, out Vector<uint> c, out Vector<uint> d);
                Span<float> target = destination.Slice(i, step);
                (Vector.ConvertToSingle(a) / divisor).CopyTo(target);
                (Vector.ConvertToSingle(b) / divisor).CopyTo(target.Slice(lanes));
                (Vector.ConvertToSingle(c) / divisor).CopyTo(target.Slice(2 * lanes));
                (Vector.ConvertToSingle(d) / divisor).CopyTo(target.Slice(3 * lanes));
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i] / 255f;
        }
    }
}
