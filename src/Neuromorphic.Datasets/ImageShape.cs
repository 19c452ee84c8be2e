namespace Neuromorphic.Datasets;

/// <summary>
/// Size of one image in channels-height-width order. A record (not three loose ints) so that
/// shapes of two sources can be compared with == and printed as "3x32x32".
/// </summary>
public sealed record ImageShape
{
    public ImageShape(int channels, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        // Checked once here so PixelsPerImage can never silently overflow later.
        _ = checked(channels * height * width);
        Channels = channels;
        Height = height;
        Width = width;
    }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>Pixels in one channel plane (Height * Width).</summary>
    public int PixelsPerPlane => Height * Width;

    /// <summary>Values in one image over all channels (Channels * Height * Width).</summary>
    public int PixelsPerImage => Channels * Height * Width;

    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
