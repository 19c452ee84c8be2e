namespace Neuromorphic.Tensors;

/// <summary>Pads the H and W axes of an NCHW tensor by the same amount on all four sides.</summary>
public static class Padding
{
    /// <summary>Checks that <paramref name="padding"/> is valid for an H x W image under <paramref name="mode"/>.</summary>
    public static void Validate(int height, int width, int padding, PaddingMode mode, string paddingName = "padding")
    {
        Shapes.NonNegative(padding, paddingName);
        if (mode == PaddingMode.Reflect && (padding >= height || padding >= width))
            throw new ArgumentException(
                $"Reflect padding must be smaller than the image (as in PyTorch): '{paddingName}' is {padding} but the image is {height}x{width}.", paddingName);
        if (mode != PaddingMode.Zeros && mode != PaddingMode.Reflect)
            throw new ArgumentException($"Unknown padding mode {mode}.", nameof(mode));
    }

    /// <summary>
    /// Maps a coordinate of the padded image (i in [-p, size+p)) to the source coordinate,
    /// or -1 where zero padding applies. Reflect mirrors about the edge pixel without repeating it.
    /// </summary>
    public static int SourceIndex(int i, int size, PaddingMode mode)
    {
        if ((uint)i < (uint)size) return i;
        if (mode == PaddingMode.Zeros) return -1;
        return i < 0 ? -i : 2 * (size - 1) - i;
    }

    /// <summary>Allocating convenience: returns a new (N, C, H+2p, W+2p) tensor.</summary>
    public static Tensor Pad2d(Tensor x, int padding, PaddingMode mode)
    {
        var (n, c, h, w) = Shapes.Nchw(x, nameof(x));
        var y = new Tensor(n, c, h + 2 * padding, w + 2 * padding);
        Pad2d(x, padding, mode, y);
        return y;
    }

    /// <summary>Writes x padded by <paramref name="padding"/> into <paramref name="y"/>, shape (N, C, H+2p, W+2p).</summary>
    public static void Pad2d(Tensor x, int padding, PaddingMode mode, Tensor y)
    {
        var (n, c, h, w) = Shapes.Nchw(x, nameof(x));
        Validate(h, w, padding, mode);
        int ph = h + 2 * padding, pw = w + 2 * padding;
        Shapes.Exactly(y, nameof(y), n, c, ph, pw);
        Shapes.Distinct(x, nameof(x), y, nameof(y));

        var src = x.Data;
        var dst = y.Data;
        for (int plane = 0; plane < n * c; plane++)
        {
            int srcPlane = plane * h * w, dstPlane = plane * ph * pw;
            for (int oh = 0; oh < ph; oh++)
            {
                var row = dst.AsSpan(dstPlane + oh * pw, pw);
                int ih = SourceIndex(oh - padding, h, mode);
                if (ih < 0) { row.Clear(); continue; }
                var srcRow = src.AsSpan(srcPlane + ih * w, w);
                // The middle is a straight copy; only the 2p border cells need the index map.
                srcRow.CopyTo(row.Slice(padding, w));
                for (int j = 0; j < padding; j++)
                {
                    int l = SourceIndex(j - padding, w, mode);
                    int r = SourceIndex(w + j, w, mode);
                    row[j] = l < 0 ? 0f : srcRow[l];
                    row[padding + w + j] = r < 0 ? 0f : srcRow[r];
                }
            }
        }
    }
}
