using Neuromorphic.Tensors.Gemm;

namespace Neuromorphic.Tensors;

public static partial class Conv2d
{
    /// <summary>
    /// Whether <see cref="Forward(Tensor, Tensor, int, int, PaddingMode, Tensor, Conv2dWorkspace)"/> takes the Winograd
    /// F(2x2, 3x3) path: 3x3 kernels at stride 1 with enough channels that the 16 products outweigh the transforms.
    /// </summary>
    public static bool UsesWinograd(in Conv2dGeometry g, int outChannels)
        => g.KernelH == 3 && g.KernelW == 3 && g.Stride == 1 && g.C >= 16 && outChannels >= 16 && g.OutH >= 2 && g.OutW >= 2;

    /// <summary>
    /// Winograd F(2x2, 3x3) (Lavin and Gray, 2016): each 2x2 output tile is A^T [(G g G^T) ⊙ (B^T d B)] A for its 4x4
    /// input patch d, so the multiplications become 16 GEMMs (K x C) · (C x tiles), 2.25x fewer FLOPs than im2col's one
    /// GEMM. The transforms only add and halve, so the result equals the direct convolution to float rounding.
    /// The columns are not formed: the workspace is left holding none.
    /// </summary>
    static void ForwardWinograd(Tensor x, Tensor weight, in Conv2dGeometry g, Tensor output, Conv2dWorkspace workspace)
    {
        int n = g.N, c = g.C, k = weight.Shape[0], oh = g.OutH, ow = g.OutW;
        int th = (oh + 1) / 2, tw = (ow + 1) / 2, tiles = n * th * tw;
        var u = workspace.WinogradWeights(weight, k, c);
        var v = workspace.ColumnBuffer(16L * c * tiles);
        var m = workspace.MatrixBuffer(16L * k * tiles);
        workspace.Invalidate();

        TransformInput(x.Data, g, th, tw, v);
        // The 16 products are independent: one per panel, each on one thread.
        Sgemm.RunPanels(16, xi =>
        {
            using var single = Sgemm.UseThreads(1);
            Sgemm.Multiply(false, false, k, tiles, c, 1f, u.AsSpan(xi * k * c, k * c), c,
                v.AsSpan(xi * c * tiles, c * tiles), tiles, 0f, m.AsSpan(xi * k * tiles, k * tiles), tiles);
        });
        TransformOutput(m, n, k, th, tw, oh, ow, output.Data);
    }

    /// <summary>u[ξ, k, c] = (G g G^T)[ξ] for each 3x3 filter g, G = [[1,0,0],[½,½,½],[½,−½,½],[0,0,1]].</summary>
    internal static void TransformWeights(float[] weight, int k, int c, float[] u)
    {
        int plane = k * c;
        KernelParallel.For(k, 16L * k * c, kk =>
        {
            Span<float> a = stackalloc float[12];
            for (int ci = 0; ci < c; ci++)
            {
                var f = weight.AsSpan((kk * c + ci) * 9, 9);
                for (int col = 0; col < 3; col++)
                {
                    float r0 = f[col], r1 = f[3 + col], r2 = f[6 + col];
                    a[col] = r0;
                    a[3 + col] = 0.5f * (r0 + r1 + r2);
                    a[6 + col] = 0.5f * (r0 - r1 + r2);
                    a[9 + col] = r2;
                }
                int at = kk * c + ci;
                for (int row = 0; row < 4; row++)
                {
                    float a0 = a[row * 3], a1 = a[row * 3 + 1], a2 = a[row * 3 + 2];
                    u[(row * 4) * plane + at] = a0;
                    u[(row * 4 + 1) * plane + at] = 0.5f * (a0 + a1 + a2);
                    u[(row * 4 + 2) * plane + at] = 0.5f * (a0 - a1 + a2);
                    u[(row * 4 + 3) * plane + at] = a2;
                }
            }
        });
    }

    /// <summary>v[ξ, c, tile] = (B^T d B)[ξ] for the 4x4 padded input patch d of each tile, B^T = [[1,0,−1,0],[0,1,1,0],[0,−1,1,0],[0,1,0,−1]].
    /// Patch cells past the padded input (a last tile of an odd output size) read 0; their outputs are dropped.</summary>
    static void TransformInput(float[] x, Conv2dGeometry g, int th, int tw, float[] v)
    {
        int c = g.C, h = g.H, w = g.W, p = g.Padding, tilesPerImage = th * tw, tiles = g.N * tilesPerImage;
        int paddedH = h + 2 * p, paddedW = w + 2 * p;
        // Source row/column of each padded coordinate the tiles touch; −1 reads 0.
        var rows = new int[2 * th + 2];
        var cols = new int[2 * tw + 2];
        for (int i = 0; i < rows.Length; i++) rows[i] = i < paddedH ? Tensors.Padding.SourceIndex(i - p, h, g.Mode) : -1;
        for (int j = 0; j < cols.Length; j++) cols[j] = j < paddedW ? Tensors.Padding.SourceIndex(j - p, w, g.Mode) : -1;
        long plane = (long)c * tiles;
        KernelParallel.For(g.N * c, 16L * g.N * c * tilesPerImage, nc =>
        {
            int img = nc / c, ci = nc % c;
            var src = x.AsSpan(nc * h * w, h * w);
            Span<float> d = stackalloc float[16];
            long at = (long)ci * tiles + (long)img * tilesPerImage;
            for (int ty = 0; ty < th; ty++)
                for (int tx = 0; tx < tw; tx++, at++)
                {
                    for (int a = 0; a < 4; a++)
                    {
                        int r = rows[2 * ty + a];
                        for (int b = 0; b < 4; b++)
                        {
                            int s = cols[2 * tx + b];
                            d[a * 4 + b] = r < 0 || s < 0 ? 0f : src[r * w + s];
                        }
                    }
                    // B^T d (rows), then · B (columns).
                    for (int b = 0; b < 4; b++)
                    {
                        float d0 = d[b], d1 = d[4 + b], d2 = d[8 + b], d3 = d[12 + b];
                        d[b] = d0 - d2; d[4 + b] = d1 + d2; d[8 + b] = d2 - d1; d[12 + b] = d1 - d3;
                    }
                    for (int a = 0; a < 4; a++)
                    {
                        float e0 = d[a * 4], e1 = d[a * 4 + 1], e2 = d[a * 4 + 2], e3 = d[a * 4 + 3];
                        v[(a * 4) * plane + at] = e0 - e2;
                        v[(a * 4 + 1) * plane + at] = e1 + e2;
                        v[(a * 4 + 2) * plane + at] = e2 - e1;
                        v[(a * 4 + 3) * plane + at] = e1 - e3;
                    }
                }
        });
    }

    /// <summary>output[n, k, 2ty + i, 2tx + j] = (A^T M A)[i, j] for each tile's 4x4 product M, A^T = [[1,1,1,0],[0,1,−1,−1]].</summary>
    static void TransformOutput(float[] m, int n, int k, int th, int tw, int oh, int ow, float[] output)
    {
        int tilesPerImage = th * tw;
        long tiles = (long)n * tilesPerImage, plane = k * tiles;
        KernelParallel.For(k, 16L * k * tiles, kk =>
        {
            Span<float> t = stackalloc float[8];
            for (int img = 0; img < n; img++)
            {
                long at = kk * tiles + (long)img * tilesPerImage;
                int outBase = (img * k + kk) * oh * ow;
                for (int ty = 0; ty < th; ty++)
                    for (int tx = 0; tx < tw; tx++, at++)
                    {
                        for (int b = 0; b < 4; b++)
                        {
                            float m0 = m[(b) * plane + at], m1 = m[(4 + b) * plane + at], m2 = m[(8 + b) * plane + at], m3 = m[(12 + b) * plane + at];
                            t[b] = m0 + m1 + m2;
                            t[4 + b] = m1 - m2 - m3;
                        }
                        for (int i = 0; i < 2; i++)
                        {
                            int y = 2 * ty + i;
                            if (y >= oh) break;
                            float s0 = t[i * 4], s1 = t[i * 4 + 1], s2 = t[i * 4 + 2], s3 = t[i * 4 + 3];
                            int xo = 2 * tx;
                            output[outBase + y * ow + xo] = s0 + s1 + s2;
                            if (xo + 1 < ow) output[outBase + y * ow + xo + 1] = s1 - s2 - s3;
                        }
                    }
            }
        });
    }
}
