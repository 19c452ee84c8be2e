using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using SkiaSharp;

namespace Neuromorphic.Plotting;

public static partial class Plots
{
    /// <summary>
    /// First-layer filters as a grid of image patches, row-major, <paramref name="columns"/> per row.
    /// <paramref name="weights"/> is laid out [neuron, channel, kh, kw] (PyTorch's OIHW). Each filter is
    /// min–max normalised over all of its channels, so the relative colour of an RGB filter is kept.
    /// Patches are separated by a one-pixel white gap and are never smoothed.
    /// </summary>
    public static PlotModel ReceptiveFields(float[] weights, int neurons, int channels, int kh, int kw,
        int columns, string title)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (neurons <= 0) throw new ArgumentException($"Need at least one neuron, got {neurons}.", nameof(neurons));
        if (channels is not (1 or 3))
            throw new ArgumentException($"Channels must be 1 (grey) or 3 (RGB), got {channels}.", nameof(channels));
        if (kh <= 0) throw new ArgumentException($"Kernel height must be positive, got {kh}.", nameof(kh));
        if (kw <= 0) throw new ArgumentException($"Kernel width must be positive, got {kw}.", nameof(kw));
        if (columns <= 0) throw new ArgumentException($"Columns must be positive, got {columns}.", nameof(columns));
        long expected = (long)neurons * channels * kh * kw;
        if (weights.Length != expected)
            throw new ArgumentException(
                $"Expected neurons*channels*kh*kw = {neurons}*{channels}*{kh}*{kw} = {expected} weights, got {weights.Length}.",
                nameof(weights));
        for (int i = 0; i < weights.Length; i++)
            if (!float.IsFinite(weights[i]))
                throw new ArgumentException($"Weight {i} is {weights[i]}; weights must be finite.", nameof(weights));

        var layout = ReceptiveFieldLayout.Create(neurons, kh, kw, columns);
        OxyImage grid = FilterGrid(weights, neurons, channels, kh, kw, layout);
        int gridWidth = layout.Width * layout.Scale, gridHeight = layout.Height * layout.Scale;

        var model = PlotStyle.NewModel(title);
        model.Subtitle = $"{neurons} filters, {channels}×{kh}×{kw}, each min–max normalised";
        model.PlotType = PlotType.Cartesian; // equal x and y scale, so pixels stay square
        model.PlotAreaBorderThickness = new OxyThickness(0);
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Bottom, Minimum = 0, Maximum = gridWidth, IsAxisVisible = false,
            IsZoomEnabled = false, IsPanEnabled = false,
        });
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Left, Minimum = 0, Maximum = gridHeight, IsAxisVisible = false,
            IsZoomEnabled = false, IsPanEnabled = false,
        });
        model.Annotations.Add(new ImageAnnotation
        {
            ImageSource = grid,
            X = new PlotLength(0, PlotLengthUnit.Data),
            Y = new PlotLength(gridHeight, PlotLengthUnit.Data),
            Width = new PlotLength(gridWidth, PlotLengthUnit.Data),
            Height = new PlotLength(gridHeight, PlotLengthUnit.Data),
            HorizontalAlignment = HorizontalAlignment.Left,
            VerticalAlignment = VerticalAlignment.Top,
            Interpolate = false,
        });
        return model;
    }

    /// <summary>
    /// The filter grid as a PNG, each weight pixel blown up to Scale×Scale. Skia encodes it: OxyPlot's own
    /// PNG encoder does not compress, which made a receptive-field SVG weigh megabytes.
    /// </summary>
    private static OxyImage FilterGrid(float[] weights, int neurons, int channels, int kh, int kw, ReceptiveFieldLayout layout)
    {
        int s = layout.Scale, width = layout.Width * s, height = layout.Height * s;
        var rgba = new byte[width * height * 4];
        rgba.AsSpan().Fill(255); // white gaps, opaque

        int filterSize = channels * kh * kw;
        int plane = kh * kw;
        for (int n = 0; n < neurons; n++)
        {
            int start = n * filterSize;
            float min = float.PositiveInfinity, max = float.NegativeInfinity;
            for (int i = start; i < start + filterSize; i++) { min = Math.Min(min, weights[i]); max = Math.Max(max, weights[i]); }
            float range = max - min;
            byte Level(int index) => range > 0 ? (byte)Math.Round(255 * (weights[index] - min) / range) : (byte)128;

            var (left, top) = layout.Origin(n);
            for (int r = 0; r < kh; r++)
                for (int c = 0; c < kw; c++)
                {
                    int at = start + r * kw + c;
                    byte red = Level(at);
                    byte green = channels == 3 ? Level(at + plane) : red;
                    byte blue = channels == 3 ? Level(at + 2 * plane) : red;
                    for (int dy = 0; dy < s; dy++)
                    {
                        int row = ((top + r) * s + dy) * width;
                        for (int dx = 0; dx < s; dx++)
                        {
                            int p = (row + (left + c) * s + dx) * 4;
                            rgba[p] = red;
                            rgba[p + 1] = green;
                            rgba[p + 2] = blue;
                        }
                    }
                }
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, rgba, info.RowBytes);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return new OxyImage(png.ToArray());
    }
}

/// <summary>Where each filter sits in the receptive-field grid, in unscaled pixels.</summary>
internal readonly record struct ReceptiveFieldLayout(int Columns, int Rows, int Kh, int Kw, int Width, int Height, int Scale)
{
    private const int Gap = 1;

    /// <summary>Bitmap side the grid is scaled up to, so SVG viewers that ignore image-rendering barely blur it.</summary>
    private const int TargetSide = 600;

    public static ReceptiveFieldLayout Create(int neurons, int kh, int kw, int columns)
    {
        int cols = Math.Min(columns, neurons);
        int rows = (neurons + cols - 1) / cols;
        int width = cols * kw + (cols - 1) * Gap;
        int height = rows * kh + (rows - 1) * Gap;
        int scale = Math.Max(1, TargetSide / Math.Max(width, height));
        return new ReceptiveFieldLayout(cols, rows, kh, kw, width, height, scale);
    }

    public (int Left, int Top) Origin(int neuron) =>
        ((neuron % Columns) * (Kw + Gap), (neuron / Columns) * (Kh + Gap));
}
