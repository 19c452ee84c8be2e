namespace Neuromorphic.Tensors;

/// <summary>
/// Reusable buffers for <see cref="Conv2d"/>: the im2col column matrix and a K x columns scratch
/// matrix (GEMM output before the NCHW permute, or y rearranged for the weight correlation).
/// Buffers only grow, so a training loop with a fixed batch allocates once. Keep one workspace per
/// layer if the columns of a forward pass are to be reused by <see cref="Conv2d.WeightCorrelation(Tensor, Conv2dWorkspace, Tensor, bool)"/>.
/// Not thread-safe.
/// </summary>
public sealed class Conv2dWorkspace
{
    /// <summary>Default cap on the column matrix: 2^26 floats (256 MiB). Larger batches are processed in chunks of images.</summary>
    public const long DefaultMaxColumnFloats = 1L << 26;

    float[] _columns = [];
    float[] _matrix = [];
    float[] _winogradWeights = [];
    float[] _winogradSource = []; // the weights _winogradWeights were transformed from
    (int K, int C)? _winogradShape; // null while no transform is held
    long _maxColumnFloats = DefaultMaxColumnFloats;

    /// <summary>Upper bound on the column matrix size; a batch whose columns exceed it is split into chunks
    /// of whole images (at least one image per chunk, whatever the cap).</summary>
    public long MaxColumnFloats
    {
        get => _maxColumnFloats;
        set => _maxColumnFloats = value >= 1 ? value : throw new ArgumentException($"'{nameof(MaxColumnFloats)}' must be >= 1, but it is {value}.", nameof(value));
    }

    /// <summary>Geometry of the input whose columns are held, or null before the first fill.</summary>
    public Conv2dGeometry? Geometry { get; private set; }
    /// <summary>First image whose patches are held in <see cref="Columns"/>.</summary>
    public int FirstImage { get; private set; }
    /// <summary>Number of images whose patches are held in <see cref="Columns"/>.</summary>
    public int ImageCount { get; private set; }
    /// <summary>True when <see cref="Columns"/> holds every image of the last input (the batch fitted in one chunk).</summary>
    public bool HoldsWholeBatch => Geometry is { } g && FirstImage == 0 && ImageCount == g.N;

    /// <summary>Rows of the held column matrix (C * kh * kw).</summary>
    public int ColumnRows => Geometry?.PatchSize ?? 0;
    /// <summary>Columns (= leading dimension) of the held column matrix: ImageCount * H' * W'.</summary>
    public int ColumnCount => Geometry is { } g ? ImageCount * g.OutPixels : 0;

    /// <summary>The held column matrix, row-major ColumnRows x ColumnCount:
    /// element [(c*kh + a)*kw + b, i*H'W' + h*W' + w] = xpad[FirstImage + i, c, h*s + a, w*s + b].</summary>
    public ReadOnlySpan<float> Columns => _columns.AsSpan(0, ColumnRows * ColumnCount);

    /// <summary>How many images fit in one chunk under <see cref="MaxColumnFloats"/>.</summary>
    public int ImagesPerChunk(in Conv2dGeometry g)
    {
        long perImage = (long)g.PatchSize * g.OutPixels;
        if (perImage == 0 || g.N == 0) return Math.Max(1, g.N);
        return (int)Math.Clamp(_maxColumnFloats / perImage, 1, g.N);
    }

    internal float[] ColumnBuffer(long floats) => Grow(ref _columns, floats, "column matrix");
    internal float[] MatrixBuffer(long floats) => Grow(ref _matrix, floats, "scratch matrix");

    /// <summary>The Winograd transform of these (K, C, 3, 3) weights. A frozen layer calls with the same weights batch
    /// after batch: the transform is kept with a copy of the weights it came from, and reused while they compare
    /// equal (a comparison reads the weights once; the transform costs several times that).</summary>
    internal float[] WinogradWeights(Tensor weight, int k, int c)
    {
        var weights = weight.Span;
        if (_winogradShape == (k, c) && weights.SequenceEqual(_winogradSource.AsSpan(0, weights.Length))) return _winogradWeights;
        _winogradShape = null; // a throw below leaves no stale match
        var u = Grow(ref _winogradWeights, 16L * k * c, "Winograd weight matrix");
        weights.CopyTo(Grow(ref _winogradSource, weights.Length, "copy of the Winograd weights"));
        Conv2d.TransformWeights(weight.Data, k, c, u);
        _winogradShape = (k, c);
        return u;
    }

    internal void SetHeld(in Conv2dGeometry g, int firstImage, int imageCount)
        => (Geometry, FirstImage, ImageCount) = (g, firstImage, imageCount);

    internal void Invalidate() => (Geometry, FirstImage, ImageCount) = (null, 0, 0);

    static float[] Grow(ref float[] buffer, long floats, string what)
    {
        if (floats > Array.MaxLength)
            throw new ArgumentException($"The convolution {what} would need {floats} floats, more than one .NET array holds; lower {nameof(MaxColumnFloats)} or the batch size.");
        if (buffer.Length < floats) buffer = new float[floats];
        return buffer;
    }
}
