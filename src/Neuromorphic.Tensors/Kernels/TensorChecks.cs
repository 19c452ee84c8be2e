using System.Runtime.Intrinsics;

namespace Neuromorphic.Tensors;

/// <summary>Data checks kept out of the kernels, for callers that want to fail fast on bad numbers.</summary>
public static class TensorChecks
{
    /// <summary>Throws an ArgumentException naming <paramref name="name"/>, the first NaN/infinite element's index and its value.</summary>
    public static void ThrowIfNotFinite(Tensor tensor, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        int i = IndexOfNonFinite(tensor.Span);
        if (i < 0) return;
        throw new ArgumentException(
            $"'{name}' {tensor} holds a non-finite value {tensor.Data[i]} at [{string.Join(", ", Unravel(i, tensor.Shape))}] (flat index {i}).", name);
    }

    /// <summary>Index of the first NaN or infinity, or -1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        // x - x is 0 for every finite x and NaN for NaN and +-inf; scan a vector at a time.
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(values.Slice(i, Vector256<float>.Count));
                if (!Vector256.EqualsAll(v - v, Vector256<float>.Zero)) break;
            }
        }
        for (; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    static int[] Unravel(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 0) continue;
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }
}
