using System.IO.Compression;
using System.Security.Cryptography;

namespace Neuromorphic.Datasets.Download;

/// <summary>Checks a file on disk against its catalog MD5: of the bytes as stored, or of its gzip content.</summary>
internal static class FileChecksum
{
    private const int BufferSize = 1 << 16;

    /// <summary>The MD5 (lower-case hex) that <paramref name="file"/>'s checksum is compared with, or a description of why none could be taken.</summary>
    public static string Compute(DownloadFile file, string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        if (file.GzipContentBytes is not { } contentBytes)
        {
            return Convert.ToHexStringLower(MD5.HashData(stream));
        }

        // Bounded: a gzip bomb stops at one byte past the expected content size.
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        byte[] buffer = new byte[BufferSize];
        long total = 0;
        try
        {
            int n;
            while ((n = gzip.Read(buffer, 0, (int)Math.Min(buffer.Length, contentBytes + 1 - total))) > 0)
            {
                total += n;
                if (total > contentBytes)
                {
                    return $"more than the expected {contentBytes:N0} bytes of gzip content";
                }

                md5.AppendData(buffer, 0, n);
            }
        }
        catch (InvalidDataException e)
        {
            return $"not a valid gzip file ({e.Message})";
        }

        return total == contentBytes
            ? Convert.ToHexStringLower(md5.GetHashAndReset())
            : $"{total:N0} bytes of gzip content, expected {contentBytes:N0}";
    }

    public static bool Matches(DownloadFile file, string path) =>
        string.Equals(Compute(file, path), file.Md5, StringComparison.OrdinalIgnoreCase);

    /// <summary>What is checksummed, for messages.</summary>
    public static string What(DownloadFile file) => file.GzipContentBytes is null ? "MD5" : "MD5 of the decompressed content";
}
