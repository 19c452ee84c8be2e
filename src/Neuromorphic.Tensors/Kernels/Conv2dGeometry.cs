namespace Neuromorphic.Tensors;

/// <summary>
/// Sizes of one convolution: the input (N, C, H, W), a KernelH x KernelW window, stride, padding and
/// its mode (dilation is always 1). Columns of im2col are indexed (image, out row, out col); rows are
/// (channel, kernel row, kernel col), the same order as a flattened (K, C, kh, kw) weight.
/// </summary>
public readonly record struct Conv2dGeometry
{
    public int N { get; }
    public int C { get; }
    public int H { get; }
    public int W { get; }
    public int KernelH { get; }
    public int KernelW { get; }
    public int Stride { get; }
    public int Padding { get; }
    public PaddingMode Mode { get; }

    // Stride is 0 only in default(Conv2dGeometry); report an empty output rather than divide by zero.
    public int OutH => Stride == 0 ? 0 : (H + 2 * Padding - KernelH) / Stride + 1;
    public int OutW => Stride == 0 ? 0 : (W + 2 * Padding - KernelW) / Stride + 1;
    /// <summary>Output pixels per image, H' * W'.</summary>
    public int OutPixels => OutH * OutW;
    /// <summary>Rows of the column matrix, C * kh * kw (= a flattened filter).</summary>
    public int PatchSize => C * KernelH * KernelW;

    public Conv2dGeometry(int n, int c, int h, int w, int kernelH, int kernelW, int stride, int padding, PaddingMode mode)
    {
        Shapes.NonNegative(n, nameof(n));
        Shapes.Positive(c, "channels");
        Shapes.Positive(h, "height");
        Shapes.Positive(w, "width");
        Shapes.Positive(kernelH, nameof(kernelH));
        Shapes.Positive(kernelW, nameof(kernelW));
        Shapes.Positive(stride, nameof(stride));
        Tensors.Padding.Validate(h, w, padding, mode, nameof(padding));
        if (h + 2 * padding < kernelH || w + 2 * padding < kernelW)
            throw new ArgumentException(
                $"The {kernelH}x{kernelW} kernel is larger than the padded {h + 2 * padding}x{w + 2 * padding} input (input {h}x{w}, padding {padding}).", nameof(kernelH));
        (N, C, H, W, KernelH, KernelW, Stride, Padding, Mode) = (n, c, h, w, kernelH, kernelW, stride, padding, mode);
    }

    /// <summary>Output size of a convolution along one axis: (size + 2p - kernel) / stride + 1.</summary>
    public static int OutputSize(int size, int kernel, int stride, int padding) => (size + 2 * padding - kernel) / stride + 1;
}
