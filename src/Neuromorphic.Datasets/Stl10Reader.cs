namespace Neuromorphic.Datasets;

/// <summary>
/// Reader for the STL-10 binary files. Each image is 3x96x96 bytes, planar, but inside a
/// channel plane the bytes run down the columns (pixel (row r, col c) at c*96 + r), a leftover
/// of the MATLAB export. Images are transposed to the row-major CHW layout all other sources use.
/// Labels are bytes 1..10 on disk and 0..9 here.
/// </summary>
public static class Stl10Reader
{
    public const int ImageSide = 96;
    public const int RecordSize = 3 * ImageSide * ImageSide;

    public const string TrainImagesFileName = "train_X.bin";
    public const string TrainLabelsFileName = "train_y.bin";
    public const string TestImagesFileName = "test_X.bin";
    public const string TestLabelsFileName = "test_y.bin";
    public const string UnlabeledImagesFileName = "unlabeled_X.bin";
    public const string ClassNamesFileName = "class_names.txt";

    // Records per read when loading a whole split into memory.
    private const int ChunkRecords = 64;

    public static ImageShape Shape { get; } = new(3, ImageSide, ImageSide);

    public static IReadOnlyList<string> StandardClassNames { get; } =
        ["airplane", "bird", "car", "cat", "deer", "dog", "horse", "monkey", "ship", "truck"];

    /// <summary>
    /// Opens a split of an stl10_binary folder. Train and Test are loaded into memory (about
    /// 138 MB and 221 MB as bytes); Unlabeled (2.7 GB) is returned as a <see cref="StreamingStl10Source"/>
    /// that reads records on demand and must be disposed.
    /// </summary>
    public static IImageSource Open(string directory, DatasetSplit split, int? limit = null)
    {
        string folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
        string name = $"STL-10 {split.ToString().ToLowerInvariant()} ({folder})";
        IReadOnlyList<string> classNames = ClassNamesIn(directory);
        return split switch
        {
            DatasetSplit.Train => ReadLabelled(
                Path.Combine(directory, TrainImagesFileName), Path.Combine(directory, TrainLabelsFileName), name, classNames, limit),
            DatasetSplit.Test => ReadLabelled(
                Path.Combine(directory, TestImagesFileName), Path.Combine(directory, TestLabelsFileName), name, classNames, limit),
            DatasetSplit.Unlabeled => new StreamingStl10Source(
                Path.Combine(directory, UnlabeledImagesFileName), labelsPath: null, classNames: null, limit, name),
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, null),
        };
    }

    /// <summary>Names from class_names.txt when present, else the standard ten.</summary>
    public static IReadOnlyList<string> ClassNamesIn(string directory) =>
        BinaryFiles.NamesOrDefault(Path.Combine(directory, ClassNamesFileName), StandardClassNames);

    /// <summary>Loads an images file and its labels file fully into memory.</summary>
    public static InMemoryImageSource ReadLabelled(
        string imagesPath, string labelsPath, string? name = null, IReadOnlyList<string>? classNames = null, int? limit = null)
    {
        classNames ??= StandardClassNames;
        long count = RecordFileReader.CountRecords(imagesPath, RecordSize);
        byte[] allLabels = ReadLabels(labelsPath, imagesPath, count, classNames.Count);

        int keep = BinaryFiles.ResolveLimit(count, limit);
        BinaryFiles.CheckFitsInMemory((long)keep * RecordSize, imagesPath, $"{keep} STL-10 images");
        var pixels = new byte[keep * RecordSize];
        byte[] chunk = new byte[ChunkRecords * RecordSize];
        using (FileStream stream = BinaryFiles.OpenRead(imagesPath))
        {
            for (int first = 0; first < keep; first += ChunkRecords)
            {
                int n = Math.Min(ChunkRecords, keep - first);
                BinaryFiles.ReadExactly(stream, chunk.AsSpan(0, n * RecordSize), imagesPath, $"images {first}..{first + n - 1}");
                for (int r = 0; r < n; r++)
                {
                    ToRowMajor(chunk.AsSpan(r * RecordSize, RecordSize), pixels.AsSpan((first + r) * RecordSize, RecordSize));
                }
            }
        }

        byte[] labels = keep == allLabels.Length ? allLabels : allLabels.AsSpan(0, keep).ToArray();
        return new InMemoryImageSource(name ?? Path.GetFileName(imagesPath), Shape, pixels, labels, classNames);
    }

    /// <summary>
    /// Reads a labels file (one byte 1..classCount per image) and returns labels shifted to
    /// 0-based. Its length must equal the image count of <paramref name="imagesPath"/>.
    /// </summary>
    internal static byte[] ReadLabels(string labelsPath, string imagesPath, long imageCount, int classCount)
    {
        long length = BinaryFiles.Length(labelsPath);
        if (length != imageCount)
        {
            throw new DatasetFormatException(
                labelsPath,
                $"image/label count mismatch: expected {imageCount} label bytes to match the images in {imagesPath}, found {length}.");
        }

        var labels = new byte[length];
        using (FileStream stream = BinaryFiles.OpenRead(labelsPath))
        {
            BinaryFiles.ReadExactly(stream, labels, labelsPath, $"{length} labels");
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 1 || labels[i] > classCount)
            {
                throw new DatasetFormatException(
                    labelsPath, $"label out of range: expected 1..{classCount} (STL-10 labels are 1-based), found {labels[i]} for image {i}.");
            }

            labels[i]--;
        }

        return labels;
    }

    /// <summary>
    /// Converts one on-disk STL-10 record (column-major planes) to row-major CHW:
    /// destination[ch, r, c] = source[ch, c * 96 + r].
    /// </summary>
    public static void ToRowMajor(ReadOnlySpan<byte> record, Span<byte> destination)
    {
        if (record.Length != RecordSize || destination.Length < RecordSize)
        {
            throw new ArgumentException($"STL-10 records are {RecordSize} bytes.");
        }

        const int plane = ImageSide * ImageSide;
        for (int ch = 0; ch < 3; ch++)
        {
            ReadOnlySpan<byte> src = record.Slice(ch * plane, plane);
            Span<byte> dst = destination.Slice(ch * plane, plane);
            for (int c = 0; c < ImageSide; c++)
            {
                ReadOnlySpan<byte> column = src.Slice(c * ImageSide, ImageSide);
                for (int r = 0; r < ImageSide; r++)
                {
                    dst[r * ImageSide + c] = column[r];
                }
            }
        }
    }
}
