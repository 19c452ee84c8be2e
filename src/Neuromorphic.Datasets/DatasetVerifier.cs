using System.Globalization;
using System.Text;

namespace Neuromorphic.Datasets;

/// <summary>What verifying one split found: <see cref="Images"/> read, or the first <see cref="Problem"/>.</summary>
public sealed record SplitVerification(DatasetSplit Split, int Images, string? Problem)
{
    public bool Ok => Problem is null;

    public override string ToString() => Ok
        ? $"verified {Images.ToString("N0", CultureInfo.InvariantCulture)} images"
        : $"not usable: {Problem}";
}

/// <summary>
/// Reads every record of every split of a dataset folder (<c>datasets info --verify</c>), where
/// <see cref="DatasetDirectory.Describe"/> reads only headers and file sizes. The readers themselves do the checking
/// (truncation, image and label counts, label ranges, undecodable images), so a verified split is one that
/// <see cref="DatasetDirectory.Open"/> will load.
/// </summary>
public static class DatasetVerifier
{
    // Image folders are decoded at this size: decoding is what proves a file readable, and small is fast.
    private static readonly ImageShape ProbeShape = new(3, 8, 8);

    // Images per read when streaming a split (STL-10 unlabeled, image folders).
    private const int Batch = 64;

    /// <summary>Verifies each split the folder has; a split's first problem is reported, not thrown.</summary>
    /// <exception cref="DatasetFormatException">No dataset recognised in <paramref name="directory"/>.</exception>
    public static IReadOnlyList<SplitVerification> Verify(string directory)
    {
        DetectedDataset found = DatasetDirectory.Detect(directory);
        var results = new List<SplitVerification>();
        foreach (DatasetSplit split in SplitsOf(found))
        {
            try
            {
                results.Add(new SplitVerification(split, ReadAll(found, split), null));
            }
            catch (DatasetFormatException e)
            {
                results.Add(new SplitVerification(split, 0, e.Message));
            }
        }

        return results;
    }

    /// <summary>One line per split, as <c>datasets info --verify</c> prints it.</summary>
    public static string Format(IReadOnlyList<SplitVerification> results)
    {
        var text = new StringBuilder("Verified (every record read):\n");
        foreach (SplitVerification r in results)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {r.Split.ToString().ToLowerInvariant()}: {r}\n");
        }

        return text.ToString();
    }

    private static IEnumerable<DatasetSplit> SplitsOf(DetectedDataset found) => found.Format switch
    {
        DatasetFormat.Stl10 => [DatasetSplit.Train, DatasetSplit.Test, DatasetSplit.Unlabeled],
        DatasetFormat.ImageFolder => new[] { DatasetSplit.Train, DatasetSplit.Test }
            .Where(s => ImageFolderSource.SplitFolder(found.Directory, s) is not null),
        // IDX: a split is there when its images or labels file is; the reader names what is missing.
        DatasetFormat.Idx => new[] { DatasetSplit.Train, DatasetSplit.Test }.Where(s => DatasetDirectory.HasIdxSplit(found.Directory, s)),
        _ => [DatasetSplit.Train, DatasetSplit.Test],
    };

    private static int ReadAll(DetectedDataset found, DatasetSplit split)
    {
        IImageSource source = DatasetDirectory.Open(found.Directory, split, imageSize: ProbeShape);
        try
        {
            // In-memory sources were fully read and checked when opened; streamed ones are read here, record by record.
            if (source is not InMemoryImageSource)
            {
                var bytes = new byte[Batch * source.Shape.PixelsPerImage];
                var indices = new int[Batch];
                for (int first = 0; first < source.Count; first += Batch)
                {
                    int n = Math.Min(Batch, source.Count - first);
                    for (int i = 0; i < n; i++)
                    {
                        indices[i] = first + i;
                    }

                    source.CopyBatchBytes(indices.AsSpan(0, n), bytes);
                }
            }

            return source.Count;
        }
        finally
        {
            (source as IDisposable)?.Dispose();
        }
    }
}
