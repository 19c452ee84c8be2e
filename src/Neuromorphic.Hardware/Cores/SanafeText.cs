using System.Globalization;
using System.Text;

namespace Neuromorphic.Hardware.Cores;

/// <summary>Numbers written the way SANA-FE's C++ streams write them, so that the two tools' outputs can be diffed:
/// the default format (%g, 6 significant digits) and the scientific one (%e, 6 decimals, two-digit exponent).</summary>
internal static class SanafeText
{
    /// <summary>Room enough for any number <see cref="General(double, Span{byte})"/> writes ("-1.23457e-308").</summary>
    public const int MaxGeneralBytes = 32;

    public static string General(double value)
    {
        Span<byte> text = stackalloc byte[MaxGeneralBytes];
        return Encoding.ASCII.GetString(text[..General(value, text)]);
    }

    /// <summary>Writes <paramref name="value"/> as %g does into <paramref name="utf8"/> (at least
    /// <see cref="MaxGeneralBytes"/> long); returns the bytes written. No string is made: potentials.csv has millions.</summary>
    public static int General(double value, Span<byte> utf8)
    {
        if (double.IsNaN(value)) return Copy("nan"u8, utf8);
        if (double.IsInfinity(value)) return Copy(value > 0 ? "inf"u8 : "-inf"u8, utf8);
        if (value == 0) return Copy(double.IsNegative(value) ? "-0"u8 : "0"u8, utf8);
        int written;
        if (value == Math.Floor(value) && Math.Abs(value) < 1e6)
        {
            ((long)value).TryFormat(utf8, out written, default, CultureInfo.InvariantCulture);
            return written;
        }
        if (SixDigits(value, utf8) is var length and > 0) return length;
        // .NET's G6 follows %g's rules (fixed notation for exponents -4..5, trailing zeros dropped); only the
        // exponent's letter differs.
        value.TryFormat(utf8, out written, "G6", CultureInfo.InvariantCulture);
        int e = utf8[..written].IndexOf((byte)'E');
        if (e >= 0) utf8[e] = (byte)'e';
        return written;
    }

    // 10^0 .. 10^22: every one exact in a double.
    private static readonly double[] PowersOfTen = [.. Enumerable.Range(0, 23).Select(k => double.Parse($"1e{k}", CultureInfo.InvariantCulture))];

    /// <summary>The same text as G6 for |value| in [1e-17, 1e28), in a tenth of G6's time: value scaled by the power of
    /// ten that leaves six digits before the point (a product or quotient with an exact power, so one rounding, at most
    /// 1.2e-10 at 1e6), rounded to the nearest whole number. Wherever the scaled value's fraction is not within 1e-9 of
    /// one half, that rounding is the one G6 makes on the exact value. %g then writes fixed notation for decimal
    /// exponents -4..5 and d.ddddde±XX elsewhere, trailing zeros dropped. A near tie, a carry into a seventh digit,
    /// a misjudged exponent or another range returns 0, and G6 decides.</summary>
    private static int SixDigits(double value, Span<byte> utf8)
    {
        double magnitude = Math.Abs(value);
        if (!(magnitude >= 1e-17 && magnitude < 1e28)) return 0;
        int exponent = (int)Math.Floor(Math.Log10(magnitude)); // off by one next to a power of ten: the digit check catches it
        if (exponent is < -17 or > 27) return 0; // Log10 rounds up to 28 just below 1e28
        int shift = 5 - exponent; // -22..22
        double scaled = shift >= 0 ? magnitude * PowersOfTen[shift] : magnitude / PowersOfTen[-shift];
        double floor = Math.Floor(scaled);
        if (Math.Abs(scaled - floor - 0.5) < 1e-9) return 0;
        long digits = (long)(scaled - floor < 0.5 ? floor : floor + 1);
        if (digits is < 100_000 or >= 1_000_000) return 0;

        Span<byte> six = stackalloc byte[6];
        for (int i = 5; i >= 0; i--, digits /= 10) six[i] = (byte)('0' + digits % 10);
        int significant = 6;
        while (six[significant - 1] == '0') significant--; // %g drops trailing zeros
        int n = 0;
        if (value < 0) utf8[n++] = (byte)'-';
        if (exponent is < -4 or > 5)
        {
            utf8[n++] = six[0];
            if (significant > 1)
            {
                utf8[n++] = (byte)'.';
                six[1..significant].CopyTo(utf8[n..]);
                n += significant - 1;
            }
            utf8[n++] = (byte)'e';
            utf8[n++] = exponent < 0 ? (byte)'-' : (byte)'+';
            int e = Math.Abs(exponent); // at most 27: two digits
            utf8[n++] = (byte)('0' + e / 10);
            utf8[n++] = (byte)('0' + e % 10);
        }
        else if (exponent >= 0)
        {
            six[..Math.Min(significant, exponent + 1)].CopyTo(utf8[n..]);
            n += Math.Min(significant, exponent + 1);
            for (int i = significant; i < exponent + 1; i++) utf8[n++] = (byte)'0';
            if (significant > exponent + 1)
            {
                utf8[n++] = (byte)'.';
                six[(exponent + 1)..significant].CopyTo(utf8[n..]);
                n += significant - exponent - 1;
            }
        }
        else
        {
            utf8[n++] = (byte)'0';
            utf8[n++] = (byte)'.';
            for (int i = -1; i > exponent; i--) utf8[n++] = (byte)'0';
            six[..significant].CopyTo(utf8[n..]);
            n += significant;
        }
        return n;
    }

    private static int Copy(ReadOnlySpan<byte> literal, Span<byte> utf8)
    {
        literal.CopyTo(utf8);
        return literal.Length;
    }

    public static string Scientific(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        string e = value.ToString("E6", CultureInfo.InvariantCulture); // d.ddddddE+ddd
        int at = e.IndexOf('E');
        int exp = int.Parse(e[(at + 1)..], CultureInfo.InvariantCulture);
        return e[..at] + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
    }
}
