namespace Neuromorphic.Datasets;

/// <summary>
/// Reads header-less files of fixed-size records "label byte(s) + pixel bytes", the layout
/// shared by CIFAR-10 and CIFAR-100. Several files are concatenated in the order given.
/// </summary>
internal static class RecordFileReader
{
    // Records read per chunk: large enough for efficient I/O, small enough to stay in cache.
    private const int ChunkRecords = 256;

    /// <param name="labelClassCounts">Exclusive upper bound of each leading label byte.</param>
    /// <param name="labelKinds">Name of each label byte for error messages ("label", "coarse label").</param>
    public static (byte[] Pixels, byte[][] Labels) Read(
        IReadOnlyList<string> paths, int pixelBytes, int[] labelClassCounts, string[] labelKinds, int? limit)
    {
        int labelBytes = labelClassCounts.Length;
        int recordSize = labelBytes + pixelBytes;

        // Check every file's size before reading anything, so a bad last file fails fast.
        var recordsPerFile = new long[paths.Count];
        long total = 0;
        for (int f = 0; f < paths.Count; f++)
        {
            recordsPerFile[f] = CountRecords(paths[f], recordSize);
            total += recordsPerFile[f];
        }

        int keep = BinaryFiles.ResolveLimit(total, limit);
        BinaryFiles.CheckFitsInMemory((long)keep * pixelBytes, paths[0], $"{keep} records");
        var pixels = new byte[keep * pixelBytes]; // fits: checked just above
        var labels = new byte[labelBytes][];
        for (int k = 0; k < labelBytes; k++)
        {
            labels[k] = new byte[keep];
        }

        byte[] chunk = new byte[ChunkRecords * recordSize];
        int done = 0;
        for (int f = 0; f < paths.Count && done < keep; f++)
        {
            string path = paths[f];
            using FileStream stream = BinaryFiles.OpenRead(path);
            int inFile = (int)Math.Min(recordsPerFile[f], keep - done);
            for (int first = 0; first < inFile; first += ChunkRecords)
            {
                int n = Math.Min(ChunkRecords, inFile - first);
                BinaryFiles.ReadExactly(stream, chunk.AsSpan(0, n * recordSize), path, $"records {first}..{first + n - 1}");
                for (int r = 0; r < n; r++)
                {
                    int offset = r * recordSize;
                    for (int k = 0; k < labelBytes; k++)
                    {
                        byte label = chunk[offset + k];
                        if (label >= labelClassCounts[k])
                        {
                            throw new DatasetFormatException(
                                path,
                                $"{labelKinds[k]} out of range: expected 0..{labelClassCounts[k] - 1}, found {label} in record {first + r} (byte offset {(long)(first + r) * recordSize + k}).");
                        }

                        labels[k][done] = label;
                    }

                    chunk.AsSpan(offset + labelBytes, pixelBytes).CopyTo(pixels.AsSpan(done * pixelBytes, pixelBytes));
                    done++;
                }
            }
        }

        return (pixels, labels);
    }

    /// <summary>Number of whole records in a file; throws unless the size is a positive multiple of the record size.</summary>
    public static long CountRecords(string path, int recordSize)
    {
        long length = BinaryFiles.Length(path);
        if (length == 0)
        {
            throw new DatasetFormatException(path, $"empty file: expected records of {recordSize} bytes, found 0 bytes.");
        }

        if (length % recordSize != 0)
        {
            throw new DatasetFormatException(
                path,
                $"size is not a multiple of the record size: expected a multiple of {recordSize} bytes, found {length} bytes ({length / recordSize} whole records and {length % recordSize} extra bytes; truncated or not this format).");
        }

        return length / recordSize;
    }
}
