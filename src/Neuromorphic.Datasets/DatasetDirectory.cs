using System.Globalization;
using System.Text;

namespace Neuromorphic.Datasets;

/// <summary>Where a recognised dataset lives and in which format.</summary>
public sealed record DetectedDataset(DatasetFormat Format, string Directory);

/// <summary>
/// Opens a dataset folder without being told its format: the format is recognised from the
/// file names present, in the folder itself or one level down in the subfolder the official
/// archives unpack to. This is what a "--data DIR" option needs.
/// </summary>
public static class DatasetDirectory
{
    /// <summary>Subfolders the official archives extract to; searched when the folder itself holds no dataset.</summary>
    public static IReadOnlyList<string> KnownSubfolders { get; } = ["cifar-10-batches-bin", "cifar-100-binary", "stl10_binary"];

    private const string LookedFor =
        "IDX/MNIST (train-images-idx3-ubyte or train-images.idx3-ubyte or t10k-images-idx3-ubyte, each optionally .gz, with the matching *-labels-idx1-ubyte files); " +
        "CIFAR-10 binary (data_batch_1.bin .. data_batch_5.bin, test_batch.bin); " +
        "CIFAR-100 binary (train.bin, test.bin); " +
        "STL-10 binary (train_X.bin + train_y.bin, test_X.bin + test_y.bin, unlabeled_X.bin); " +
        "an image folder (train/ and val/ or test/, one subfolder per class of .jpg/.jpeg/.png/.bmp/.gif/.webp files, as ImageNet)";

    /// <summary>
    /// Opens one split. Train/Test of every binary format and the whole of IDX and CIFAR are loaded
    /// into memory; STL-10 Unlabeled is streamed (a <see cref="StreamingStl10Source"/>, which
    /// should be disposed when done); image folders are decoded batch by batch.
    /// </summary>
    /// <param name="limit">When set, keeps only the first <paramref name="limit"/> records (quick runs).</param>
    /// <param name="imageSize">
    /// The size to resize images to. Only image folders use it (their files have no common size) and
    /// they need it; the binary formats have a fixed size of their own and ignore it.
    /// </param>
    /// <exception cref="DatasetFormatException">Nothing recognised, a file missing or malformed.</exception>
    public static IImageSource Open(string directory, DatasetSplit split, int? limit = null, ImageShape? imageSize = null)
    {
        if (limit is { } l)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(l, nameof(limit));
        }

        DetectedDataset found = Detect(directory);
        string dir = found.Directory;
        return found.Format switch
        {
            DatasetFormat.Idx => OpenIdx(dir, split, limit),
            DatasetFormat.Cifar10 => Cifar10Reader.Open(dir, split, limit),
            DatasetFormat.Cifar100 => Cifar100Reader.Open(dir, split, limit),
            DatasetFormat.Stl10 => Stl10Reader.Open(dir, split, limit),
            DatasetFormat.ImageFolder => ImageFolderSource.Open(dir, split, imageSize ?? throw new DatasetFormatException(
                dir, "an image folder has no common image size: expected the size to resize to (the network's input), none was given."), limit),
            _ => throw new InvalidOperationException($"Unhandled format {found.Format}."),
        };
    }

    /// <summary>Recognises the format from the files present; throws listing what it looked for when nothing matches.</summary>
    public static DetectedDataset Detect(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw new DatasetFormatException(full, "dataset directory not found: expected an existing folder.");
        }

        var searched = new List<string> { full };
        if (TryDetectIn(full) is { } here)
        {
            return new DetectedDataset(here, full);
        }

        foreach (string sub in KnownSubfolders)
        {
            string candidate = Path.Combine(full, sub);
            if (!Directory.Exists(candidate))
            {
                continue;
            }

            searched.Add(candidate);
            if (TryDetectIn(candidate) is { } format)
            {
                return new DetectedDataset(format, candidate);
            }
        }

        // Last: the binary formats, here or in their archives' subfolders, win over loose train/ or val/ folders.
        if (ImageFolderSource.LooksLikeImageFolder(full))
        {
            return new DetectedDataset(DatasetFormat.ImageFolder, full);
        }

        throw new DatasetFormatException(
            full,
            $"no known dataset format recognised. Looked in {string.Join(", ", searched)} " +
            $"(and for the subfolders {string.Join(", ", KnownSubfolders)}) for these file sets: {LookedFor}.");
    }

    /// <summary>
    /// A short human-readable summary (format, location, shape, classes, count per split) without
    /// loading the images; for a "datasets info" command.
    /// </summary>
    public static string Describe(string directory)
    {
        DetectedDataset found = Detect(directory);
        string dir = found.Directory;
        var text = new StringBuilder();
        IReadOnlyList<string> classNames;
        ImageShape? shape;
        List<(DatasetSplit Split, Func<long> Count)> splits;

        switch (found.Format)
        {
            case DatasetFormat.Idx:
                classNames = IdxClassNames(dir);
                shape = null; // taken from the first readable image header
                splits = [];
                foreach (DatasetSplit split in new[] { DatasetSplit.Train, DatasetSplit.Test })
                {
                    if (FindIdx(dir, IdxPrefix(split), "images", "idx3") is { } imagesPath)
                    {
                        splits.Add((split, () => IdxReader.ReadImagesHeader(imagesPath).Count));
                        try
                        {
                            var header = IdxReader.ReadImagesHeader(imagesPath);
                            shape ??= new ImageShape(1, header.Rows, header.Columns);
                        }
                        catch (DatasetFormatException)
                        {
                            // Reported on the split's own line below.
                        }
                    }
                }

                break;
            case DatasetFormat.Cifar10:
                classNames = Cifar10Reader.ClassNamesIn(dir);
                shape = Cifar10Reader.Shape;
                splits =
                [
                    (DatasetSplit.Train, () => Cifar10Reader.TrainFileNames.Sum(f => RecordFileReader.CountRecords(Path.Combine(dir, f), Cifar10Reader.RecordSize))),
                    (DatasetSplit.Test, () => RecordFileReader.CountRecords(Path.Combine(dir, Cifar10Reader.TestFileName), Cifar10Reader.RecordSize)),
                ];
                break;
            case DatasetFormat.Cifar100:
                classNames = BinaryFiles.NamesOrDefault(Path.Combine(dir, Cifar100Reader.FineNamesFileName), Cifar100Reader.DefaultFineClassNames);
                shape = Cifar100Reader.Shape;
                splits =
                [
                    (DatasetSplit.Train, () => RecordFileReader.CountRecords(Path.Combine(dir, Cifar100Reader.TrainFileName), Cifar100Reader.RecordSize)),
                    (DatasetSplit.Test, () => RecordFileReader.CountRecords(Path.Combine(dir, Cifar100Reader.TestFileName), Cifar100Reader.RecordSize)),
                ];
                break;
            case DatasetFormat.ImageFolder:
                classNames = ImageFolderSource.ClassNamesIn(dir);
                shape = null; // files of any size, resized to the network's input when opened
                splits = [];
                foreach (DatasetSplit split in new[] { DatasetSplit.Train, DatasetSplit.Test })
                {
                    if (ImageFolderSource.SplitFolder(dir, split) is { } folder)
                    {
                        splits.Add((split, () => ImageFolderSource.CountImages(folder)));
                    }
                }

                break;
            default:
                classNames = Stl10Reader.ClassNamesIn(dir);
                shape = Stl10Reader.Shape;
                splits =
                [
                    (DatasetSplit.Train, () => RecordFileReader.CountRecords(Path.Combine(dir, Stl10Reader.TrainImagesFileName), Stl10Reader.RecordSize)),
                    (DatasetSplit.Test, () => RecordFileReader.CountRecords(Path.Combine(dir, Stl10Reader.TestImagesFileName), Stl10Reader.RecordSize)),
                    (DatasetSplit.Unlabeled, () => RecordFileReader.CountRecords(Path.Combine(dir, Stl10Reader.UnlabeledImagesFileName), Stl10Reader.RecordSize)),
                ];
                break;
        }

        text.Append(CultureInfo.InvariantCulture, $"Format: {FormatName(found.Format, dir)}\n");
        text.Append(CultureInfo.InvariantCulture, $"Directory: {dir}\n");
        string shapeText = found.Format == DatasetFormat.ImageFolder
            ? "any (each image is resized to the network's input)"
            : $"{shape?.ToString() ?? "unknown"} (channels x height x width)";
        text.Append(CultureInfo.InvariantCulture, $"Image shape: {shapeText}\n");
        // ImageNet has 1,000 classes: name the first few only.
        const int named = 20;
        string names = string.Join(", ", classNames.Take(named)) + (classNames.Count > named ? $", ... ({classNames.Count - named} more)" : "");
        text.Append(CultureInfo.InvariantCulture, $"Classes ({classNames.Count}): {names}\n");
        text.Append("Splits:\n");
        foreach (var (split, count) in splits)
        {
            string line;
            try
            {
                line = $"{count().ToString("N0", CultureInfo.InvariantCulture)} images" +
                       (split == DatasetSplit.Unlabeled ? ", unlabeled (streamed from disk)" : ", labelled");
            }
            catch (DatasetFormatException e)
            {
                line = $"not usable: {e.Message}";
            }

            text.Append(CultureInfo.InvariantCulture, $"  {split.ToString().ToLowerInvariant()}: {line}\n");
        }

        return text.ToString();
    }

    private static DatasetFormat? TryDetectIn(string dir)
    {
        if (FindIdx(dir, "train", "images", "idx3") is not null || FindIdx(dir, "t10k", "images", "idx3") is not null)
        {
            return DatasetFormat.Idx;
        }

        if (Cifar10Reader.TrainFileNames.Append(Cifar10Reader.TestFileName).Any(f => File.Exists(Path.Combine(dir, f))))
        {
            return DatasetFormat.Cifar10;
        }

        if (File.Exists(Path.Combine(dir, Cifar100Reader.TrainFileName)) || File.Exists(Path.Combine(dir, Cifar100Reader.TestFileName)))
        {
            return DatasetFormat.Cifar100;
        }

        string[] stl = [Stl10Reader.TrainImagesFileName, Stl10Reader.TestImagesFileName, Stl10Reader.UnlabeledImagesFileName];
        return stl.Any(f => File.Exists(Path.Combine(dir, f))) ? DatasetFormat.Stl10 : null;
    }

    private static InMemoryImageSource OpenIdx(string dir, DatasetSplit split, int? limit)
    {
        if (split == DatasetSplit.Unlabeled)
        {
            throw new DatasetFormatException(dir, "IDX datasets have no unlabeled split: expected Train or Test.");
        }

        string prefix = IdxPrefix(split);
        string images = RequireIdx(dir, prefix, "images", "idx3");
        string labels = RequireIdx(dir, prefix, "labels", "idx1");
        string name = $"{FormatName(DatasetFormat.Idx, dir)} {split.ToString().ToLowerInvariant()} ({Path.GetFileName(dir)})";
        return IdxReader.Read(images, labels, name, IdxClassNames(dir), limit);
    }

    /// <summary>Whether an IDX folder has the images or labels file of <paramref name="split"/>.</summary>
    internal static bool HasIdxSplit(string dir, DatasetSplit split) =>
        split != DatasetSplit.Unlabeled
        && (FindIdx(dir, IdxPrefix(split), "images", "idx3") is not null || FindIdx(dir, IdxPrefix(split), "labels", "idx1") is not null);

    private static string IdxPrefix(DatasetSplit split) => split == DatasetSplit.Train ? "train" : "t10k";

    // Both spellings occur in the wild ("train-images-idx3-ubyte" officially, "train-images.idx3-ubyte"
    // after some browsers' renaming), each gzipped or not. Raw files are preferred: faster to read.
    private static IEnumerable<string> IdxCandidates(string prefix, string kind, string idx)
    {
        string[] stems = [$"{prefix}-{kind}-{idx}-ubyte", $"{prefix}-{kind}.{idx}-ubyte"];
        foreach (string stem in stems)
        {
            yield return stem;
            yield return stem + ".gz";
        }
    }

    private static string? FindIdx(string dir, string prefix, string kind, string idx) =>
        IdxCandidates(prefix, kind, idx).Select(n => Path.Combine(dir, n)).FirstOrDefault(File.Exists);

    private static string RequireIdx(string dir, string prefix, string kind, string idx) =>
        FindIdx(dir, prefix, kind, idx) ?? throw new DatasetFormatException(
            Path.Combine(dir, $"{prefix}-{kind}-{idx}-ubyte"),
            $"missing file: expected one of {string.Join(", ", IdxCandidates(prefix, kind, idx))} in {dir}, found none.");

    // IDX files do not say what they contain; Fashion-MNIST is recognised by its folder name.
    private static bool LooksLikeFashion(string dir) => dir.Contains("fashion", StringComparison.OrdinalIgnoreCase);

    private static IReadOnlyList<string> IdxClassNames(string dir) =>
        LooksLikeFashion(dir) ? IdxReader.FashionClassNames : IdxReader.DigitClassNames;

    private static string FormatName(DatasetFormat format, string dir) => format switch
    {
        DatasetFormat.Idx => LooksLikeFashion(dir) ? "Fashion-MNIST (IDX)" : "MNIST (IDX)",
        DatasetFormat.Cifar10 => "CIFAR-10 binary",
        DatasetFormat.Cifar100 => "CIFAR-100 binary",
        DatasetFormat.ImageFolder => "image folder",
        _ => "STL-10 binary",
    };
}
