using System.IO.Compression;

namespace Neuromorphic.Datasets;

/// <summary>
/// File access shared by the readers. Its job is to turn every low-level failure (missing file,
/// early end of stream, corrupt gzip, I/O error) into a DatasetFormatException naming the file.
/// </summary>
internal static class BinaryFiles
{
    private const int BufferSize = 1 << 16;

    public static void RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetFormatException(path, "missing file: expected it to exist, found nothing at this path.");
        }
    }

    public static long Length(string path)
    {
        RequireFile(path);
        try
        {
            return new FileInfo(path).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException(path, $"cannot read the file size: {e.Message}", e);
        }
    }

    public static FileStream OpenRead(string path)
    {
        RequireFile(path);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException(path, $"cannot open the file: {e.Message}", e);
        }
    }

    /// <summary>
    /// Opens a file that may be gzipped. Gzip is recognised by its 1f 8b magic, not by the file
    /// name, since people rename and decompress files freely.
    /// </summary>
    public static Stream OpenMaybeGzip(string path, out bool isGzip)
    {
        FileStream file = OpenRead(path);
        try
        {
            Span<byte> magic = stackalloc byte[2];
            int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            file.Position = 0;
            isGzip = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            return isGzip ? new BufferedStream(new GZipStream(file, CompressionMode.Decompress), BufferSize) : file;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            file.Dispose();
            throw new DatasetFormatException(path, $"cannot read the file: {e.Message}", e);
        }
    }

    public static bool IsGzip(string path)
    {
        using Stream stream = OpenMaybeGzip(path, out bool isGzip);
        return isGzip;
    }

    /// <summary>Fills <paramref name="buffer"/> or throws a "truncated" error describing <paramref name="what"/>.</summary>
    public static void ReadExactly(Stream stream, Span<byte> buffer, string path, string what)
    {
        int got;
        try
        {
            got = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw ReadFailure(path, what, e);
        }

        if (got < buffer.Length)
        {
            throw new DatasetFormatException(
                path, $"truncated file: expected {buffer.Length} more bytes for {what}, found only {got} before the end.");
        }
    }

    /// <summary>
    /// Reads exactly <paramref name="length"/> bytes from a stream whose real length is unknown up front (gzip).
    /// The length comes from a header, so it is not trusted for allocation: chunks grow with the data that
    /// actually arrives, and a header claiming more than the stream holds costs about twice the real data, not
    /// what the header says.
    /// </summary>
    public static byte[] ReadDeclared(Stream stream, long length, string path, string what)
    {
        // Read first, so that a header claiming more than the data holds is reported as truncated.
        long target = Math.Min(length, Array.MaxLength);
        var chunks = new List<byte[]>();
        long total = 0;
        int size = FirstChunkBytes;
        while (total < target)
        {
            var chunk = new byte[(int)Math.Min(size, target - total)];
            int got;
            try
            {
                got = stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                throw ReadFailure(path, what, e);
            }

            total += got;
            if (got < chunk.Length)
            {
                throw new DatasetFormatException(
                    path, $"truncated file: expected {length} bytes for {what}, found only {total} before the end.");
            }

            chunks.Add(chunk);
            size = (int)Math.Min(2L * size, Array.MaxLength);
        }

        CheckFitsInMemory(length, path, what);
        if (chunks.Count == 1)
        {
            return chunks[0];
        }

        var result = new byte[length];
        long at = 0;
        foreach (byte[] chunk in chunks)
        {
            chunk.CopyTo(result, at);
            at += chunk.Length;
        }

        return result;
    }

    // First chunk of ReadDeclared: small files are read in one allocation, large ones double from here.
    private const int FirstChunkBytes = 1 << 16;

    /// <summary>Reads to the end and returns how many bytes were left (used to check exact lengths of gzipped data).
    /// Stops once more than <paramref name="expected"/> bytes were seen (then <c>AtEnd</c> is false and the count is a lower
    /// bound): a gzip bomb need not be inflated to be refused.</summary>
    public static (long Count, bool AtEnd) CountRemaining(Stream stream, string path, long expected)
    {
        byte[] scratch = new byte[BufferSize];
        long total = 0;
        try
        {
            int got;
            while ((got = stream.Read(scratch, 0, scratch.Length)) > 0)
            {
                total += got;
                if (total > expected)
                {
                    return (total, stream.Read(scratch, 0, 1) == 0);
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw ReadFailure(path, "the rest of the data", e);
        }

        return (total, true);
    }

    public static DatasetFormatException ReadFailure(string path, string what, Exception e) =>
        e is InvalidDataException
            ? new DatasetFormatException(path, $"corrupt gzip data while reading {what}: {e.Message}", e)
            : new DatasetFormatException(path, $"read error while reading {what}: {e.Message}", e);

    /// <summary>
    /// Reads class names separated by any whitespace (so trailing blank lines and CRLF do not
    /// matter) and insists on exactly <paramref name="expected"/> of them.
    /// </summary>
    public static string[] ReadNames(string path, int expected)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException(path, $"cannot read class names: {e.Message}", e);
        }

        string[] names = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (names.Length != expected)
        {
            throw new DatasetFormatException(
                path, $"expected {expected} class names separated by whitespace, found {names.Length}.");
        }

        return names;
    }

    /// <summary>Names from <paramref name="path"/> when that file exists, otherwise the fallback.</summary>
    public static IReadOnlyList<string> NamesOrDefault(string path, IReadOnlyList<string> fallback) =>
        File.Exists(path) ? ReadNames(path, fallback.Count) : fallback;

    public static string[] Numbered(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Largest byte array we are willing to allocate for one split.</summary>
    public static void CheckFitsInMemory(long bytes, string path, string what)
    {
        if (bytes > Array.MaxLength)
        {
            throw new DatasetFormatException(
                path, $"{what} needs {bytes} bytes, more than one in-memory array can hold ({Array.MaxLength}); use a limit or a streaming source.");
        }
    }

    public static int ResolveLimit(long available, int? limit)
    {
        if (limit is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n, nameof(limit));
            return (int)Math.Min(available, n);
        }

        return (int)Math.Min(available, int.MaxValue);
    }
}
