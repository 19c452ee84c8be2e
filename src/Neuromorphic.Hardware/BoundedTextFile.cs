namespace Neuromorphic.Hardware;

/// <summary>The one way chip and network description files are read from disk, so that no path (a disk image,
/// /dev/urandom, a FIFO) can make the program block or allocate without bound.</summary>
internal static class BoundedTextFile
{
    /// <summary>Reads a file of 1 byte to <paramref name="maxBytes"/> whole (see <see cref="Open"/>).</summary>
    public static string Read(string path, long maxBytes, string kind)
    {
        using var reader = Open(path, maxBytes, kind);
        return reader.ReadToEnd();
    }

    /// <summary>Opens a file of 1 byte to <paramref name="maxBytes"/> as text, regular files only: devices, FIFOs and
    /// sockets report a length of 0 and are refused before they are opened; reading stops with an error one byte past the
    /// cap, so a file that grows meanwhile is still bounded. <paramref name="kind"/> names the file in messages ("chip
    /// file"). Large files are read through this reader rather than whole: their text would take twice their size.</summary>
    public static TextReader Open(string path, long maxBytes, string kind)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length == 0)
                throw new HardwareModelException(path, 0, "(file)",
                    $"the file is empty or is not a regular file (a device, FIFO or socket); a {kind} is a regular file of 1 to {maxBytes} bytes");
            if (info.Exists && info.Length > maxBytes)
                throw new HardwareModelException(path, 0, "(file)", $"the file is {info.Length} bytes; a {kind} is at most {maxBytes} bytes");
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            return new StreamReader(new CappedStream(stream, maxBytes, path, kind), detectEncodingFromByteOrderMarks: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new HardwareModelException(path, 0, "(file)", "cannot read the file: " + e.Message, e);
        }
    }

    /// <summary>A read-only stream that fails once more than its cap has been read from the one below, and reports a read
    /// that fails as the file's error, whoever reads it (a parser streaming the file, or a whole read).</summary>
    private sealed class CappedStream(Stream inner, long maxBytes, string path, string kind) : Stream
    {
        private long read;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n;
            try { n = inner.Read(buffer); }
            catch (IOException e) { throw new HardwareModelException(path, 0, "(file)", "cannot read the file: " + e.Message, e); }
            if ((read += n) > maxBytes)
                throw new HardwareModelException(path, 0, "(file)", $"the file is larger than {maxBytes} bytes, the most a {kind} may hold");
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
