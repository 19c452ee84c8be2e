using System.Buffers;
using SkiaSharp;

namespace Neuromorphic.Datasets;

/// <summary>
/// An image-folder dataset (ImageNet, ImageNette and most photo sets): one folder per split
/// (<c>train/</c>, <c>val/</c> or <c>test/</c>), one subfolder per class, any number of JPEG, PNG, BMP,
/// GIF or WebP files of any size in each. Class labels are the class folders in ordinal name order
/// (as torchvision's ImageFolder numbers them), taken from <c>train/</c> so that every split numbers
/// classes the same way.
/// <para>
/// Images are decoded on demand, one batch at a time (ImageNet's 1.28 M images cannot be held), and
/// resized to the fixed <see cref="Shape"/> the network expects, squashing the aspect ratio as the
/// reference's <c>Resize((h, w))</c> does. JPEGs are decoded at the smallest scale that still covers the
/// target, which makes large photos several times cheaper to read. Only paths and labels are held in
/// memory (labels as int, so 1,000 classes fit; ImageNet's 1.28 M paths take about 250 MB).
/// </para>
/// <para>
/// Images are ordered round-robin over the classes (the first image of every class, then the second, ...),
/// so a limit of N images keeps the classes balanced instead of keeping only the first classes.
/// </para>
/// </summary>
public sealed class ImageFolderSource : IImageSource
{
    /// <summary>File extensions read as images (case-insensitive); other files are ignored.</summary>
    public static IReadOnlyList<string> ImageExtensions { get; } = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"];

    /// <summary>Split folder names looked for, in order of preference per split.</summary>
    public static IReadOnlyList<string> TrainFolders { get; } = ["train"];
    public static IReadOnlyList<string> TestFolders { get; } = ["val", "test"];

    private readonly string[] _paths;
    private readonly int[] _labels;

    private ImageFolderSource(string name, ImageShape shape, string[] classNames, string[] paths, int[] labels)
    {
        Name = name;
        Shape = shape;
        ClassNames = classNames;
        _paths = paths;
        _labels = labels;
    }

    public string Name { get; }
    public int Count => _paths.Length;
    public ImageShape Shape { get; }
    public int ClassCount => ClassNames.Count;
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The file image <paramref name="index"/> is read from.</summary>
    public string PathOf(int index)
    {
        this.CheckIndex(index);
        return _paths[index];
    }

    /// <summary>True when <paramref name="directory"/> has a train/val/test folder with a class folder that holds an image file.</summary>
    public static bool LooksLikeImageFolder(string directory) =>
        TrainFolders.Concat(TestFolders)
            .Select(split => Path.Combine(directory, split))
            .Where(Directory.Exists)
            .Any(split => ClassFolders(split).Any(c => Directory.EnumerateFiles(Path.Combine(split, c)).Any(IsImageFile)));

    /// <summary>The folder holding <paramref name="split"/>, or null when there is none.</summary>
    public static string? SplitFolder(string directory, DatasetSplit split) => split switch
    {
        DatasetSplit.Train => FirstExisting(directory, TrainFolders),
        DatasetSplit.Test => FirstExisting(directory, TestFolders),
        _ => null,
    };

    /// <summary>Class names: the class folders of train/ (or of the test folder when there is no train/), in ordinal order.</summary>
    public static string[] ClassNamesIn(string directory)
    {
        string? folder = SplitFolder(directory, DatasetSplit.Train) ?? SplitFolder(directory, DatasetSplit.Test)
            ?? throw new DatasetFormatException(directory, $"no split folder: expected {string.Join(" or ", TrainFolders.Concat(TestFolders))} with one subfolder per class.");
        return ClassFolders(folder);
    }

    /// <summary>Number of image files in a split folder, without decoding them.</summary>
    public static int CountImages(string splitFolder) =>
        ClassFolders(splitFolder).Sum(c => Directory.EnumerateFiles(Path.Combine(splitFolder, c)).Count(IsImageFile));

    /// <summary>Lists one split and checks its class folders; images are decoded only when a batch asks for them.</summary>
    /// <param name="shape">The size every image is resized to (the network's input); 1 channel means luminance.</param>
    /// <param name="limit">When set, keeps the first <paramref name="limit"/> images of the round-robin order.</param>
    public static ImageFolderSource Open(string directory, DatasetSplit split, ImageShape shape, int? limit = null)
    {
        CheckChannels(shape);
        if (limit is { } l)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(l, nameof(limit));
        }

        string folder = SplitFolder(directory, split) ?? throw new DatasetFormatException(
            directory,
            split == DatasetSplit.Unlabeled
                ? "image folders have no unlabeled split: expected Train or Test."
                : $"missing split folder: expected {string.Join(" or ", split == DatasetSplit.Train ? TrainFolders : TestFolders)} in {directory}.");
        string[] classNames = ClassNamesIn(directory);
        var classIndex = classNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);

        var perClass = new List<(int Label, IReadOnlyList<string> Files)>();
        foreach (string cls in ClassFolders(folder))
        {
            if (!classIndex.TryGetValue(cls, out int label))
            {
                throw new DatasetFormatException(
                    Path.Combine(folder, cls),
                    $"class folder not in the training classes: expected one of the {classNames.Length} folders of {SplitFolder(directory, DatasetSplit.Train)}.");
            }

            var files = ImageFiles(Path.Combine(folder, cls));
            if (files.Count == 0)
            {
                throw new DatasetFormatException(
                    Path.Combine(folder, cls),
                    $"empty class folder: expected image files ({string.Join(", ", ImageExtensions)}), found none.");
            }

            perClass.Add((label, files));
        }

        if (perClass.Count == 0)
        {
            throw new DatasetFormatException(folder, "no class folders: expected one subfolder per class holding its images.");
        }

        int total = perClass.Sum(c => c.Files.Count);
        int keep = Math.Min(limit ?? total, total);
        var paths = new string[keep];
        var labels = new int[keep];
        int n = 0;
        for (int round = 0; n < keep; round++)
        {
            foreach (var (label, files) in perClass)
            {
                if (round < files.Count && n < keep)
                {
                    paths[n] = files[round];
                    labels[n++] = label;
                }
            }
        }

        string name = $"image folder {Path.GetFileName(folder)} ({Path.GetFileName(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar))})";
        return new ImageFolderSource(name, shape, classNames, paths, labels);
    }

    public int GetLabel(int index)
    {
        this.CheckIndex(index);
        return _labels[index];
    }

    public void CopyBatchBytes(ReadOnlySpan<int> indices, Span<byte> destination)
    {
        int size = Shape.PixelsPerImage;
        this.CheckDestination(indices.Length, destination.Length);
        for (int i = 0; i < indices.Length; i++)
        {
            this.CheckIndex(indices[i]);
            Decode(_paths[indices[i]], Shape, destination.Slice(i * size, size));
        }
    }

    public void CopyBatch(ReadOnlySpan<int> indices, Span<float> destination)
    {
        int size = Shape.PixelsPerImage;
        this.CheckDestination(indices.Length, destination.Length);
        // Decoding dominates; the batch's bytes are then converted in one vectorised pass.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(indices.Length * size);
        try
        {
            Span<byte> bytes = buffer.AsSpan(0, indices.Length * size);
            CopyBatchBytes(indices, bytes);
            PixelConversion.ToUnitFloat(bytes, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Decodes one image file, resizes it to <paramref name="shape"/> and writes it planar (CHW) as bytes.</summary>
    public static void Decode(string path, ImageShape shape, Span<byte> destination)
    {
        CheckChannels(shape);
        if (destination.Length < shape.PixelsPerImage)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes but one {shape} image needs {shape.PixelsPerImage}.", nameof(destination));
        }

        using SKBitmap resized = DecodeResized(path, shape.Width, shape.Height);
        ReadOnlySpan<byte> rgba = resized.GetPixelSpan();
        int plane = shape.PixelsPerPlane;
        int stride = resized.RowBytes;
        for (int y = 0; y < shape.Height; y++)
        {
            ReadOnlySpan<byte> row = rgba.Slice(y * stride, 4 * shape.Width);
            int o = y * shape.Width;
            for (int x = 0; x < shape.Width; x++)
            {
                byte r = row[4 * x], g = row[4 * x + 1], b = row[4 * x + 2];
                if (shape.Channels == 3)
                {
                    destination[o + x] = r;
                    destination[plane + o + x] = g;
                    destination[2 * plane + o + x] = b;
                }
                else
                {
                    // ITU-R 601 luma in PIL's fixed point (convert("L")): 0.299, 0.587, 0.114 in 1/65536ths, rounded.
                    destination[o + x] = (byte)((19595 * r + 38470 * g + 7471 * b + 0x8000) >> 16);
                }
            }
        }
    }

    /// <summary>Larger decoded images are refused as damaged: a broken header can claim any size.</summary>
    public const long MaxDecodedPixels = 1L << 28;

    /// <summary>
    /// The size to decode at: the smallest of the codec's reduced scales (<paramref name="scaled"/> of 1/8, 1/4, 1/2;
    /// JPEG supports them, other formats give back the full size) that still covers width x height, else the full size.
    /// </summary>
    internal static SKSizeI DecodeSize(SKSizeI full, Func<float, SKSizeI> scaled, int width, int height)
    {
        foreach (float scale in new[] { 0.125f, 0.25f, 0.5f })
        {
            SKSizeI size = scaled(scale);
            if (size.Width >= width && size.Height >= height && size.Width < full.Width)
            {
                return size;
            }
        }

        return full;
    }

    private static void CheckChannels(ImageShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Channels is not (1 or 3))
        {
            throw new ArgumentException($"Image folders give 1 (luminance) or 3 (RGB) channels; {shape} was asked for.", nameof(shape));
        }
    }

    private static SKBitmap DecodeResized(string path, int width, int height)
    {
        using var stream = OpenRead(path);
        using var codec = SKCodec.Create(stream, out SKCodecResult created)
            ?? throw new DatasetFormatException(path, $"cannot decode the image: expected a {string.Join("/", ImageExtensions)} file, the decoder reported {created}.");

        SKSizeI size = DecodeSize(codec.Info.Size, codec.GetScaledDimensions, width, height);
        if ((long)size.Width * size.Height > MaxDecodedPixels || size.Width <= 0 || size.Height <= 0)
        {
            throw new DatasetFormatException(path, $"implausible image size {size.Width}x{size.Height}: expected at most {MaxDecodedPixels:N0} pixels; the header is probably damaged.");
        }

        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        SKBitmap decoded;
        try
        {
            decoded = new SKBitmap(info);
        }
        catch (Exception e) when (e is not DatasetFormatException)
        {
            throw new DatasetFormatException(path, $"cannot allocate a {size.Width}x{size.Height} image: {e.Message}", e);
        }

        try
        {
            SKCodecResult result = codec.GetPixels(info, decoded.GetPixels());
            // IncompleteInput: a truncated file; the decoder filled the rest, but the data is damaged.
            if (result != SKCodecResult.Success)
            {
                throw new DatasetFormatException(path, $"cannot decode the image ({size.Width}x{size.Height}): the decoder reported {result}; the file is damaged or truncated.");
            }

            if (size.Width == width && size.Height == height)
            {
                return decoded;
            }

            var target = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            SKBitmap resized = decoded.Resize(target, SKFilterQuality.High)
                ?? throw new DatasetFormatException(path, $"cannot resize the image from {size.Width}x{size.Height} to {width}x{height}.");
            decoded.Dispose();
            return resized;
        }
        catch
        {
            decoded.Dispose();
            throw;
        }
    }

    private static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException(path, $"cannot open the image file: {e.Message}", e);
        }
    }

    private static string? FirstExisting(string directory, IReadOnlyList<string> names) =>
        names.Select(n => Path.Combine(directory, n)).FirstOrDefault(Directory.Exists);

    private static string[] ClassFolders(string splitFolder) =>
        Directory.EnumerateDirectories(splitFolder)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => !n.StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static List<string> ImageFiles(string classFolder) =>
        Directory.EnumerateFiles(classFolder).Where(IsImageFile).Order(StringComparer.Ordinal).ToList();

    private static bool IsImageFile(string path) =>
        !Path.GetFileName(path).StartsWith('.') && ImageExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);
}
