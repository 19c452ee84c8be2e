namespace Neuromorphic.Datasets;

/// <summary>
/// Reader for the CIFAR-100 "binary version": 3074-byte records of coarse label (0-19), fine
/// label (0-99) and 3072 planar RGB bytes. The fine labels are the classes; the coarse
/// (superclass) labels stay available through <see cref="InMemoryImageSource.GetCoarseLabel"/>.
/// </summary>
public static class Cifar100Reader
{
    public const int RecordSize = 2 + 3 * 32 * 32;
    public const int FineClassCount = 100;
    public const int CoarseClassCount = 20;

    public const string TrainFileName = "train.bin";
    public const string TestFileName = "test.bin";
    public const string FineNamesFileName = "fine_label_names.txt";
    public const string CoarseNamesFileName = "coarse_label_names.txt";

    public static ImageShape Shape { get; } = new(3, 32, 32);

    /// <summary>Placeholder names used when fine_label_names.txt is absent.</summary>
    public static IReadOnlyList<string> DefaultFineClassNames { get; } = BinaryFiles.Numbered("class", FineClassCount);

    /// <summary>Placeholder names used when coarse_label_names.txt is absent.</summary>
    public static IReadOnlyList<string> DefaultCoarseClassNames { get; } = BinaryFiles.Numbered("superclass", CoarseClassCount);

    /// <summary>Opens train.bin or test.bin of a cifar-100-binary folder.</summary>
    public static InMemoryImageSource Open(string directory, DatasetSplit split, int? limit = null)
    {
        string file = split switch
        {
            DatasetSplit.Train => TrainFileName,
            DatasetSplit.Test => TestFileName,
            _ => throw new DatasetFormatException(directory, $"CIFAR-100 has no {split} split: expected Train or Test."),
        };
        string name = $"CIFAR-100 {split.ToString().ToLowerInvariant()} ({Path.GetFileName(Path.TrimEndingDirectorySeparator(directory))})";
        return ReadFile(
            Path.Combine(directory, file),
            name,
            BinaryFiles.NamesOrDefault(Path.Combine(directory, FineNamesFileName), DefaultFineClassNames),
            BinaryFiles.NamesOrDefault(Path.Combine(directory, CoarseNamesFileName), DefaultCoarseClassNames),
            limit);
    }

    public static InMemoryImageSource ReadFile(
        string path,
        string? name = null,
        IReadOnlyList<string>? fineClassNames = null,
        IReadOnlyList<string>? coarseClassNames = null,
        int? limit = null)
    {
        fineClassNames ??= DefaultFineClassNames;
        coarseClassNames ??= DefaultCoarseClassNames;
        var (pixels, labels) = RecordFileReader.Read(
            [path], Shape.PixelsPerImage, [coarseClassNames.Count, fineClassNames.Count], ["coarse label", "fine label"], limit);
        return new InMemoryImageSource(
            name ?? Path.GetFileName(path), Shape, pixels, labels[1], fineClassNames, labels[0], coarseClassNames);
    }
}
