using Neuromorphic.Tensors.Gemm;

namespace Neuromorphic.Tensors;

public static partial class Conv2d
{
    /// <summary>
    /// The Hebbian correlation term (= PyTorch's conv weight gradient for output gradient y):
    /// dW[k, c, a, b] (=|+=) sum over n, h, w of y[n, k, h, w] * xpad[n, c, h*s + a, w*s + b],
    /// reusing the column matrix left in <paramref name="workspace"/> by the last
    /// <see cref="Forward(Tensor, Tensor, int, int, PaddingMode, Tensor, Conv2dWorkspace)"/> or
    /// <see cref="Im2Col.Fill"/>. It is one GEMM: y as (K x N*H'W') times columns^T.
    /// The workspace must hold the whole batch; otherwise use the overload that takes x.
    /// </summary>
    /// <param name="y">(N, K, H', W'), the post-synaptic signal at each output position.</param>
    /// <param name="dW">(K, C, kh, kw) destination.</param>
    /// <param name="accumulate">true adds to dW (beta = 1); false overwrites it.</param>
    public static void WeightCorrelation(Tensor y, Conv2dWorkspace workspace, Tensor dW, bool accumulate)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (workspace.Geometry is not { } g)
            throw new InvalidOperationException("The workspace holds no column matrix: run Conv2d.Forward or Im2Col.Fill on it first.");
        if (!workspace.HoldsWholeBatch)
            throw new InvalidOperationException(
                $"The workspace holds the columns of images {workspace.FirstImage}..{workspace.FirstImage + workspace.ImageCount - 1} only, not the whole batch of {g.N} " +
                $"(the batch exceeded {nameof(Conv2dWorkspace.MaxColumnFloats)}); use the WeightCorrelation overload that takes x.");
        int k = ValidateCorrelation(y, dW, g);
        Correlate(y.Data, k, g, 0, g.N, workspace.ColumnBuffer(0), workspace, dW.Data, accumulate ? 1f : 0f);
    }

    /// <summary>
    /// Same correlation, recomputing the columns of x chunk by chunk (for batches too large to keep
    /// their columns, or when the workspace was used for something else since the forward pass).
    /// </summary>
    public static void WeightCorrelation(Tensor x, Tensor y, int stride, int padding, PaddingMode mode,
        Conv2dWorkspace workspace, Tensor dW, bool accumulate)
    {
        var (n, c, h, w) = Shapes.Nchw(x, nameof(x));
        var (_, dc, kh, kw) = Shapes.Nchw(dW, nameof(dW));
        ArgumentNullException.ThrowIfNull(workspace);
        if (dc != c)
            throw new ArgumentException($"'{nameof(dW)}' must have {c} input channels to match x {Shapes.Format(x.Shape)}, but its shape is {Shapes.Format(dW.Shape)}.", nameof(dW));
        var g = new Conv2dGeometry(n, c, h, w, kh, kw, stride, padding, mode);
        int k = ValidateCorrelation(y, dW, g);
        Shapes.Distinct(x, nameof(x), dW, nameof(dW));
        int chunk = workspace.ImagesPerChunk(g);
        float beta = accumulate ? 1f : 0f;
        if (g.N == 0 && !accumulate) dW.Span.Clear();
        for (int n0 = 0; n0 < g.N; n0 += chunk)
        {
            int nb = Math.Min(chunk, g.N - n0);
            var columns = Im2Col.Fill(x.Data, g, n0, nb, workspace);
            // Chunks are summed in a fixed order, so the result is deterministic for a given cap.
            Correlate(y.Data, k, g, n0, nb, columns, workspace, dW.Data, n0 == 0 ? beta : 1f);
        }
    }

    static int ValidateCorrelation(Tensor y, Tensor dW, in Conv2dGeometry g)
    {
        var (k, _, _, _) = Shapes.Nchw(dW, nameof(dW));
        Shapes.Exactly(dW, nameof(dW), k, g.C, g.KernelH, g.KernelW);
        Shapes.Exactly(y, nameof(y), g.N, k, g.OutH, g.OutW);
        Shapes.Distinct(y, nameof(y), dW, nameof(dW));
        return k;
    }

    static void Correlate(float[] y, int k, in Conv2dGeometry g, int n0, int nb, float[] columns, Conv2dWorkspace workspace, float[] dW, float beta)
    {
        int P = g.OutPixels, ckk = g.PatchSize, cols = nb * P;
        if (cols == 0)
        {
            if (beta == 0) dW.AsSpan(0, k * ckk).Clear();
            return;
        }
        ReadOnlySpan<float> yMat;
        if (nb == 1)
            yMat = y.AsSpan(n0 * k * P, k * P); // one image: y[n] already is K x H'W'
        else
        {
            // Gather y (nb, K, H'W') into (K, nb*H'W') so the whole chunk is a single GEMM with k = nb*H'W'.
            var m = workspace.MatrixBuffer((long)k * cols);
            KernelParallel.For(k, (long)k * cols, kk =>
            {
                for (int i = 0; i < nb; i++)
                    y.AsSpan(((n0 + i) * k + kk) * P, P).CopyTo(m.AsSpan(kk * cols + i * P, P));
            });
            yMat = m.AsSpan(0, k * cols);
        }
        // dW (K x CKK) = yMat (K x cols) * columns^T, columns stored CKK x cols.
        Sgemm.Multiply(false, true, k, ckk, cols, 1f, yMat, cols, columns, cols, beta, dW.AsSpan(0, k * ckk), ckk);
    }
}
