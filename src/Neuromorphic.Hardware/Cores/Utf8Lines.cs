using System.Globalization;
using System.Text;

namespace Neuromorphic.Hardware.Cores;

/// <summary>Text written straight as UTF-8 into a buffer, numbers formatted in place: potentials.csv has millions
/// of values and messages.csv ten values a message; a string for each (through a StreamWriter) took half a second for
/// the DVS example's potentials and 8 s for its 3.7 million messages.</summary>
internal sealed class Utf8Lines(Stream stream)
{
    private readonly byte[] buffer = new byte[1 << 16];
    private int used;

    public void Write(byte b)
    {
        if (used == buffer.Length) Flush();
        buffer[used++] = b;
    }

    public void Write(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > buffer.Length - used) Flush();
        if (utf8.Length > buffer.Length) { stream.Write(utf8); return; }
        utf8.CopyTo(buffer.AsSpan(used));
        used += utf8.Length;
    }

    public void Write(string text)
    {
        if (Encoding.UTF8.GetMaxByteCount(text.Length) > buffer.Length - used) Flush();
        if (Encoding.UTF8.GetMaxByteCount(text.Length) > buffer.Length) { stream.Write(Encoding.UTF8.GetBytes(text)); return; }
        used += Encoding.UTF8.GetBytes(text, buffer.AsSpan(used));
    }

    public void Write(long value)
    {
        if (buffer.Length - used < 20) Flush(); // long.MinValue is 20 characters
        value.TryFormat(buffer.AsSpan(used), out int written, default, CultureInfo.InvariantCulture);
        used += written;
    }

    public void WriteGeneral(double value)
    {
        if (buffer.Length - used < SanafeText.MaxGeneralBytes) Flush();
        used += SanafeText.General(value, buffer.AsSpan(used));
    }

    public void Flush()
    {
        stream.Write(buffer, 0, used);
        used = 0;
    }
}
