namespace Neuromorphic.Tensors;

/// <summary>
/// A dense float tensor stored row-major in one array. Images and activations are NCHW:
/// (batch, channels, height, width). The array may be longer than the shape needs so that
/// buffers can be reused across batches; only the first <see cref="Length"/> elements count.
/// </summary>
public sealed class Tensor
{
    public float[] Data { get; }
    public int[] Shape { get; }
    public int Length { get; }

    public Tensor(params int[] shape) : this(new float[Product(shape)], shape) { }

    public Tensor(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        Length = Product(shape);
        if (data.Length < Length)
            throw new ArgumentException($"Tensor data holds {data.Length} floats but shape [{string.Join(", ", shape)}] needs {Length}.", nameof(data));
        Data = data;
        Shape = (int[])shape.Clone();
    }

    public int Rank => Shape.Length;
    public Span<float> Span => Data.AsSpan(0, Length);

    /// <summary>Sizes of an NCHW tensor; throws if the tensor is not 4-D.</summary>
    public (int N, int C, int H, int W) Nchw
    {
        get
        {
            if (Shape.Length != 4)
                throw new InvalidOperationException($"Expected a 4-D NCHW tensor, got shape [{string.Join(", ", Shape)}].");
            return (Shape[0], Shape[1], Shape[2], Shape[3]);
        }
    }

    public ref float this[int n, int c, int h, int w]
    {
        get
        {
            var (_, C, H, W) = Nchw;
            return ref Data[((n * C + c) * H + h) * W + w];
        }
    }

    public override string ToString() => $"Tensor[{string.Join("x", Shape)}]";

    public static int Product(ReadOnlySpan<int> shape)
    {
        long p = 1;
        foreach (var s in shape)
        {
            if (s < 0) throw new ArgumentException($"Negative dimension {s} in a tensor shape.");
            p *= s;
            if (p > Array.MaxLength) throw new ArgumentException($"Tensor of {p}+ elements exceeds the largest .NET array.");
        }
        return (int)p;
    }
}
