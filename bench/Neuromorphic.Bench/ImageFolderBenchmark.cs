using System.Diagnostics;
using System.Globalization;
using Neuromorphic.Datasets;
using SkiaSharp;

namespace Neuromorphic.Bench;

/// <summary>
/// Reading an image folder: photo-sized JPEGs (ImageNet's typical 500x375 by default) written to a temporary folder,
/// then decoded and resized to the network's input through <see cref="ImageFolderSource"/>, batch by batch on one
/// thread, as a training run reads them.
/// </summary>
public static class ImageFolderBenchmark
{
    public static int Run(string[] args)
    {
        int images = Int(args, "--images", 200), width = Int(args, "--width", 500), height = Int(args, "--height", 375);
        int size = Int(args, "--size", 160), batch = Int(args, "--batch", 50);
        string root = Path.Combine(Path.GetTempPath(), "nm-bench-imagefolder-" + Guid.NewGuid().ToString("N"));
        try
        {
            long bytes = WriteJpegs(Path.Combine(root, "train", "photos"), images, width, height);
            var source = ImageFolderSource.Open(root, DatasetSplit.Train, new ImageShape(3, size, size));
            var buffer = new byte[batch * source.Shape.PixelsPerImage];
            int[] indices = new int[batch];
            Console.WriteLine($"{images} JPEGs of {width}x{height} ({bytes / images / 1024.0:F0} KiB each, quality 90) -> 3x{size}x{size}, batches of {batch}, one thread");
            for (int round = 0; round < 3; round++)
            {
                var clock = Stopwatch.StartNew();
                for (int first = 0; first < images; first += batch)
                {
                    int n = Math.Min(batch, images - first);
                    for (int i = 0; i < n; i++) indices[i] = first + i;
                    source.CopyBatchBytes(indices.AsSpan(0, n), buffer);
                }
                double seconds = clock.Elapsed.TotalSeconds;
                Console.WriteLine($"round {round + 1}: {images / seconds:F0} images/s ({1000 * seconds / images:F2} ms per image)");
            }
            return 0;
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    static int Int(string[] args, string name, int fallback) =>
        int.Parse(GemmBenchmark.Option(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    /// <summary>Smooth colour fields with noise on top, so the JPEGs have a photo's size rather than a flat image's.</summary>
    static long WriteJpegs(string folder, int count, int width, int height)
    {
        Directory.CreateDirectory(folder);
        var rng = new Random(1);
        long total = 0;
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int i = 0; i < count; i++)
        {
            double fx = rng.NextDouble() * 0.05, fy = rng.NextDouble() * 0.05, phase = rng.NextDouble() * 6;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double s = Math.Sin(fx * x + phase) * Math.Cos(fy * y);
                    byte r = (byte)Math.Clamp(128 + 90 * s + rng.Next(-20, 21), 0, 255);
                    byte g = (byte)Math.Clamp(128 - 70 * s + rng.Next(-20, 21), 0, 255);
                    byte b = (byte)Math.Clamp(100 + 60 * Math.Cos(fx * y) + rng.Next(-20, 21), 0, 255);
                    bitmap.SetPixel(x, y, new SKColor(r, g, b));
                }
            using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
            File.WriteAllBytes(Path.Combine(folder, $"{i:D5}.jpg"), data.ToArray());
            total += data.Size;
        }
        return total;
    }
}
