using System.Buffers.Binary;
using System.IO.Compression;

namespace Neuromorphic.Datasets.Tests;

/// <summary>Writes small synthetic dataset files in the on-disk formats, written here independently of the readers.</summary>
internal static class FileBuilders
{
    /// <summary>Deterministic pixel value for image i, channel ch, row r, column c.</summary>
    public static byte Pixel(int i, int ch, int r, int c) => (byte)((i * 31 + ch * 101 + r * 7 + c * 3) & 0xFF);

    public static byte[] IdxImages(int count, int rows, int cols, int? headerCount = null, int magic = 2051, int extraBytes = 0, int missingBytes = 0)
    {
        int payload = count * rows * cols;
        var bytes = new byte[16 + payload + extraBytes - missingBytes];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), headerCount ?? count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        for (int i = 0; i < count; i++)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    int at = 16 + (i * rows + r) * cols + c;
                    if (at < bytes.Length)
                    {
                        bytes[at] = Pixel(i, 0, r, c);
                    }
                }
            }
        }

        return bytes;
    }

    public static byte[] IdxLabels(byte[] labels, int magic = 2049, int? headerCount = null)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), headerCount ?? labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Labels(int count, int classes, int offset = 0) =>
        Enumerable.Range(0, count).Select(i => (byte)((i * 3 + 1) % classes + offset)).ToArray();

    /// <summary>Writes an MNIST-like folder: count train and testCount test images of rows x cols.</summary>
    public static void WriteIdxDataset(string dir, int count, int testCount, bool gzip, string spelling = "-")
    {
        void Write(string prefix, int n)
        {
            byte[] images = IdxImages(n, 4, 5);
            byte[] labels = IdxLabels(Labels(n, 10));
            string suffix = gzip ? ".gz" : "";
            File.WriteAllBytes(Path.Combine(dir, $"{prefix}-images{spelling}idx3-ubyte{suffix}"), gzip ? Gzip(images) : images);
            File.WriteAllBytes(Path.Combine(dir, $"{prefix}-labels{spelling}idx1-ubyte{suffix}"), gzip ? Gzip(labels) : labels);
        }

        Write("train", count);
        Write("t10k", testCount);
    }

    /// <summary>CIFAR records: labelBytes leading label bytes then 3x32x32 planar pixels from <see cref="Pixel"/>.</summary>
    public static byte[] CifarRecords(byte[][] labels, int firstImage = 0)
    {
        int count = labels[0].Length;
        int recordSize = labels.Length + 3072;
        var bytes = new byte[count * recordSize];
        for (int i = 0; i < count; i++)
        {
            int at = i * recordSize;
            for (int k = 0; k < labels.Length; k++)
            {
                bytes[at + k] = labels[k][i];
            }

            for (int ch = 0; ch < 3; ch++)
            {
                for (int r = 0; r < 32; r++)
                {
                    for (int c = 0; c < 32; c++)
                    {
                        bytes[at + labels.Length + ch * 1024 + r * 32 + c] = Pixel(firstImage + i, ch, r, c);
                    }
                }
            }
        }

        return bytes;
    }

    /// <summary>
    /// STL-10 image bytes written column-major per plane: channel 0 holds the row index,
    /// channel 1 the column index, channel 2 a value depending on image, row and column.
    /// </summary>
    public static byte[] StlImages(int count)
    {
        const int side = 96;
        var bytes = new byte[count * 3 * side * side];
        for (int i = 0; i < count; i++)
        {
            for (int ch = 0; ch < 3; ch++)
            {
                for (int r = 0; r < side; r++)
                {
                    for (int c = 0; c < side; c++)
                    {
                        // Column-major: the byte for (r, c) sits at c * 96 + r inside the plane.
                        bytes[((i * 3 + ch) * side + c) * side + r] = StlPixel(i, ch, r, c);
                    }
                }
            }
        }

        return bytes;
    }

    public static byte StlPixel(int i, int ch, int r, int c) => ch switch
    {
        0 => (byte)r,
        1 => (byte)c,
        _ => (byte)((i * 13 + r * 2 + c * 5) & 0xFF),
    };
}
