namespace Neuromorphic.Hardware;

/// <summary>The one way chip and network description files are read from disk, so that no path (a disk image,
/// /dev/urandom, a FIFO) can make the program block or allocate without bound.</summary>
internal static class BoundedTextFile
{
    /// <summary>Reads a file of 1 byte to <paramref name="maxBytes"/>, regular files only: devices, FIFOs and sockets
    /// report a length of 0 and are refused before they are opened; the read itself stops one byte past the cap, so a
    /// file that grows meanwhile is still bounded. <paramref name="kind"/> names the file in messages ("chip file").</summary>
    public static string Read(string path, long maxBytes, string kind)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length == 0)
                throw new HardwareModelException(path, 0, "(file)",
                    $"the file is empty or is not a regular file (a device, FIFO or socket); a {kind} is a regular file of 1 to {maxBytes} bytes");
            if (info.Exists && info.Length > maxBytes)
                throw new HardwareModelException(path, 0, "(file)", $"the file is {info.Length} bytes; a {kind} is at most {maxBytes} bytes");
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            var buffer = new byte[(int)Math.Min(maxBytes + 1, Math.Max(1, stream.Length + 1))];
            int n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (n > maxBytes)
                throw new HardwareModelException(path, 0, "(file)", $"the file is larger than {maxBytes} bytes, the most a {kind} may hold");
            using var reader = new StreamReader(new MemoryStream(buffer, 0, n), detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new HardwareModelException(path, 0, "(file)", "cannot read the file: " + e.Message, e);
        }
    }
}
