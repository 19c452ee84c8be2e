using SkiaSharp;

namespace Neuromorphic.Datasets.Tests;

public sealed class ImageFolderTests
{
    private static readonly ImageShape Rgb4 = new(3, 4, 4);

    /// <summary>Writes a width x height image whose pixel (x, y) is color(x, y), as PNG (lossless) or JPEG.</summary>
    internal static void WriteImage(string path, int width, int height, Func<int, int, SKColor> color, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, color(x, y));
            }
        }

        using var data = bitmap.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static void WriteSolid(string path, byte r, byte g, byte b, int width = 5, int height = 3) =>
        WriteImage(path, width, height, (_, _) => new SKColor(r, g, b));

    /// <summary>
    /// train/{a, B, c} with 2 images each, val/{B, c} with one: each image solid, its red value naming it. Ordinal
    /// order (Python's sorted, as torchvision numbers classes) puts "B" before "a"; a culture-aware sort would not.
    /// </summary>
    private static void WriteSmallFolder(TempDirectory temp)
    {
        (string Name, int Red)[] classes = [("a", 10), ("B", 0), ("c", 20)];
        foreach (var (cls, red) in classes)
        {
            for (int i = 0; i < 2; i++)
            {
                WriteSolid(Path.Combine(temp.Path, "train", cls, $"img{i}.png"), (byte)(red + i), 50, 60);
            }
        }

        WriteSolid(Path.Combine(temp.Path, "val", "B", "v.PNG"), 100, 0, 0);
        WriteSolid(Path.Combine(temp.Path, "val", "c", "v.png"), 120, 0, 0);
        File.WriteAllText(Path.Combine(temp.Path, "train", "a", "readme.txt"), "not an image: ignored");
    }

    private static byte[] Bytes(IImageSource source, params int[] indices)
    {
        var bytes = new byte[indices.Length * source.Shape.PixelsPerImage];
        source.CopyBatchBytes(indices, bytes);
        return bytes;
    }

    [Fact]
    public void Splits_NumberClassesInOrdinalOrder_AndInterleaveThem()
    {
        using var temp = new TempDirectory();
        WriteSmallFolder(temp);
        Assert.Equal(DatasetFormat.ImageFolder, DatasetDirectory.Detect(temp.Path).Format);

        var train = DatasetDirectory.Open(temp.Path, DatasetSplit.Train, imageSize: Rgb4);
        Assert.Equal(["B", "a", "c"], train.ClassNames);
        Assert.Equal(6, train.Count);
        Assert.Equal(Rgb4, train.Shape);
        // Round-robin over the classes: the first image of B, a, c, then the second of each.
        Assert.Equal([0, 1, 2, 0, 1, 2], Enumerable.Range(0, 6).Select(train.GetLabel));
        byte[] firstPixels = Bytes(train, 0, 1, 2, 3, 4, 5);
        Assert.Equal([0, 10, 20, 1, 11, 21], Enumerable.Range(0, 6).Select(i => firstPixels[i * Rgb4.PixelsPerImage]));

        // val/ has no "a": its classes keep their training numbers; the upper-case extension is read too.
        var test = DatasetDirectory.Open(temp.Path, DatasetSplit.Test, imageSize: Rgb4);
        Assert.Equal(["B", "a", "c"], test.ClassNames);
        Assert.Equal([0, 2], Enumerable.Range(0, 2).Select(test.GetLabel));
    }

    [Fact]
    public void Limit_KeepsTheClassesBalanced()
    {
        using var temp = new TempDirectory();
        WriteSmallFolder(temp);
        var four = DatasetDirectory.Open(temp.Path, DatasetSplit.Train, limit: 4, imageSize: Rgb4);
        Assert.Equal(4, four.Count);
        Assert.Equal([0, 1, 2, 0], Enumerable.Range(0, 4).Select(four.GetLabel));
        Assert.Equal(3, four.ClassCount);
    }

    [Fact]
    public void SameSizeImage_IsCopiedExactly_PlanarRgbInRowMajorOrder()
    {
        using var temp = new TempDirectory();
        static SKColor Pixel(int x, int y) => new((byte)(16 * y + x), (byte)(100 + 16 * y + x), (byte)(200 + 10 * y + x));
        WriteImage(Path.Combine(temp.Path, "train", "only", "p.png"), 4, 4, Pixel);
        var source = ImageFolderSource.Open(temp.Path, DatasetSplit.Train, Rgb4);
        byte[] chw = Bytes(source, 0);
        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                SKColor expected = Pixel(x, y);
                Assert.Equal((expected.Red, expected.Green, expected.Blue), (chw[4 * y + x], chw[16 + 4 * y + x], chw[32 + 4 * y + x]));
            }
        }

        var floats = new float[chw.Length];
        source.CopyBatch([0], floats);
        Assert.Equal(chw.Select(b => b / 255f), floats);
    }

    [Fact]
    public void AnyImageSize_IsResizedToTheAskedShape()
    {
        using var temp = new TempDirectory();
        WriteSolid(Path.Combine(temp.Path, "train", "x", "wide.png"), 10, 20, 30, width: 7, height: 5);
        WriteSolid(Path.Combine(temp.Path, "train", "x", "tall.png"), 10, 20, 30, width: 2, height: 9);
        var source = ImageFolderSource.Open(temp.Path, DatasetSplit.Train, new ImageShape(3, 6, 3));
        byte[] both = Bytes(source, 0, 1);
        Assert.Equal(2 * 3 * 18, both.Length);
        for (int i = 0; i < both.Length; i++)
        {
            Assert.Equal(((i % 54) / 18) switch { 0 => 10, 1 => 20, _ => 30 }, both[i]);
        }
    }

    [Fact]
    public void LargeJpeg_IsDecodedAtReducedScaleAndStillMatches()
    {
        using var temp = new TempDirectory();
        // 256x192: the decoder may use 1/8 scale (32x24) for a 16x16 target. A smooth ramp survives JPEG and scaling.
        static SKColor Ramp(int x, int y) => new((byte)(x / 2 + 40), (byte)(y / 2 + 60), 128);
        string path = Path.Combine(temp.Path, "train", "ramp", "r.jpg");
        WriteImage(path, 256, 192, Ramp, SKEncodedImageFormat.Jpeg);
        var shape = new ImageShape(3, 16, 16);
        var source = ImageFolderSource.Open(temp.Path, DatasetSplit.Train, shape);
        byte[] chw = Bytes(source, 0);
        for (int y = 0; y < 16; y++)
        {
            for (int x = 0; x < 16; x++)
            {
                // Centre of output pixel (x, y) in the source: (x + 0.5) * 16, (y + 0.5) * 12.
                double red = (x + 0.5) * 16 / 2 + 40, green = (y + 0.5) * 12 / 2 + 60;
                Assert.InRange(chw[16 * y + x], red - 4, red + 4);
                Assert.InRange(chw[256 + 16 * y + x], green - 4, green + 4);
                Assert.InRange(chw[512 + 16 * y + x], 124, 132);
            }
        }
    }

    [Fact]
    public void OneChannel_IsTheLuminance()
    {
        using var temp = new TempDirectory();
        WriteSolid(Path.Combine(temp.Path, "train", "x", "g.png"), 100, 150, 200);
        WriteSolid(Path.Combine(temp.Path, "train", "x", "h.png"), 0, 0, 250);
        var source = ImageFolderSource.Open(temp.Path, DatasetSplit.Train, new ImageShape(1, 2, 2));
        // 0.299 * 100 + 0.587 * 150 + 0.114 * 200 = 141.25; pure blue 250 gives 28.5 in PIL's fixed point, which PIL
        // truncates to 28 ((7471 * 250 + 32768) >> 16).
        Assert.Equal([141, 141, 141, 141, 28, 28, 28, 28], Bytes(source, 0, 1));
    }

    [Fact]
    public void DamagedImage_NamesItsFile()
    {
        using var temp = new TempDirectory();
        WriteSolid(Path.Combine(temp.Path, "train", "a", "good.png"), 1, 2, 3);
        string notImage = Path.Combine(temp.Path, "train", "b", "bad.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(notImage)!);
        File.WriteAllText(notImage, "this is text, not a JPEG");
        var source = ImageFolderSource.Open(temp.Path, DatasetSplit.Train, Rgb4);
        Bytes(source, 0);
        var e = Assert.Throws<DatasetFormatException>(() => Bytes(source, 1));
        Assert.Equal(notImage, e.FilePath);
        Assert.Contains("cannot decode", e.Message);
    }

    [Fact]
    public void TruncatedJpeg_IsAnErrorNotAGreyImage()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "train", "a", "cut.jpg");
        WriteImage(path, 64, 64, (x, y) => new SKColor((byte)(4 * x), (byte)(4 * y), 7), SKEncodedImageFormat.Jpeg);
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole.AsSpan(0, whole.Length / 2).ToArray());
        var source = ImageFolderSource.Open(temp.Path, DatasetSplit.Train, new ImageShape(3, 64, 64));
        var e = Assert.Throws<DatasetFormatException>(() => Bytes(source, 0));
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void Folders_ThatDoNotFit_AreClearErrors()
    {
        using var temp = new TempDirectory();
        WriteSolid(Path.Combine(temp.Path, "train", "a", "1.png"), 1, 2, 3);
        WriteSolid(Path.Combine(temp.Path, "val", "z", "1.png"), 1, 2, 3);

        var size = Assert.Throws<DatasetFormatException>(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train));
        Assert.Contains("size", size.Problem);

        var unknownClass = Assert.Throws<DatasetFormatException>(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Test, imageSize: Rgb4));
        Assert.Equal(Path.Combine(temp.Path, "val", "z"), unknownClass.FilePath);

        var unlabeled = Assert.Throws<DatasetFormatException>(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Unlabeled, imageSize: Rgb4));
        Assert.Contains("unlabeled", unlabeled.Problem);

        Directory.CreateDirectory(Path.Combine(temp.Path, "train", "empty"));
        var empty = Assert.Throws<DatasetFormatException>(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train, imageSize: Rgb4));
        Assert.Equal(Path.Combine(temp.Path, "train", "empty"), empty.FilePath);

        Assert.Throws<ArgumentException>(() => ImageFolderSource.Open(temp.Path, DatasetSplit.Train, new ImageShape(2, 4, 4)));
    }

    [Fact]
    public void DecodeSize_IsTheSmallestReducedScaleThatCoversTheTarget()
    {
        var full = new SKSizeI(500, 375);
        static SKSizeI Jpeg(float scale) => new((int)Math.Ceiling(500 * scale), (int)Math.Ceiling(375 * scale));
        Assert.Equal(new SKSizeI(250, 188), ImageFolderSource.DecodeSize(full, Jpeg, 160, 160));
        Assert.Equal(new SKSizeI(125, 94), ImageFolderSource.DecodeSize(full, Jpeg, 60, 60));
        Assert.Equal(new SKSizeI(63, 47), ImageFolderSource.DecodeSize(full, Jpeg, 32, 32));
        Assert.Equal(full, ImageFolderSource.DecodeSize(full, Jpeg, 300, 200));
        // A format without reduced decoding gives back the full size at every scale.
        Assert.Equal(full, ImageFolderSource.DecodeSize(full, _ => full, 32, 32));
    }

    [Fact]
    public void GreyJpeg_AndPngWithAlpha_GiveTheirColours()
    {
        using var temp = new TempDirectory();
        string grey = Path.Combine(temp.Path, "train", "a", "grey.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(grey)!);
        using (var bitmap = new SKBitmap(new SKImageInfo(8, 8, SKColorType.Gray8, SKAlphaType.Opaque)))
        {
            bitmap.Erase(new SKColor(90, 90, 90));
            using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 100);
            File.WriteAllBytes(grey, data.ToArray());
        }

        // Half-transparent: the colour is kept and the alpha dropped, as PIL's convert("RGB") does.
        WriteImage(Path.Combine(temp.Path, "train", "b", "alpha.png"), 4, 4, (_, _) => new SKColor(10, 200, 30, 128));
        var source = ImageFolderSource.Open(temp.Path, DatasetSplit.Train, Rgb4);
        byte[] both = Bytes(source, 0, 1);
        Assert.All(both.AsSpan(0, 48).ToArray(), v => Assert.InRange(v, 88, 92));
        Assert.Equal(Enumerable.Repeat((byte)10, 16).Concat(Enumerable.Repeat((byte)200, 16)).Concat(Enumerable.Repeat((byte)30, 16)), both.Skip(48));
    }

    [Fact]
    public void ConcurrentBatches_GiveTheSameBytesAsOneThread()
    {
        using var temp = new TempDirectory();
        for (int i = 0; i < 12; i++)
        {
            WriteImage(Path.Combine(temp.Path, "train", $"c{i % 3}", $"{i}.jpg"), 40 + i, 30, (x, y) => new SKColor((byte)(5 * x + i), (byte)(7 * y), (byte)(x * y)), SKEncodedImageFormat.Jpeg);
        }

        var source = ImageFolderSource.Open(temp.Path, DatasetSplit.Train, new ImageShape(3, 8, 8));
        int[] all = Enumerable.Range(0, source.Count).ToArray();
        byte[] expected = Bytes(source, all);
        var results = new byte[16][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, r =>
        {
            // Each task reads the images in its own rotated order, then puts them back in index order.
            int[] order = all.Skip(r % all.Length).Concat(all.Take(r % all.Length)).ToArray();
            byte[] got = Bytes(source, order);
            int size = source.Shape.PixelsPerImage;
            var sorted = new byte[got.Length];
            for (int i = 0; i < order.Length; i++) got.AsSpan(i * size, size).CopyTo(sorted.AsSpan(order[i] * size, size));
            results[r] = sorted;
        });
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void BinaryFormats_WinOverLooseSplitFolders_AndHiddenFoldersDoNotCount()
    {
        using var temp = new TempDirectory();
        string cifar = temp.Sub("cifar-10-batches-bin");
        File.WriteAllBytes(Path.Combine(cifar, "test_batch.bin"), FileBuilders.CifarRecords([FileBuilders.Labels(2, 10)]));
        WriteSolid(Path.Combine(temp.Path, "train", "x", "1.png"), 1, 2, 3);
        Assert.Equal(DatasetFormat.Cifar10, DatasetDirectory.Detect(temp.Path).Format);

        using var notebooks = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(notebooks.Path, "train", ".ipynb_checkpoints"));
        File.WriteAllText(Path.Combine(notebooks.Path, "train", ".ipynb_checkpoints", "x.png"), "hidden");
        Directory.CreateDirectory(Path.Combine(notebooks.Path, "val", "empty"));
        var e = Assert.Throws<DatasetFormatException>(() => DatasetDirectory.Detect(notebooks.Path));
        Assert.Contains("no known dataset format", e.Problem);
    }

    [Fact]
    public void BadArguments_AreRefusedBeforeAnyWrite()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "train", "a", "1.png");
        WriteSolid(path, 1, 2, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFolderSource.Open(temp.Path, DatasetSplit.Train, Rgb4, limit: 0));
        var small = new byte[Rgb4.PixelsPerImage - 1];
        Assert.Throws<ArgumentException>(() => ImageFolderSource.Decode(path, Rgb4, small));
        Assert.All(small, v => Assert.Equal(0, v));
        Assert.Throws<ArgumentException>(() => ImageFolderSource.Decode(path, new ImageShape(4, 4, 4), new byte[64]));
    }

    [Fact]
    public void Describe_CountsImagesWithoutAFixedShape()
    {
        using var temp = new TempDirectory();
        WriteSmallFolder(temp);
        string text = DatasetDirectory.Describe(temp.Path);
        Assert.Contains("Format: image folder", text);
        Assert.Contains("Classes (3): B, a, c", text);
        Assert.Contains("train: 6 images", text);
        Assert.Contains("test: 2 images", text);
        Assert.Contains("resized to the network's input", text);
    }
}
