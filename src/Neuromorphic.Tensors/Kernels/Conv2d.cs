using Neuromorphic.Tensors.Gemm;

namespace Neuromorphic.Tensors;

/// <summary>
/// 2-D convolution (cross-correlation, as in PyTorch), dilation 1, groups 1, no bias, computed as
/// im2col + one GEMM per chunk of images. The columns stay in the workspace for the Hebbian
/// weight correlation (<see cref="WeightCorrelation(Tensor, Conv2dWorkspace, Tensor, bool)"/>). A caller
/// that needs no columns (a frozen layer) lets 3x3 kernels at stride 1 go by Winograd F(2x2, 3x3) instead
/// (<see cref="UsesWinograd"/>).
/// </summary>
public static partial class Conv2d
{
    /// <summary>Output size along one axis: (size + 2p - kernel) / stride + 1.</summary>
    public static int OutputSize(int size, int kernel, int stride, int padding) => Conv2dGeometry.OutputSize(size, kernel, stride, padding);

    /// <summary>Allocating convenience over <see cref="Forward(Tensor, Tensor, int, int, PaddingMode, Tensor, Conv2dWorkspace)"/>.</summary>
    public static Tensor Forward(Tensor x, Tensor weight, int stride, int padding, PaddingMode mode, Conv2dWorkspace workspace)
    {
        var g = Validate(x, weight, stride, padding, mode);
        var output = new Tensor(g.N, weight.Shape[0], g.OutH, g.OutW);
        Forward(x, weight, stride, padding, mode, output, workspace);
        return output;
    }

    /// <summary>
    /// output (N, K, H', W') = conv(pad(x), weight), with x (N, C, H, W) and weight (K, C, kh, kw).
    /// With <paramref name="keepColumns"/> the workspace holds the column matrix after the call (the whole batch
    /// when it fits its cap); without, the Winograd path may run and leave it holding none.
    /// </summary>
    public static void Forward(Tensor x, Tensor weight, int stride, int padding, PaddingMode mode, Tensor output, Conv2dWorkspace workspace,
        bool keepColumns = true)
    {
        var g = Validate(x, weight, stride, padding, mode);
        ArgumentNullException.ThrowIfNull(workspace);
        int k = weight.Shape[0], P = g.OutPixels, ckk = g.PatchSize;
        Shapes.Exactly(output, nameof(output), g.N, k, g.OutH, g.OutW);
        // Chunks after the first would read x after output was written: no in-place.
        Shapes.Distinct(x, nameof(x), output, nameof(output));
        Shapes.Distinct(weight, nameof(weight), output, nameof(output));

        if (!keepColumns && UsesWinograd(g, k))
        {
            ForwardWinograd(x, weight, g, output, workspace);
            return;
        }
        int chunk = workspace.ImagesPerChunk(g);
        var outData = output.Data;
        for (int n0 = 0; n0 < g.N; n0 += chunk)
        {
            int nb = Math.Min(chunk, g.N - n0);
            int cols = nb * P;
            var columns = Im2Col.Fill(x.Data, g, n0, nb, workspace);
            if (nb == 1)
            {
                // One image: its K x H'W' product already is the NCHW output plane block.
                Sgemm.Multiply(false, false, k, P, ckk, 1f, weight.Data, ckk, columns, cols, 0f, outData.AsSpan(n0 * k * P, k * P), P);
                continue;
            }
            // Several images: one big GEMM into (K, nb*H'W'), then permute to (nb, K, H'W').
            var product = workspace.MatrixBuffer((long)k * cols);
            Sgemm.Multiply(false, false, k, cols, ckk, 1f, weight.Data, ckk, columns, cols, 0f, product, cols);
            KernelParallel.For(k, (long)k * cols, kk =>
            {
                for (int i = 0; i < nb; i++)
                    product.AsSpan(kk * cols + i * P, P).CopyTo(outData.AsSpan(((n0 + i) * k + kk) * P, P));
            });
        }
    }

    static Conv2dGeometry Validate(Tensor x, Tensor weight, int stride, int padding, PaddingMode mode)
    {
        var (n, c, h, w) = Shapes.Nchw(x, nameof(x));
        var (k, wc, kh, kw) = Shapes.Nchw(weight, nameof(weight));
        if (wc != c)
            throw new ArgumentException($"'{nameof(weight)}' must have {c} input channels to match x {Shapes.Format(x.Shape)}, but its shape is {Shapes.Format(weight.Shape)}.", nameof(weight));
        Shapes.Positive(k, "weight output channels");
        return new Conv2dGeometry(n, c, h, w, kh, kw, stride, padding, mode);
    }
}
