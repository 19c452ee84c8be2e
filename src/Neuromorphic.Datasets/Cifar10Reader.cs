namespace Neuromorphic.Datasets;

/// <summary>
/// Reader for the CIFAR-10 "binary version": header-less files of 3073-byte records, each a
/// label byte (0-9) followed by 1024 red, 1024 green and 1024 blue bytes (32x32, row-major).
/// That is already planar CHW, so records are copied as they are.
/// </summary>
public static class Cifar10Reader
{
    public const int RecordSize = 1 + 3 * 32 * 32;

    public static ImageShape Shape { get; } = new(3, 32, 32);

    public static IReadOnlyList<string> TrainFileNames { get; } =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

    public const string TestFileName = "test_batch.bin";

    /// <summary>Optional file with the class names, whitespace-separated, in label order.</summary>
    public const string MetaFileName = "batches.meta.txt";

    public static IReadOnlyList<string> StandardClassNames { get; } =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>Opens the train split (5 batches, in order) or the test split of a cifar-10-batches-bin folder.</summary>
    public static InMemoryImageSource Open(string directory, DatasetSplit split, int? limit = null)
    {
        string[] files = split switch
        {
            DatasetSplit.Train => TrainFileNames.Select(f => Path.Combine(directory, f)).ToArray(),
            DatasetSplit.Test => [Path.Combine(directory, TestFileName)],
            _ => throw new DatasetFormatException(directory, $"CIFAR-10 has no {split} split: expected Train or Test."),
        };
        IReadOnlyList<string> names = ClassNamesIn(directory);
        string name = $"CIFAR-10 {split.ToString().ToLowerInvariant()} ({Path.GetFileName(Path.TrimEndingDirectorySeparator(directory))})";
        return ReadFiles(files, name, names, limit);
    }

    /// <summary>Reads the given batch files, concatenated in order.</summary>
    public static InMemoryImageSource ReadFiles(
        IReadOnlyList<string> paths, string? name = null, IReadOnlyList<string>? classNames = null, int? limit = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(paths.Count, nameof(paths));
        classNames ??= StandardClassNames;
        var (pixels, labels) = RecordFileReader.Read(paths, Shape.PixelsPerImage, [classNames.Count], ["label"], limit);
        return new InMemoryImageSource(name ?? Path.GetFileName(paths[0]), Shape, pixels, labels[0], classNames);
    }

    /// <summary>Names from batches.meta.txt when present, else the standard ten.</summary>
    public static IReadOnlyList<string> ClassNamesIn(string directory) =>
        BinaryFiles.NamesOrDefault(Path.Combine(directory, MetaFileName), StandardClassNames);
}
