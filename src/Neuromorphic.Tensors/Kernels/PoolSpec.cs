using System.Globalization;

namespace Neuromorphic.Tensors;

public enum PoolType { Max, Avg }

/// <summary>
/// A pooling layer as the SoftHebb presets write it: "type_kernel_stride_padding", e.g. "max_4_2_1"
/// or "avg_2_2_0". Average pooling uses PyTorch's default count_include_pad = true.
/// </summary>
public readonly record struct PoolSpec
{
    public PoolType Type { get; }
    public int Kernel { get; }
    public int Stride { get; }
    public int Padding { get; }

    public PoolSpec(PoolType type, int kernel, int stride, int padding)
    {
        if (type != PoolType.Max && type != PoolType.Avg)
            throw new ArgumentException($"Unknown pool type {type}.", nameof(type));
        Shapes.Positive(kernel, nameof(kernel));
        Shapes.Positive(stride, nameof(stride));
        Shapes.NonNegative(padding, nameof(padding));
        if (padding > kernel / 2)
            throw new ArgumentException($"Pooling padding must be at most half the kernel (as in PyTorch): '{nameof(padding)}' is {padding} but the kernel is {kernel}.", nameof(padding));
        (Type, Kernel, Stride, Padding) = (type, kernel, stride, padding);
    }

    /// <summary>Parses "max_4_2_1" / "avg_2_2_0" (type_kernel_stride_padding; type is case-insensitive).</summary>
    public static PoolSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = spec.Trim().Split('_');
        if (parts.Length != 4)
            throw new ArgumentException($"'{nameof(spec)}' must look like type_kernel_stride_padding (e.g. max_4_2_1), but it is '{spec}'.", nameof(spec));
        PoolType type = parts[0].ToLowerInvariant() switch
        {
            "max" => PoolType.Max,
            "avg" => PoolType.Avg,
            _ => throw new ArgumentException($"'{nameof(spec)}' must start with max or avg, but it is '{spec}'.", nameof(spec)),
        };
        int Number(int i, string what) =>
            int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out int v)
                ? v
                : throw new ArgumentException($"The {what} in '{nameof(spec)}' must be a whole number, but it is '{parts[i]}' (in '{spec}').", nameof(spec));
        return new PoolSpec(type, Number(1, "kernel"), Number(2, "stride"), Number(3, "padding"));
    }

    /// <summary>Output size along one axis.</summary>
    public int OutputSize(int size) => Pooling.OutputSize(size, Kernel, Stride, Padding);

    /// <summary>Pools x into y (N, C, OutputSize(H), OutputSize(W)).</summary>
    public void Apply(Tensor x, Tensor y)
    {
        if (Type == PoolType.Max) Pooling.MaxPool2d(x, Kernel, Stride, Padding, y);
        else Pooling.AvgPool2d(x, Kernel, Stride, Padding, countIncludePad: true, y);
    }

    public override string ToString() => FormattableString.Invariant($"{(Type == PoolType.Max ? "max" : "avg")}_{Kernel}_{Stride}_{Padding}");
}
