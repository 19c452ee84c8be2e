using System.Buffers;
using System.Numerics.Tensors;

namespace Neuromorphic.Tensors;

/// <summary>
/// MaxPool2d and AvgPool2d on NCHW tensors with PyTorch semantics for ceil_mode = false and
/// dilation 1: square kernel k, stride s, padding p (p &lt;= k/2), output floor((H + 2p - k)/s) + 1.
/// Both are separable: reduce the window's rows into one row (vectorised), then slide along it.
/// </summary>
public static class Pooling
{
    /// <summary>Output size along one axis: floor((size + 2p - k) / s) + 1.</summary>
    public static int OutputSize(int size, int kernel, int stride, int padding) => (size + 2 * padding - kernel) / stride + 1;

    /// <summary>Checks pooling parameters for an H x W input, as PyTorch does.</summary>
    public static void Validate(int height, int width, int kernel, int stride, int padding)
    {
        Shapes.Positive(kernel, nameof(kernel));
        Shapes.Positive(stride, nameof(stride));
        Shapes.NonNegative(padding, nameof(padding));
        if (padding > kernel / 2)
            throw new ArgumentException($"Pooling padding must be at most half the kernel (as in PyTorch): '{nameof(padding)}' is {padding} but the kernel is {kernel}.", nameof(padding));
        if (height + 2 * padding < kernel || width + 2 * padding < kernel)
            throw new ArgumentException($"The pooling kernel {kernel} is larger than the padded {height + 2 * padding}x{width + 2 * padding} input (input {height}x{width}, padding {padding}).", nameof(kernel));
    }

    /// <summary>
    /// y[n, c, i, j] = max of x over the window rows [i*s - p, i*s - p + k) x cols [j*s - p, j*s - p + k),
    /// padding counting as -infinity. A NaN in a window gives NaN, as in PyTorch.
    /// </summary>
    public static void MaxPool2d(Tensor x, int kernel, int stride, int padding, Tensor y)
        => Run(x, kernel, stride, padding, y, isMax: true, countIncludePad: true);

    /// <summary>
    /// y = window sum / divisor. With <paramref name="countIncludePad"/> (PyTorch's default) the divisor
    /// is the window clipped to the padded bounds [-p, size + p) (PyTorch's hend = min(hstart + k, H + p);
    /// with ceil_mode = false no window overruns them, so this is k*k); otherwise it is the number of
    /// real (unpadded) input elements in the window.
    /// </summary>
    public static void AvgPool2d(Tensor x, int kernel, int stride, int padding, bool countIncludePad, Tensor y)
        => Run(x, kernel, stride, padding, y, isMax: false, countIncludePad);

    /// <summary>Allocating convenience for both pool types.</summary>
    public static Tensor Apply(PoolSpec spec, Tensor x)
    {
        var (n, c, h, w) = Shapes.Nchw(x, nameof(x));
        Validate(h, w, spec.Kernel, spec.Stride, spec.Padding);
        var y = new Tensor(n, c, OutputSize(h, spec.Kernel, spec.Stride, spec.Padding), OutputSize(w, spec.Kernel, spec.Stride, spec.Padding));
        spec.Apply(x, y);
        return y;
    }

    static void Run(Tensor x, int k, int s, int p, Tensor y, bool isMax, bool countIncludePad)
    {
        var (n, c, h, w) = Shapes.Nchw(x, nameof(x));
        Validate(h, w, k, s, p);
        int oh = OutputSize(h, k, s, p), ow = OutputSize(w, k, s, p);
        Shapes.Exactly(y, nameof(y), n, c, oh, ow);
        Shapes.Distinct(x, nameof(x), y, nameof(y));
        var geo = new PlaneGeometry(h, w, oh, ow, k, s, p);
        float[] src = x.Data, dst = y.Data;
        // Planes are independent and each writes its own output: parallel and still deterministic.
        KernelParallel.For(n * c, (long)x.Length * k, plane => Plane(src, dst, plane, geo, isMax, countIncludePad));
    }

    readonly record struct PlaneGeometry(int H, int W, int OH, int OW, int K, int S, int P);

    static void Plane(float[] x, float[] y, int plane, PlaneGeometry g, bool isMax, bool countIncludePad)
    {
        var src = x.AsSpan(plane * g.H * g.W, g.H * g.W);
        var dst = y.AsSpan(plane * g.OH * g.OW, g.OH * g.OW);
        int block = g.OH * g.W;
        float[] rented = ArrayPool<float>.Shared.Rent(2 * block);
        // rows: output row i's window rows folded into one row (element-wise max or sum), at i*W.
        var rows = rented.AsSpan(0, block);
        for (int i = 0; i < g.OH; i++)
        {
            var (hs, he) = (Math.Max(i * g.S - g.P, 0), Math.Min(i * g.S - g.P + g.K, g.H));
            var acc = rows.Slice(i * g.W, g.W);
            src.Slice(hs * g.W, g.W).CopyTo(acc);
            for (int r = hs + 1; r < he; r++)
            {
                var row = src.Slice(r * g.W, g.W);
                if (isMax) TensorPrimitives.Max(acc, row, acc); // propagates NaN like MathF.Max
                else TensorPrimitives.Add(acc, row, acc);
            }
        }
        // slide[q] = fold of rows[q .. q + K), for the whole block in K − 1 vector passes (the same left-to-right
        // order as a scalar loop over the window). Positions whose window crosses a row end are never read below.
        var slide = rented.AsSpan(block, block);
        int slid = block - (g.K - 1);
        if (slid > 0)
        {
            rows[..slid].CopyTo(slide);
            for (int t = 1; t < g.K; t++)
            {
                if (isMax) TensorPrimitives.Max(slide[..slid], rows.Slice(t, slid), slide[..slid]);
                else TensorPrimitives.Add(slide[..slid], rows.Slice(t, slid), slide[..slid]);
            }
        }
        for (int i = 0; i < g.OH; i++)
        {
            int hs = i * g.S - g.P, he = Math.Min(hs + g.K, g.H + g.P);
            int padRows = he - hs;
            int validRows = Math.Min(he, g.H) - Math.Max(hs, 0);
            var acc = rows.Slice(i * g.W, g.W);
            var outRow = dst.Slice(i * g.OW, g.OW);
            for (int j = 0; j < g.OW; j++)
            {
                int ws = j * g.S - g.P, we = Math.Min(ws + g.K, g.W + g.P);
                int padCols = we - ws;
                float folded;
                if (ws >= 0 && ws + g.K <= g.W) folded = slide[i * g.W + ws]; // window inside the row
                else
                {
                    int a = Math.Max(ws, 0), b = Math.Min(we, g.W);
                    folded = acc[a];
                    for (int q = a + 1; q < b; q++) folded = isMax ? MathF.Max(folded, acc[q]) : folded + acc[q];
                }
                if (isMax) outRow[j] = folded;
                else
                {
                    int divisor = countIncludePad ? padRows * padCols : validRows * (Math.Min(we, g.W) - Math.Max(ws, 0));
                    outRow[j] = folded / divisor;
                }
            }
        }
        ArrayPool<float>.Shared.Return(rented);
    }
}
