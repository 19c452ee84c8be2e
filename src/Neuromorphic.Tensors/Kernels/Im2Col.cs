namespace Neuromorphic.Tensors;

/// <summary>
/// Unfolds the (padded) input patches into a column matrix so that a convolution becomes one GEMM.
/// Padding is applied while gathering (zeros or reflect index map), so no padded copy of the input
/// is ever built.
/// </summary>
public static class Im2Col
{
    /// <summary>
    /// Fills <paramref name="workspace"/> with the columns of every image of <paramref name="x"/>
    /// (ignoring the workspace's chunk cap) and records the geometry, so that
    /// <see cref="Conv2d.WeightCorrelation(Tensor, Conv2dWorkspace, Tensor, bool)"/> can use them.
    /// </summary>
    public static Conv2dGeometry Fill(Tensor x, int kernelH, int kernelW, int stride, int padding, PaddingMode mode, Conv2dWorkspace workspace)
    {
        var (n, c, h, w) = Shapes.Nchw(x, nameof(x));
        ArgumentNullException.ThrowIfNull(workspace);
        var g = new Conv2dGeometry(n, c, h, w, kernelH, kernelW, stride, padding, mode);
        Fill(x.Data, g, 0, n, workspace);
        return g;
    }

    /// <summary>Columns for images [firstImage, firstImage + count) into the workspace's column buffer.</summary>
    internal static float[] Fill(float[] x, in Conv2dGeometry g, int firstImage, int count, Conv2dWorkspace workspace)
    {
        long ld = (long)count * g.OutPixels;
        var cols = workspace.ColumnBuffer(g.PatchSize * ld);
        workspace.Invalidate(); // a throw below must not leave stale columns marked valid
        var geo = g;
        // Each (channel, kernel row) pair writes its own kw rows of the matrix: safe to run in parallel.
        KernelParallel.For(g.C * g.KernelH, g.PatchSize * ld, ca => FillRows(x, cols, geo, firstImage, count, ca / geo.KernelH, ca % geo.KernelH));
        workspace.SetHeld(g, firstImage, count);
        return cols;
    }

    static void FillRows(float[] x, float[] cols, Conv2dGeometry g, int firstImage, int count, int c, int a)
    {
        int H = g.H, W = g.W, s = g.Stride, p = g.Padding, OH = g.OutH, OW = g.OutW, P = g.OutPixels;
        int ld = count * P;
        for (int b = 0; b < g.KernelW; b++)
        {
            int row = (c * g.KernelH + a) * g.KernelW + b;
            // Output columns ow whose input column iw = ow*s + b - p lies inside [0, W): a contiguous run [lo, hi].
            int lo = p - b <= 0 ? 0 : (p - b + s - 1) / s;
            int hiNum = W - 1 + p - b;
            int hi = hiNum < 0 ? -1 : Math.Min(OW - 1, hiNum / s);
            lo = Math.Min(lo, OW);
            for (int i = 0; i < count; i++)
            {
                int plane = ((firstImage + i) * g.C + c) * H * W;
                for (int oh = 0; oh < OH; oh++)
                {
                    var dst = cols.AsSpan(row * ld + i * P + oh * OW, OW);
                    int ih = Padding.SourceIndex(oh * s + a - p, H, g.Mode);
                    if (ih < 0) { dst.Clear(); continue; }
                    var src = x.AsSpan(plane + ih * W, W);
                    for (int ow = 0; ow < lo; ow++) dst[ow] = Border(src, ow * s + b - p, W, g.Mode);
                    if (hi >= lo)
                    {
                        int start = lo * s + b - p;
                        if (s == 1) src.Slice(start, hi - lo + 1).CopyTo(dst.Slice(lo));
                        else for (int ow = lo, iw = start; ow <= hi; ow++, iw += s) dst[ow] = src[iw];
                    }
                    for (int ow = Math.Max(lo, hi + 1); ow < OW; ow++) dst[ow] = Border(src, ow * s + b - p, W, g.Mode);
                }
            }
        }
    }

    static float Border(ReadOnlySpan<float> src, int iw, int width, PaddingMode mode)
    {
        int j = Padding.SourceIndex(iw, width, mode);
        return j < 0 ? 0f : src[j];
    }
}
