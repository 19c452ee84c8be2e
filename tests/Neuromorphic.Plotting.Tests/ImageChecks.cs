using System.Buffers.Binary;
using SkiaSharp;

namespace Neuromorphic.Plotting.Tests;

/// <summary>Reads rendered PNGs back so tests can check what a person would see.</summary>
internal static class ImageChecks
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Checks the signature and that the first chunk is IHDR; returns its width and height.</summary>
    public static (int Width, int Height) PngHeader(byte[] png)
    {
        Assert.True(png.Length > 33, $"PNG is only {png.Length} bytes");
        Assert.Equal(PngSignature, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }

    public static SKBitmap Decode(byte[] png)
    {
        var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        return bitmap;
    }

    public static bool IsDark(SKColor c) => 0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue < 110;

    public static bool IsNearWhite(SKColor c) => c.Red > 245 && c.Green > 245 && c.Blue > 245;

    public static int DistinctColours(SKBitmap bitmap)
    {
        var seen = new HashSet<uint>();
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
                seen.Add((uint)bitmap.GetPixel(x, y));
        return seen.Count;
    }

    public static double Fraction(SKBitmap bitmap, Func<SKColor, bool> predicate, int fromRow = 0, int toRow = int.MaxValue)
    {
        long hits = 0, total = 0;
        for (int y = fromRow; y < Math.Min(toRow, bitmap.Height); y++)
            for (int x = 0; x < bitmap.Width; x++, total++)
                if (predicate(bitmap.GetPixel(x, y))) hits++;
        return total == 0 ? 0 : (double)hits / total;
    }

    public static int Count(SKBitmap bitmap, Func<SKColor, bool> predicate, int fromRow, int toRow)
    {
        int hits = 0;
        for (int y = fromRow; y < Math.Min(toRow, bitmap.Height); y++)
            for (int x = 0; x < bitmap.Width; x++)
                if (predicate(bitmap.GetPixel(x, y))) hits++;
        return hits;
    }

    /// <summary>Mean position and bounding box of the pixels matching <paramref name="predicate"/>.</summary>
    /// <param name="solidRadius">Count a pixel only if every pixel within this distance also matches (ignores thin text).</param>
    public static (double X, double Y, int Count, SKRectI Box) Centroid(SKBitmap bitmap, Func<SKColor, bool> predicate, int solidRadius = 0)
    {
        bool Matches(int x, int y)
        {
            for (int dy = -solidRadius; dy <= solidRadius; dy++)
                for (int dx = -solidRadius; dx <= solidRadius; dx++)
                {
                    int px = x + dx, py = y + dy;
                    if (px < 0 || py < 0 || px >= bitmap.Width || py >= bitmap.Height || !predicate(bitmap.GetPixel(px, py))) return false;
                }
            return true;
        }

        double sx = 0, sy = 0;
        int n = 0, left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
                if (Matches(x, y))
                {
                    sx += x; sy += y; n++;
                    left = Math.Min(left, x); right = Math.Max(right, x);
                    top = Math.Min(top, y); bottom = Math.Max(bottom, y);
                }
        return n == 0 ? (double.NaN, double.NaN, 0, SKRectI.Empty) : (sx / n, sy / n, n, new SKRectI(left, top, right + 1, bottom + 1));
    }
}
