using System.Buffers.Binary;

namespace Neuromorphic.Datasets;

/// <summary>
/// Reader for IDX files (MNIST, Fashion-MNIST): a big-endian int32 header (magic, count,
/// then rows and cols for images) followed by one byte per value. Files may be gzipped.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic of an unsigned-byte, 3-dimensional IDX file (images): 0x00000803.</summary>
    public const int ImagesMagic = 2051;

    /// <summary>Magic of an unsigned-byte, 1-dimensional IDX file (labels): 0x00000801.</summary>
    public const int LabelsMagic = 2049;

    private const int ImagesHeaderBytes = 16;
    private const int LabelsHeaderBytes = 8;

    // Sanity bound on rows/cols: rejects garbage headers before they turn into huge allocations.
    private const int MaxSide = 4096;

    /// <summary>Digit names used for MNIST.</summary>
    public static IReadOnlyList<string> DigitClassNames { get; } = BinaryFiles.Numbered("", 10);

    /// <summary>Fashion-MNIST class names in label order.</summary>
    public static IReadOnlyList<string> FashionClassNames { get; } =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <summary>Header of an IDX image file.</summary>
    public readonly record struct ImagesHeader(int Count, int Rows, int Columns);

    /// <summary>
    /// Reads an image file and its label file. Labels must lie in 0..9 (or 0..classNames.Count-1)
    /// and both files must hold the same number of records.
    /// </summary>
    /// <param name="limit">When set, keeps only the first <paramref name="limit"/> records (the whole files are still checked).</param>
    public static InMemoryImageSource Read(
        string imagesPath, string labelsPath, string? name = null, IReadOnlyList<string>? classNames = null, int? limit = null)
    {
        classNames ??= DigitClassNames;
        if (limit is { } l)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(l, nameof(limit));
        }

        byte[] allLabels = ReadLabels(labelsPath, classNames.Count);

        using Stream images = BinaryFiles.OpenMaybeGzip(imagesPath, out bool gzipped);
        ImagesHeader header = ReadImagesHeader(images, imagesPath);
        if (header.Count != allLabels.Length)
        {
            throw new DatasetFormatException(
                labelsPath,
                $"image/label count mismatch: expected {header.Count} labels to match the images in {imagesPath}, found {allLabels.Length}.");
        }

        long pixelsPerImage = (long)header.Rows * header.Columns;
        long payload = header.Count * pixelsPerImage;
        if (!gzipped)
        {
            CheckRawLength(imagesPath, ImagesHeaderBytes + payload, $"{header.Count} images of {header.Rows}x{header.Columns}");
        }

        int keep = BinaryFiles.ResolveLimit(header.Count, limit);
        string keptImages = $"{keep} images of {header.Rows}x{header.Columns} after the 16-byte header";
        byte[] pixels;
        if (gzipped)
        {
            // The decompressed length is unknown until read: never allocate from the header alone.
            pixels = BinaryFiles.ReadDeclared(images, keep * pixelsPerImage, imagesPath, keptImages);
        }
        else
        {
            // Raw: the file's length was checked against the header above.
            BinaryFiles.CheckFitsInMemory(keep * pixelsPerImage, imagesPath, keptImages);
            pixels = new byte[keep * pixelsPerImage];
            BinaryFiles.ReadExactly(images, pixels, imagesPath, keptImages);
        }

        if (gzipped)
        {
            // A gzip stream has no length up front: read the rest to prove it matches the header.
            long expectedRest = payload - pixels.LongLength;
            var (rest, atEnd) = BinaryFiles.CountRemaining(images, imagesPath, expectedRest);
            if (rest != expectedRest)
            {
                throw LengthMismatch(imagesPath, ImagesHeaderBytes + payload, ImagesHeaderBytes + pixels.LongLength + rest,
                    $"{header.Count} images of {header.Rows}x{header.Columns}", "decompressed ", atEnd);
            }
        }

        byte[] labels = keep == allLabels.Length ? allLabels : allLabels.AsSpan(0, keep).ToArray();
        var shape = new ImageShape(1, header.Rows, header.Columns);
        return new InMemoryImageSource(name ?? Path.GetFileName(imagesPath), shape, pixels, labels, classNames);
    }

    /// <summary>Reads only the header of an IDX image file (cheap, even when gzipped).</summary>
    public static ImagesHeader ReadImagesHeader(string imagesPath)
    {
        using Stream images = BinaryFiles.OpenMaybeGzip(imagesPath, out _);
        return ReadImagesHeader(images, imagesPath);
    }

    /// <summary>Reads only the record count of an IDX label file.</summary>
    public static int ReadLabelCount(string labelsPath)
    {
        using Stream labels = BinaryFiles.OpenMaybeGzip(labelsPath, out _);
        Span<byte> header = stackalloc byte[LabelsHeaderBytes];
        BinaryFiles.ReadExactly(labels, header, labelsPath, "the 8-byte IDX label header");
        CheckMagic(labelsPath, BinaryPrimitives.ReadInt32BigEndian(header), LabelsMagic, "label");
        return CheckCount(labelsPath, BinaryPrimitives.ReadInt32BigEndian(header[4..]));
    }

    private static ImagesHeader ReadImagesHeader(Stream stream, string path)
    {
        Span<byte> header = stackalloc byte[ImagesHeaderBytes];
        BinaryFiles.ReadExactly(stream, header, path, "the 16-byte IDX image header");
        CheckMagic(path, BinaryPrimitives.ReadInt32BigEndian(header), ImagesMagic, "image");
        int count = CheckCount(path, BinaryPrimitives.ReadInt32BigEndian(header[4..]));
        int rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        int cols = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (rows <= 0 || cols <= 0 || rows > MaxSide || cols > MaxSide)
        {
            throw new DatasetFormatException(
                path, $"bad image dimensions in the IDX header: expected rows and columns in 1..{MaxSide}, found {rows}x{cols}.");
        }

        return new ImagesHeader(count, rows, cols);
    }

    private static byte[] ReadLabels(string path, int classCount)
    {
        using Stream stream = BinaryFiles.OpenMaybeGzip(path, out bool gzipped);
        Span<byte> header = stackalloc byte[LabelsHeaderBytes];
        BinaryFiles.ReadExactly(stream, header, path, "the 8-byte IDX label header");
        CheckMagic(path, BinaryPrimitives.ReadInt32BigEndian(header), LabelsMagic, "label");
        int count = CheckCount(path, BinaryPrimitives.ReadInt32BigEndian(header[4..]));
        if (!gzipped)
        {
            CheckRawLength(path, LabelsHeaderBytes + (long)count, $"{count} labels");
        }

        byte[] labels;
        if (gzipped)
        {
            labels = BinaryFiles.ReadDeclared(stream, count, path, $"{count} labels after the 8-byte header");
            var (rest, atEnd) = BinaryFiles.CountRemaining(stream, path, 0);
            if (rest != 0)
            {
                throw LengthMismatch(path, LabelsHeaderBytes + (long)count, LabelsHeaderBytes + count + rest, $"{count} labels", "decompressed ", atEnd);
            }
        }
        else
        {
            labels = new byte[count]; // the file's length was checked against the header above
            BinaryFiles.ReadExactly(stream, labels, path, $"{count} labels after the 8-byte header");
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
            {
                throw new DatasetFormatException(
                    path, $"label out of range: expected 0..{classCount - 1}, found {labels[i]} for record {i}.");
            }
        }

        return labels;
    }

    private static void CheckMagic(string path, int found, int expected, string kind)
    {
        if (found == expected)
        {
            return;
        }

        string hint = found switch
        {
            ImagesMagic => " (that is the magic of an IDX image file)",
            LabelsMagic => " (that is the magic of an IDX label file)",
            0x1f8b0800 or 0x1f8b0808 => " (this looks like gzip data that failed to decompress)",
            _ => "",
        };
        throw new DatasetFormatException(
            path, $"wrong magic number for an IDX {kind} file: expected {expected} (0x{expected:X8}), found {found} (0x{found:X8}){hint}.");
    }

    private static int CheckCount(string path, int count)
    {
        if (count < 0)
        {
            throw new DatasetFormatException(path, $"bad record count in the IDX header: expected a non-negative number, found {count}.");
        }

        return count;
    }

    private static void CheckRawLength(string path, long expected, string what)
    {
        long actual = BinaryFiles.Length(path);
        if (actual != expected)
        {
            throw LengthMismatch(path, expected, actual, what, "");
        }
    }

    /// <param name="exact">False when counting stopped early, so <paramref name="actual"/> is a lower bound.</param>
    private static DatasetFormatException LengthMismatch(string path, long expected, long actual, string what, string qualifier, bool exact = true) =>
        actual < expected
            ? new DatasetFormatException(
                path, $"truncated file: the header announces {what}, so expected {expected} {qualifier}bytes, found {actual}.")
            : new DatasetFormatException(
                path, $"file longer than its header says: the header announces {what}, so expected {expected} {qualifier}bytes, found {(exact ? "" : "at least ")}{actual}.");
}
